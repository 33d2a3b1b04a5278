//! Output of `diff` and `history`.
//!
//! Text: one line per change, aligned, `MARK POINTER  VALUE`: `+` added (the new value),
//! `-` removed (the old value), `~` changed (`old → new`). Values are compact JSON, cut
//! after [`MAX_VALUE_CHARS`] characters (the JSON formats give them whole).
//!
//! JSON: a change is `{"pointer", "kind", "old", "new"}` (`old` is null for an addition,
//! `new` for a removal), with `lead_id` first when the inputs are captures. Patch: RFC 6902.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use leadcheck::diff::{Change, Fallback, Kind};

use leadcheck::leads::{State, Version};

use super::Palette;

/// Values longer than this are cut in text output.
pub const MAX_VALUE_CHARS: usize = 100;

/// Pointers longer than this do not widen the pointer column.
const MAX_POINTER_COLUMN: usize = 40;

/// A value as compact JSON, cut to [`MAX_VALUE_CHARS`] characters.
pub fn short(value: &Value) -> String {
    let s = value.to_string();
    if s.chars().count() <= MAX_VALUE_CHARS {
        return s;
    }
    let mut cut: String = s.chars().take(MAX_VALUE_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// Writes the changes, one per line, each after `indent`, pointers in one column.
pub fn write_changes(
    out: &mut dyn Write,
    p: Palette,
    changes: &[Change],
    indent: &str,
) -> io::Result<()> {
    let width = changes
        .iter()
        .map(|c| super::shown_pointer(&c.pointer).chars().count())
        .filter(|&w| w <= MAX_POINTER_COLUMN)
        .max()
        .unwrap_or(0);
    for c in changes {
        let pointer = super::shown_pointer(&c.pointer);
        let pad = " ".repeat(width.saturating_sub(pointer.chars().count()));
        let value = |v: &Option<Value>| v.as_ref().map_or_else(String::new, short);
        let (mark, text) = match c.kind {
            Kind::Added => (p.good("+"), p.good(&value(&c.new))),
            Kind::Removed => (p.error("-"), p.error(&value(&c.old))),
            Kind::Changed => (
                p.warn("~"),
                format!("{} → {}", value(&c.old), p.warn(&value(&c.new))),
            ),
        };
        writeln!(out, "{indent}{mark} {}{pad}  {text}", p.pointer(&pointer))?;
    }
    Ok(())
}

/// A change as JSON.
#[derive(Debug, Serialize)]
pub struct ChangeJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<&'a Value>,
    pub pointer: &'a str,
    pub kind: Kind,
    pub old: &'a Option<Value>,
    pub new: &'a Option<Value>,
}

impl<'a> ChangeJson<'a> {
    pub fn new(lead_id: Option<&'a Value>, c: &'a Change) -> ChangeJson<'a> {
        ChangeJson {
            lead_id,
            pointer: &c.pointer,
            kind: c.kind,
            old: &c.old,
            new: &c.new,
        }
    }
}

/// Writes a JSON document and a newline.
pub fn write_json<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// The note for arrays compared index by index.
pub fn fallback_message(f: &Fallback) -> String {
    format!(
        "{}: arrays of {} and {} elements compared index by index (too many differences to align)",
        super::shown_pointer(&f.pointer),
        f.old_len,
        f.new_len
    )
}

/// `INPUT:LINE:COL: note: /xs: arrays of … compared index by index …`.
pub fn write_fallback(
    out: &mut dyn Write,
    p: Palette,
    at: &leadcheck::record::Origin,
    f: &Fallback,
) -> io::Result<()> {
    super::text::write_note(out, p, &at.input, Some(at.start), &fallback_message(f))
}

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

