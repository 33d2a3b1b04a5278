//! `leadcheck schema`: the bundled schema as one self-contained document.

use anyhow::Result;

use crate::exit::Outcome;
use crate::render;
use crate::render::Streams;
use crate::render::pretty::Layout;
use leadcheck::explain;

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
