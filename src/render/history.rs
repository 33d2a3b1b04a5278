//! Output of `history`: each lead, its versions, and the changes under each version;
//! as JSON, one object per lead.

use std::io::{self, Write};

use leadcheck::leads::{State, Version};
use serde::Serialize;
use serde_json::Value;

use super::Palette;
use super::diff::{ChangeJson, field, write_changes, write_json};

/// The blank line between two leads of `history`.
pub fn write_separator(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)
}

/// The counts at the end of `history`.
#[derive(Debug, Clone, Copy)]
pub struct HistoryCounts {
    pub tally: leadcheck::check::Tally,
    pub leads: u64,
    pub shown: u64,
    pub without_id: u64,
}

/// `N records (U unreadable), L leads, S shown, W without lead_id (K inputs)`.
pub fn write_history_counts(out: &mut dyn Write, c: &HistoryCounts) -> io::Result<()> {
    use super::text::plural;
    let mut line = plural(c.tally.records, "record");
    if c.tally.unreadable > 0 {
        line.push_str(&format!(" ({} unreadable)", c.tally.unreadable));
    }
    line.push_str(&format!(", {}, {} shown", plural(c.leads, "lead"), c.shown));
    if c.without_id > 0 {
        line.push_str(&format!(", {} without lead_id", c.without_id));
    }
    if c.tally.failed_inputs > 0 {
        line.push_str(&format!(" ({})", super::text::inputs(&c.tally)));
    }
    writeln!(out, "{line}")
}

/// `note: no record has lead_id ID`.
pub fn write_no_such_lead(out: &mut dyn Write, p: Palette, wanted: &str) -> io::Result<()> {
    writeln!(
        out,
        "{}: no record has lead_id {}",
        p.warn("note"),
        super::escape(wanted)
    )
}

/// One lead of `history`: a heading, then each version with the changes under it.
pub fn write_lead(
    out: &mut dyn Write,
    p: Palette,
    state: &State,
    versions: &[Version],
) -> io::Result<()> {
    let n = versions.len();
    writeln!(
        out,
        "{} ({n} version{})",
        p.location(&format!("lead {}", field(&Some(state.id.clone())))),
        if n == 1 { "" } else { "s" }
    )?;
    let rows: Vec<[String; 4]> = versions
        .iter()
        .map(|v| {
            [
                super::location(&v.origin.input, Some(v.origin.start)),
                field(&v.trigger),
                field(&v.lead_state),
                field(&v.last_updated),
            ]
        })
        .collect();
    let mut widths = [0usize; 4];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for (k, (v, row)) in versions.iter().zip(&rows).enumerate() {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            let cell_text = if i == 0 {
                p.location(cell)
            } else {
                cell.clone()
            };
            line.push_str(&cell_text);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
        if k > 0 {
            if v.changes.is_empty() {
                writeln!(out, "      (no change)")?;
            } else {
                write_changes(out, p, &v.changes, "      ")?;
            }
        }
    }
    Ok(())
}

#[derive(Debug, Serialize)]
struct VersionJson<'a> {
    #[serde(flatten)]
    origin: &'a leadcheck::record::Origin,
    trigger: &'a Option<Value>,
    lead_state: &'a Option<Value>,
    last_updated: &'a Option<Value>,
    changes: Vec<ChangeJson<'a>>,
}

#[derive(Debug, Serialize)]
struct LeadJson<'a> {
    lead_id: &'a Value,
    versions: Vec<VersionJson<'a>>,
}

/// One lead of `history --format json`, on one line.
pub fn write_lead_json(out: &mut dyn Write, state: &State, versions: &[Version]) -> io::Result<()> {
    let lead = LeadJson {
        lead_id: &state.id,
        versions: versions
            .iter()
            .map(|v| VersionJson {
                origin: &v.origin,
                trigger: &v.trigger,
                lead_state: &v.lead_state,
                last_updated: &v.last_updated,
                changes: v.changes.iter().map(|c| ChangeJson::new(None, c)).collect(),
            })
            .collect(),
    };
    write_json(out, &lead)
}
