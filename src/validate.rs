//! Validation of records against a schema, as data: every violation of a record with its
//! JSON Pointer, its position in the input, the schema keyword and a message that names the
//! expectation and the value found. Nothing here prints; `render` does.

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde::Serialize;
use serde_json::Value;

use crate::input::{Item, Origin, Record, Unreadable};
use crate::position::{LineCol, escape_token};
use crate::schema::Schema;
use crate::suggest;

/// How records are checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also report top-level fields the schema does not describe.
    pub strict: bool,
}

/// One violation of the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// JSON Pointer of the offending value (of the parent object for a missing property).
    pub pointer: String,
    /// Where that value is in the input.
    #[serde(flatten)]
    pub at: LineCol,
    /// The schema keyword that failed (`type`, `enum`, `required`, ...), or `unknown-field`
    /// for `--strict`.
    pub keyword: String,
    /// What was expected and what was found.
    pub message: String,
    /// Where the failing keyword is in the schema (a JSON Pointer through `$ref`s).
    pub schema_path: String,
}

/// A record's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Valid,
    Invalid,
    Unreadable,
}

/// The result of checking one record.
#[derive(Debug, Clone)]
pub struct Checked {
    pub origin: Origin,
    pub status: Status,
    /// The record's `lead_id`, when it has one.
    pub lead_id: Option<Value>,
    /// For an invalid record, its violations in input order.
    pub violations: Vec<Violation>,
    /// For an unreadable record, what is wrong and where.
    pub unreadable: Option<(LineCol, String)>,
    /// Violations left out of `violations` by [`Checked::limit`] (`--max-errors`).
    pub omitted: usize,
}

impl Checked {
    /// Keeps the first `max` violations (in input order) and counts the others as omitted,
    /// so one broken fixture does not flood a CI log. The status does not change.
    pub fn limit(&mut self, max: usize) {
        if self.violations.len() > max {
            self.omitted += self.violations.len() - max;
            self.violations.truncate(max);
        }
    }
}

impl serde::Serialize for LineCol {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("LineCol", 2)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("column", &self.column)?;
        st.end()
    }
}

/// Counts of a run. `records == valid + invalid + unreadable`, always.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub records: u64,
    pub valid: u64,
    pub invalid: u64,
    pub unreadable: u64,
    /// Inputs read (files and stdin).
    pub inputs: u64,
    /// Inputs that could not be opened or read to the end (exit status 2).
    pub failed_inputs: u64,
}

impl Tally {
    pub fn add(&mut self, checked: &Checked) {
        self.records += 1;
        match checked.status {
            Status::Valid => self.valid += 1,
            Status::Invalid => self.invalid += 1,
            Status::Unreadable => self.unreadable += 1,
        }
    }

    /// The exit status this tally calls for.
    pub fn outcome(&self) -> crate::error::Outcome {
        use crate::error::Outcome;
        if self.failed_inputs > 0 {
            Outcome::Error
        } else if self.invalid + self.unreadable > 0 {
            Outcome::Found
        } else {
            Outcome::Ok
        }
    }
}

/// Checks one item from the reader against the schema `choice` picks for it (an
/// unreadable record is checked against nothing).
pub fn check_choice(
    choice: &crate::schema::Choice,
    item: Item,
    options: Options,
) -> Result<Checked, crate::schema::SchemaError> {
    Ok(match item {
        Item::Record(record) => check(choice.schema_for(&record.value)?, &record, options),
        Item::Unreadable(u) => unreadable(u),
    })
}

/// Checks one item from the reader.
pub fn check_item(schema: &Schema, item: Item, options: Options) -> Checked {
    match item {
        Item::Record(record) => check(schema, &record, options),
        Item::Unreadable(u) => unreadable(u),
    }
}

/// The verdict on a record that could not be read.
pub fn unreadable(u: Unreadable) -> Checked {
    Checked {
        origin: u.origin,
        status: Status::Unreadable,
        lead_id: None,
        violations: Vec::new(),
        unreadable: Some((u.at, u.message)),
        omitted: 0,
    }
}

/// Checks one record against the schema and reports every violation.
pub fn check(schema: &Schema, record: &Record, options: Options) -> Checked {
    check_parts(schema, &record.origin, &record.value, &record.raw, options)
}

