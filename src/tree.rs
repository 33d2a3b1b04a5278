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