/// `+ lead ID only in NEW (INPUT:LINE:COL)` or `- lead ID only in OLD (…)`.
pub fn write_lead_only(
    out: &mut dyn Write,
    p: Palette,
    state: &State,
    new: bool,
) -> io::Result<()> {
    let (mark, side) = if new {
        (p.good("+"), "NEW")
    } else {
        (p.error("-"), "OLD")
    };
    let at = super::location(&state.last.input, Some(state.last.start));
    writeln!(
        out,
        "{mark} {} only in {side} ({at})",
        p.location(&format!("lead {}", field(&Some(state.id.clone()))))
    )
}

/// `~ lead ID (OLD:LINE:COL → NEW:LINE:COL)`: a lead in both, with changes.
pub fn write_lead_changed(
    out: &mut dyn Write,
    p: Palette,
    old: &State,
    new: &State,
) -> io::Result<()> {
    let o = super::location(&old.last.input, Some(old.last.start));
    let n = super::location(&new.last.input, Some(new.last.start));
    writeln!(
        out,
        "{} {} ({o} → {n})",
        p.warn("~"),
        p.location(&format!("lead {}", field(&Some(old.id.clone()))))
    )
}

/// The counts of a comparison of captures.
#[derive(Debug, Default)]
pub struct DiffCounts {
    pub both: usize,
    pub changed: usize,
    pub only_old: usize,
    pub only_new: usize,
    pub changes: (usize, usize, usize),
}

/// `2 leads in both (1 changed), 1 only in OLD, 1 only in NEW; 4 changes: …`.
pub fn write_diff_counts(out: &mut dyn Write, c: &DiffCounts) -> io::Result<()> {
    writeln!(
        out,
        "{} in both ({} changed), {} only in OLD, {} only in NEW; {}",
        match c.both {
            1 => "1 lead".to_string(),
            n => format!("{n} leads"),
        },
        c.changed,
        c.only_old,
        c.only_new,
        change_counts(c.changes)
    )
}

/// The count of changes of one comparison, on its own line.
pub fn write_change_counts(out: &mut dyn Write, counts: (usize, usize, usize)) -> io::Result<()> {
    writeln!(out, "{}", change_counts(counts))
}

/// `N changes: A added, R removed, C changed`, or `no differences`.
pub fn change_counts((added, removed, changed): (usize, usize, usize)) -> String {
    let n = added + removed + changed;
    if n == 0 {
        return "no differences".into();
    }
    format!(
        "{n} change{}: {added} added, {removed} removed, {changed} changed",
        if n == 1 { "" } else { "s" }
    )
}

/// A value of a version's summary line: a string without its quotes, `-` when absent.
fn field(v: &Option<Value>) -> String {
    match v {
        None => "-".into(),
        Some(Value::String(s)) => super::escape(s).into_owned(),
        Some(other) => short(other),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(pointer: &str, kind: Kind, old: Option<Value>, new: Option<Value>) -> Change {
        Change {
            pointer: pointer.into(),
            kind,
            old,
            new,
            path: pointer.into(),
        }
    }

    #[test]
    fn changes_are_aligned() {
        let changes = [
            change("/a", Kind::Added, None, Some(json!(1))),
            change(
                "/long/pointer",
                Kind::Changed,
                Some(json!("x")),
                Some(json!("y")),
            ),
            change("", Kind::Removed, Some(json!(null)), None),
        ];
        let mut out = Vec::new();
        write_changes(&mut out, Palette::PLAIN, &changes, "  ").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  + /a             1\n  ~ /long/pointer  \"x\" → \"y\"\n  - (root)         null\n"
        );
    }

    #[test]
    fn long_values_are_cut() {
        let long = Value::String("x".repeat(300));
        let s = short(&long);
        assert_eq!(s.chars().count(), MAX_VALUE_CHARS);
        assert!(s.ends_with('…'));
        assert_eq!(short(&json!({"a": 1})), "{\"a\":1}");
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(change_counts((0, 0, 0)), "no differences");
        assert_eq!(
            change_counts((0, 0, 1)),
            "1 change: 0 added, 0 removed, 1 changed"
        );
        assert_eq!(
            change_counts((2, 1, 0)),
            "3 changes: 2 added, 1 removed, 0 changed"
        );
    }
}
