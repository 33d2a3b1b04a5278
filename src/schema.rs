//! The bundled schemas, compiled once per run.
//!
//! The schemas live in `schemas/` and are compiled into the binary with `include_str!`:
//! leadcheck never reads them from disk or the network. `common-lead.schema.json` holds the
//! fields every lead type shares; `chat-lead.schema.json` refers to it and adds the chat
//! rules. A user's `--schema FILE` may refer to the bundled ones by their `$id`.

use std::collections::BTreeSet;
use std::path::Path;

use jsonschema::{Registry, Validator};
use serde_json::Value;

/// `(file name, text)` of every bundled schema document.
pub const BUNDLED: [(&str, &str); 2] = [
    (
        "common-lead.schema.json",
        include_str!("../schemas/common-lead.schema.json"),
    ),
    (
        "chat-lead.schema.json",
        include_str!("../schemas/chat-lead.schema.json"),
    ),
];

/// The base URI of the bundled schemas' `$id`s.
pub const BUNDLED_BASE: &str = "https://leadcheck.dev/schemas/";

/// The document the bundled validation uses by default.
pub const DEFAULT_SCHEMA: &str = "chat-lead.schema.json";

/// A schema that could not be loaded or compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError(pub String);

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SchemaError {}

/// A compiled schema and the documents it was built from (for the descriptions, the
/// expectations written next to its keywords, and the list of known fields).
pub struct Schema {
    validator: Validator,
    /// `(base URI, document)`; the first one is the root.
    documents: Vec<(String, Value)>,
    known_fields: BTreeSet<String>,
    name: String,
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schema").field("name", &self.name).finish()
    }
}

fn bundled_documents() -> Vec<(String, Value)> {
    BUNDLED
        .iter()
        .map(|(name, text)| {
            let value: Value = serde_json::from_str(text)
                .unwrap_or_else(|e| unreachable!("bundled schema {name} is not JSON: {e}"));
            (id_of(&value).unwrap_or_default(), value)
        })
        .collect()
}

fn id_of(doc: &Value) -> Option<String> {
    doc.get("$id")
        .and_then(Value::as_str)
        .map(|s| s.trim_end_matches('#').to_string())
}

impl Schema {
    /// The bundled chat lead schema.
    pub fn bundled() -> Result<Schema, SchemaError> {
        let docs = bundled_documents();
        let root = docs
            .iter()
            .position(|(id, _)| id.ends_with(DEFAULT_SCHEMA))
            .ok_or_else(|| SchemaError(format!("bundled schema {DEFAULT_SCHEMA} is missing")))?;
        Schema::compile(DEFAULT_SCHEMA.to_string(), root, docs)
    }

    /// A schema read from a file; it may refer to the bundled schemas by their `$id`.
    pub fn from_path(path: &Path) -> Result<Schema, SchemaError> {
        let name = path.display().to_string();
        let text = std::fs::read(path).map_err(|e| {
            SchemaError(format!(
                "{name}: cannot read schema: {}",
                crate::input::io_message(&e)
            ))
        })?;
        let root: Value = serde_json::from_slice(&text).map_err(|e| {
            SchemaError(format!(
                "{name}:{}:{}: schema is not valid JSON: {}",
                e.line(),
                e.column(),
                crate::input::parse_message(&e)
            ))
        })?;
        let root_id = id_of(&root).unwrap_or_default();
        // The bundled documents are registered only for a schema that refers to them.
        let refers_to_bundled = memchr::memmem::find(&text, BUNDLED_BASE.as_bytes()).is_some();
        let mut docs: Vec<(String, Value)> = if refers_to_bundled {
            bundled_documents()
                .into_iter()
                .filter(|(id, _)| *id != root_id)
                .collect()
        } else {
            Vec::new()
        };
        docs.insert(0, (root_id, root));
        Schema::compile(name, 0, docs)
    }

    fn compile(
        name: String,
        root: usize,
        mut docs: Vec<(String, Value)>,
    ) -> Result<Schema, SchemaError> {
        docs.swap(0, root);
        let validator = {
            let resources = docs
                .iter()
                .skip(1)
                .filter(|(id, _)| !id.is_empty())
                .map(|(id, doc)| (id.as_str(), doc));
            let registry = Registry::new()
                .extend(resources)
                .and_then(|b| b.prepare())
                .map_err(|e| SchemaError(format!("{name}: cannot resolve schema: {e}")))?;
            jsonschema::options()
                .with_registry(&registry)
                .should_validate_formats(true)
                .build(&docs[0].1)
                .map_err(|e| SchemaError(format!("{name}: invalid schema: {e}")))?
        };
        let mut known_fields = BTreeSet::new();
        collect_fields(&docs, &docs[0].0, &docs[0].1, &mut known_fields, 0);
        Ok(Schema {
            validator,
            documents: docs,
            known_fields,
            name,
        })
    }

