//! One module per command: each reads its inputs through the scanner, calls the library,
//! and hands the results to the renderers with the [`Streams`] it is given.

pub mod completions;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod history;
pub mod lint;
pub mod listen;
pub mod man;
pub mod sample;
pub mod schema;
pub mod send;
pub mod show;
pub mod stats;
pub mod validate;

use anyhow::Result;
use leadcheck::capture::ReadOptions;
use leadcheck::check::Tally;
use leadcheck::input::{self, Input, InputError};
use leadcheck::scan;

use crate::cli::InputArgs;
use crate::render::{self, Streams};

/// The inputs a command's INPUT arguments name, and the arguments that named nothing
/// readable (for the caller to report). What a directory walk skipped is noted on stderr,
/// unless `quiet`.
pub(crate) fn inputs(
    args: &InputArgs,
    s: &mut Streams<'_>,
    quiet: bool,
) -> Result<(Vec<Input>, Vec<InputError>)> {
    let expanded = input::expand(&args.inputs, s.stdin_is_terminal)?;
    if !quiet {
        for skipped in &expanded.skipped {
            render::text::write_skipped(s.err, s.err_palette, skipped)?;
        }
    }
    Ok((expanded.inputs, expanded.failures))
}

/// Reports an input that could not be read, on stderr, and counts it.
pub(crate) fn failed(s: &mut Streams<'_>, tally: &mut Tally, e: &InputError) -> Result<()> {
    tally.failed_inputs += 1;
    render::text::write_input_error(s.err, s.err_palette, e)?;
    Ok(())
}

/// leadcheck.toml: the file given, or the one of the current directory or the nearest
/// directory above it. A file that cannot be read or is not right is an error (exit 2).
pub(crate) fn config(
    explicit: Option<&std::path::Path>,
) -> Result<Option<std::sync::Arc<leadcheck::lint::Config>>> {
    use leadcheck::lint::Config;
    let config = match explicit {
        Some(path) => Config::load(path).map(Some),
        None => Config::discover(&std::env::current_dir()?),
    };
    config
        .map(|c| c.map(std::sync::Arc::new))
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// `--ignore` patterns: the command line's, else leadcheck.toml's `[diff] ignore`.
fn ignore_patterns(args: &crate::cli::CompareArgs) -> Result<Vec<String>> {
    if !args.ignore.is_empty() {
        return Ok(args.ignore.clone());
    }
    Ok(config(None)?
        .and_then(|c| c.diff.ignore.clone())
        .unwrap_or_default())
}

/// How `diff` and `history` compare versions of a record: what `--ignore` leaves out.
pub(crate) fn diff_options(args: &crate::cli::CompareArgs) -> Result<leadcheck::diff::Options> {
    let ignore =
        leadcheck::diff::Ignore::new(&ignore_patterns(args)?).map_err(anyhow::Error::msg)?;
    Ok(leadcheck::diff::Options {
        ignore,
        ..leadcheck::diff::Options::default()
    })
}

/// How the scanner reads a command's inputs.
pub(crate) fn scan_options(args: &InputArgs, jobs: Option<u16>) -> scan::Options {
    scan::Options {
        read: ReadOptions {
            format: args.input_format.into(),
            lists: true,
        },
        jobs: jobs.map(usize::from),
        sequential: args.sequential,
    }
}
