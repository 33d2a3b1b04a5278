//! `leadcheck validate`: every record of every input checked against the schema.

use anyhow::Result;

use crate::capture;
use crate::cli::{ValidateArgs, ValidateFormat};
use crate::error::Outcome;
use crate::input::{self, Item, Source};
use crate::render;
use crate::run::Streams;
use crate::schema::{Schema, SchemaError, Schemas};
use crate::validate::{self, Checked, Options, Tally};

/// The schema each record is checked against.
enum Choice {
    /// `--schema FILE` or a forced `--type`: one schema for every record.
    Fixed(Schema),
    /// `--type auto`: the schema of each record's lead_type, compiled when first needed.
    Auto(Box<Schemas>),
}

impl Choice {
    fn check(&self, item: Item, options: Options) -> Result<Checked, SchemaError> {
        let schema = match (self, &item) {
            (Choice::Fixed(schema), _) => schema,
            (Choice::Auto(schemas), Item::Record(record)) => schemas.for_value(&record.value)?,
            // An unreadable record is not checked against anything.
            (Choice::Auto(schemas), Item::Unreadable(_)) => schemas.common()?,
        };
        Ok(validate::check_item(schema, item, options))
    }
}

/// `leadcheck validate`.
pub fn run(args: &ValidateArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let quiet = args.quiet;
    let schema = match (&args.schema, args.lead_type.lead_type()) {
        (Some(path), _) => Schema::from_path(path).map(Choice::Fixed),
        (None, Some(lead_type)) => Schema::for_type(lead_type).map(Choice::Fixed),
        (None, None) => Ok(Choice::Auto(Box::default())),
    };
    let choice = match schema {
        Ok(choice) => choice,
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
        let file_name = match &input.source {
            Source::File(path) => path.file_name().and_then(|n| n.to_str()),
            Source::Stdin => None,
        };
        let mut reader = capture::records(
            input.name.clone(),
            source,
            args.input.input_format,
            file_name,
        );
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
            let checked = choice.check(item, options)?;
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
