//! `leadcheck explain`: a field's documentation, and the list of fields by section.

use std::io::{self, Write};

use leadcheck::explain::{FieldDoc, type_words};

use super::Palette;
use super::card::wrap;

pub fn write_field(out: &mut dyn Write, p: Palette, d: &FieldDoc, width: usize) -> io::Result<()> {
    writeln!(out, "{}: {}", p.heading(&d.name), type_words(d))?;
    if d.allowed.as_ref().is_some_and(|a| a.len() > 1) {
        writeln!(out, "  type: {}", d.types.join(" or "))?;
    }
    if let Some(expected) = &d.expected {
        writeln!(out, "  expected: {expected}")?;
    }
    for description in &d.description {
        for line in wrap(description, width.saturating_sub(2)) {
            writeln!(out, "  {line}")?;
        }
    }
    for example in &d.examples {
        writeln!(out, "  {} {example}", p.dim("example:"))?;
    }
    writeln!(out, "  {} {}", p.dim("card section:"), d.section)?;
    writeln!(out, "  {} {}", p.dim("schema:"), d.schemas.join(", "))
}

pub fn write_list(
    out: &mut dyn Write,
    p: Palette,
    sections: &[(&str, Vec<(String, String)>)],
) -> io::Result<()> {
    let width = sections
        .iter()
        .flat_map(|(_, f)| f.iter().map(|(n, _)| n.chars().count()))
        .max()
        .unwrap_or(0);
    for (i, (title, fields)) in sections.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", p.heading(title))?;
        for (name, ty) in fields {
            let pad = width - name.chars().count();
            writeln!(out, "  {name}{}  {ty}", " ".repeat(pad))?;
        }
    }
    Ok(())
}
