//! `application/x-www-form-urlencoded` bodies: `lead_id=153928&lead_type=Chat&…`.
//!
//! Each `key=value` pair becomes a key of the payload object (`+` is a space, `%XX` a
//! byte; the result must be UTF-8). PHP-style brackets nest: `additional_fields[Name]=Jo`
//! becomes `{"additional_fields": {"Name": "Jo"}}`, and `tags[]=a&tags[]=b` an array.
//!
//! How values are typed: form encoding has only strings, so every value is a string,
//! except the top-level fields the schemas type otherwise, which are converted when they
//! read as such (and left as strings, for the schema to report, when they do not):
//! integers ([`INTEGERS`]), numbers ([`NUMBERS`]; an empty value is `null`, as the money
//! fields send it in JSON) and booleans ([`BOOLEANS`]: `true`/`1` and `false`/`0`, as PHP's
//! `http_build_query` writes them).
//!
//! As an input format (`--input-format form`, or detected), each non-empty line is one
//! body. A violation of a form record is reported where its field's pair is in the body.

use std::io::{self, Read};

use serde_json::{Map, Value};

use super::stream::{Line, Stream};
use super::{BodyKind, BodyUnit, Framer, Unit};
use crate::position::Mark;
use crate::reader::MAX_RECORD_BYTES;
use crate::record::Placement;

/// Fields converted to integers.
pub const INTEGERS: [&str; 5] = [
    "lead_id",
    "profile_id",
    "account_id",
    "lead_score",
    "call_duration_seconds",
];

/// Fields converted to numbers (`""` to null).
pub const NUMBERS: [&str; 4] = [
    "quote_value",
    "sales_value",
    "transaction_tax",
    "transaction_shipping",
];

/// Fields converted to booleans.
pub const BOOLEANS: [&str; 2] = ["spam", "duplicate"];

/// Whether `text` (the start of an input, past whitespace) looks like a form body: a key
/// of URL-safe characters followed by `=`.
pub fn looks_like(text: &[u8]) -> bool {
    let key_len = text
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b"_-.%[]+".contains(&b))
        .count();
    key_len > 0 && text.get(key_len) == Some(&b'=') && text[0].is_ascii_alphabetic()
}

/// The units of an input of form bodies, one per non-empty line.
pub struct Units {
    s: Stream,
    any: bool,
    done: bool,
}

impl Units {
    pub fn new(src: Box<dyn Read + Send>) -> Units {
        Units {
            s: Stream::new(src),
            any: false,
            done: false,
        }
    }
}

impl Framer for Units {
    fn position(&self) -> Mark {
        self.s.mark()
    }
}

impl Iterator for Units {
    type Item = io::Result<Unit>;

