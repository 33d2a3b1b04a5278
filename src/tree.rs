//! A record's own text as a tree of raw tokens, so it can be printed again (`fmt`), read
//! in the order its keys were written (the card), or edited (`send --set`) with its keys in
//! the order received and its numbers exactly as written.
//!
//! `serde_json::Value` would sort the keys (no `preserve_order`) and re-print numbers
//! (`1.50` → `1.5`, `156.87` can come back longer): the formatter works on the text instead.
//! Strings, numbers and literals are kept byte for byte; only whitespace changes. The text
//! is a record the reader has already parsed, so it is well-formed JSON.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

/// A JSON value as written: containers hold their children, scalars their raw text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node<'a> {
    /// Members in the order written: the key's raw text (with its quotes) and the value.
    Object(Vec<(&'a [u8], Node<'a>)>),
    Array(Vec<Node<'a>>),
    /// A string (with its quotes), number, `true`, `false` or `null`, as written.
    Scalar(Cow<'a, [u8]>),
}

impl<'a> Node<'a> {
    /// A scalar holding the JSON text of `value`.
    pub fn from_value(value: &Value) -> Node<'static> {
        Node::Scalar(Cow::Owned(value.to_string().into_bytes()))
    }

    /// The scalar's value (`None` for a container).
    pub fn scalar_value(&self) -> Option<Value> {
        match self {
            Node::Scalar(raw) => serde_json::from_slice(raw).ok(),
            _ => None,
        }
    }
}

/// A tree written back as compact JSON text (scalars exactly as they were written).
pub fn to_compact(node: &Node<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    push_compact(&mut out, node);
    out
}

fn push_compact(out: &mut Vec<u8>, node: &Node<'_>) {
    match node {
        Node::Object(members) => {
            out.push(b'{');
            for (i, (key, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(key);
                out.push(b':');
                push_compact(out, value);
            }
            out.push(b'}');
        }
        Node::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                push_compact(out, item);
            }
            out.push(b']');
        }
        Node::Scalar(raw) => out.extend_from_slice(raw),
    }
}

/// The tree of one well-formed JSON text.
pub fn parse(raw: &[u8]) -> Node<'_> {
    let mut p = Parser { raw, i: 0 };
    p.value()
}

/// The keys of the object at `field` (a top-level member) or of the top-level object
/// (`None`), in the order written, each once.
pub fn keys_in_order(tree: &Node<'_>, field: Option<&str>) -> Vec<String> {
    let Node::Object(members) = tree else {
        return Vec::new();
    };
    let members = match field {
        None => members,
        Some(field) => match members.iter().rev().find(|(k, _)| key_text(k) == field) {
            Some((_, Node::Object(inner))) => inner,
            _ => return Vec::new(),
        },
    };
    let mut keys: Vec<String> = Vec::with_capacity(members.len());
    let mut seen = std::collections::HashSet::with_capacity(members.len());
    for (k, _) in members {
        let k = key_text(k);
        if seen.insert(k.clone()) {
            keys.push(k);
        }
    }
    keys
}

/// The raw text of every number at most `depth` levels down (a top-level field is one
/// level down), by JSON Pointer; for a duplicated key, the last one. One walk, however
/// many there are.
pub fn numbers<'t>(tree: &'t Node<'_>, depth: usize) -> HashMap<String, &'t [u8]> {
    let mut out = HashMap::new();
    let mut pointer = String::new();
    collect_numbers(tree, depth, &mut pointer, &mut out);
    out
}

fn collect_numbers<'t>(
    node: &'t Node<'_>,
    depth: usize,
    pointer: &mut String,
    out: &mut HashMap<String, &'t [u8]>,
) {
    match node {
        Node::Scalar(raw) => {
            if raw
                .first()
                .is_some_and(|b| b.is_ascii_digit() || *b == b'-')
            {
                out.insert(pointer.clone(), &raw[..]);
            }
        }
        _ if depth == 0 => {}
        Node::Object(members) => {
            for (k, v) in members {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&crate::position::escape_token(&key_text(k)));
                collect_numbers(v, depth - 1, pointer, out);
                pointer.truncate(len);
            }
        }
        Node::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                collect_numbers(v, depth - 1, pointer, out);
                pointer.truncate(len);
            }
        }
    }
}

