//! Machine output for `validate --format json`: one JSON object per record, one per line.
//!
//! ```json
//! {"input":"samples/x.json","record":1,"line":1,"column":1,"offset":0,"status":"invalid",
//!  "valid":false,"lead_id":153928,"errors":[{"pointer":"/lead_id","line":3,"column":12,
//!  "keyword":"type","message":"…","schema_path":"/allOf/0/$ref/properties/lead_id/type"}]}
//! ```
//! `schema_path` is left out for `--strict`'s unknown fields. `omitted` (violations left out
//! by `--max-errors`) is there only when some were. An unreadable record has `"status":"unreadable"` and one error whose `pointer` is null
//! and whose `keyword` is `"unreadable"`.

use std::io::{self, Write};

use serde::Serialize;

use leadcheck::check::{Checked, Status, Verdict, Violation};
use leadcheck::record::Origin;

/// The JSON object of one record (fields in this order).
#[derive(Debug, Serialize)]
pub struct RecordJson<'a> {
    #[serde(flatten)]
    pub origin: &'a Origin,
    pub status: Status,
    pub valid: bool,
    pub lead_id: Option<&'a serde_json::Value>,
    pub errors: Vec<ErrorJson<'a>>,
    /// Violations left out by `--max-errors` (the field is absent when none were).
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One error of a record: a violation, or what made the record unreadable.
#[derive(Debug, Serialize)]
pub struct ErrorJson<'a> {
    pub pointer: Option<&'a str>,
    pub line: u64,
    pub column: u64,
    pub keyword: &'a str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_path: Option<&'a str>,
    /// A lint finding's rule and level (`error`, `warning`, `info`); absent for the
    /// schema's violations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<&'static str>,
}

impl<'a> From<&'a Violation> for ErrorJson<'a> {
    fn from(v: &'a Violation) -> Self {
        ErrorJson {
            pointer: Some(&v.pointer),
            line: v.at.line,
            column: v.at.column,
            keyword: &v.keyword,
            message: &v.message,
            schema_path: (!v.schema_path.is_empty()).then_some(v.schema_path.as_str()),
            rule: v.rule,
            level: v.rule.map(|_| super::text::level_name(v.level)),
        }
    }
}

/// The errors of a record: its violations, or what made it unreadable.
pub fn errors(c: &Checked) -> Vec<ErrorJson<'_>> {
    match &c.verdict {
        Verdict::Unreadable { at, message } => vec![ErrorJson {
            pointer: None,
            line: at.line,
            column: at.column,
            keyword: "unreadable",
            message,
            schema_path: None,
            rule: None,
            level: None,
        }],
        _ => c.violations().iter().map(ErrorJson::from).collect(),
    }
}

impl<'a> From<&'a Checked> for RecordJson<'a> {
    fn from(c: &'a Checked) -> Self {
        RecordJson {
            origin: &c.origin,
            status: c.status(),
            valid: c.status() == Status::Valid,
            lead_id: c.lead_id.as_ref(),
            errors: errors(c),
            omitted: c.omitted(),
        }
    }
}

pub fn write_checked(out: &mut dyn Write, checked: &Checked) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &RecordJson::from(checked))?;
    out.write_all(b"\n")
}
