//! The bundled schemas, compiled once per run.
//!
//! The schemas live in `schemas/` and are compiled into the binary with `include_str!`:
//! leadcheck never reads them from disk or the network. `common-lead.schema.json` holds the
//! fields every lead type shares; each lead type's schema (`chat-lead.schema.json`,
//! `phone-call-lead.schema.json`, ...) refers to it and adds that type's rules. A user's
//! `--schema FILE` may refer to the bundled ones by their `$id`.
//!
//! [`Bundled`] compiles each of them at most once per run, when a record first needs it.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::OnceLock;

use jsonschema::json::Json;
use jsonschema::{Registry, Validator};
use serde_json::Value;

use crate::position::escape_token;
use crate::tape::TapeJson;

/// `(file name, text)` of every bundled schema document.
pub const BUNDLED: [(&str, &str); 10] = [
    (
        "common-lead.schema.json",
        include_str!("../schemas/common-lead.schema.json"),
    ),
    (
        "chat-lead.schema.json",
        include_str!("../schemas/chat-lead.schema.json"),
    ),
    (
        "phone-call-lead.schema.json",
        include_str!("../schemas/phone-call-lead.schema.json"),
    ),
    (
        "web-form-lead.schema.json",
        include_str!("../schemas/web-form-lead.schema.json"),
    ),
    (
        "transaction-lead.schema.json",
        include_str!("../schemas/transaction-lead.schema.json"),
    ),
    (
        "text-message-lead.schema.json",
        include_str!("../schemas/text-message-lead.schema.json"),
    ),
    (
        "email-lead.schema.json",
        include_str!("../schemas/email-lead.schema.json"),
    ),
    (
        "event-lead.schema.json",
        include_str!("../schemas/event-lead.schema.json"),
    ),
    (
        "appointment-lead.schema.json",
        include_str!("../schemas/appointment-lead.schema.json"),
    ),
    (
        "other-lead.schema.json",
        include_str!("../schemas/other-lead.schema.json"),
    ),
];

/// The base URI of the bundled schemas' `$id`s.
pub const BUNDLED_BASE: &str = "https://leadcheck.dev/schemas/";

/// The chat lead schema, leadcheck's first (the one `explain` reads first).
pub const DEFAULT_SCHEMA: &str = "chat-lead.schema.json";

/// The schema of records whose `lead_type` is missing or unknown.
pub const COMMON_SCHEMA: &str = "common-lead.schema.json";

/// The lead types WhatConverts sends, each with its bundled schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeadType {
    Chat,
    PhoneCall,
    WebForm,
    Transaction,
    TextMessage,
    Email,
    Event,
    Appointment,
    Other,
}

impl LeadType {
    /// Every lead type, in the order of the common schema's `lead_type` enumeration.
    pub const ALL: [LeadType; 9] = [
        LeadType::Chat,
        LeadType::PhoneCall,
        LeadType::WebForm,
        LeadType::Transaction,
        LeadType::TextMessage,
        LeadType::Email,
        LeadType::Event,
        LeadType::Appointment,
        LeadType::Other,
    ];

    /// The `lead_type` value of a payload of this type (`Phone Call`).
    pub fn name(self) -> &'static str {
        match self {
            LeadType::Chat => "Chat",
            LeadType::PhoneCall => "Phone Call",
            LeadType::WebForm => "Web Form",
            LeadType::Transaction => "Transaction",
            LeadType::TextMessage => "Text Message",
            LeadType::Email => "Email",
            LeadType::Event => "Event",
            LeadType::Appointment => "Appointment",
            LeadType::Other => "Other",
        }
    }

    /// The name on the command line and in the schema's file name (`phone-call`).
    pub fn slug(self) -> &'static str {
        match self {
            LeadType::Chat => "chat",
            LeadType::PhoneCall => "phone-call",
            LeadType::WebForm => "web-form",
            LeadType::Transaction => "transaction",
            LeadType::TextMessage => "text-message",
            LeadType::Email => "email",
            LeadType::Event => "event",
            LeadType::Appointment => "appointment",
            LeadType::Other => "other",
        }
    }

    /// The bundled schema's file name (`phone-call-lead.schema.json`).
    pub fn schema_file(self) -> String {
        format!("{}-lead.schema.json", self.slug())
    }

    /// The type whose `lead_type` value is exactly `name`.
    pub fn from_name(name: &str) -> Option<LeadType> {
        LeadType::ALL.into_iter().find(|t| t.name() == name)
    }

    fn index(self) -> usize {
        LeadType::ALL.iter().position(|&t| t == self).unwrap_or(0)
    }
}

