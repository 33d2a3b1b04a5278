//! `leadcheck lint --list` and `leadcheck explain RULE`.

use std::io::{self, Write};

use leadcheck::lint::Levels;

use super::Palette;
use super::term::{pad, width};

/// One line per rule: its name, group, level, where the level comes from, and what it
/// checks.
pub fn write_list(out: &mut dyn Write, p: Palette, levels: &Levels) -> io::Result<()> {
    let rows: Vec<[String; 5]> = levels
        .iter()
        .map(|(info, level, source)| {
            [
                info.name.to_string(),
                info.group.name().to_string(),
                level.name().to_string(),
                source.to_string(),
                info.summary.to_string(),
            ]
        })
        .collect();
    let header = ["rule", "group", "level", "from", "checks"].map(String::from);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    for (i, row) in std::iter::once(&header).chain(&rows).enumerate() {
        let mut line = String::new();
        for (k, cell) in row.iter().enumerate() {
            if k < 4 {
                line.push_str(&pad(&super::escape(cell), widths[k]));
                line.push_str("  ");
            } else {
                line.push_str(&super::escape(cell));
            }
        }
        let line = line.trim_end();
        if i == 0 {
            writeln!(out, "{}", p.heading(line))?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// A rule's page of documentation, as it is written (Markdown).
pub fn write_page(out: &mut dyn Write, page: &str) -> io::Result<()> {
    out.write_all(page.as_bytes())?;
    if !page.ends_with('\n') {
        writeln!(out)?;
    }
    Ok(())
}
