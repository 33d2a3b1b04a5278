//! `leadcheck explain [FIELD]`.

use anyhow::{Result, bail};

use crate::cli::ExplainArgs;
use crate::exit::Outcome;
use crate::render;
use crate::render::Streams;
use leadcheck::{explain, lint};

/// `leadcheck explain`: a field of the schema, or a lint rule's page. An unknown name is a
/// usage error (exit status 2), with a did-you-mean for a near miss.
pub fn run(args: &ExplainArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    match &args.field {
        None => render::explain::write_list(s.out, s.out_palette, &explain::list())?,
        Some(name) if lint::page(name).is_some() => {
            render::lint::write_page(s.out, lint::page(name).unwrap_or_default())?
        }
        Some(field) => match explain::explain(field) {
            Ok(doc) => render::explain::write_field(s.out, s.out_palette, &doc, s.width)?,
            Err(suggestion) => {
                let rules = lint::rules().iter().map(|r| r.name);
                let hint = match suggestion
                    .or_else(|| leadcheck::suggest::closest(field, rules).map(String::from))
                {
                    Some(name) => format!("; did you mean \"{name}\"?"),
                    None => {
                        "; `leadcheck explain` lists the fields, `leadcheck lint --list` the rules"
                            .into()
                    }
                };
                bail!("no field or lint rule \"{}\"{hint}", render::escape(field));
            }
        },
    }
    s.out.flush()?;
    Ok(Outcome::Ok)
}