    /// The name the schema is reported under (a bundled file name or the path given).
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn validator(&self) -> &Validator {
        &self.validator
    }

    /// The top-level fields the schema describes.
    pub fn known_fields(&self) -> &BTreeSet<String> {
        &self.known_fields
    }

    /// The root schema document.
    pub fn root(&self) -> &Value {
        &self.documents[0].1
    }

    /// The schema node at `uri` (a document's base URI plus a `#` JSON Pointer fragment).
    /// A URI naming no known document is looked up in the root document.
    pub fn lookup(&self, uri: &str) -> Option<&Value> {
        lookup_in(&self.documents, uri)
    }
}

/// [`Schema::lookup`] in a list of `(base URI, document)`, the first being the root.
fn lookup_in<'d>(documents: &'d [(String, Value)], uri: &str) -> Option<&'d Value> {
    let (base, fragment) = uri.split_once('#').unwrap_or((uri, ""));
    let doc = documents
        .iter()
        .find(|(id, _)| id == base)
        .map_or(&documents[0].1, |(_, d)| d);
    let fragment = percent_decode(fragment);
    if fragment.is_empty() {
        Some(doc)
    } else {
        doc.pointer(&fragment)
    }
}

/// Gathers top-level property names through `allOf`/`anyOf`/`oneOf` and `$ref`s.
fn collect_fields(
    docs: &[(String, Value)],
    base: &str,
    node: &Value,
    out: &mut BTreeSet<String>,
    depth: u32,
) {
    if depth > 16 {
        return;
    }
    if let Some(props) = node.get("properties").and_then(Value::as_object) {
        out.extend(props.keys().cloned());
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for sub in node
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect_fields(docs, base, sub, out, depth + 1);
        }
    }
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let uri = resolve_uri(base, reference);
        if let Some(target) = lookup_in(docs, &uri) {
            let target_base = uri.split('#').next().unwrap_or_default().to_string();
            collect_fields(docs, &target_base, target, out, depth + 1);
        }
    }
}

/// Resolves a `$ref` against a base URI (enough for the relative file references and
/// fragments that schemas use; not a full RFC 3986 implementation).
fn resolve_uri(base: &str, reference: &str) -> String {
    if reference.contains("://") || reference.starts_with("urn:") {
        reference.to_string()
    } else if let Some(fragment) = reference.strip_prefix('#') {
        format!("{base}#{fragment}")
    } else {
        match base.rfind('/') {
            Some(i) => format!("{}{reference}", &base[..=i]),
            None => reference.to_string(),
        }
    }
}

fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (hex(bytes.get(i + 1)), hex(bytes.get(i + 2)))
        {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: Option<&u8>) -> Option<u8> {
    (*b? as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_schema_compiles_and_knows_the_common_fields() {
        let schema = Schema::bundled().unwrap();
        for field in ["lead_id", "lead_type", "lead_source", "spam", "chat_status"] {
            assert!(schema.known_fields().contains(field), "{field}");
        }
        assert!(!schema.known_fields().contains("lead_sorce"));
    }

    #[test]
    fn every_property_has_a_description() {
        for (name, text) in BUNDLED {
            let doc: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                doc["$schema"],
                "https://json-schema.org/draft/2020-12/schema"
            );
            assert!(doc["$id"].is_string() && doc["title"].is_string(), "{name}");
            for (field, sub) in doc["properties"].as_object().unwrap() {
                assert!(sub["description"].is_string(), "{name}: {field}");
            }
        }
    }

    #[test]
    fn lookup_follows_fragments() {
        let schema = Schema::bundled().unwrap();
        let node = schema
            .lookup("https://leadcheck.dev/schemas/common-lead.schema.json#/properties/lead_id")
            .unwrap();
        assert_eq!(node["type"], "integer");
        assert_eq!(percent_decode("a%20b%2"), "a b%2");
    }
}
