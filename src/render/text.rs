//! Human output: compiler-style lines, `INPUT:LINE:COL: /json/pointer: message`.

use std::io::{self, Write};

use crate::position::LineCol;
use crate::validate::{Checked, Status, Tally};

use super::Palette;

/// Writes one line per violation of an invalid record, one line for an unreadable one, and
/// nothing for a valid one.
pub fn write_checked(out: &mut dyn Write, p: Palette, checked: &Checked) -> io::Result<()> {
    let input = &checked.origin.input;
    match checked.status {
        Status::Valid => Ok(()),
        Status::Invalid => {
            for v in &checked.violations {
                let pointer = super::shown_pointer(&v.pointer);
                writeln!(
                    out,
                    "{} {}: {}",
                    p.location(&format!("{input}:{}:", v.at)),
                    p.pointer(pointer),
                    v.message
                )?;
            }
            if checked.omitted > 0 {
                writeln!(
                    out,
                    "{} {}: {}",
                    p.location(&format!("{input}:{}:", checked.origin.start)),
                    p.warn("note"),
                    omitted_note(checked.omitted)
                )?;
            }
            Ok(())
        }
        Status::Unreadable => {
            let (at, message) = checked
                .unreadable
                .as_ref()
                .map_or((checked.origin.start, ""), |(at, m)| (*at, m.as_str()));
            writeln!(
                out,
                "{} {}: {message}",
                p.location(&format!("{input}:{at}:")),
                p.error("unreadable"),
            )
        }
    }
}

/// What `--max-errors` left out of a record: `3 more violations of this record left out
/// (--max-errors)`.
pub fn omitted_note(omitted: usize) -> String {
    format!(
        "{omitted} more violation{} of this record left out (--max-errors)",
        if omitted == 1 { "" } else { "s" }
    )
}

/// A problem with a whole input: `NAME: error: message`, with the position where reading
/// stopped when there is one.
pub fn write_input_error(
    out: &mut dyn Write,
    p: Palette,
    name: &str,
    at: Option<LineCol>,
    message: &str,
) -> io::Result<()> {
    let location = match at {
        Some(at) => format!("{name}:{at}:"),
        None => format!("{name}:"),
    };
    writeln!(
        out,
        "{} {}: {message}",
        p.location(&location),
        p.error("error")
    )
}

/// The closing line: `N records: V valid, I invalid, U unreadable (K inputs)`.
pub fn summary(p: Palette, t: &Tally) -> String {
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let valid = format!("{} valid", t.valid);
    let invalid = format!("{} invalid", t.invalid);
    let unreadable = format!("{} unreadable", t.unreadable);
    let mut inputs = plural(t.inputs, "input");
    if t.failed_inputs > 0 {
        inputs.push_str(&format!(", {} could not be read", t.failed_inputs));
    }
    format!(
        "{}: {}, {}, {} ({inputs})",
        plural(t.records, "record"),
        if t.valid > 0 { p.good(&valid) } else { valid },
        if t.invalid > 0 {
            p.error(&invalid)
        } else {
            invalid
        },
        if t.unreadable > 0 {
            p.warn(&unreadable)
        } else {
            unreadable
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_naturally() {
        let t = Tally {
            records: 3,
            valid: 1,
            invalid: 1,
            unreadable: 1,
            inputs: 1,
            failed_inputs: 1,
        };
        assert_eq!(
            summary(Palette::PLAIN, &t),
            "3 records: 1 valid, 1 invalid, 1 unreadable (1 input, 1 could not be read)"
        );
        colored::control::set_override(true); // as the binary does
        let colored = summary(Palette { enabled: true }, &t);
        assert!(colored.contains("\u{1b}["), "{colored:?}");
    }
}
