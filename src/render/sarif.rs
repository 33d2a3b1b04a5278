//! `validate --format sarif`: a SARIF 2.1.0 log, the format code-scanning tools read
//! (GitHub code scanning's `upload-sarif`, GitLab, Azure DevOps, IDE viewers).
//!
//! One run of the `leadcheck` tool; one rule per schema keyword that failed (`type`,
//! `enum`, `required`, …, plus `unknown-field` for `--strict` and `unreadable`); one result
//! per violation and per unreadable record, with its message, a physical location (the
//! input as a URI reference, line and column; columns count Unicode code points, as the
//! run's `columnKind` says) and, in `properties`, the record number, the JSON Pointer, the
//! schema path and the lead id. Inputs that cannot be read and what `--max-errors` left out
//! are notifications of the invocation.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde_json::{Map, Value, json};

use leadcheck::check::{Checked, Verdict};
use leadcheck::lint;
use leadcheck::position::LineCol;
use leadcheck::record::Origin;

use super::{InputReport, text};

/// The `$schema` a SARIF 2.1.0 log names.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A level as SARIF names it: `error`, `warning`, `note` (`none` for a rule that is off).
fn sarif_level(level: lint::Level) -> &'static str {
    match level {
        lint::Level::Error => "error",
        lint::Level::Warn => "warning",
        lint::Level::Info => "note",
        lint::Level::Off => "none",
    }
}

/// What a rule (a schema keyword) checks, in words.
fn rule_description(keyword: &str) -> String {
    match keyword {
        "type" => "A value has the wrong JSON type.".into(),
        "enum" => "A value is not one of the values the schema allows.".into(),
        "const" => "A value is not the one value the schema allows.".into(),
        "required" => "A required property is missing.".into(),
        "format" => "A string is not in the format the schema requires.".into(),
        "pattern" => "A string does not match the pattern the schema requires.".into(),
        "minimum" | "exclusiveMinimum" => "A number is below the schema's minimum.".into(),
        "maximum" | "exclusiveMaximum" => "A number is above the schema's maximum.".into(),
        "additionalProperties" | "unevaluatedProperties" => {
            "An object has properties the schema does not allow.".into()
        }
        "unknown-field" => "A top-level field the schema does not describe (--strict).".into(),
        "unreadable" => "A record is not readable JSON (malformed, empty or too large).".into(),
        other => format!("The JSON Schema keyword \"{other}\" failed."),
    }
}

/// An input's name as a URI reference: relative paths stay relative, absolute ones become
/// `file://` URIs; anything but unreserved characters and `/` is percent-encoded (so a
/// colon cannot pass for a scheme). `None` for stdin, which has no URI.
pub fn uri(name: &str) -> Option<String> {
    if name == leadcheck::input::STDIN_NAME {
        return None;
    }
    let path = if cfg!(windows) {
        name.replace('\\', "/")
    } else {
        name.to_string()
    };
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    } else if std::path::Path::new(name).is_absolute() {
        out.push_str("file:///");
    }
    out.extend(percent_encoding::utf8_percent_encode(&path, URI_ESCAPED));
    Some(out)
}

/// What [`uri`] percent-encodes: everything but RFC 3986's unreserved characters and `/`.
const URI_ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A `location` object: the input and, when known, the line and column.
fn location(input: &str, at: Option<LineCol>) -> Value {
    let artifact = match uri(input) {
        Some(uri) => json!({ "uri": uri }),
        None => json!({ "description": { "text": input } }),
    };
    let mut physical = Map::new();
    physical.insert("artifactLocation".into(), artifact);
    if let Some(at) = at {
        physical.insert(
            "region".into(),
            json!({ "startLine": at.line, "startColumn": at.column }),
        );
    }
    json!({ "physicalLocation": physical })
}

fn properties(origin: &Origin, checked: &Checked, extra: &[(&str, Value)]) -> Value {
    let mut props = Map::new();
    props.insert("record".into(), origin.record.into());
    for (key, value) in extra {
        props.insert((*key).into(), value.clone());
    }
    if let Some(id) = &checked.lead_id {
        props.insert("leadId".into(), id.clone());
    }
    Value::Object(props)
}

