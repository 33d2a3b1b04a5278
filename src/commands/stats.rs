//! `leadcheck stats`: a summary of every record of the inputs.

use anyhow::Result;

use crate::cli::{OutputFormat, StatsArgs};
use crate::error::Outcome;
use crate::input::Item;
use crate::render;
use crate::run::Streams;
use crate::schema::Choice;
use crate::stats::Stats;
use crate::validate::{self, Options, Tally};

/// `leadcheck stats`. Unreadable records are reported on stderr as they come.
pub fn run(args: &StatsArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    // Each record against the schema of its own lead type, as `validate` does by default.
    let choice = Choice::Auto(Box::default());
    let mut tally = Tally::default();
    let mut stats = Stats::new();
    let inputs = super::each_item(&args.input.inputs, args.input.input_format, s, |s, item| {
        match item {
            Item::Record(record) => {
                let checked = validate::check(
                    choice.schema_for(&record.value)?,
                    &record,
                    Options::default(),
                );
                tally.add(&checked);
                stats.add(&checked, Some(&record.value));
            }
            Item::Unreadable(u) => {
                let checked =
                    validate::check_choice(&choice, Item::Unreadable(u), Options::default())?;
                tally.add(&checked);
                stats.add(&checked, None);
                render::text::write_checked(s.err, s.err_palette, &checked)?;
            }
        }
        Ok(())
    })?;
    tally.inputs = inputs.inputs;
    tally.failed_inputs = inputs.failed_inputs;
    stats.set_inputs(&tally);
    match args.format {
        OutputFormat::Text => render::stats::write_text(s.out, s.out_palette, &stats)?,
        OutputFormat::Json => render::stats::write_json(s.out, &stats)?,
    }
    Ok(tally.outcome())
}
