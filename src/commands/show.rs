//! `leadcheck show`: a card per lead (or a table row, or the card's data as JSON).

use anyhow::Result;
use leadcheck::card::{self, Card};
use leadcheck::check::{self, Checked, Tally};
use leadcheck::record::{Item, Numbered, Record};
use leadcheck::redact::Redactor;
use leadcheck::scan::{self, Event};
use leadcheck::schema::{Choice, SchemaError};

use crate::cli::{OutputFormat, ShowArgs};
use crate::exit::Outcome;
use crate::render::card::Table;
use crate::render::{self, Streams};

/// What `show` makes of a record.
enum Shown {
    Card(Box<Card>),
    Unreadable(Checked),
}

impl Numbered for Shown {
    fn set_record(&mut self, record: u64) {
        match self {
            Shown::Card(c) => c.origin.record = record,
            Shown::Unreadable(c) => c.set_record(record),
        }
    }
}

/// A record checked against its own type's schema, as a card.
fn show(choice: &Choice, item: Item) -> Result<Shown, SchemaError> {
    Ok(match item {
        Item::Record(record) => Shown::Card(Box::new(card_of(choice, &record)?)),
        Item::Unreadable(u) => Shown::Unreadable(Checked::unreadable(u)),
    })
}

fn card_of(choice: &Choice, record: &Record) -> Result<Card, SchemaError> {
    let schema = choice.schema_for(&record.value)?;
    let checked = check::check(schema, record, &check::Options::default());
    Ok(card::card(&checked, &record.value, &record.text))
}

/// `leadcheck show`.
pub fn run(args: &ShowArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    // Each record against the schema of its own lead type, as `validate` does by default.
    let choice = Choice::auto();
    let mut tally = Tally::default();
    let mut table = args.table.then(|| Table::new(s.width, s.flush_each));
    let (inputs, failures) = super::inputs(&args.input, s, false)?;
    for e in &failures {
        super::failed(s, &mut tally, e)?;
    }
    let options = super::scan_options(&args.input, args.input.jobs);
    let mut sink = |s: &mut Streams<'_>, event: Event<Result<Shown, SchemaError>>| -> Result<()> {
        match event {
            Event::Input { .. } => tally.inputs += 1,
            Event::Failed(e) => super::failed(s, &mut tally, &e)?,
            Event::Idle => s.out.flush()?,
            Event::Item(shown) => {
                match shown? {
                    Shown::Unreadable(checked) => {
                        tally.add(checked.status());
                        render::text::write_checked(s.err, s.err_palette, &checked)?;
                        match (&mut table, args.format) {
                            (Some(table), _) => {
                                let row = card::row(&card::unreadable(&checked));
                                table.push(s.out, s.out_palette, row)?;
                            }
                            (None, OutputFormat::Json) => {
                                render::card::write_unreadable_json(s.out, &checked)?
                            }
                            (None, OutputFormat::Text) => {}
                        }
                    }
                    Shown::Card(card) => {
                        tally.add(card.status);
                        match (&mut table, args.format) {
                            (Some(table), _) => {
                                table.push(s.out, s.out_palette, card::row(&card))?
                            }
                            (None, OutputFormat::Json) => {
                                render::card::write_card_json(s.out, &card)?
                            }
                            (None, OutputFormat::Text) => {
                                render::card::write_card(s.out, s.out_palette, &card, s.width)?
                            }
                        }
                    }
                }
                if s.flush_each {
                    s.out.flush()?;
                }
            }
        }
        Ok(())
    };
    if args.redact {
        // Placeholders are numbered in input order: records are parsed in parallel, and
        // redacted, checked and shown in order. Checking the redacted record means no
        // message quotes a personal value (the placeholders keep the verdict).
        let mut redactor = Redactor::new();
        let work = |item: Item| item;
        scan::scan(inputs, &options, &work, &mut |event| {
            let event = event.map(|mut item| {
                if let Item::Record(r) = &mut item {
                    redactor.value(&mut r.value);
                }
                show(&choice, item)
            });
            sink(s, event)
        })?;
    } else {
        let work = |item: Item| show(&choice, item);
        scan::scan(inputs, &options, &work, &mut |event| sink(s, event))?;
    }
    if let Some(table) = &mut table {
        table.flush(s.out)?;
    }
    s.out.flush()?;
    Ok(Outcome::of(&tally))
}
