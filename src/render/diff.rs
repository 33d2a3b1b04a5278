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

use crate::diff::{Change, Fallback, Kind};
use crate::input::{Origin, Unreadable};
use crate::leads::{State, Version};

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
        writeln!(out, "{indent}{mark} {}{pad}  {text}", p.pointer(pointer))?;
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

/// An unreadable record, as `validate` reports it: `INPUT:LINE:COL: unreadable: message`.
pub fn write_unreadable(out: &mut dyn Write, p: Palette, u: &Unreadable) -> io::Result<()> {
    writeln!(
        out,
        "{} {}: {}",
        p.location(&format!("{}:{}:", u.origin.input, u.at)),
        p.error("unreadable"),
        u.message
    )
}

/// A note about a record: `INPUT:LINE:COL: note: message`.
pub fn write_note(out: &mut dyn Write, p: Palette, at: &Origin, message: &str) -> io::Result<()> {
    writeln!(
        out,
        "{} {}: {message}",
        p.location(&format!("{}:{}:", at.input, at.start)),
        p.warn("note"),
    )
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
        Some(Value::String(s)) => s.clone(),
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
                format!("{}:{}", v.origin.input, v.origin.start),
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
    input: &'a str,
    record: u64,
    line: u64,
    column: u64,
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
                input: &v.origin.input,
                record: v.origin.record,
                line: v.origin.start.line,
                column: v.origin.start.column,
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
