//! `validate --format junit`: JUnit XML, the test report format CI systems (GitLab, Jenkins,
//! Azure Pipelines, CircleCI…) show as a test summary.
//!
//! One `<testsuite>` per input and one `<testcase>` per record, named by input and record
//! number (and lead id where known). An invalid or unreadable record is a testcase with a
//! `<failure>` whose text lists every violation, compiler-style, as the text format does; an
//! input that cannot be opened or read to the end adds a testcase with an `<error>`.
//!
//! The document follows the Apache Ant JUnit schema (JUnit.xsd): a bare `<testsuites>`
//! root; `package`, `id`, `timestamp` (UTC, without zone) and `hostname` on each suite; the
//! required `<properties>`, `<system-out>` and `<system-err>` elements. It is well-formed
//! whatever the payload holds: markup characters are escaped, line breaks and tabs in
//! attributes are written as character references (so they survive attribute
//! normalisation), and the few characters XML 1.0 cannot carry at all (control characters,
//! U+FFFE, U+FFFF) are written as `\uXXXX`.
//!
//! The escaping is leadcheck's own rather than quick-xml's: quick-xml's `escape` functions
//! replace only the markup characters (`<`, `>`, `&`, quotes), so a CR would be read back as
//! LF, a line break or tab in an attribute would be normalised to a space, and a control
//! character would make the document ill-formed (the tests below and tests/ci_formats.rs
//! check all three). quick-junit does not fit either: it writes attributes on
//! `<testsuites>` and leaves out `package` and `id`, which JUnit.xsd rejects.

use std::io::{self, Write};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use leadcheck::check::{Status, Verdict};

use super::{Entry, InputReport, Palette, text};

/// What a report says about where and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// UTC, `YYYY-MM-DDTHH:MM:SS` (see [`timestamp`]).
    pub timestamp: String,
    /// The host name, or `localhost` when it is not known.
    pub hostname: String,
}

/// Whether XML 1.0 can carry `c` at all (its `Char` production).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            // A literal CR would be read back as LF, in text and in attributes alike.
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Escapes character data (element text).
pub fn escape_text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value (to be written between double quotes).
pub fn escape_attr(s: &str) -> String {
    escape(s, true)
}

/// A `YYYY-MM-DDTHH:MM:SS` timestamp in UTC (JUnit.xsd allows no zone designator), to the
/// second (fractions dropped). A time jiff cannot represent is written as the Unix epoch.
pub fn timestamp(t: SystemTime) -> String {
    jiff::Timestamp::try_from(t)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// A name for an `xs:token` attribute that must not be empty.
fn token_name(name: &str) -> &str {
    if name.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
        "(unnamed)"
    } else {
        name
    }
}

/// `INPUT record N (lead_id ID)`.
fn testcase_name(entry: &Entry) -> String {
    let c = &entry.checked;
    let mut name = format!("{} record {}", c.origin.input, c.origin.record);
    if let Some(id @ (Value::Number(_) | Value::String(_))) = &c.lead_id {
        name.push_str(&format!(" (lead_id {id})"));
    }
    name
}

/// The `message` attribute of a failure: its first problem, and how many more there are.
fn failure_message(entry: &Entry) -> String {
    let c = &entry.checked;
    if let Verdict::Unreadable { message, .. } = &c.verdict {
        return format!("unreadable: {message}");
    }
    // The first error (lint findings below `error` come along in the details).
    let Some(first) = c
        .violations()
        .iter()
        .find(|v| v.level == leadcheck::lint::Level::Error)
        .or(c.violations().first())
    else {
        return String::new();
    };
    let pointer = super::shown_pointer(&first.pointer);
    let more = c.violations().len() - 1 + c.omitted();
    let mut message = format!("{pointer}: {}", first.message);
    if more > 0 {
        message.push_str(&format!(" (and {more} more)"));
    }
    message
}

/// Writes the whole report.
pub fn write(out: &mut dyn Write, reports: &[InputReport], meta: &Meta) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, "<testsuites>")?;
    for (id, report) in reports.iter().enumerate() {
        write_suite(out, id, report, meta)?;
    }
    writeln!(out, "</testsuites>")
}