/// The bundled schemas of a run, each compiled the first time a record needs it (at most
/// once, also when records are checked on several threads: `Bundled` is `Sync`).
///
/// `--type auto` picks the schema by the record's `lead_type`: the type's own schema when
/// the value is one of [`LeadType::ALL`]'s names, the common schema otherwise (missing,
/// not a string, unknown, not an object). The common schema then reports the problem once,
/// at `/lead_type`, listing the known types with a did-you-mean.
#[derive(Debug, Default)]
pub struct Bundled {
    common: OnceLock<Schema>,
    types: [OnceLock<Schema>; 9],
    /// Held while a schema compiles, so threads that need the same one at once wait for it
    /// instead of compiling it again.
    compiling: std::sync::Mutex<()>,
}

impl Bundled {
    pub fn new() -> Bundled {
        Bundled::default()
    }

    /// The common-lead schema (every type's fields in common).
    pub fn common(&self) -> Result<&Schema, SchemaError> {
        cached(&self.compiling, &self.common, || {
            Schema::bundled_file(COMMON_SCHEMA)
        })
    }

    /// The schema of one lead type.
    pub fn for_type(&self, lead_type: LeadType) -> Result<&Schema, SchemaError> {
        cached(&self.compiling, &self.types[lead_type.index()], || {
            Schema::bundled_file(&lead_type.schema_file())
        })
    }

    /// The schema for a record, by its `lead_type` (`--type auto`).
    pub fn for_value(&self, value: &Value) -> Result<&Schema, SchemaError> {
        self.for_lead_type(value.get("lead_type").and_then(Value::as_str))
    }

    /// The schema for a record whose `lead_type` is this string (or is not a string).
    pub fn for_lead_type(&self, lead_type: Option<&str>) -> Result<&Schema, SchemaError> {
        match lead_type.and_then(LeadType::from_name) {
            Some(t) => self.for_type(t),
            None => self.common(),
        }
    }
}

/// The schemas records are checked against: one for every record, or each record's own
/// lead type's.
#[derive(Debug)]
pub enum Schemas {
    /// `--schema FILE` or a forced `--type`: one schema for every record.
    One(Schema),
    /// `--type auto`: the bundled schema of each record's lead_type, compiled when first
    /// needed.
    ByType(Box<Bundled>),
}

impl Schemas {
    /// Each record's own lead type's bundled schema (`--type auto`).
    pub fn by_type() -> Schemas {
        Schemas::ByType(Box::default())
    }

    /// The schema for a record with this value.
    pub fn for_record(&self, value: &Value) -> Result<&Schema, SchemaError> {
        match self {
            Schemas::One(schema) => Ok(schema),
            Schemas::ByType(schemas) => schemas.for_value(value),
        }
    }
}

fn cached<'s>(
    compiling: &std::sync::Mutex<()>,
    cell: &'s OnceLock<Schema>,
    compile: impl FnOnce() -> Result<Schema, SchemaError>,
) -> Result<&'s Schema, SchemaError> {
    if let Some(schema) = cell.get() {
        return Ok(schema);
    }
    let _guard = compiling
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(schema) = cell.get() {
        return Ok(schema);
    }
    let schema = compile()?;
    Ok(cell.get_or_init(|| schema))
}

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
    /// The same schema for documents on a [`crate::tape::Tape`], compiled when first asked.
    tape: OnceLock<Box<Result<Validator<TapeJson>, SchemaError>>>,
    /// `(base URI, document)`; the first one is the root. Bundled documents are shared,
    /// not copied.
    documents: Vec<(String, Cow<'static, Value>)>,
    known_fields: BTreeSet<String>,
    /// leadcheck's own annotations (`x-expected`, `x-summary`) by the URI of the schema
    /// node that holds them (`base#/json/pointer`), found once when the schema compiles.
    annotations: HashMap<String, Annotations>,
    name: String,
}

/// The words leadcheck's schemas put next to their keywords.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotations {
    /// What a valid value looks like, in words (`x-expected`).
    pub expected: Option<String>,
    /// A prefix that names the problem, such as "not a chat lead" (`x-summary`).
    pub summary: Option<String>,
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Schema").field("name", &self.name).finish()
    }
}

