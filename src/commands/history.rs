//! `leadcheck history`: how each lead evolved across a capture.
//!
//! Records are read one at a time; each lead keeps its latest state (to compare the next
//! record with) and, for each version, its summary and its changes. The leads are shown
//! once every input is read, in order of first arrival.

use anyhow::Result;

use crate::cli::{HistoryArgs, HistoryFormat};
use crate::diff::{Ignore, Options};
use crate::error::Outcome;
use crate::input::Item;
use crate::leads::{self, History};
use crate::render::diff as out;
use crate::run::Streams;

/// `leadcheck history`.
pub fn run(args: &HistoryArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let ignore = Ignore::new(&args.compare.ignore).map_err(anyhow::Error::msg)?;
    let options = Options {
        ignore,
        ..Options::default()
    };
    let literal = args.compare.literal;
    let mut outcome = Outcome::Ok;
    let mut history = History::default();
    let mut records = 0u64;
    let mut unreadable = 0u64;
    let mut without_id = 0u64;
    let read = super::each_item(&args.input.inputs, args.input.input_format, s, |s, item| {
        match item {
            Item::Unreadable(u) => {
                outcome = Outcome::Error;
                records += 1;
                unreadable += 1;
                out::write_unreadable(s.err, s.err_palette, &u)?;
            }
            Item::Record(record) => {
                records += 1;
                // With --lead, the other leads are not even kept.
                if let Some(wanted) = &args.lead
                    && leads::lead_key(&record.value).as_deref() != Some(wanted.as_str())
                {
                    return Ok(());
                }
                let origin = record.origin.clone();
                if history
                    .add(record.value, record.origin, &options, literal)
                    .is_err()
                {
                    without_id += 1;
                    out::write_note(
                        s.err,
                        s.err_palette,
                        &origin,
                        "no lead_id: record left out of the history",
                    )?;
                }
            }
        }
        Ok(())
    })?;
    if read.failed_inputs > 0 {
        outcome = Outcome::Error;
    }
    let mut shown = 0usize;
    for (_, state, versions) in history.leads() {
        if args.changed_only && versions.len() < 2 {
            continue;
        }
        for v in versions {
            for f in &v.fallbacks {
                out::write_note(s.err, s.err_palette, &v.origin, &out::fallback_message(f))?;
            }
        }
        match args.format {
            HistoryFormat::Text => {
                if shown > 0 {
                    writeln!(s.out)?;
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
        let plural = |n: u64, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let mut line = plural(records, "record");
        if unreadable > 0 {
            line.push_str(&format!(" ({unreadable} unreadable)"));
        }
        line.push_str(&format!(
            ", {}, {shown} shown",
            plural(history.len() as u64, "lead")
        ));
        if without_id > 0 {
            line.push_str(&format!(", {without_id} without lead_id"));
        }
        writeln!(s.err, "{line}")?;
    }
    if let Some(wanted) = &args.lead
        && history.is_empty()
    {
        writeln!(
            s.err,
            "{}: no record has lead_id {wanted}",
            s.err_palette.warn("note")
        )?;
        return Ok(outcome.worst(Outcome::Found));
    }
    Ok(outcome)
}
