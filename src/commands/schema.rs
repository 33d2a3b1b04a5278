//! `leadcheck schema`: the bundled schema as one self-contained document.

use anyhow::Result;

use crate::error::Outcome;
use crate::explain;
use crate::render;
use crate::render::pretty::Layout;
use crate::run::Streams;

/// `leadcheck schema`: pretty-printed JSON, two-space indent, ending with a newline
/// (coloured like `fmt` on a terminal).
pub fn run(s: &mut Streams<'_>) -> Result<Outcome> {
    let layout = Layout {
        compact: false,
        indent: 2,
    };
    render::pretty::write_node(s.out, s.out_palette, &explain::bundle(), layout)?;
    s.out.flush()?;
    Ok(Outcome::Ok)
}
