//! `leadcheck show`: the lead card as text, the table of a capture, and the card as JSON.
//!
//! JSON (`show --format json`), one object per record, one per line:
//!
//! ```json
//! {"input":"x.json","record":1,"line":1,"column":1,"offset":0,"status":"valid","valid":true,
//!  "lead_id":153928,"errors":[],"warnings":["last_updated is earlier than date_created"],
//!  "sections":[{"name":"identity","title":"identity","fields":[
//!    {"label":"lead id","pointer":"/lead_id","value":153928}, …]}, …]}
//! ```
//!
//! `errors` is as in `validate --format json`; an unreadable record has no sections.
//! `value` is the value as received (redacted with `--redact`); a field whose `pointer` is
//! null lists the names of the id fields present (`click ids`, `tracking ids`).

use std::io::{self, Write};

use serde::Serialize;

use leadcheck::card::{COLUMNS, Card, Row, plain};
use leadcheck::check::{Checked, Status};

use super::Palette;
use super::json::ErrorJson;
use super::term::{self, escape_control, escape_control_keep_newlines};

/// Labels are padded to the longest label of the card, within these bounds (a longer one
/// pushes its value along).
const LABEL_MIN: usize = 10;
const LABEL_MAX: usize = 22;

/// Writes one card, followed by a blank line. `width` is the line width to wrap values in,
/// in terminal columns. Text from the payload and the input's name is escaped
/// ([`term::escape_control`]); values keep their line breaks.
pub fn write_card(out: &mut dyn Write, p: Palette, card: &Card, width: usize) -> io::Result<()> {
    let o = &card.origin;
    let lead = match &card.lead_id {
        Some(id) => format!("lead {}", plain(id)),
        None => "no lead_id".to_string(),
    };
    writeln!(
        out,
        "{} {}",
        super::line_start(p, &o.input, Some(o.start)),
        p.heading(&super::escape(&lead))
    )?;
    match card.status {
        Status::Valid => writeln!(out, "  {}", p.good("valid"))?,
        _ => {
            let n = card.violations.len();
            let count = format!("invalid ({n} error{})", if n == 1 { "" } else { "s" });
            writeln!(out, "  {}", p.error(&count))?;
            for v in &card.violations {
                let pointer = super::shown_pointer(&v.pointer);
                let line = format!("{}: {}", pointer, super::escape(&v.message));
                for (i, part) in wrap(&line, width.saturating_sub(4)).iter().enumerate() {
                    let indent = if i == 0 { "    " } else { "      " };
                    writeln!(out, "{indent}{part}")?;
                }
            }
        }
    }
    for w in &card.warnings {
        writeln!(
            out,
            "  {}",
            p.warn(&format!("warning: {}", escape_control(w)))
        )?;
    }
    // Labels are submitted field names (additional_fields), so they are escaped too.
    let label_width = card
        .sections
        .iter()
        .flat_map(|s| &s.fields)
        .map(|f| term::width(&escape_control(&f.label)))
        .filter(|&n| n <= LABEL_MAX)
        .max()
        .unwrap_or(0)
        .max(LABEL_MIN);
    for section in &card.sections {
        writeln!(out, "{}", p.heading(section.title))?;
        for field in &section.fields {
            let label = escape_control(&field.label);
            let pad = (label_width + 2).saturating_sub(term::width(&label)).max(2);
            let value = field.text();
            let value = escape_control_keep_newlines(&value);
            let avail = width.saturating_sub(4 + label_width).max(20);
            let mut lines = wrap(&value, avail);
            if let Some(w) = &field.warning {
                let note = p.warn(&format!("(warning: {})", escape_control(w)));
                match lines.last_mut() {
                    Some(last) => {
                        last.push_str("  ");
                        last.push_str(&note);
                    }
                    None => lines.push(note),
                }
            }
            for (i, line) in lines.iter().enumerate() {
                if i == 0 {
                    writeln!(out, "  {}{}{line}", p.dim(&label), " ".repeat(pad))?;
                } else {
                    let indent = " ".repeat(4 + label_width);
                    writeln!(out, "{indent}{line}")?;
                }
            }
        }
    }
    writeln!(out)
}

