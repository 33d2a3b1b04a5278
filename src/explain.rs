//! `leadcheck explain` and `leadcheck schema`: the bundled schema documents read as
//! documentation, and bundled into one self-contained document.
//!
//! A field's documentation comes from every bundled document that describes it, the chat
//! schema first (it narrows `lead_type` to `Chat`), then the common one.

use serde::Serialize;
use serde_json::Value;

use crate::tree::{Node, key_text};

use crate::card::{FIELDS, SECTIONS, section_of};
use crate::schema::{BUNDLED, COMMON_SCHEMA, DEFAULT_SCHEMA};

/// What the schema says about one top-level field.
#[derive(Debug, Clone, Serialize)]
pub struct FieldDoc {
    pub name: String,
    /// The JSON types allowed (`string`, `integer`, ...).
    pub types: Vec<String>,
    /// The allowed values, when the schema lists them (`enum`, or a `const`).
    pub allowed: Option<Vec<Value>>,
    /// What else is expected of the value (a format or pattern, in words).
    pub expected: Option<String>,
    pub description: Vec<String>,
    pub examples: Vec<Value>,
    /// The card section the field is shown in.
    pub section: &'static str,
    /// The bundled documents that describe it.
    pub schemas: Vec<&'static str>,
}

/// The bundled documents: the common-lead one first (it says what every lead type
/// shares, such as the list of lead types), then the default (chat) one, then the others.
fn documents() -> Vec<(&'static str, Value)> {
    let mut docs: Vec<(&'static str, Value)> = BUNDLED
        .iter()
        .map(|(name, text)| (*name, serde_json::from_str(text).unwrap_or(Value::Null)))
        .collect();
    docs.sort_by_key(|(name, _)| (*name != COMMON_SCHEMA, *name != DEFAULT_SCHEMA));
    docs
}

/// Every top-level field the bundled schemas describe, sorted.
pub fn field_names() -> Vec<String> {
    let mut names: Vec<String> = documents()
        .iter()
        .filter_map(|(_, d)| d.get("properties").and_then(Value::as_object))
        .flat_map(|p| p.keys().cloned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The documentation of `field`, or `Err` with the closest known name.
pub fn explain(field: &str) -> Result<FieldDoc, Option<String>> {
    let mut doc = FieldDoc {
        name: field.to_string(),
        types: Vec::new(),
        allowed: None,
        expected: None,
        description: Vec::new(),
        examples: Vec::new(),
        section: section_of(field),
        schemas: Vec::new(),
    };
    let pointer = format!(
        "/properties/{}",
        field.replace('~', "~0").replace('/', "~1")
    );
    let mut common = false;
    for (name, d) in documents() {
        let Some(node) = d.pointer(&pointer) else {
            continue;
        };
        // A field every lead has is documented by the common schema; the lead-type schemas
        // only pin it (`lead_type`) or narrow it, which would repeat the same text 9 times.
        if name == COMMON_SCHEMA {
            common = true;
        } else if common {
            continue;
        }
        doc.schemas.push(name);
        if doc.types.is_empty() {
            doc.types = match node.get("type") {
                Some(Value::String(t)) => vec![t.clone()],
                Some(Value::Array(ts)) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect(),
                _ => Vec::new(),
            };
        }
        if doc.allowed.is_none() {
            doc.allowed = match (node.get("const"), node.get("enum")) {
                (Some(c), _) => Some(vec![c.clone()]),
                (None, Some(Value::Array(values))) => Some(values.clone()),
                _ => None,
            };
        }
        if doc.expected.is_none() {
            doc.expected = node
                .get("x-expected")
                .and_then(Value::as_str)
                .map(String::from);
        }
        if let Some(d) = node.get("description").and_then(Value::as_str) {
            doc.description.push(d.to_string());
        }
        if doc.examples.is_empty()
            && let Some(Value::Array(e)) = node.get("examples")
        {
            doc.examples = e.clone();
        }
    }
    if doc.schemas.is_empty() {
        let names = field_names();
        return Err(
            crate::suggest::closest(field, names.iter().map(String::as_str)).map(String::from),
        );
    }
    Ok(doc)
}

/// Every field, by card section: `(section title, [(field, type in words)])`.
pub fn list() -> Vec<(&'static str, Vec<(String, String)>)> {
    let names = field_names();
    let mut out = Vec::new();
    for (section, title) in SECTIONS {
        let mut in_section: Vec<&String> =
            names.iter().filter(|n| section_of(n) == section).collect();
        in_section.sort_by_key(|n| FIELDS.iter().position(|(f, _, _)| f == n));
        let fields: Vec<(String, String)> = in_section
            .into_iter()
            .filter_map(|n| explain(n).ok())
            .map(|d| {
                let ty = type_words(&d);
                (d.name, ty)
            })
            .collect();
        if !fields.is_empty() {
            out.push((title, fields));
        }
    }
    out
}

/// `string`, `number or null`, `"Chat"`, `one of "new", "update"`.
pub fn type_words(d: &FieldDoc) -> String {
    let types = d.types.join(" or ");
    match &d.allowed {
        Some(values) if values.len() == 1 => values[0].to_string(),
        Some(values) => format!(
            "one of {}",
            values
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => types,
    }
}

/// The name the bundled common schema is put under in `$defs`.
const COMMON_DEF: &str = "common-lead";
const COMMON_DEF_KEY: &str = "\"common-lead\"";

/// The bundled chat lead schema as one self-contained document: the common schema under
/// `$defs/common-lead`, every reference to it rewritten to point there. Built on the
/// documents' own text, so keys stay in the order they are written in.
pub fn bundle() -> Node<'static> {
    let text = |name: &str| {
        BUNDLED
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("null", |(_, t)| *t)
    };
    let mut root = crate::tree::parse(text(DEFAULT_SCHEMA).as_bytes());
    let mut common = crate::tree::parse(text(COMMON_SCHEMA).as_bytes());
    let common_id = match &common {
        Node::Object(members) => members
            .iter()
            .find(|(k, _)| key_text(k) == "$id")
            .and_then(|(_, v)| v.scalar_value())
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        _ => String::new(),
    };
    if let Node::Object(members) = &mut common {
        members.retain(|(k, _)| !matches!(key_text(k).as_str(), "$id" | "$schema"));
    }
    let target = format!("#/$defs/{COMMON_DEF}");
    rewrite_refs(&mut common, &|r| {
        r.strip_prefix('#').map(|f| format!("{target}{f}"))
    });
    let to_common = |r: &str| {
        let (base, fragment) = r.split_once('#').unwrap_or((r, ""));
        (base == COMMON_SCHEMA || base == common_id).then(|| format!("{target}{fragment}"))
    };
    rewrite_refs(&mut root, &to_common);
    if let Node::Object(members) = &mut root {
        let def = (COMMON_DEF_KEY.as_bytes(), common);
        match members.iter_mut().find(|(k, _)| key_text(k) == "$defs") {
            Some((_, Node::Object(defs))) => defs.push(def),
            _ => members.push((b"\"$defs\"", Node::Object(vec![def]))),
        }
    }
    root
}

/// Rewrites every `$ref` for which `f` gives a new target.
fn rewrite_refs(node: &mut Node<'_>, f: &dyn Fn(&str) -> Option<String>) {
    match node {
        Node::Object(members) => {
            for (k, v) in members.iter_mut() {
                if key_text(k) == "$ref"
                    && let Some(new) = v.scalar_value().and_then(|r| r.as_str().and_then(f))
                {
                    *v = Node::from_value(&Value::from(new));
                } else {
                    rewrite_refs(v, f);
                }
            }
        }
        Node::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, f)),
        Node::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_known_fields_and_suggests_for_typos() {
        let d = explain("lead_type").unwrap();
        let allowed = d.allowed.unwrap();
        assert_eq!(allowed.len(), 9);
        assert_eq!(allowed[0], "Chat");
        assert_eq!(d.schemas, ["common-lead.schema.json"]);
        let d = explain("call_duration_seconds").unwrap();
        assert_eq!(d.types, ["integer"]);
        assert_eq!(d.schemas, ["phone-call-lead.schema.json"]);
        assert_eq!(
            explain("lead_sorce").unwrap_err().as_deref(),
            Some("lead_source")
        );
        assert_eq!(explain("zzzz").unwrap_err(), None);
    }

    #[test]
    fn bundle_has_no_external_references() {
        let out = crate::tree::to_compact(&bundle());
        let b: Value = serde_json::from_slice(&out).unwrap();
        let text = b.to_string();
        assert!(text.contains("\"$ref\":\"#/$defs/common-lead\""), "{text}");
        assert!(!text.contains("common-lead.schema.json\""));
        assert!(b["$defs"]["common-lead"]["properties"]["lead_id"].is_object());
    }

    #[test]
    fn every_field_is_listed_once() {
        let listed: usize = list().iter().map(|(_, f)| f.len()).sum();
        assert_eq!(listed, field_names().len());
    }
}
