//! Human output: compiler-style lines, `INPUT:LINE:COL: /json/pointer: message`, and the
//! lines every command shares (an input that cannot be read, a note, the closing count).

use std::io::{self, Write};
use std::sync::Arc;

use leadcheck::check::{Checked, Tally, Verdict, Violation};
use leadcheck::input::{InputError, Skipped};
use leadcheck::lint::Level;
use leadcheck::position::LineCol;

use super::{Palette, escape, escape_made, line_start, shown_made_pointer, style};

/// Writes one line per violation (and lint finding) of a record, one line for an unreadable
/// one, and nothing for a valid one without findings. A lint finding says its level and
/// rule: `INPUT:LINE:COL: warning[phone-e164]: /pointer: message`.
pub fn write_checked(out: &mut dyn Write, p: Palette, checked: &Checked) -> io::Result<()> {
    write_checked_indented(out, p, checked, "")
}

/// [`write_checked`], each line after `indent` (`listen` writes a delivery's records under
/// its line).
pub fn write_checked_indented(
    out: &mut dyn Write,
    p: Palette,
    checked: &Checked,
    indent: &str,
) -> io::Result<()> {
    let input = &checked.origin.input;
    let violations = match &checked.verdict {
        Verdict::Valid { findings } if findings.is_empty() => return Ok(()),
        // Only the verdict was kept (`-q`): nothing to write.
        Verdict::Invalid {
            violations,
            omitted: 0,
        } if violations.is_empty() => return Ok(()),
        Verdict::Valid { findings } => findings,
        Verdict::Invalid { violations, .. } => violations,
        Verdict::Unreadable { at, message } => {
            return writeln!(
                out,
                "{indent}{} {}: {}",
                line_start(p, input, Some(*at)),
                p.error("unreadable"),
                escape(message)
            );
        }
    };
    // The record's lines are put together in a buffer the thread keeps and written whole:
    // each write to `out` goes through two writers (a shared handle, then a buffer), and a
    // capture's findings are many lines.
    LINES.with_borrow_mut(|kept| {
        let Lines {
            lines,
            input: last,
            shown_input,
        } = kept;
        lines.clear();
        // The input's name escaped once an input, not once a record (records of one input
        // share its name).
        if !last.as_ref().is_some_and(|last| Arc::ptr_eq(last, input)) {
            *shown_input = escape(input).into_owned();
            *last = Some(Arc::clone(input));
        }
        for v in violations {
            lines.extend_from_slice(indent.as_bytes());
            write_violation(lines, p, shown_input, v);
        }
        if let Verdict::Invalid { omitted, .. } = &checked.verdict
            && *omitted > 0
        {
            lines.extend_from_slice(indent.as_bytes());
            write_note(
                lines,
                p,
                input,
                Some(checked.origin.start),
                &omitted_note(*omitted),
            )?;
        }
        let written = out.write_all(lines);
        // A record with very many violations does not leave its buffer behind.
        if lines.capacity() > LINES_KEPT {
            *lines = Vec::new();
        }
        written
    })
}

thread_local! {
    /// [`write_checked_indented`]'s buffer, and the name of the last input it wrote lines
    /// of.
    static LINES: std::cell::RefCell<Lines> = const {
        std::cell::RefCell::new(Lines {
            lines: Vec::new(),
            input: None,
            shown_input: String::new(),
        })
    };
}

/// What [`LINES`] keeps.
struct Lines {
    /// A record's lines, put together.
    lines: Vec<u8>,
    /// The input the last record written was of, and its name as shown (escaped).
    input: Option<Arc<str>>,
    shown_input: String,
}

/// The most [`LINES`] keeps between records.
const LINES_KEPT: usize = 64 << 10;

/// One line of a violation, appended to `line`; `input` is the input's name, escaped.
/// Without colour (output to a file or a pipe, where such captures go), the pieces are
/// copied one after the other and the numbers written by `itoa`, with no formatting
/// machinery; in colour, through the styles' `Display`.
fn write_violation(line: &mut Vec<u8>, p: Palette, input: &str, v: &Violation) {
    if p.enabled {
        write_violation_painted(line, p, input, v);
        return;
    }
    let message = escape_made(&v.message);
    let pointer = shown_made_pointer(&v.pointer);
    let mut digits = itoa::Buffer::new();
    line.reserve(input.len() + pointer.len() + message.len() + 80);
    line.extend_from_slice(input.as_bytes());
    line.push(b':');
    line.extend_from_slice(digits.format(v.at.line).as_bytes());
    line.push(b':');
    line.extend_from_slice(digits.format(v.at.column).as_bytes());
    line.extend_from_slice(b": ");
    if let Some(rule) = v.rule {
        line.extend_from_slice(level_name(v.level).as_bytes());
        line.push(b'[');
        line.extend_from_slice(rule.as_bytes());
        line.extend_from_slice(b"]: ");
    }
    line.extend_from_slice(pointer.as_bytes());
    line.extend_from_slice(b": ");
    line.extend_from_slice(message.as_bytes());
    line.push(b'\n');
}