/// Splits `text` into lines of at most `width` terminal columns, at spaces where possible,
/// and at the line breaks it holds (see [`term::wrap`]).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    term::wrap(text, width)
}

/// The JSON object of one card.
#[derive(Debug, Serialize)]
pub struct CardJson<'a> {
    #[serde(flatten)]
    pub origin: &'a leadcheck::record::Origin,
    pub status: &'a Status,
    pub valid: bool,
    pub lead_id: Option<&'a serde_json::Value>,
    pub errors: Vec<ErrorJson<'a>>,
    pub warnings: &'a [String],
    pub sections: &'a [leadcheck::card::Section],
}

pub fn write_card_json(out: &mut dyn Write, card: &Card) -> io::Result<()> {
    let json = CardJson {
        origin: &card.origin,
        status: &card.status,
        valid: card.status == Status::Valid,
        lead_id: card.lead_id.as_ref(),
        errors: card.violations.iter().map(ErrorJson::from).collect(),
        warnings: &card.warnings,
        sections: &card.sections,
    };
    serde_json::to_writer(&mut *out, &json)?;
    out.write_all(b"\n")
}

/// An unreadable record in `show --format json`: as in `validate --format json`, with no
/// sections.
pub fn write_unreadable_json(out: &mut dyn Write, checked: &Checked) -> io::Result<()> {
    let mut value = serde_json::to_value(super::json::RecordJson::from(checked))?;
    if let Some(o) = value.as_object_mut() {
        o.insert("warnings".into(), serde_json::json!([]));
        o.insert("sections".into(), serde_json::json!([]));
    }
    serde_json::to_writer(&mut *out, &value)?;
    out.write_all(b"\n")
}

/// `show --table`: column widths are taken from the first rows (at most [`Table::SAMPLE`]),
/// fitted to the width, then kept, so a capture of any size streams. A live table (stdout
/// is a terminal, perhaps fed by `tail -f`) does not wait for rows: it starts with widths
/// that suit typical values.
pub struct Table {
    width: usize,
    pending: Vec<(Row, Palette)>,
    widths: Option<Vec<usize>>,
    live: bool,
}

impl Table {
    pub const SAMPLE: usize = 100;
    const GAP: &'static str = "  ";

    /// Typical widths of the columns, for a live table.
    const TYPICAL: [usize; 8] = [20, 8, 10, 11, 7, 18, 22, 11];

    pub fn new(width: usize, live: bool) -> Table {
        Table {
            width,
            pending: Vec::new(),
            widths: None,
            live,
        }
    }

    pub fn push(&mut self, out: &mut dyn Write, p: Palette, row: Row) -> io::Result<()> {
        if self.live && self.widths.is_none() {
            let typical = Row {
                cells: Self::TYPICAL.iter().map(|&n| "x".repeat(n)).collect(),
            };
            let widths = fit(&[&typical], self.width);
            let header = Row {
                cells: COLUMNS.iter().map(|c| c.to_string()).collect(),
            };
            write_row(out, p, &header, &widths, true)?;
            self.widths = Some(widths);
        }
        match &self.widths {
            Some(widths) => write_row(out, p, &row, widths, false),
            None => {
                self.pending.push((row, p));
                if self.pending.len() >= Self::SAMPLE {
                    self.flush(out)?;
                }
                Ok(())
            }
        }
    }

    /// Writes the rows held back (call at the end).
    pub fn flush(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.widths.is_some() {
            return Ok(());
        }
        let widths = fit(
            &self.pending.iter().map(|(r, _)| r).collect::<Vec<_>>(),
            self.width,
        );
        let header = Row {
            cells: COLUMNS.iter().map(|c| c.to_string()).collect(),
        };
        let p = self.pending.first().map_or(Palette::PLAIN, |(_, p)| *p);
        write_row(out, p, &header, &widths, true)?;
        for (row, p) in self.pending.drain(..) {
            write_row(out, p, &row, &widths, false)?;
        }
        self.widths = Some(widths);
        Ok(())
    }
}

