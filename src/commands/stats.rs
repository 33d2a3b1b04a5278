//! `leadcheck stats`: a summary of every record of the inputs.

use anyhow::Result;
use leadcheck::check::{self, Checked, Tally};
use leadcheck::record::{Item, Numbered};
use leadcheck::scan::{self, Event};
use leadcheck::schema::{Choice, SchemaError};
use leadcheck::stats::Stats;
use serde_json::Value;

use crate::cli::{OutputFormat, StatsArgs};
use crate::exit::Outcome;
use crate::render::{self, Streams};

/// A record checked, with its value for the counters.
struct Seen(Checked, Option<Value>);

impl Numbered for Seen {
    fn set_record(&mut self, record: u64) {
        self.0.set_record(record);
    }
}

/// `leadcheck stats`. Unreadable records are reported on stderr as they come.
pub fn run(args: &StatsArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    // Each record against the schema of its own lead type, as `validate` does by default.
    let choice = Choice::auto();
    let mut tally = Tally::default();
    let mut stats = Stats::new();
    let (inputs, failures) = super::inputs(&args.input, s, false)?;
    for e in &failures {
        super::failed(s, &mut tally, e)?;
    }
    let work = |item: Item| -> Result<Seen, SchemaError> {
        Ok(match item {
            Item::Record(record) => {
                let schema = choice.schema_for(&record.value)?;
                let checked = check::check(schema, &record, &check::Options::default());
                Seen(checked, Some(record.value))
            }
            Item::Unreadable(u) => Seen(Checked::unreadable(u), None),
        })
    };
    let options = super::scan_options(&args.input, args.input.jobs);
    scan::scan(inputs, &options, &work, &mut |event| -> Result<()> {
        match event {
            Event::Input { .. } => tally.inputs += 1,
            Event::Failed(e) => super::failed(s, &mut tally, &e)?,
            Event::Idle => {}
            Event::Item(seen) => {
                let Seen(checked, value) = seen?;
                tally.add(checked.status());
                stats.add(&checked, value.as_ref());
                if value.is_none() {
                    render::text::write_checked(s.err, s.err_palette, &checked)?;
                }
            }
        }
        Ok(())
    })?;
    stats.set_inputs(&tally);
    match args.format {
        OutputFormat::Text => render::stats::write_text(s.out, s.out_palette, &stats)?,
        OutputFormat::Json => render::stats::write_json(s.out, &stats)?,
    }
    s.out.flush()?;
    Ok(Outcome::of(&tally))
}
