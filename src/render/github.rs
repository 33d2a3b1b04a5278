//! `validate --format github`: GitHub Actions workflow commands, so that each violation
//! becomes an annotation on the offending line of the fixture in the pull request.
//!
//! ```text
//! ::error file=samples/x.json,line=3,col=14,title=leadcheck%3A /lead_id::expected an integer, found string "153928"
//! ::notice title=leadcheck::1 record: 0 valid, 1 invalid, 0 unreadable (1 input)
//! ```
//!
//! One `::error` per violation and per unreadable record, a `::notice` for what
//! `--max-errors` left out of a record, an `::error` for an input that cannot be read, and a
//! closing `::notice` with the counts. Values are escaped as the runner expects (the rules
//! of `@actions/core`): `%`, CR and LF in the message; also `:` and `,` in properties. A
//! command therefore always stays on one line, whatever the payload holds.

use std::io::{self, Write};

use leadcheck::check::{Checked, Tally, Verdict, Violation};
use leadcheck::input::InputError;
use leadcheck::lint::Level;
use leadcheck::position::LineCol;

use super::{Palette, escape, text};

/// Escapes a workflow command's message: `%` → `%25`, CR → `%0D`, LF → `%0A`; other
/// control characters are written visibly (the log viewer would act on them).
pub fn escape_data(s: &str) -> String {
    escape_command(s, false)
}

/// Escapes a workflow command's property value: as [`escape_data`], and also `:` → `%3A`,
/// `,` → `%2C`.
pub fn escape_property(s: &str) -> String {
    escape_command(s, true)
}

fn escape_command(s: &str, property: bool) -> String {
    let s = escape_controls(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// Control characters but CR and LF (which the runner's own escapes carry) made visible.
fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(|c| c.is_control() && c != '\r' && c != '\n') {
        let mut out = String::new();
        for part in s.split_inclusive(['\r', '\n']) {
            let (body, end) = match part.strip_suffix(['\r', '\n']) {
                Some(body) => (body, &part[body.len()..]),
                None => (part, ""),
            };
            out.push_str(&escape(body));
            out.push_str(end);
        }
        std::borrow::Cow::Owned(out)
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Writes one workflow command: `::COMMAND key=value,…::message`.
fn command(
    out: &mut dyn Write,
    name: &str,
    properties: &[(&str, String)],
    message: &str,
) -> io::Result<()> {
    write!(out, "::{name}")?;
    for (i, (key, value)) in properties.iter().enumerate() {
        let sep = if i == 0 { ' ' } else { ',' };
        write!(out, "{sep}{key}={}", escape_property(value))?;
    }
    writeln!(out, "::{}", escape_data(message))
}

/// The `file`, `line` and `col` properties of a position in an input.
fn location(input: &str, at: Option<LineCol>) -> Vec<(&'static str, String)> {
    let mut props = vec![("file", input.to_string())];
    if let Some(at) = at {
        props.push(("line", at.line.to_string()));
        props.push(("col", at.column.to_string()));
    }
    props
}

/// Writes the annotations of one record: one per violation, one for an unreadable record,
/// nothing for a valid one.
pub fn write_checked(out: &mut dyn Write, checked: &Checked) -> io::Result<()> {
    let input = &checked.origin.input;
    match &checked.verdict {
        Verdict::Valid { findings } => {
            for v in findings {
                write_violation(out, input, v)?;
            }
            Ok(())
        }
        Verdict::Invalid {
            violations,
            omitted,
        } => {
            for v in violations {
                write_violation(out, input, v)?;
            }
            if *omitted > 0 {
                let mut props = location(input, Some(checked.origin.start));
                props.push(("title", "leadcheck: --max-errors".to_string()));
                command(out, "notice", &props, &text::omitted_note(*omitted))?;
            }
            Ok(())
        }
        Verdict::Unreadable { at, message } => {
            let mut props = location(input, Some(*at));
            props.push(("title", "leadcheck: unreadable record".to_string()));
            command(out, "error", &props, message)
        }
    }
}

/// One annotation: `::error` for a schema violation or an error-level finding, `::warning`
/// and `::notice` for the lint levels below.
fn write_violation(out: &mut dyn Write, input: &str, v: &Violation) -> io::Result<()> {
    let pointer = super::shown_pointer(&v.pointer);
    let mut props = location(input, Some(v.at));
    let (name, title) = match v.rule {
        None => ("error", format!("leadcheck: {pointer}")),
        Some(rule) => (
            match v.level {
                Level::Error => "error",
                Level::Warn => "warning",
                Level::Info | Level::Off => "notice",
            },
            format!("leadcheck[{rule}]: {pointer}"),
        ),
    };
    props.push(("title", title));
    command(out, name, &props, &v.message)
}

/// An input that could not be opened or read to the end.
pub fn write_input_error(out: &mut dyn Write, e: &InputError) -> io::Result<()> {
    let mut props = location(&e.input, e.at);
    props.push(("title", "leadcheck: cannot read input".to_string()));
    command(out, "error", &props, &e.message)
}

/// The closing line: the counts of the run, as a notice.
pub fn write_summary(out: &mut dyn Write, tally: &Tally) -> io::Result<()> {
    command(
        out,
        "notice",
        &[("title", "leadcheck".to_string())],
        &text::counts(Palette::PLAIN, tally),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use leadcheck::record::Origin;

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(escape_data("a%b\r\nc: d, e"), "a%25b%0D%0Ac: d, e");
        assert_eq!(escape_property("a%b\r\nc: d, e"), "a%25b%0D%0Ac%3A d%2C e");
        assert_eq!(escape_data("<&>\"é"), "<&>\"é");
    }

    #[test]
    fn one_error_per_violation_on_one_line() {
        let checked = Checked {
            origin: Origin {
                input: "dir,1/a:b.json".into(),
                record: 1,
                start: LineCol::START,
                offset: 0,
            },
            lead_id: None,
            verdict: Verdict::Invalid {
                violations: vec![Violation {
                    pointer: "/a,b".into(),
                    at: LineCol { line: 3, column: 7 },
                    keyword: "enum".into(),
                    message: "bad\nvalue 100% \u{1b}[31m".into(),
                    schema_path: String::new(),
                    level: Level::Error,
                    rule: None,
                }],
                omitted: 2,
            },
            lint: Default::default(),
        };
        let mut out = Vec::new();
        write_checked(&mut out, &checked).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=dir%2C1/a%3Ab.json,line=3,col=7,title=leadcheck%3A /a%2Cb::bad%0Avalue 100%25 \\u{1b}[31m\n\
             ::notice file=dir%2C1/a%3Ab.json,line=1,col=1,title=leadcheck%3A --max-errors::2 more violations of this record left out (--max-errors)\n"
        );
    }
}