/// The validator of `docs` (the first is the root; every one with an id is a resource) for
/// instances in the representation `F`.
fn build_validator<F: Json>(
    name: &str,
    docs: &[(String, Cow<'static, Value>)],
) -> Result<Validator<F>, SchemaError> {
    let resources = docs
        .iter()
        // Every document with an id is a resource, the root too: the bundled documents
        // refer to each other.
        .filter(|(id, _)| !id.is_empty())
        .map(|(id, doc)| (id.as_str(), doc.as_ref()));
    let registry = Registry::new()
        .extend(resources)
        .and_then(|b| b.prepare())
        .map_err(|e| match unresolved_ref(&e) {
            Some(message) => SchemaError(format!("{name}: {message}")),
            None => SchemaError(format!(
                "{name}: cannot resolve schema: {}",
                resolve_message(&e.to_string())
            )),
        })?;
    jsonschema::options_for::<F>()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&docs[0].1)
        .map_err(|e| {
            let unresolved = match e.kind() {
                jsonschema::error::ValidationErrorKind::Referencing(r) => unresolved_ref(r),
                _ => None,
            };
            match unresolved {
                Some(message) => SchemaError(format!("{name}: {message}")),
                None => SchemaError(format!(
                    "{name}: invalid schema: {}",
                    resolve_message(&e.to_string())
                )),
            }
        })
}

/// A bundled document, parsed the first time it is needed (once per run).
fn bundled_document(index: usize) -> &'static Value {
    static DOCS: [OnceLock<Value>; 10] = [const { OnceLock::new() }; 10];
    DOCS[index].get_or_init(|| {
        let (name, text) = BUNDLED[index];
        serde_json::from_str(text)
            .unwrap_or_else(|e| unreachable!("bundled schema {name} is not JSON: {e}"))
    })
}

/// The index of a bundled document by its `$id` (or its file name).
fn bundled_index(uri: &str) -> Option<usize> {
    let file = uri.trim_end_matches('#').rsplit('/').next()?;
    BUNDLED.iter().position(|(name, _)| *name == file)
}

/// The bundled documents a document refers to, directly or through each other.
fn bundled_needed(doc: &Value, out: &mut Vec<usize>) {
    let mut refs = Vec::new();
    collect_refs(doc, &mut refs, 0);
    for r in refs {
        let base = r.split('#').next().unwrap_or_default();
        let uri = if base.starts_with(BUNDLED_BASE) {
            base.to_string()
        } else if !base.is_empty() && !base.contains(':') {
            format!("{BUNDLED_BASE}{base}")
        } else {
            continue;
        };
        if let Some(i) = bundled_index(&uri)
            && !out.contains(&i)
        {
            out.push(i);
            bundled_needed(bundled_document(i), out);
        }
    }
}

fn collect_refs(node: &Value, out: &mut Vec<String>, depth: u32) {
    if depth > 64 {
        return;
    }
    match node {
        Value::Object(o) => {
            if let Some(r) = o.get("$ref").and_then(Value::as_str) {
                out.push(r.to_string());
            }
            for v in o.values() {
                collect_refs(v, out, depth + 1);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out, depth + 1)),
        _ => {}
    }
}

fn id_of(doc: &Value) -> Option<String> {
    doc.get("$id")
        .and_then(Value::as_str)
        .map(|s| s.trim_end_matches('#').to_string())
}

impl Schema {
    /// The bundled schema of one lead type.
    pub fn for_type(lead_type: LeadType) -> Result<Schema, SchemaError> {
        Schema::bundled_file(&lead_type.schema_file())
    }

    /// A bundled schema by its file name (`phone-call-lead.schema.json`), with the bundled
    /// documents it refers to.
    pub fn bundled_file(file: &str) -> Result<Schema, SchemaError> {
        let root = bundled_index(file)
            .ok_or_else(|| SchemaError(format!("bundled schema {file} is missing")))?;
        let mut needed = vec![root];
        bundled_needed(bundled_document(root), &mut needed);
        let docs = needed
            .into_iter()
            .map(|i| {
                let doc = bundled_document(i);
                (id_of(doc).unwrap_or_default(), Cow::Borrowed(doc))
            })
            .collect();
        Schema::compile(file.to_string(), docs)
    }