/// Sorts the members of every object by key (stably: duplicate keys keep their order).
pub fn sort_keys(node: &mut Node<'_>) {
    match node {
        Node::Object(members) => {
            members.sort_by_cached_key(|(k, _)| key_text(k));
            for (_, v) in members {
                sort_keys(v);
            }
        }
        Node::Array(items) => items.iter_mut().for_each(sort_keys),
        Node::Scalar(_) => {}
    }
}

/// A change to make to a record's text (`send --set POINTER=JSON`): the value at POINTER
/// replaced, or added when its parent exists. A parent that does not exist is an error,
/// never a change silently left undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pointer: String,
    tokens: Vec<String>,
    /// The last token as a JSON string (quotes included): the key of a member added.
    key: Vec<u8>,
    /// The value as compact JSON text, numbers as written.
    value: Vec<u8>,
}

/// Why an edit cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// Not `POINTER=JSON`.
    Syntax { spec: String, message: String },
    /// A parent of the value does not exist in the record: `missing` is the first pointer
    /// along the way that does not, `suggestion` the pointer probably meant.
    NoParent {
        pointer: String,
        missing: String,
        suggestion: Option<String>,
    },
    /// The way goes through a value that holds no others (`at` is its pointer).
    NotContainer {
        pointer: String,
        at: String,
        found: &'static str,
    },
    /// An array is indexed with something that is not an index of it.
    BadIndex {
        pointer: String,
        at: String,
        token: String,
        len: usize,
    },
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |p: &str| {
            if p.is_empty() {
                "the record".to_string()
            } else {
                p.to_string()
            }
        };
        match self {
            EditError::Syntax { spec, message } => write!(f, "--set {spec:?}: {message}"),
            EditError::NoParent {
                pointer,
                missing,
                suggestion,
            } => {
                write!(f, "--set {pointer}: the record has no {missing}")?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean {s}?"),
                    None => Ok(()),
                }
            }
            EditError::NotContainer { pointer, at, found } => write!(
                f,
                "--set {pointer}: {} is {found}, which holds no fields",
                shown(at)
            ),
            EditError::BadIndex {
                pointer,
                at,
                token,
                len,
            } => {
                write!(f, "--set {pointer}: {token:?} is not an index of ",)?;
                match len {
                    0 => write!(f, "{}, an empty array (- appends)", shown(at)),
                    n => write!(
                        f,
                        "{}, an array of {n} (0 to {}; - appends)",
                        shown(at),
                        n - 1
                    ),
                }
            }
        }
    }
}

impl std::error::Error for EditError {}

/// What an edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The value was added (its parent did not have it).
    pub added: bool,
    /// For a member added: an existing member whose name is close to it (a typo?), as a
    /// pointer.
    pub near_miss: Option<String>,
}