/// [`write_violation`] in colour (`input` escaped: [`line_start`] escapes it again, which
/// changes nothing).
fn write_violation_painted(line: &mut Vec<u8>, p: Palette, input: &str, v: &Violation) {
    let at = line_start(p, input, Some(v.at));
    let pointer = p.painted(shown_made_pointer(&v.pointer), style::pointer);
    // Writing to a `Vec` cannot fail.
    let _ = match v.rule {
        None => writeln!(line, "{at} {pointer}: {}", escape_made(&v.message)),
        Some(rule) => writeln!(
            line,
            "{at} {}: {pointer}: {}",
            level_word(p, v.level, rule),
            escape_made(&v.message)
        ),
    };
}

/// `warning[phone-e164]`, coloured by level.
pub fn level_word(p: Palette, level: Level, rule: &str) -> impl std::fmt::Display {
    let word = LevelWord { level, rule };
    match level {
        Level::Error => p.painted(word, style::error),
        Level::Warn => p.painted(word, style::warn),
        Level::Info | Level::Off => p.painted(word, style::dim),
    }
}

struct LevelWord<'a> {
    level: Level,
    rule: &'a str,
}

impl std::fmt::Display for LevelWord<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}[{}]", level_name(self.level), self.rule)
    }
}

/// A lint level as output says it: `error`, `warning`, `info`.
pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warn => "warning",
        Level::Info | Level::Off => "info",
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
pub fn write_input_error(out: &mut dyn Write, p: Palette, e: &InputError) -> io::Result<()> {
    writeln!(
        out,
        "{} {}: {}",
        line_start(p, &e.input, e.at),
        p.error("error"),
        escape(&e.message)
    )
}

/// A note about a place: `INPUT:LINE:COL: note: message`.
pub fn write_note(
    out: &mut dyn Write,
    p: Palette,
    input: &str,
    at: Option<LineCol>,
    message: &str,
) -> io::Result<()> {
    writeln!(
        out,
        "{} {}: {}",
        line_start(p, input, at),
        p.warn("note"),
        escape(message)
    )
}

/// Something a directory walk left out: `PATH: note: skipped: FIFO, not a regular file`.
pub fn write_skipped(out: &mut dyn Write, p: Palette, skipped: &Skipped) -> io::Result<()> {
    write_note(out, p, &skipped.path, None, &skipped.reason)
}

/// `leadcheck: error: …`, the last line of a run that could not do its job.
pub fn error_line(message: &str) -> String {
    format!("leadcheck: error: {}\n", super::escape_lines(message))
}

/// `N records: V valid, I invalid, U unreadable (K inputs)`.
pub fn counts(p: Palette, t: &Tally) -> String {
    let valid = format!("{} valid", t.valid);
    let invalid = format!("{} invalid", t.invalid);
    let unreadable = format!("{} unreadable", t.unreadable);
    format!(
        "{}: {}, {}, {} ({})",
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
        inputs(t)
    )
}

/// `K inputs` and, when some failed, `, F could not be read`.
pub fn inputs(t: &Tally) -> String {
    let mut inputs = plural(t.inputs, "input");
    if t.failed_inputs > 0 {
        inputs.push_str(&format!(", {} could not be read", t.failed_inputs));
    }
    inputs
}

/// The closing line of a run with lint findings: the counts, then `; W warnings, N infos`.
pub fn write_counts_and_findings(
    out: &mut dyn Write,
    p: Palette,
    t: &Tally,
    warnings: u64,
    infos: u64,
) -> io::Result<()> {
    let warnings = plural(warnings, "warning");
    let infos = plural(infos, "info");
    writeln!(out, "{}; {}, {}", counts(p, t), p.warn(&warnings), infos)
}

/// The closing line of a run, on stderr.
pub fn write_counts(out: &mut dyn Write, p: Palette, t: &Tally) -> io::Result<()> {
    writeln!(out, "{}", counts(p, t))
}

