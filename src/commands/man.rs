//! `leadcheck man [COMMAND]`: the manual page in roff, generated from the command line's
//! own definition (clap_mangen), so it says what `--help` says.

use anyhow::{Result, bail};
use clap::CommandFactory;

use crate::cli::{Cli, ManArgs};
use crate::exit::Outcome;
use crate::render::Streams;

/// `leadcheck man`.
pub fn run(args: &ManArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let mut cmd = Cli::command();
    cmd.build();
    let man = match &args.command {
        None => clap_mangen::Man::new(cmd),
        Some(name) => match cmd.find_subcommand(name) {
            // Titled the git way, leadcheck-validate(1), as `man leadcheck-validate` finds it.
            Some(sub) => {
                clap_mangen::Man::new(sub.clone()).title(format!("leadcheck-{}", sub.get_name()))
            }
            None => bail!("no command {name:?} (see `leadcheck --help`)"),
        },
    };
    man.render(s.out)?;
    s.out.flush()?;
    Ok(Outcome::Ok)
}