impl Edit {
    /// Reads `POINTER=JSON`: a JSON Pointer (RFC 6901) naming a value below the record's
    /// top, and a JSON value (`1250.5`, `"Jane"`, `null`, `{"a":1}`).
    pub fn parse(spec: &str) -> Result<Edit, EditError> {
        let syntax = |message: String| EditError::Syntax {
            spec: spec.to_string(),
            message,
        };
        let Some((pointer, json)) = spec.split_once('=') else {
            return Err(syntax(
                "expected POINTER=JSON, such as /quote_value=1250.5".into(),
            ));
        };
        if pointer.is_empty() {
            return Err(syntax(
                "the pointer is empty: name a field, such as /quote_value".into(),
            ));
        }
        if !pointer.starts_with('/') {
            return Err(syntax(format!(
                "a JSON Pointer starts with /, such as /{pointer}"
            )));
        }
        let mut chars = pointer.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '~' && !matches!(chars.peek(), Some('0' | '1')) {
                return Err(syntax(
                    "in a JSON Pointer, ~ is written ~0 and / inside a name ~1".into(),
                ));
            }
        }
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(json) {
            let hint = if json.trim_start().starts_with(['"', '{', '[']) {
                String::new()
            } else {
                format!("; a string is quoted: --set '{pointer}=\"{json}\"'")
            };
            return Err(syntax(format!("the value is not JSON ({e}){hint}")));
        }
        let tokens: Vec<String> = crate::position::pointer_tokens(pointer)
            .map(|t| t.into_owned())
            .collect();
        let last = tokens.last().map(String::as_str).unwrap_or_default();
        Ok(Edit {
            pointer: pointer.to_string(),
            key: serde_json::to_vec(last).unwrap_or_default(),
            value: to_compact(&parse(json.as_bytes())),
            tokens,
        })
    }

    /// The pointer, as given.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The value, as compact JSON text.
    pub fn value(&self) -> &[u8] {
        &self.value
    }
}

/// Makes `edit` in `tree` (a record's text parsed with [`parse`]).
pub fn apply<'a>(tree: &mut Node<'a>, edit: &'a Edit) -> Result<Applied, EditError> {
    let (last, parents) = edit
        .tokens
        .split_last()
        .expect("an edit's pointer has a token");
    let mut node = tree;
    let mut at = String::new();
    for token in parents {
        let here = at.clone();
        at.push('/');
        at.push_str(&crate::position::escape_token(token));
        node = match node {
            Node::Object(members) => {
                let found = members.iter().rposition(|(k, _)| key_text(k) == *token);
                match found {
                    Some(i) => &mut members[i].1,
                    None => {
                        let keys: Vec<String> = members.iter().map(|(k, _)| key_text(k)).collect();
                        let suggestion =
                            crate::suggest::closest(token, keys.iter().map(String::as_str)).map(
                                |near| {
                                    let rest = &edit.pointer[at.len()..];
                                    format!("{here}/{}{rest}", crate::position::escape_token(near))
                                },
                            );
                        return Err(EditError::NoParent {
                            pointer: edit.pointer.clone(),
                            missing: at,
                            suggestion,
                        });
                    }
                }
            }
            Node::Array(items) => {
                let len = items.len();
                match token
                    .parse::<usize>()
                    .ok()
                    .filter(|&i| i < len && index_form(token))
                {
                    Some(i) => &mut items[i],
                    None => {
                        return Err(EditError::BadIndex {
                            pointer: edit.pointer.clone(),
                            at: here,
                            token: token.clone(),
                            len,
                        });
                    }
                }
            }
            Node::Scalar(raw) => {
                return Err(EditError::NotContainer {
                    pointer: edit.pointer.clone(),
                    at: here,
                    found: scalar_kind(raw),
                });
            }
        };
    }
    let value = parse(&edit.value);
    match node {
        Node::Object(members) => {
            if let Some(i) = members.iter().rposition(|(k, _)| key_text(k) == *last) {
                members[i].1 = value;
                return Ok(Applied {
                    added: false,
                    near_miss: None,
                });
            }
            let keys: Vec<String> = members.iter().map(|(k, _)| key_text(k)).collect();
            let near_miss = crate::suggest::closest(last, keys.iter().map(String::as_str))
                .map(|near| format!("{at}/{}", crate::position::escape_token(near)));
            members.push((&edit.key, value));
            Ok(Applied {
                added: true,
                near_miss,
            })
        }
        Node::Array(items) => {
            let len = items.len();
            if last == "-" || (last.parse::<usize>() == Ok(len) && index_form(last)) {
                items.push(value);
                return Ok(Applied {
                    added: true,
                    near_miss: None,
                });
            }
            match last
                .parse::<usize>()
                .ok()
                .filter(|&i| i < len && index_form(last))
            {
                Some(i) => {
                    items[i] = value;
                    Ok(Applied {
                        added: false,
                        near_miss: None,
                    })
                }
                None => Err(EditError::BadIndex {
                    pointer: edit.pointer.clone(),
                    at,
                    token: last.clone(),
                    len,
                }),
            }
        }
        Node::Scalar(raw) => Err(EditError::NotContainer {
            pointer: edit.pointer.clone(),
            at,
            found: scalar_kind(raw),
        }),
    }
}

