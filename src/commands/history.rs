//! `leadcheck history`: how each lead evolved across a capture.
//!
//! Records are read one at a time; each lead keeps its latest state (to compare the next
//! record with) and, for each version, its summary and its changes. The leads are shown
//! once every input is read, in order of first arrival.

use anyhow::Result;
use leadcheck::check::{Checked, Tally};
use leadcheck::leads::{self, History};
use leadcheck::record::Item;
use leadcheck::scan::{self, Event};

use crate::cli::{HistoryArgs, HistoryFormat};
use crate::exit::Outcome;
use crate::render::diff as changes;
use crate::render::history as out;
use crate::render::{self, Streams};

/// `leadcheck history`.
pub fn run(args: &HistoryArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let options = super::diff_options(&args.compare)?;
    let literal = args.compare.literal;
    let mut history = History::default();
    let mut tally = Tally::default();
    let mut without_id = 0u64;
    let (inputs, failures) = super::inputs(&args.input, s, false)?;
    for e in &failures {
        super::failed(s, &mut tally, e)?;
    }
    let work = |item: Item| item;
    let scan_options = super::scan_options(&args.input, args.input.jobs);
    scan::scan(inputs, &scan_options, &work, &mut |event| -> Result<()> {
        match event {
            Event::Input { .. } => tally.inputs += 1,
            Event::Failed(e) => super::failed(s, &mut tally, &e)?,
            Event::Idle => {}
            Event::Item(Item::Unreadable(u)) => {
                let checked = Checked::unreadable(u);
                tally.add(checked.status());
                render::text::write_checked(s.err, s.err_palette, &checked)?;
            }
            Event::Item(Item::Record(record)) => {
                tally.records += 1;
                tally.valid += 1;
                // With --lead, the other leads are not even kept.
                if let Some(wanted) = &args.lead
                    && leads::lead_key(&record.value).as_deref() != Some(wanted.as_str())
                {
                    return Ok(());
                }
                let origin = record.origin.clone();
                if history
                    .add(
                        &record.value,
                        &record.text,
                        record.origin,
                        &options,
                        literal,
                    )
                    .is_err()
                {
                    without_id += 1;
                    render::text::write_note(
                        s.err,
                        s.err_palette,
                        &origin.input,
                        Some(origin.start),
                        "no lead_id: record left out of the history",
                    )?;
                }
            }
        }
        Ok(())
    })?;
    let mut shown = 0u64;
    for (_, state, versions) in history.leads() {
        if args.changed_only && versions.len() < 2 {
            continue;
        }
        for v in versions {
            for f in &v.fallbacks {
                changes::write_fallback(s.err, s.err_palette, &v.origin, f)?;
            }
        }
        match args.format {
            HistoryFormat::Text => {
                if shown > 0 {
                    out::write_separator(s.out)?;
                }
                out::write_lead(s.out, s.out_palette, state, versions)?;
            }
            HistoryFormat::Json => out::write_lead_json(s.out, state, versions)?,
        }
        shown += 1;
        if s.flush_each {
            s.out.flush()?;
        }
    }
    s.out.flush()?;
    if args.format == HistoryFormat::Text {
        let counts = out::HistoryCounts {
            tally,
            leads: history.len() as u64,
            shown,
            without_id,
        };
        out::write_history_counts(s.err, &counts)?;
    }
    let mut outcome = Outcome::of(&tally);
    if let Some(wanted) = &args.lead
        && history.is_empty()
    {
        out::write_no_such_lead(s.err, s.err_palette, wanted)?;
        outcome = outcome.worst(Outcome::Found);
    }
    Ok(outcome)
}
