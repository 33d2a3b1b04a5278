//! `leadcheck validate`: every record of every input checked against the schema.

use anyhow::Result;

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::error::Outcome;
use crate::input;
use crate::pipeline::{self, Event};
use crate::render;
use crate::run::Streams;
use crate::schema::Schema;
use crate::validate::{Options, Tally};

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
    let jobs = args.jobs.map_or_else(pipeline::default_jobs, usize::from);
    pipeline::check_inputs(inputs, &schema, options, jobs, &mut |event| {
        match event {
            Event::Input(_) => tally.inputs += 1,
            Event::InputError { name, at, message } => {
                tally.failed_inputs += 1;
                if !quiet {
                    render::text::write_input_error(s.err, s.err_palette, &name, at, &message)?;
                }
            }
            Event::Checked(checked) => {
                tally.add(&checked);
                if quiet {
                    return Ok(());
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
        Ok(())
    })?;
    s.out.flush()?;
    if !quiet {
        writeln!(s.err, "{}", render::text::summary(s.err_palette, &tally))?;
    }
    Ok(tally.outcome())
}
