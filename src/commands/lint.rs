//! `leadcheck lint`: `validate` with the lint rules, and control over them.

use std::sync::Arc;

use anyhow::Result;
use leadcheck::check::Lint;
use leadcheck::lint::{Flag, Levels};

use crate::cli::{FailOn, LintArgs};
use crate::exit::Outcome;
use crate::render::{self, Streams};

/// `leadcheck lint`.
pub fn run(args: &LintArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let config = super::config(args.config.as_deref())?;
    let flags: Vec<Flag> = args
        .flags
        .iter()
        .map(|(_, action, name)| Flag::new(*action, name.clone()))
        .collect();
    let levels = Levels::resolve(config.as_deref(), &flags).map_err(anyhow::Error::msg)?;
    if args.list {
        render::lint::write_list(s.out, s.out_palette, &levels)?;
        s.out.flush()?;
        return Ok(Outcome::Ok);
    }
    let lint = Arc::new(Lint::new(levels, config.clone()));
    let (outcome, found) = super::validate::check(&args.check, config.as_deref(), Some(lint), s)?;
    let failing = match args.fail_on {
        Some(FailOn::Info) => found.warnings + found.infos > 0,
        Some(FailOn::Warn) => found.warnings > 0,
        None => false,
    } || args.max_warnings.is_some_and(|max| found.warnings > max);
    Ok(if failing {
        outcome.worst(Outcome::Found)
    } else {
        outcome
    })
}