/// [`check`] on the parts of a record: its origin, its value and its own text (`raw`, from
/// which violations are positioned; only read for an invalid record).
pub fn check_parts(
    schema: &Schema,
    origin: &Origin,
    value: &Value,
    raw: &[u8],
    options: Options,
) -> Checked {
    let position_of = |pointer: &str| {
        origin
            .start
            .advance(&raw[..crate::position::locate(raw, pointer)])
    };
    let mut violations = Vec::new();
    if !schema.validator().is_valid(value) {
        for error in schema.validator().iter_errors(value) {
            let pointer = error.instance_path().as_str().to_string();
            violations.push(Violation {
                at: position_of(&pointer),
                keyword: error.kind().keyword().to_string(),
                message: message(schema, &error),
                schema_path: error.evaluation_path().as_str().to_string(),
                pointer,
            });
        }
    }
    if options.strict
        && let Some(object) = value.as_object()
    {
        let known = schema.known_fields();
        for key in object.keys().filter(|k| !known.contains(k.as_str())) {
            let pointer = format!("/{}", escape_token(key));
            let mut message = format!("unknown field {}", quote(key));
            if let Some(s) = suggest::closest(key, known.iter().map(String::as_str)) {
                message.push_str(&format!("; did you mean {}?", quote(s)));
            }
            violations.push(Violation {
                at: position_of(&pointer),
                keyword: "unknown-field".into(),
                message,
                schema_path: String::new(),
                pointer,
            });
        }
    }
    // In input order; the same statement about the same value once (a timestamp that fails
    // both `pattern` and `format` is one problem).
    violations.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.pointer.cmp(&b.pointer)));
    violations.dedup_by(|a, b| a.pointer == b.pointer && a.message == b.message);
    // A value that fails a `const` (the chat schema's "Chat") and an `enum` that holds it
    // (the common schema's list of lead types) has one problem: keep the narrower statement.
    let consts: Vec<String> = violations
        .iter()
        .filter(|v| v.keyword == "const")
        .map(|v| v.pointer.clone())
        .collect();
    violations.retain(|v| v.keyword != "enum" || !consts.contains(&v.pointer));
    // Likewise a value of the wrong type outside an enumeration (a number for lead_type):
    // its type is the problem.
    let typed: Vec<String> = violations
        .iter()
        .filter(|v| v.keyword == "type")
        .map(|v| v.pointer.clone())
        .collect();
    violations.retain(|v| v.keyword != "enum" || !typed.contains(&v.pointer));
    Checked {
        origin: origin.clone(),
        status: if violations.is_empty() {
            Status::Valid
        } else {
            Status::Invalid
        },
        lead_id: value.get("lead_id").cloned(),
        violations,
        unreadable: None,
        omitted: 0,
    }
}

/// The failing keyword's schema node's parent, where leadcheck's own annotations live:
/// `x-expected` (what a valid value looks like, in words) and `x-summary` (a prefix that
/// names the problem, such as "not a chat lead").
fn annotation<'s>(schema: &'s Schema, error: &ValidationError<'_>, key: &str) -> Option<&'s str> {
    let uri = error.absolute_keyword_location()?.as_str().to_string();
    let (base, fragment) = uri.split_once('#').unwrap_or((&uri, ""));
    // The schema object that holds the failing keyword.
    let owner = fragment.rfind('/').map_or("", |i| &fragment[..i]);
    schema
        .lookup(&format!("{base}#{owner}"))
        .and_then(|node| node.get(key))
        .and_then(Value::as_str)
}

/// The message of one violation: the expectation and the value found.
fn message(schema: &Schema, error: &ValidationError<'_>) -> String {
    // Only the messages that quote the value pay for its preview (not `required`).
    let found = || describe(error.instance());
    let expected_note = annotation(schema, error, "x-expected");
    let summary = annotation(schema, error, "x-summary");
    let mut text = match error.kind() {
        ValidationErrorKind::Required { property } => {
            format!("missing required property {property}")
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match expected_note {
                Some(note) => note.to_string(),
                None => match kind {
                    TypeKind::Single(t) => article(&t.to_string()),
                    TypeKind::Multiple(set) => {
                        let mut names: Vec<String> = set.iter().map(|t| t.to_string()).collect();
                        // "a number or null" reads better than "null or a number".
                        names.sort_by_key(|n| n == "null");
                        names
                            .iter()
                            .map(|n| article(n))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    }
                },
            };
            let mut text = format!("expected {expected}, found {}", found());
            // A payload serialised twice arrives as a string that holds the object.
            if let Some(inner) = error.instance().as_str()
                && inner.trim_start().starts_with('{')
                && serde_json::from_str::<Value>(inner).is_ok_and(|v| v.is_object())
            {
                text.push_str(" that holds a JSON object (serialised twice?)");
            }
            text
        }
        ValidationErrorKind::Enum { options } => {
            let list = match options.as_array() {
                Some(items) => items
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                None => options.to_string(),
            };
            let mut text = format!("expected one of {list}, found {}", found());
            push_suggestion(
                &mut text,
                error.instance(),
                options.as_array().map(Vec::as_slice),
            );
            text
        }
        ValidationErrorKind::Constant { expected_value } => {
            let mut text = format!("expected {expected_value}, found {}", found());
            push_suggestion(
                &mut text,
                error.instance(),
                Some(std::slice::from_ref(expected_value.as_ref())),
            );
            text
        }
        ValidationErrorKind::Minimum { limit } => {
            format!("expected a number >= {limit}, found {}", found())
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("expected a number <= {limit}, found {}", found())
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let names: Vec<String> = unexpected.iter().map(|n| quote(n)).collect();
            format!(
                "unexpected propert{} {}",
                if names.len() == 1 { "y" } else { "ies" },
                names.join(", ")
            )
        }
        _ => match expected_note {
            Some(note) => format!("expected {note}, found {}", found()),
            None => error.to_string(),
        },
    };
    if let Some(summary) = summary {
        text = format!("{summary}: {text}");
    }
    text
}

