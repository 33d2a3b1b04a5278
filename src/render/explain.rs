//! `leadcheck explain`: a field's documentation, and the list of fields by section.

use std::io::{self, Write};

use leadcheck::explain::{FieldDoc, type_words};

use super::Palette;
use super::card::wrap;
use super::term::{self, escape_control, escape_control_keep_newlines};

/// One field's documentation. Names, descriptions and examples come from the schema (a
/// user's `--schema` too): escaped ([`term::escape_control`]), descriptions wrapped by
/// display width.
pub fn write_field(out: &mut dyn Write, p: Palette, d: &FieldDoc, width: usize) -> io::Result<()> {
    writeln!(
        out,
        "{}: {}",
        p.heading(&escape_control(&d.name)),
        escape_control(&type_words(d))
    )?;
    if d.allowed.as_ref().is_some_and(|a| a.len() > 1) {
        writeln!(out, "  type: {}", d.types.join(" or "))?;
    }
    if let Some(expected) = &d.expected {
        writeln!(out, "  expected: {}", escape_control(expected))?;
    }
    for description in &d.description {
        let description = escape_control_keep_newlines(description);
        for line in wrap(&description, width.saturating_sub(2)) {
            writeln!(out, "  {line}")?;
        }
    }
    for example in &d.examples {
        // A JSON value: its strings are already escaped.
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
        .flat_map(|(_, f)| f.iter().map(|(n, _)| term::width(&escape_control(n))))
        .max()
        .unwrap_or(0);
    for (i, (title, fields)) in sections.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", p.heading(title))?;
        for (name, ty) in fields {
            let name = escape_control(name);
            writeln!(out, "  {}  {}", term::pad(&name, width), escape_control(ty))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_lines_up_and_escapes_names() {
        let sections = [(
            "other",
            vec![
                ("lead_id".to_string(), "integer".to_string()),
                ("名前".to_string(), "string".to_string()),
                ("x\u{1b}[2J".to_string(), "string\u{7}".to_string()),
            ],
        )];
        let mut out = Vec::new();
        write_list(&mut out, Palette::PLAIN, &sections).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "other\n  lead_id     integer\n  名前        string\n  x\\u{1b}[2J  string\\u{7}\n"
        );
    }
}
