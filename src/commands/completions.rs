//! `leadcheck completions SHELL`: a completion script generated from the command line's
//! own definition (clap_complete), so it never falls behind the options.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::Outcome;
use crate::render::Streams;

/// `leadcheck completions`.
pub fn run(args: &CompletionsArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "leadcheck", s.out);
    s.out.flush()?;
    Ok(Outcome::Ok)
}