/// `1 record`, `2 records`.
pub fn plural(n: u64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn counts_read_naturally() {
        let t = Tally {
            records: 3,
            valid: 1,
            invalid: 1,
            unreadable: 1,
            inputs: 1,
            failed_inputs: 1,
        };
        assert_eq!(
            counts(Palette::PLAIN, &t),
            "3 records: 1 valid, 1 invalid, 1 unreadable (1 input, 1 could not be read)"
        );
        colored::control::set_override(true); // as the binary does
        let colored = counts(Palette { enabled: true }, &t);
        assert!(colored.contains("\u{1b}["), "{colored:?}");
    }

    #[test]
    fn a_finding_is_one_line_plain_and_in_colour() {
        let v = Violation {
            pointer: "/contact_phone_number".into(),
            at: LineCol { line: 3, column: 7 },
            keyword: "phone-e164".into(),
            message: "\"555\u{1b}\" is not E.164".to_string().into(),
            schema_path: String::new(),
            level: Level::Warn,
            rule: Some("phone-e164"),
        };
        let line = |p: Palette| {
            let mut out = Vec::new();
            write_violation(&mut out, p, &escape("in\u{7}.jsonl"), &v);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            line(Palette::PLAIN),
            "in\\u{7}.jsonl:3:7: warning[phone-e164]: /contact_phone_number: \"555\\u{1b}\" \
             is not E.164\n"
        );
        colored::control::set_override(true); // as the binary does
        let p = Palette { enabled: true };
        assert_eq!(
            line(p),
            format!(
                "{} {}: {}: \"555\\u{{1b}}\" is not E.164\n",
                p.location("in\\u{7}.jsonl:3:7:"),
                p.warn("warning[phone-e164]"),
                p.pointer("/contact_phone_number")
            )
        );
    }

    /// The plain line is the coloured one without its colour: both ways of writing a
    /// violation say the same, for findings and schema errors, at any line and column.
    #[test]
    fn a_violation_is_the_same_line_with_and_without_colour() {
        colored::control::set_override(true); // as the binary does
        let strip = |s: &str| {
            let mut out = String::new();
            let mut rest = s;
            while let Some(i) = rest.find('\u{1b}') {
                out.push_str(&rest[..i]);
                rest = &rest[i..];
                rest = &rest[rest.find('m').map_or(rest.len(), |m| m + 1)..];
            }
            out + rest
        };
        for (rule, level, pointer) in [
            (Some("lead-state-spelling"), Level::Info, "/lead_state"),
            (
                Some("phone-e164"),
                Level::Warn,
                "/field_mappings/Phone\u{1b}[2J",
            ),
            (Some("user-id-profile"), Level::Error, ""),
            (None, Level::Error, "/a~1b/0"),
        ] {
            for (line, column) in [(1, 1), (9, 10), (1_234_567, 89), (u64::MAX, 0)] {
                // Static pointers (a top-level field's, the root's) as the rules make them,
                // borrowed; others made at run time.
                let pointer: Cow<'static, str> = if pointer.contains('\u{1b}') {
                    pointer.to_string().into()
                } else {
                    Cow::Borrowed(pointer)
                };
                let v = Violation {
                    pointer,
                    at: LineCol { line, column },
                    keyword: "k".into(),
                    message: "\"In Progess\u{9b}\" is \u{202e}spelt".to_string().into(),
                    schema_path: String::new(),
                    level,
                    rule,
                };
                let written = |p: Palette| {
                    let mut out = Vec::new();
                    write_violation(&mut out, p, &escape("dir/in\u{7}.jsonl"), &v);
                    String::from_utf8(out).unwrap()
                };
                let mut plain = Vec::new();
                write_violation_painted(&mut plain, Palette::PLAIN, "dir/in\u{7}.jsonl", &v);
                let plain = String::from_utf8(plain).unwrap();
                assert_eq!(written(Palette::PLAIN), plain);
                let coloured = written(Palette { enabled: true });
                assert_ne!(coloured, plain);
                assert_eq!(strip(&coloured), plain);
                assert!(plain.contains(&format!(":{line}:{column}: ")), "{plain}");
            }
        }
    }

    /// A record's lines are written whole from a buffer its thread keeps; the buffer of
    /// a record with very many lines is not kept for the next.
    #[test]
    fn a_record_with_many_lines_leaves_no_large_buffer_behind() {
        let violation = |i: u64| Violation {
            pointer: format!("/leads/{i}").into(),
            at: LineCol { line: i, column: 2 },
            keyword: "type".into(),
            message: "expected an integer".into(),
            schema_path: String::new(),
            level: Level::Error,
            rule: None,
        };
        let record = |n: u64| Checked {
            origin: leadcheck::record::Origin {
                input: "big.json".into(),
                record: 1,
                start: LineCol::START,
                offset: 0,
            },
            lead_id: None,
            verdict: Verdict::Invalid {
                violations: (1..=n).map(violation).collect(),
                omitted: 0,
            },
            lint: Default::default(),
        };
        let mut out = Vec::new();
        write_checked(&mut out, Palette::PLAIN, &record(2_000)).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(out.lines().count(), 2_000);
        assert!(out.len() > LINES_KEPT, "{}", out.len());
        assert!(out.ends_with("big.json:2000:2: /leads/2000: expected an integer\n"));
        assert_eq!(LINES.with_borrow(|l| l.lines.capacity()), 0);
        let mut out = Vec::new();
        write_checked(&mut out, Palette::PLAIN, &record(2)).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "big.json:1:2: /leads/1: expected an integer\n\
             big.json:2:2: /leads/2: expected an integer\n"
        );
        let kept = LINES.with_borrow(|l| l.lines.capacity());
        assert!(kept > 0 && kept <= LINES_KEPT, "{kept}");
    }

    /// The input's name, escaped once an input, is each record's own: records of inputs
    /// taking turns name theirs.
    #[test]
    fn each_record_names_its_own_input() {
        let record = |input: &Arc<str>, line: u64| Checked {
            origin: leadcheck::record::Origin {
                input: Arc::clone(input),
                record: 1,
                start: LineCol { line, column: 1 },
                offset: 0,
            },
            lead_id: None,
            verdict: Verdict::Valid {
                findings: vec![Violation {
                    pointer: "/lead_state".into(),
                    at: LineCol { line, column: 5 },
                    keyword: "lead-state-spelling".into(),
                    message: "spelt".into(),
                    schema_path: String::new(),
                    level: Level::Info,
                    rule: Some("lead-state-spelling"),
                }],
            },
            lint: Default::default(),
        };
        let a: Arc<str> = "a\u{1b}.jsonl".into();
        let b: Arc<str> = "b.jsonl".into();
        let c: Arc<str> = "c.jsonl".into();
        let mut out = Vec::new();
        for (input, line) in [(&a, 1), (&b, 2), (&a, 3), (&c, 4), (&b, 5)] {
            write_checked(&mut out, Palette::PLAIN, &record(input, line)).unwrap();
        }
        let names: Vec<&str> = std::str::from_utf8(&out)
            .unwrap()
            .lines()
            .map(|l| l.split(':').next().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "a\\u{1b}.jsonl",
                "b.jsonl",
                "a\\u{1b}.jsonl",
                "c.jsonl",
                "b.jsonl"
            ]
        );
    }

    /// `listen` writes a delivery's records under its line: every line of a record, the
    /// note of omitted violations and an unreadable record's line included, after the
    /// indent, and otherwise as `validate` writes it.
    #[test]
    fn a_record_indented_is_validate_lines_after_the_indent() {
        let origin = leadcheck::record::Origin {
            input: "cap\u{1b}.http".into(),
            record: 1,
            start: LineCol { line: 9, column: 1 },
            offset: 0,
        };
        let violation = Violation {
            pointer: "/lead_id".into(),
            at: LineCol {
                line: 9,
                column: 13,
            },
            keyword: "type".into(),
            message: "expected an integer, found \"4\u{7}\"".to_string().into(),
            schema_path: String::new(),
            level: Level::Error,
            rule: None,
        };
        let invalid = Checked {
            origin: origin.clone(),
            lead_id: None,
            verdict: Verdict::Invalid {
                violations: vec![violation],
                omitted: 2,
            },
            lint: Default::default(),
        };
        let unreadable = Checked {
            verdict: Verdict::Unreadable {
                at: LineCol { line: 9, column: 5 },
                message: "expected value".into(),
            },
            ..invalid.clone()
        };
        for checked in [&invalid, &unreadable] {
            let lines = |indent| {
                let mut out = Vec::new();
                write_checked_indented(&mut out, Palette::PLAIN, checked, indent).unwrap();
                String::from_utf8(out).unwrap()
            };
            let plain = lines("");
            assert!(plain.starts_with("cap\\u{1b}.http:9:"), "{plain:?}");
            let indented: String = plain.lines().map(|l| format!("   {l}\n")).collect();
            assert_eq!(lines("   "), indented);
        }
        let mut out = Vec::new();
        write_checked(&mut out, Palette::PLAIN, &invalid).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.contains("/lead_id: expected an integer, found \"4\\u{7}\""));
    }

    #[test]
    fn names_and_messages_cannot_control_the_terminal() {
        let e = InputError {
            input: "a\u{1b}[2Jb\n.json".into(),
            at: Some(LineCol::START),
            message: "bad \u{7}".into(),
        };
        let mut out = Vec::new();
        write_input_error(&mut out, Palette::PLAIN, &e).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a\\u{1b}[2Jb\\u{a}.json:1:1: error: bad \\u{7}\n"
        );
    }
}