/// A record's text with `edits` made, in order, as compact JSON text (key order and the
/// numbers not edited as written), and what each edit did.
pub fn edit(text: &[u8], edits: &[Edit]) -> Result<(Vec<u8>, Vec<Applied>), EditError> {
    let mut tree = parse(text);
    let mut applied = Vec::with_capacity(edits.len());
    for e in edits {
        applied.push(apply(&mut tree, e)?);
    }
    Ok((to_compact(&tree), applied))
}

/// An array index as RFC 6901 writes it: digits, without a leading zero.
fn index_form(token: &str) -> bool {
    token == "0" || (!token.starts_with('0') && token.bytes().all(|b| b.is_ascii_digit()))
}

/// What a scalar is, for messages.
fn scalar_kind(raw: &[u8]) -> &'static str {
    match raw.first() {
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// A raw key (with its quotes) unescaped.
pub fn key_text(raw: &[u8]) -> String {
    serde_json::from_slice::<String>(raw)
        .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

struct Parser<'a> {
    raw: &'a [u8],
    i: usize,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while matches!(self.raw.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Node<'a> {
        self.ws();
        match self.raw.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut members = Vec::new();
                loop {
                    self.ws();
                    match self.raw.get(self.i) {
                        Some(b'"') => {
                            let key = self.string();
                            self.ws();
                            self.i += 1; // ':'
                            let value = self.value();
                            members.push((key, value));
                        }
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            break;
                        }
                        _ => break,
                    }
                }
                Node::Object(members)
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    match self.raw.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        None => break,
                        _ => {
                            // Text that is not JSON (a form body) must not stall the parser.
                            let before = self.i;
                            items.push(self.value());
                            if self.i == before {
                                break;
                            }
                        }
                    }
                }
                Node::Array(items)
            }
            Some(b'"') => Node::Scalar(Cow::Borrowed(self.string())),
            _ => {
                let start = self.i;
                while let Some(b) = self.raw.get(self.i) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.i += 1;
                }
                Node::Scalar(Cow::Borrowed(&self.raw[start..self.i]))
            }
        }
    }

    /// At an opening quote: the string's raw text, quotes included.
    fn string(&mut self) -> &'a [u8] {
        let start = self.i;
        self.i += 1;
        while let Some(&b) = self.raw.get(self.i) {
            match b {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    break;
                }
                _ => self.i += 1,
            }
        }
        &self.raw[start..self.i.min(self.raw.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_number_text() {
        let node = parse(br#" {"b": 1.50, "a": [156.87, true, null, "x\"y"], "c": {}} "#);
        let Node::Object(members) = &node else {
            panic!()
        };
        let keys: Vec<&[u8]> = members.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, [&b"\"b\""[..], b"\"a\"", b"\"c\""]);
        assert_eq!(members[0].1, Node::Scalar(Cow::Borrowed(b"1.50")));
        let Node::Array(items) = &members[1].1 else {
            panic!()
        };
        assert_eq!(items.len(), 4);
        assert_eq!(items[3], Node::Scalar(Cow::Borrowed(br#""x\"y""#)));
    }

    fn edited(text: &str, specs: &[&str]) -> Result<String, EditError> {
        let edits: Vec<Edit> = specs.iter().map(|s| Edit::parse(s).unwrap()).collect();
        edit(text.as_bytes(), &edits).map(|(t, _)| String::from_utf8(t).unwrap())
    }

    #[test]
    fn edits_keep_key_order_and_numbers() {
        let text = r#"{"b": 1.50, "quote_value": null, "a": {"x": [1, 2]}, "z": 1e2}"#;
        assert_eq!(
            edited(text, &["/quote_value=1250.50"]).unwrap(),
            r#"{"b":1.50,"quote_value":1250.50,"a":{"x":[1,2]},"z":1e2}"#
        );
        assert_eq!(
            edited(
                text,
                &["/a/x/1=\"two\"", "/a/x/-=3", "/a/y={ \"k\" : 1.0 }"]
            )
            .unwrap(),
            r#"{"b":1.50,"quote_value":null,"a":{"x":[1,"two",3],"y":{"k":1.0}},"z":1e2}"#
        );
        // A new field goes last; a name with / and ~ is escaped in the pointer.
        assert_eq!(
            edited(r#"{"a":1}"#, &["/c~1d~0=true"]).unwrap(),
            r#"{"a":1,"c/d~":true}"#
        );
        // Of duplicated keys, the last (the one a reader keeps) is set.
        assert_eq!(
            edited(r#"{"a":1,"a":2}"#, &["/a=3"]).unwrap(),
            r#"{"a":1,"a":3}"#
        );
    }

    #[test]
    fn a_missing_parent_is_an_error_with_a_suggestion() {
        let text = r#"{"additional_fields": {"Name": "x"}, "lead_id": 1, "lead_analysis": []}"#;
        let e = edited(text, &["/adittional_fields/Name=\"y\""]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--set /adittional_fields/Name: the record has no /adittional_fields; did you mean /additional_fields/Name?"
        );
        let e = edited(text, &["/nothing/like/it=1"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--set /nothing/like/it: the record has no /nothing"
        );
        let e = edited(text, &["/lead_id/x=1"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--set /lead_id/x: /lead_id is a number, which holds no fields"
        );
        let e = edited(text, &["/lead_analysis/Lead Summary=\"s\""]).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"--set /lead_analysis/Lead Summary: "Lead Summary" is not an index of /lead_analysis, an empty array (- appends)"#
        );
        let e = edited(r#"{"a":[1,2]}"#, &["/a/5=1"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"--set /a/5: "5" is not an index of /a, an array of 2 (0 to 1; - appends)"#
        );
        assert!(edited(text, &["/lead_analysis/01=1"]).is_err());
        // An added member close to an existing one is noted.
        let edits = [Edit::parse("/lead_ib=2").unwrap()];
        let (_, applied) = edit(text.as_bytes(), &edits).unwrap();
        assert_eq!(
            applied[0],
            Applied {
                added: true,
                near_miss: Some("/lead_id".into())
            }
        );
    }

    #[test]
    fn edit_specs_are_checked() {
        for (spec, says) in [
            ("quote_value", "expected POINTER=JSON"),
            ("=1", "the pointer is empty"),
            ("quote_value=1", "starts with /"),
            ("/a~2=1", "~0"),
            (
                "/contact_name=Jane",
                "a string is quoted: --set '/contact_name=\"Jane\"'",
            ),
            ("/a={", "not JSON"),
        ] {
            let e = Edit::parse(spec).unwrap_err().to_string();
            assert!(e.contains(says), "{spec}: {e}");
        }
        let e = Edit::parse("/a/b=[1, 2]").unwrap();
        assert_eq!((e.pointer(), e.value()), ("/a/b", &b"[1,2]"[..]));
    }

    #[test]
    fn sorts_keys_recursively() {
        let mut node = parse(br#"{"b": {"z": 1, "y": 2}, "a": 0}"#);
        sort_keys(&mut node);
        let Node::Object(members) = &node else {
            panic!()
        };
        assert_eq!(members[0].0, b"\"a\"");
        let Node::Object(inner) = &members[1].1 else {
            panic!()
        };
        assert_eq!(inner[0].0, b"\"y\"");
    }
}