    /// A schema read from a file; it may refer to the bundled schemas by their `$id`.
    pub fn from_path(path: &Path) -> Result<Schema, SchemaError> {
        let name = path.display().to_string();
        let text = std::fs::read(path).map_err(|e| {
            SchemaError(format!(
                "{name}: cannot read schema: {}",
                crate::reader::io_message(&e)
            ))
        })?;
        let root: Value = serde_json::from_slice(&text).map_err(|e| {
            SchemaError(format!(
                "{name}:{}: schema is not valid JSON: {}",
                crate::reader::error_position(&text, &e),
                crate::reader::parse_message(&e)
            ))
        })?;
        let root_id = id_of(&root).unwrap_or_default();
        // The bundled documents are registered only for a schema that refers to them.
        let mut needed = Vec::new();
        bundled_needed(&root, &mut needed);
        let mut docs: Vec<(String, Cow<'static, Value>)> =
            vec![(root_id.clone(), Cow::Owned(root))];
        for i in needed {
            let doc = bundled_document(i);
            let id = id_of(doc).unwrap_or_default();
            if id != root_id {
                docs.push((id, Cow::Borrowed(doc)));
            }
        }
        Schema::compile(name, docs)
    }

    fn compile(
        name: String,
        docs: Vec<(String, Cow<'static, Value>)>,
    ) -> Result<Schema, SchemaError> {
        let validator = build_validator(&name, &docs)?;
        let mut known_fields = BTreeSet::new();
        collect_fields(&docs, &docs[0].0, &docs[0].1, &mut known_fields, 0);
        let mut annotations = HashMap::new();
        for (id, doc) in &docs {
            let mut pointer = String::new();
            collect_annotations(id, doc, &mut pointer, &mut annotations, 0);
        }
        Ok(Schema {
            validator,
            tape: OnceLock::new(),
            documents: docs,
            known_fields,
            annotations,
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

    /// The same validator for a [`crate::tape::Doc`] (`validator.is_valid(doc.root())`),
    /// compiled the first time it is asked for, with the same documents and options.
    pub fn tape_validator(&self) -> Result<&Validator<TapeJson>, SchemaError> {
        self.tape
            .get_or_init(|| Box::new(build_validator(&self.name, &self.documents)))
            .as_ref()
            .as_ref()
            .map_err(Clone::clone)
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

    /// leadcheck's annotations of the schema node that holds the keyword at `keyword_uri`
    /// (an error's absolute keyword location).
    pub fn annotations(&self, keyword_uri: &str) -> Option<&Annotations> {
        let (base, fragment) = keyword_uri.split_once('#').unwrap_or((keyword_uri, ""));
        let owner = fragment.rfind('/').map_or("", |i| &fragment[..i]);
        let key = &keyword_uri[..(base.len() + 1 + owner.len()).min(keyword_uri.len())];
        let found = if key.contains('%') {
            self.annotations.get(&percent_decode(key))
        } else {
            self.annotations.get(key)
        };
        found.or_else(|| {
            // A root document without an $id: the validator names it its own way.
            let root = &self.documents[0].0;
            self.annotations
                .get(&format!("{root}#{}", percent_decode(owner)))
        })
    }
}

/// Names the network where jsonschema names its HTTP feature: leadcheck never fetches.
fn resolve_message(message: &str) -> String {
    if message.contains("resolve-http") || message.contains("http") && message.contains("feature") {
        format!(
            "{message} — leadcheck never fetches schemas from the network: it resolves only the bundled schemas, by their $id under {BUNDLED_BASE}"
        )
    } else {
        message.to_string()
    }
}

/// Gathers the `x-expected` and `x-summary` annotations of a document, by node URI.
fn collect_annotations(
    id: &str,
    node: &Value,
    pointer: &mut String,
    out: &mut HashMap<String, Annotations>,
    depth: u32,
) {
    if depth > 64 {
        return;
    }
    match node {
        Value::Object(o) => {
            let text = |k: &str| o.get(k).and_then(Value::as_str).map(str::to_string);
            let notes = Annotations {
                expected: text("x-expected"),
                summary: text("x-summary"),
            };
            if notes != Annotations::default() {
                out.insert(format!("{id}#{pointer}"), notes);
            }
            for (k, v) in o {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape_token(k));
                collect_annotations(id, v, pointer, out, depth + 1);
                pointer.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                collect_annotations(id, v, pointer, out, depth + 1);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// A `$ref` that names no document leadcheck has, said plainly: leadcheck never fetches a
/// schema (no network, no files), so only the bundled schemas can be referred to, by their
/// `$id`. None for other resolution errors.
fn unresolved_ref(e: &jsonschema::ReferencingError) -> Option<String> {
    match e {
        jsonschema::ReferencingError::Unretrievable { uri, .. } => {
            let types: Vec<&str> = LeadType::ALL.iter().map(|t| t.slug()).collect();
            Some(format!(
                "cannot resolve $ref \"{uri}\": leadcheck never fetches schemas (from the \
                 network or from files); a schema may refer only to the bundled ones, by their \
                 $id ({BUNDLED_BASE}common-lead.schema.json or \
                 {BUNDLED_BASE}<type>-lead.schema.json, <type> one of {})",
                types.join(", ")
            ))
        }
        _ => None,
    }
}

/// [`Schema::lookup`] in a list of `(base URI, document)`, the first being the root.
fn lookup_in<'d>(documents: &'d [(String, Cow<'static, Value>)], uri: &str) -> Option<&'d Value> {
    let (base, fragment) = uri.split_once('#').unwrap_or((uri, ""));
    let doc = documents
        .iter()
        .find(|(id, _)| id == base)
        .map_or(documents[0].1.as_ref(), |(_, d)| d.as_ref());
    let fragment = percent_decode(fragment);
    if fragment.is_empty() {
        Some(doc)
    } else {
        doc.pointer(&fragment)
    }
}

/// Gathers top-level property names through `allOf`/`anyOf`/`oneOf` and `$ref`s.
fn collect_fields(
    docs: &[(String, Cow<'static, Value>)],
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

/// A URI fragment with its `%XX` escapes decoded (invalid ones kept as they are; bytes
/// that are not UTF-8 become U+FFFD).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_schema_compiles_and_knows_the_common_fields() {
        let schema = Schema::for_type(LeadType::Chat).unwrap();
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
    fn every_lead_type_has_a_schema_that_builds_on_the_common_one() {
        let schemas = Bundled::new();
        let common = schemas.common().unwrap().known_fields().clone();
        let common_doc: Value = serde_json::from_str(BUNDLED[0].1).unwrap();
        let enumeration: Vec<&str> = common_doc["properties"]["lead_type"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let names: Vec<&str> = LeadType::ALL.iter().map(|t| t.name()).collect();
        assert_eq!(enumeration, names);
        for t in LeadType::ALL {
            let schema = schemas.for_type(t).unwrap();
            assert_eq!(schema.name(), t.schema_file());
            assert!(schema.known_fields().is_superset(&common), "{t:?}");
            assert_eq!(schema.root()["properties"]["lead_type"]["const"], t.name());
            let value = serde_json::json!({"lead_id": 1, "lead_type": t.name()});
            assert!(schema.validator().is_valid(&value), "{t:?}");
            assert_eq!(schemas.for_value(&value).unwrap().name(), t.schema_file());
        }
        let phone = schemas.for_type(LeadType::PhoneCall).unwrap();
        for field in ["call_duration_seconds", "recording", "answer_status"] {
            assert!(phone.known_fields().contains(field), "{field}");
        }
        for value in [
            serde_json::json!({"lead_id": 1, "lead_type": "Fax"}),
            serde_json::json!({"lead_id": 1}),
            serde_json::json!([1]),
        ] {
            assert_eq!(schemas.for_value(&value).unwrap().name(), COMMON_SCHEMA);
        }
    }

    #[test]
    fn schemas_can_be_shared_between_threads() {
        fn sync<T: Sync + Send>() {}
        sync::<Bundled>();
    }

    #[test]
    fn lookup_follows_fragments() {
        let schema = Schema::for_type(LeadType::Chat).unwrap();
        let node = schema
            .lookup("https://leadcheck.dev/schemas/common-lead.schema.json#/properties/lead_id")
            .unwrap();
        assert_eq!(node["type"], "integer");
        assert_eq!(percent_decode("a%20b%2"), "a b%2");
        assert_eq!(percent_decode("%7e%7E%zz%C3%A9%FF"), "~~%zz\u{e9}\u{fffd}");
        assert_eq!(
            schema
                .lookup(
                    "https://leadcheck.dev/schemas/common-lead.schema.json#/properties/lead%5Fid"
                )
                .unwrap()["type"],
            "integer"
        );
    }
}