fn write_suite(
    out: &mut dyn Write,
    id: usize,
    report: &InputReport,
    meta: &Meta,
) -> io::Result<()> {
    let failures = report
        .records
        .iter()
        .filter(|e| e.checked.status() != Status::Valid)
        .count();
    let errors = usize::from(report.failure.is_some());
    let name = escape_attr(token_name(&report.name));
    writeln!(
        out,
        r#"  <testsuite name="{name}" package="{name}" id="{id}" tests="{}" failures="{failures}" errors="{errors}" skipped="0" time="{}" timestamp="{}" hostname="{}">"#,
        report.records.len() + errors,
        seconds(report.elapsed),
        escape_attr(&meta.timestamp),
        escape_attr(token_name(&meta.hostname)),
    )?;
    writeln!(out, "    <properties>")?;
    writeln!(
        out,
        r#"      <property name="leadcheck.version" value="{}"/>"#,
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "    </properties>")?;
    for entry in &report.records {
        write!(
            out,
            r#"    <testcase name="{}" classname="{name}" time="{}""#,
            escape_attr(token_name(&testcase_name(entry))),
            seconds(entry.elapsed),
        )?;
        if entry.checked.status() == Status::Valid {
            writeln!(out, "/>")?;
            continue;
        }
        let kind = match entry.checked.status() {
            Status::Unreadable => "unreadable",
            _ => "invalid",
        };
        let mut details = Vec::new();
        text::write_checked(&mut details, Palette::PLAIN, &entry.checked)?;
        writeln!(
            out,
            r#"><failure type="{kind}" message="{}">{}</failure></testcase>"#,
            escape_attr(&failure_message(entry)),
            escape_text(&String::from_utf8_lossy(&details)),
        )?;
    }
    if let Some(failure) = &report.failure {
        let mut details = Vec::new();
        text::write_input_error(&mut details, Palette::PLAIN, failure)?;
        writeln!(
            out,
            r#"    <testcase name="{name}" classname="{name}" time="0"><error type="input" message="{}">{}</error></testcase>"#,
            escape_attr(&failure.message),
            escape_text(&String::from_utf8_lossy(&details)),
        )?;
    }
    // Lint findings below `error` fail no testcase: they are the suite's output, one line
    // each, as the text format writes them.
    let mut findings = Vec::new();
    for entry in &report.records {
        if entry.checked.status() == Status::Valid {
            text::write_checked(&mut findings, Palette::PLAIN, &entry.checked)?;
        }
    }
    if findings.is_empty() {
        writeln!(out, "    <system-out/>")?;
    } else {
        writeln!(
            out,
            "    <system-out>{}</system-out>",
            escape_text(&String::from_utf8_lossy(&findings))
        )?;
    }
    writeln!(out, "    <system-err/>")?;
    writeln!(out, "  </testsuite>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_the_document_well_formed() {
        assert_eq!(
            escape_text("<a & \"b\">\r\n\té"),
            "&lt;a &amp; \"b\"&gt;&#13;\n\té"
        );
        assert_eq!(
            escape_attr("<a & \"b\" 'c'>\r\n\té"),
            "&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;&#13;&#10;&#9;é"
        );
        assert_eq!(escape_text("]]>"), "]]&gt;");
        assert_eq!(escape_text("a\u{1}b\u{FFFF}"), "a\\u0001b\\uFFFF");
    }

    #[test]
    fn timestamps_are_utc_without_zone() {
        use std::time::UNIX_EPOCH;
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00:00:00");
        let t = UNIX_EPOCH + Duration::from_secs(1_454_335_741);
        assert_eq!(timestamp(t), "2016-02-01T14:09:01");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(timestamp(leap), "2000-02-29T00:00:00");
        // Fractions of a second are dropped, not rounded.
        let t = UNIX_EPOCH + Duration::from_millis(1_454_335_741_999);
        assert_eq!(timestamp(t), "2016-02-01T14:09:01");
        let late = UNIX_EPOCH + Duration::from_secs(4_102_444_799);
        assert_eq!(timestamp(late), "2099-12-31T23:59:59");
    }

    #[test]
    fn blank_names_get_a_placeholder() {
        assert_eq!(token_name(" \t"), "(unnamed)");
        assert_eq!(token_name("a b"), "a b");
    }
}
