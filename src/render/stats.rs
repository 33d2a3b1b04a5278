//! `leadcheck stats`: the summary of a capture as text, or as one JSON object.
//!
//! JSON (`stats --format json`): the [`Stats`] object, on one line:
//! `{"records":8,"valid":5,"invalid":1,"unreadable":2,"inputs":1,"distinct_lead_ids":6,
//! "first_created":"…","last_created":"…","by":{"lead_type":{"Chat":6},…},
//! "fields":{"lead_id":{"present":6,"types":{"integer":6}},…},"objects":6}`.

use std::io::{self, Write};

use leadcheck::stats::{GROUPS, Stats};

use super::Palette;
use super::term::{self, escape_control};

/// The text summary. Values and field names come from payloads: they are escaped
/// ([`term::escape_control`]) and padded by display width.
pub fn write_text(out: &mut dyn Write, p: Palette, s: &Stats) -> io::Result<()> {
    writeln!(out, "{}", super::text::counts(Palette::PLAIN, &s.tally))?;
    writeln!(out, "distinct lead ids: {}", s.distinct_lead_ids)?;
    if let (Some(first), Some(last)) = (&s.first_created, &s.last_created) {
        writeln!(
            out,
            "date_created: {} to {}",
            escape_control(first),
            escape_control(last)
        )?;
    }
    for group in GROUPS {
        let Some(counts) = s.by.get(group) else {
            continue;
        };
        writeln!(out)?;
        writeln!(out, "{}", p.heading(group))?;
        let mut sorted: Vec<(&String, &u64)> = counts.iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let sorted: Vec<_> = sorted
            .into_iter()
            .map(|(k, n)| (escape_control(k), n))
            .collect();
        let width = sorted
            .iter()
            .map(|(k, _)| term::width(k))
            .max()
            .unwrap_or(0);
        for (value, n) in sorted {
            writeln!(out, "  {}  {n:>5}", term::pad(&value, width))?;
        }
    }
    if !s.fields.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            p.heading(&format!(
                "fields (share of the {} readable object records)",
                s.objects
            ))
        )?;
        let width = s
            .fields
            .keys()
            .map(|k| term::width(&escape_control(k)))
            .max()
            .unwrap_or(0);
        for (name, f) in &s.fields {
            let name = escape_control(name);
            let share = (f.present * 100 + s.objects / 2)
                .checked_div(s.objects)
                .unwrap_or(0);
            let mut types: Vec<(&&str, &u64)> = f.types.iter().collect();
            types.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let types = if types.len() == 1 {
                types[0].0.to_string()
            } else {
                types
                    .iter()
                    .map(|(t, n)| format!("{t} {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let types = if types.len() > 1 && f.types.len() > 1 {
                p.warn(&types)
            } else {
                types
            };
            writeln!(
                out,
                "  {}  {:>5}  {share:>3}%  {types}",
                term::pad(&name, width),
                f.present
            )?;
        }
    }
    Ok(())
}

pub fn write_json(out: &mut dyn Write, s: &Stats) -> io::Result<()> {
    serde_json::to_writer(&mut *out, s)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_text_is_escaped_and_columns_line_up() {
        let mut s = Stats::new();
        s.tally.records = 3;
        s.objects = 3;
        s.first_created = Some("2016-02-01T10:00:00Z".into());
        s.last_created = Some("2016-02-01T10:00:00Z\u{1b}]0;x\u{7}".into());
        let mut sources = std::collections::BTreeMap::new();
        for (value, n) in [
            ("google / cpc", 2),
            ("山田 / 日本", 1),
            ("\u{1b}[2Jevil", 1),
        ] {
            sources.insert(value.to_string(), n);
        }
        s.by.insert("source / medium", sources);
        for name in ["lead_id", "名前", "e\u{301}\u{1b}[1m"] {
            let mut f = leadcheck::stats::FieldStats {
                present: 1,
                ..Default::default()
            };
            f.types.insert("string", 1);
            s.fields.insert(name.to_string(), f);
        }
        let mut out = Vec::new();
        write_text(&mut out, Palette::PLAIN, &s).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains(['\u{1b}', '\u{7}']), "{text}");
        assert!(
            text.contains("to 2016-02-01T10:00:00Z\\u{1b}]0;x\\u{7}\n"),
            "{text}"
        );
        assert!(text.contains("  \\u{1b}[2Jevil"), "{text}");
        // The counts (and the field shares) end in the same column whatever the script.
        let block = |start: &str| -> Vec<usize> {
            text.lines()
                .skip_while(|l| !l.starts_with(start))
                .skip(1)
                .take_while(|l| !l.is_empty())
                .map(|l| {
                    let end = l.find("  1").or_else(|| l.find("  2")).unwrap() + 2;
                    term::width(&l[..end])
                })
                .collect()
        };
        for start in ["source / medium", "fields"] {
            let columns = block(start);
            assert_eq!(columns.len(), 3, "{start}\n{text}");
            assert!(
                columns.iter().all(|&c| c == columns[0]),
                "{columns:?}\n{text}"
            );
        }
    }
}
