//! `leadcheck stats`: the summary of a capture as text, or as one JSON object.
//!
//! JSON (`stats --format json`): the [`Stats`] object, on one line:
//! `{"records":8,"valid":5,"invalid":1,"unreadable":2,"inputs":1,"distinct_lead_ids":6,
//! "first_created":"…","last_created":"…","by":{"lead_type":{"Chat":6},…},
//! "fields":{"lead_id":{"present":6,"types":{"integer":6}},…},"objects":6}`.

use std::io::{self, Write};

use leadcheck::stats::{GROUPS, Stats};

use super::Palette;

pub fn write_text(out: &mut dyn Write, p: Palette, s: &Stats) -> io::Result<()> {
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "{}: {} valid, {} invalid, {} unreadable ({})",
        plural(s.records, "record"),
        s.valid,
        s.invalid,
        s.unreadable,
        plural(s.inputs, "input")
    )?;
    writeln!(out, "distinct lead ids: {}", s.distinct_lead_ids)?;
    if let (Some(first), Some(last)) = (&s.first_created, &s.last_created) {
        writeln!(out, "date_created: {first} to {last}")?;
    }
    for group in GROUPS {
        let Some(counts) = s.by.get(group) else {
            continue;
        };
        writeln!(out)?;
        writeln!(out, "{}", p.heading(group))?;
        let mut sorted: Vec<(&String, &u64)> = counts.iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let width = sorted
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        for (value, n) in sorted {
            let pad = width - value.chars().count();
            writeln!(out, "  {value}{}  {n:>5}", " ".repeat(pad))?;
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
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(0);
        for (name, f) in &s.fields {
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
            let pad = width - name.chars().count();
            writeln!(
                out,
                "  {name}{}  {:>5}  {share:>3}%  {types}",
                " ".repeat(pad),
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