/// Column widths: each column's widest cell (or header), then the widest columns narrowed
/// one character at a time until the line fits (the free-text ones first).
fn fit(rows: &[&Row], width: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = COLUMNS.iter().map(|c| term::width(c)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(&row.cells) {
            *w = (*w).max(term::width(&truncate(cell, usize::MAX)));
        }
    }
    let gaps = Table::GAP.len() * (COLUMNS.len() - 1);
    // The free-text columns (source / medium, contact) give way first, then the others but
    // the time and the verdict, then all of them.
    let phases: [(&[usize], usize); 3] = [
        (&[5, 6], 12),
        (&[1, 2, 3, 4, 5, 6], 6),
        (&[0, 1, 2, 3, 4, 5, 6, 7], 3),
    ];
    for (candidates, floor) in phases {
        while widths.iter().sum::<usize>() + gaps > width {
            let Some(&i) = candidates
                .iter()
                .filter(|&&i| widths[i] > floor)
                .max_by_key(|&&i| (widths[i], i))
            else {
                break;
            };
            widths[i] -= 1;
        }
    }
    widths
}

fn write_row(
    out: &mut dyn Write,
    p: Palette,
    row: &Row,
    widths: &[usize],
    header: bool,
) -> io::Result<()> {
    let mut line = String::new();
    let last = widths.len() - 1;
    for (i, (cell, &w)) in row.cells.iter().zip(widths).enumerate() {
        let text = truncate(cell, w);
        let pad = w.saturating_sub(term::width(&text));
        let styled = if header {
            p.heading(&text)
        } else if i == last && cell.starts_with("invalid") {
            p.error(&text)
        } else if i == last && cell == "unreadable" {
            p.warn(&text)
        } else {
            text
        };
        line.push_str(&styled);
        if i < last {
            line.push_str(&" ".repeat(pad));
            line.push_str(Table::GAP);
        }
    }
    writeln!(out, "{}", line.trim_end())
}

