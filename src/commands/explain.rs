//! `leadcheck explain [FIELD]`.

use anyhow::{Result, bail};

use crate::cli::ExplainArgs;
use crate::exit::Outcome;
use crate::render;
use crate::render::Streams;
use leadcheck::explain;

/// `leadcheck explain`. An unknown field is a usage error (exit status 2), with a
/// did-you-mean for a near miss.
pub fn run(args: &ExplainArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    match &args.field {
        None => render::explain::write_list(s.out, s.out_palette, &explain::list())?,
        Some(field) => match explain::explain(field) {
            Ok(doc) => render::explain::write_field(s.out, s.out_palette, &doc, s.width)?,
            Err(suggestion) => {
                let hint = match suggestion {
                    Some(name) => format!("; did you mean \"{name}\"?"),
                    None => "; `leadcheck explain` lists the fields".into(),
                };
                bail!("unknown field \"{field}\"{hint}");
            }
        },
    }
    s.out.flush()?;
    Ok(Outcome::Ok)
}
