//! `leadcheck validate`: every record of every input checked against the schema.

use anyhow::Result;

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::error::Outcome;
use crate::input::{self, Reader};
use crate::render;
use crate::run::Streams;
use crate::schema::Schema;
use crate::validate::{self, Options, Tally};

/// `leadcheck validate`.
pub fn run(args: &ValidateArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let quiet = args.quiet;
    let schema = match &args.schema {
        Some(path) => Schema::from_path(path),
        None => Schema::bundled(),
    };
    let schema = match schema {
        Ok(schema) => schema,
        Err(e) if quiet => {
            let _ = e;
            return Ok(Outcome::Error);
        }
        Err(e) => return Err(e.into()),
    };
    let options = Options {
        strict: args.strict,
    };
    let mut tally = Tally::default();
    let (inputs, errors) = input::expand(&args.input.inputs);
    for e in &errors {
        tally.failed_inputs += 1;
        if !quiet {
            render::text::write_input_error(s.err, s.err_palette, &e.name, None, &e.message)?;
        }
    }
    for input in inputs {
        tally.inputs += 1;
        let source = match input.open() {
            Ok(source) => source,
            Err(e) => {
                tally.failed_inputs += 1;
                if !quiet {
                    let message = format!("cannot open: {}", input::io_message(&e));
                    render::text::write_input_error(
                        s.err,
                        s.err_palette,
                        &input.name,
                        None,
                        &message,
                    )?;
                }
                continue;
            }
        };
        let mut reader = Reader::new(input.name.clone(), source);
        while let Some(item) = reader.next() {
            let item = match item {
                Ok(item) => item,
                Err(e) => {
                    tally.failed_inputs += 1;
                    if !quiet {
                        let message = format!("cannot read: {}", input::io_message(&e));
                        let at = Some(reader.position());
                        render::text::write_input_error(
                            s.err,
                            s.err_palette,
                            &input.name,
                            at,
                            &message,
                        )?;
                    }
                    break;
                }
            };
            let checked = validate::check_item(&schema, item, options);
            tally.add(&checked);
            if quiet {
                continue;
            }
            match args.format {
                ValidateFormat::Text => {
                    render::text::write_checked(s.out, s.out_palette, &checked)?
                }
                ValidateFormat::Json => render::json::write_checked(s.out, &checked)?,
            }
            if s.flush_each {
                s.out.flush()?;
            }
        }
    }
    s.out.flush()?;
    if !quiet {
        writeln!(s.err, "{}", render::text::summary(s.err_palette, &tally))?;
    }
    Ok(tally.outcome())
}