    fn next(&mut self) -> Option<io::Result<Unit>> {
        if self.done {
            return None;
        }
        let line = loop {
            match self.s.skip_whitespace() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    if self.any {
                        return None;
                    }
                    self.any = true;
                    return Some(Ok(Unit::Bad {
                        mark: self.s.mark(),
                        message: "no payload: the input is empty".into(),
                    }));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
            let start = self.s.mark();
            match self.s.line(MAX_RECORD_BYTES) {
                Ok(Line::Len(n)) => break (start, n),
                Ok(Line::End) => continue,
                Ok(Line::TooLong) => {
                    if let Err(e) = self.s.skip_line() {
                        self.done = true;
                        return Some(Err(e));
                    }
                    self.any = true;
                    return Some(Ok(Unit::Bad {
                        mark: start,
                        message: format!(
                            "form body larger than {} MiB: skipped (a lead payload is a few kilobytes)",
                            MAX_RECORD_BYTES >> 20
                        ),
                    }));
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        };
        let (start, n) = line;
        let text = self.s.rest()[..n].trim_ascii_end().to_vec();
        self.s.consume(n);
        self.any = true;
        Some(Ok(Unit::Body(BodyUnit {
            text,
            start,
            placement: Placement::Verbatim,
            kind: BodyKind::Form,
            context: "form body".into(),
            body: None,
        })))
    }
}

/// A form body as a record: its value, JSON text made from it, and where its fields are.
pub fn record(body: &[u8], start: Mark) -> Result<(Value, Vec<u8>, Placement), String> {
    let value = parse(body)?;
    let text = serde_json::to_vec(&value).unwrap_or_default();
    let fields = field_marks(body, start);
    Ok((value, text, Placement::Fields(std::sync::Arc::new(fields))))
}

/// The place of each top-level field's pair in a body (the first pair of a field).
fn field_marks(body: &[u8], start: Mark) -> Vec<(String, Mark)> {
    let mut out: Vec<(String, Mark)> = Vec::new();
    let mut mark = start;
    let mut done = 0;
    let mut at = 0;
    for pair in body.split(|&b| b == b'&') {
        let key_end = memchr::memchr2(b'=', b'[', pair).unwrap_or(pair.len());
        if let Ok(key) = decode(&pair[..key_end])
            && !key.is_empty()
        {
            let pointer = format!("/{}", crate::position::escape_token(&key));
            if !out.iter().any(|(p, _)| *p == pointer) {
                mark = mark.advance(&body[done..at]);
                done = at;
                out.push((pointer, mark));
            }
        }
        at += pair.len() + 1;
    }
    out
}

/// Parses one form body into a payload object.
pub fn parse(body: &[u8]) -> Result<Value, String> {
    let mut object = Map::new();
    let mut pairs = 0;
    for pair in body.split(|&b| b == b'&') {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = match memchr::memchr(b'=', pair) {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        let key = decode(key)?;
        let value = decode(value)?;
        if key.is_empty() {
            return Err("not form-urlencoded: a pair has no key".into());
        }
        pairs += 1;
        insert(&mut object, &key, value);
    }
    if pairs == 0 {
        return Err("no payload: the form body is empty".into());
    }
    Ok(Value::Object(object))
}

fn insert(object: &mut Map<String, Value>, key: &str, value: String) {
    if let Some(open) = key.find('[')
        && open > 0
        && key.ends_with(']')
    {
        let (name, sub) = (&key[..open], &key[open + 1..key.len() - 1]);
        let slot = object.entry(name.to_string());
        if sub.is_empty() {
            let entry = slot.or_insert_with(|| Value::Array(Vec::new()));
            if !entry.is_array() {
                *entry = Value::Array(Vec::new());
            }
            if let Value::Array(a) = entry {
                a.push(Value::String(value));
            }
        } else {
            let entry = slot.or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            if let Value::Object(o) = entry {
                o.insert(sub.to_string(), Value::String(value));
            }
        }
        return;
    }
    object.insert(key.to_string(), typed(key, value));
}

/// A top-level value, typed by its field (see the module documentation).
fn typed(key: &str, value: String) -> Value {
    if INTEGERS.contains(&key)
        && let Ok(n) = value.parse::<i64>()
    {
        return Value::from(n);
    }
    if NUMBERS.contains(&key) {
        if value.is_empty() {
            return Value::Null;
        }
        if let Ok(n) = value.parse::<f64>()
            && let Some(n) = serde_json::Number::from_f64(n)
        {
            return Value::Number(n);
        }
    }
    if BOOLEANS.contains(&key) {
        match value.as_str() {
            "true" | "1" => return Value::Bool(true),
            "false" | "0" => return Value::Bool(false),
            _ => {}
        }
    }
    Value::String(value)
}

/// Percent-decoding, with `+` as a space.
fn decode(bytes: &[u8]) -> Result<String, String> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|e| {
        format!(
            "not form-urlencoded text: invalid UTF-8 after percent-decoding (byte {} of {:?})",
            e.utf8_error().valid_up_to(),
            String::from_utf8_lossy(bytes)
                .chars()
                .take(40)
                .collect::<String>()
        )
    })
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_become_keys_typed_by_the_schema() {
        let v = parse(b"lead_id=153928&lead_type=Phone+Call&quote_value=&sales_value=12.5&spam=0&zip=01234&additional_fields%5BName%3A%5D=Jo%20Do&tags[]=a&tags[]=b&lead_score=high").unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "lead_id": 153928, "lead_type": "Phone Call", "quote_value": null,
                "sales_value": 12.5, "spam": false, "zip": "01234",
                "additional_fields": {"Name:": "Jo Do"}, "tags": ["a", "b"],
                "lead_score": "high"
            })
        );
        assert!(parse(b"&&").is_err());
        assert!(parse(b"a=%FF").is_err());
        assert_eq!(parse(b"a=%4").unwrap(), serde_json::json!({"a": "%4"}));
    }

    #[test]
    fn detection() {
        assert!(looks_like(b"lead_id=1"));
        assert!(!looks_like(b"{\"a\":1}"));
        assert!(!looks_like(b"=1"));
        assert!(!looks_like(b"true"));
    }
}