/// `text` on one line, control characters escaped, cut to `width` terminal columns with `…`
/// marking the cut. Line breaks and tabs become spaces.
pub fn truncate(text: &str, width: usize) -> String {
    let text = text.replace(['\n', '\r', '\t'], " ");
    term::truncate(&escape_control(&text), width)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_newlines() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
        assert_eq!(wrap("abcdefg", 3), ["abc", "def", "g"]);
        assert_eq!(wrap("", 3), [""]);
    }

    #[test]
    fn table_fits_the_width() {
        let row = Row {
            cells: (0..8).map(|i| "x".repeat(10 + i * 5)).collect(),
        };
        let widths = fit(&[&row], 80);
        assert!(widths.iter().sum::<usize>() + 14 <= 80, "{widths:?}");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }

    fn card_of(name: &str, text: &str) -> Card {
        use leadcheck::reader::Reader;
        use leadcheck::record::Item;
        let schema =
            leadcheck::schema::Schema::for_type(leadcheck::schema::LeadType::Chat).unwrap();
        let Some(Ok(Item::Record(r))) = Reader::new(name.into(), text.as_bytes()).next() else {
            panic!("not a record")
        };
        let checked = leadcheck::check::check(&schema, &r, &leadcheck::check::Options::default());
        leadcheck::card::card(&checked, &r.value, &r.text)
    }

    fn rendered(card: &Card, width: usize) -> String {
        let mut out = Vec::new();
        write_card(&mut out, Palette::PLAIN, card, width).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn nothing_from_a_payload_reaches_the_terminal_raw() {
        let card = card_of(
            "evil\u{1b}[2J\nname.json",
            r#"{"lead_id": 1, "lead_type": "Chat", "contact_name": "\u001b]0;pwned\u0007Jo\rX\u009b2J",
                "lead_status": "\u001b[31mUnique",
                "additional_fields": {"\u001b[1mBold\u202e": "a\r\nb\u0008c"}}"#,
        );
        let text = rendered(&card, 100);
        for c in text.chars() {
            assert!(c == '\n' || !term::is_unsafe(c), "{c:?} in {text}");
        }
        assert!(
            text.starts_with("evil\\u{1b}[2J\\u{a}name.json:1:1: lead 1\n"),
            "{text}"
        );
        assert!(
            text.contains("\\u{1b}]0;pwned\\u{7}Jo\\u{d}X\\u{9b}2J"),
            "{text}"
        );
        // The violation quotes the value escaped, the label is escaped, and a multi-line
        // value keeps its line break (CRLF shown as one).
        assert!(
            text.contains("found string \"\\u001b[31mUnique\""),
            "{text}"
        );
        assert!(text.contains("\\u{1b}[1mBold\\u{202e}"), "{text}");
        assert!(text.contains("a\n"), "{text}");
        assert!(text.contains("b\\u{8}c"), "{text}");
    }

    #[test]
    fn labels_and_values_line_up_in_columns_with_wide_text() {
        let card = card_of(
            "t",
            r#"{"lead_id": 1, "lead_type": "Chat",
                "additional_fields": {"名前": "山田太郎", "Zoe\u0301": "x", "👩‍👩‍👧": "y", "plain": "z"}}"#,
        );
        let text = rendered(&card, 100);
        // Every value of the submitted section starts in the same column.
        let starts: Vec<usize> = text
            .lines()
            .skip_while(|l| !l.starts_with("submitted"))
            .skip(1)
            .take(4)
            .map(|l| {
                let value = l.trim_end().rsplit(' ').next().unwrap();
                term::width(&l[..l.len() - value.len()])
            })
            .collect();
        assert_eq!(starts.len(), 4, "{text}");
        assert!(starts.iter().all(|&s| s == starts[0]), "{starts:?}\n{text}");
        // A long CJK value wraps within the width, in columns.
        let long = "日本語".repeat(30);
        let card = card_of(
            "t",
            &format!(r#"{{"lead_id": 1, "lead_type": "Chat", "contact_name": "{long}"}}"#),
        );
        for line in rendered(&card, 60).lines() {
            assert!(term::width(line) <= 60, "{line}");
        }
    }

    #[test]
    fn table_columns_line_up_with_wide_text() {
        let mut out = Vec::new();
        let mut table = Table::new(100, false);
        for contact in [
            "山田太郎",
            "Zoe\u{301} Dupont",
            "👩‍👩‍👧 family",
            "\u{1b}]0;x\u{7}",
        ] {
            let row = Row {
                cells: [
                    "2016-02-01T14:09:01Z",
                    "1",
                    "Chat",
                    "",
                    "new",
                    "g / c",
                    contact,
                    "valid",
                ]
                .map(String::from)
                .to_vec(),
            };
            table.push(&mut out, Palette::PLAIN, row).unwrap();
        }
        table.flush(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text}"
        );
        // The verdict column starts at the same display column on every line.
        let columns: Vec<usize> = text
            .lines()
            .map(|l| {
                let i = l.rfind("  ").unwrap() + 2;
                term::width(&l[..i])
            })
            .collect();
        assert!(
            columns.iter().all(|&c| c == columns[0]),
            "{columns:?}\n{text}"
        );
        // Narrow: cut by columns, never wider than the line.
        let mut out = Vec::new();
        let mut table = Table::new(60, false);
        let row = Row {
            cells: [
                "2016-02-01T14:09:01Z",
                "1",
                "Chat",
                "",
                "new",
                "g / c",
                &"山田".repeat(20),
                "valid",
            ]
            .map(String::from)
            .to_vec(),
        };
        table.push(&mut out, Palette::PLAIN, row).unwrap();
        table.flush(&mut out).unwrap();
        for line in String::from_utf8(out).unwrap().lines() {
            assert!(term::width(line) <= 60, "{line}");
        }
    }

    #[test]
    fn a_live_table_writes_each_row_at_once() {
        let mut out = Vec::new();
        let mut table = Table::new(100, true);
        let row = Row {
            cells: ["t", "1", "Chat", "", "new", "g / c", "Jo", "valid"]
                .map(String::from)
                .to_vec(),
        };
        table.push(&mut out, Palette::PLAIN, row).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 100));
    }
}
