//! `leadcheck show`: a card per lead (or a table row, or the card's data as JSON).

use anyhow::Result;

use crate::cli::{OutputFormat, ShowArgs};
use crate::error::Outcome;
use crate::input::{Item, Record};
use crate::redact::Redactor;
use crate::render;
use crate::render::card::Table;
use crate::run::Streams;
use crate::schema::Choice;
use crate::summary;
use crate::validate::{self, Options, Tally};

/// `leadcheck show`.
pub fn run(args: &ShowArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    // Each record against the schema of its own lead type, as `validate` does by default.
    let choice = Choice::Auto(Box::default());
    let mut tally = Tally::default();
    let mut redactor = args.redact.then(Redactor::new);
    let mut table = args.table.then(|| Table::new(s.width, s.flush_each));
    let width = s.width;
    let inputs = super::each_item(&args.input.inputs, args.input.input_format, s, |s, item| {
        let record = match item {
            Item::Record(record) => record,
            Item::Unreadable(u) => {
                let checked =
                    validate::check_choice(&choice, Item::Unreadable(u), Options::default())?;
                tally.add(&checked);
                render::text::write_checked(s.err, s.err_palette, &checked)?;
                match (&mut table, args.format) {
                    (Some(table), _) => {
                        let row = summary::row(&summary::unreadable(&checked));
                        table.push(s.out, s.out_palette, row)?;
                    }
                    (None, OutputFormat::Json) => {
                        render::card::write_unreadable_json(s.out, &checked)?
                    }
                    (None, OutputFormat::Text) => {}
                }
                return Ok(());
            }
        };
        // With --redact, the record is checked as redacted, so that no message quotes a
        // personal value (the placeholders keep the verdict).
        let record = match &mut redactor {
            Some(r) => {
                let mut value = record.value;
                r.value(&mut value);
                Record { value, ..record }
            }
            None => record,
        };
        let checked = validate::check(
            choice.schema_for(&record.value)?,
            &record,
            Options::default(),
        );
        tally.add(&checked);
        let card = summary::card(&checked, &record.value, &record.raw);
        match (&mut table, args.format) {
            (Some(table), _) => table.push(s.out, s.out_palette, summary::row(&card))?,
            (None, OutputFormat::Json) => render::card::write_card_json(s.out, &card)?,
            (None, OutputFormat::Text) => {
                render::card::write_card(s.out, s.out_palette, &card, width)?
            }
        }
        Ok(())
    })?;
    tally.inputs = inputs.inputs;
    tally.failed_inputs = inputs.failed_inputs;
    if let Some(table) = &mut table {
        table.flush(s.out)?;
    }
    Ok(tally.outcome())
}
