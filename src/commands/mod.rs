//! One module per command: each reads its inputs, calls the library, and writes through
//! the renderers to the [`Streams`](crate::run::Streams) it is given.

pub mod completions;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod history;
pub mod listen;
pub mod man;
pub mod sample;
pub mod schema;
pub mod show;
pub mod stats;
pub mod validate;

use std::path::PathBuf;

use anyhow::Result;

use crate::capture::{self, Format, Reading};
use crate::input::{self, Item};
use crate::render;
use crate::run::Streams;
use crate::validate::Tally;

/// Reads every record of the inputs, as `validate` does, and hands each one to `f`.
/// Inputs that cannot be expanded, opened or read to the end are reported on stderr.
/// Returns the counts of inputs read and of inputs that failed (as in a [`Tally`]).
pub(crate) fn each_item(
    inputs: &[PathBuf],
    format: Format,
    s: &mut Streams<'_>,
    mut f: impl FnMut(&mut Streams<'_>, Item) -> Result<()>,
) -> Result<Tally> {
    let mut tally = Tally::default();
    let (inputs, errors) = input::expand(inputs);
    for e in &errors {
        tally.failed_inputs += 1;
        render::text::write_input_error(s.err, s.err_palette, &e.name, None, &e.message)?;
    }
    for input in inputs {
        tally.inputs += 1;
        capture::read_input(&input, format, &mut |read| {
            match read {
                Reading::Item(item) => f(s, item)?,
                Reading::Failed { at, message } => {
                    tally.failed_inputs += 1;
                    render::text::write_input_error(
                        s.err,
                        s.err_palette,
                        &input.name,
                        at,
                        &message,
                    )?;
                }
            }
            if s.flush_each {
                s.out.flush()?;
            }
            Ok(())
        })?;
    }
    s.out.flush()?;
    Ok(tally)
}