fn push_suggestion(text: &mut String, found: &Value, options: Option<&[Value]>) {
    let (Some(word), Some(options)) = (found.as_str(), options) else {
        return;
    };
    if let Some(s) = suggest::closest(word, options.iter().filter_map(Value::as_str)) {
        text.push_str(&format!("; did you mean {}?", quote(s)));
    }
}

fn article(noun: &str) -> String {
    match noun {
        "null" => "null".into(),
        n if n.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {n}"),
        n => format!("a {n}"),
    }
}

fn quote(s: &str) -> String {
    Value::from(s).to_string()
}

/// A short description of a found value: its JSON type and (a preview of) the value.
pub fn describe(value: &Value) -> String {
    const MAX: usize = 60;
    let kind = match value {
        Value::Null => return "null".into(),
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(a) if a.is_empty() => return "an empty array []".into(),
        Value::Array(_) => "array",
        Value::Object(o) if o.is_empty() => return "an empty object {}".into(),
        Value::Object(_) => "object",
    };
    let mut text = value.to_string();
    if text.chars().count() > MAX {
        text = text.chars().take(MAX - 1).collect::<String>() + "…";
    }
    format!("{kind} {text}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Reader;

    fn violations(text: &str, strict: bool) -> Vec<String> {
        let schema = Schema::bundled().unwrap();
        let item = Reader::new("t".into(), text.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        let checked = check_item(&schema, item, Options { strict });
        checked
            .violations
            .iter()
            .map(|v| format!("{} {} {}: {}", v.at, v.pointer, v.keyword, v.message))
            .collect()
    }

    #[test]
    fn messages_name_expectation_and_value() {
        let v = violations(
            r#"{"lead_id": "153928", "lead_type": "Chatt", "spam": "no"}"#,
            false,
        );
        assert_eq!(
            v,
            [
                r#"1:13 /lead_id type: expected an integer, found string "153928""#,
                r#"1:36 /lead_type const: not a chat lead: expected "Chat", found string "Chatt"; did you mean "Chat"?"#,
                r#"1:53 /spam type: expected a boolean, found string "no""#,
            ]
        );
    }

    #[test]
    fn missing_property_points_at_the_parent() {
        let v = violations("\n  {\"lead_type\": \"Chat\"}", false);
        assert_eq!(v, [r#"2:3  required: missing required property "lead_id""#]);
    }

    #[test]
    fn timestamp_problem_reported_once_with_the_expectation() {
        let v = violations(
            r#"{"lead_id": 1, "lead_type": "Chat", "date_created": "2016-02-01 14:09:01"}"#,
            false,
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("expected an RFC 3339 timestamp"), "{v:?}");
    }

    #[test]
    fn strict_reports_unknown_fields_with_suggestions() {
        let v = violations(
            r#"{"lead_id": 1, "lead_type": "Chat", "lead_sorce": "g", "zz_new_id": 1}"#,
            true,
        );
        assert_eq!(
            v,
            [
                r#"1:51 /lead_sorce unknown-field: unknown field "lead_sorce"; did you mean "lead_source"?"#,
                r#"1:69 /zz_new_id unknown-field: unknown field "zz_new_id""#,
            ]
        );
        assert!(
            violations(
                r#"{"lead_id": 1, "lead_type": "Chat", "zz_new_id": 1}"#,
                false
            )
            .is_empty()
        );
    }

    #[test]
    fn limit_keeps_the_first_violations_and_counts_the_rest() {
        let schema = Schema::bundled().unwrap();
        let text = r#"{"lead_id": "1", "lead_type": "Chatt", "spam": "no"}"#;
        let item = Reader::new("t".into(), text.as_bytes())
            .next()
            .unwrap()
            .unwrap();
        let mut checked = check_item(&schema, item, Options::default());
        checked.limit(5);
        assert_eq!((checked.violations.len(), checked.omitted), (3, 0));
        checked.limit(1);
        assert_eq!((checked.violations.len(), checked.omitted), (1, 2));
        assert_eq!(checked.violations[0].pointer, "/lead_id");
        assert_eq!(checked.status, Status::Invalid);
    }

    #[test]
    fn describe_truncates_long_values() {
        assert_eq!(describe(&Value::Null), "null");
        let long = Value::from("x".repeat(200));
        assert!(describe(&long).ends_with('…'));
        assert_eq!(describe(&serde_json::json!([])), "an empty array []");
    }
}