/// The whole log, as a JSON value.
pub fn log(reports: &[InputReport]) -> Value {
    let mut results = Vec::new();
    let mut keywords = BTreeSet::new();
    let mut notifications = Vec::new();
    // (keyword, result): rule indexes are known once every keyword has been seen.
    let mut pending: Vec<(String, Value)> = Vec::new();
    for report in reports {
        for entry in &report.records {
            let c = &entry.checked;
            let input = &c.origin.input;
            match &c.verdict {
                Verdict::Valid { .. } | Verdict::Invalid { .. } => {
                    for v in c.violations() {
                        let pointer = super::shown_pointer(&v.pointer);
                        let mut extra = vec![("pointer", Value::from(v.pointer.as_ref()))];
                        if !v.schema_path.is_empty() {
                            extra.push(("schemaPath", Value::from(v.schema_path.as_str())));
                        }
                        keywords.insert(v.keyword.to_string());
                        pending.push((
                            v.keyword.to_string(),
                            json!({
                                "level": sarif_level(v.level),
                                "message": { "text": format!("{pointer}: {}", v.message) },
                                "locations": [location(input, Some(v.at))],
                                "properties": properties(&c.origin, c, &extra),
                            }),
                        ));
                    }
                    let omitted = c.omitted();
                    if omitted > 0 {
                        notifications.push(json!({
                            "level": "note",
                            "message": { "text": format!("record {}: {}", c.origin.record, text::omitted_note(omitted)) },
                            "locations": [location(input, Some(c.origin.start))],
                        }));
                    }
                }
                Verdict::Unreadable { at, message } => {
                    let at = *at;
                    keywords.insert("unreadable".to_string());
                    pending.push((
                        "unreadable".into(),
                        json!({
                            "level": "error",
                            "message": { "text": format!("unreadable: {message}") },
                            "locations": [location(input, Some(at))],
                            "properties": properties(&c.origin, c, &[]),
                        }),
                    ));
                }
            }
        }
        if let Some(failure) = &report.failure {
            notifications.push(json!({
                "level": "error",
                "message": { "text": failure.message },
                "locations": [location(&report.name, failure.at)],
            }));
        }
    }
    let keywords: Vec<String> = keywords.into_iter().collect();
    for (keyword, mut result) in pending {
        let index = keywords.iter().position(|k| *k == keyword).unwrap_or(0);
        result["ruleId"] = keyword.into();
        result["ruleIndex"] = index.into();
        results.push(result);
    }
    let rules: Vec<Value> = keywords
        .iter()
        .map(|k| match lint::rule(k) {
            // A lint rule: its summary, its help, and its page of documentation.
            Some(r) => json!({
                "id": k,
                "name": k,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.help },
                "help": { "text": r.help, "markdown": r.page },
                "defaultConfiguration": { "level": sarif_level(r.default) },
                "properties": { "group": r.group.name() },
            }),
            None => json!({
                "id": k,
                "name": k,
                "shortDescription": { "text": rule_description(k) },
                "defaultConfiguration": { "level": "error" },
            }),
        })
        .collect();
    let successful = reports.iter().all(|r| r.failure.is_none());
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "leadcheck",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": successful,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    })
}

/// Writes the log, pretty-printed, and a final newline.
pub fn write(out: &mut dyn Write, reports: &[InputReport]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(reports))?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_uri_references() {
        assert_eq!(uri("<stdin>"), None);
        assert_eq!(uri("samples/a-b_c.json").unwrap(), "samples/a-b_c.json");
        assert_eq!(uri("a:b c%é.json").unwrap(), "a%3Ab%20c%25%C3%A9.json");
        if cfg!(unix) {
            assert_eq!(uri("/tmp/x y.json").unwrap(), "file:///tmp/x%20y.json");
        }
    }

    #[test]
    fn empty_run_is_a_complete_log() {
        let log = log(&[]);
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["runs"][0]["results"], json!([]));
        assert_eq!(
            log["runs"][0]["invocations"][0]["executionSuccessful"],
            true
        );
    }
}
