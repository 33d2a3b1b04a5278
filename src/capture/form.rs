//! `application/x-www-form-urlencoded` bodies: `lead_id=153928&lead_type=Chat&…`.
//!
//! # The convention: PHP's
//!
//! A form body is decoded as PHP decodes `$_POST` (and `parse_str`), the convention
//! WhatConverts' own platform and most webhook receivers follow; Rails' nested parameters
//! agree with it on everything below but duplicate keys. [`to_json_text`] gives the result
//! as a [`serde_json::Value`] and as JSON text that keeps the keys in the order received.
//!
//! - Pairs are separated by `&`; an empty pair (`a=1&&b=2`) is skipped; a pair without `=`
//!   has the empty value; a pair with an empty key (`=x`) makes the body unreadable.
//! - Keys and values are percent-decoded: `+` is a space, `%XX` a byte (`%2B` is a plus, an
//!   invalid escape such as `%zz` stays as written), and the result must be UTF-8.
//! - Brackets in a (decoded) key nest: `a[b][c]=1` is `{"a": {"b": {"c": "1"}}}`, and
//!   `additional_fields%5BName%3A%5D=Jo` is `{"additional_fields": {"Name:": "Jo"}}`. The
//!   text of a group runs to the first `]`, so `a[b[c]=1` is `{"a": {"b[c": "1"}}`.
//! - `[]` appends: `a[]=x&a[]=y` is `["x", "y"]`. As in PHP, a nested value is one ordered
//!   map whose keys are strings or integers, and `[]` uses the next integer key (one more
//!   than the largest so far, from 0). A map whose keys are exactly 0, 1, 2, … in order is
//!   a JSON array; any other is a JSON object, its integer keys written as strings. So
//!   `additional_fields[]=x` beside `additional_fields[Name]=Jo` keeps both:
//!   `{"Name": "Jo", "0": "x"}` (it never wipes the named entries).
//! - Keys keep the order in which they first appear; a key given again keeps its place.
//! - A key given again replaces the earlier value: the last one is kept, as PHP does (Rails
//!   would make `a=1&a=2` an array only for `a[]`, and also keep the last). When the values
//!   differ, data is lost, so it is reported as a [`Problem`] of the record. A repeat with
//!   the same value loses nothing and is not reported.
//! - A key that is both a value and a map (`a=1&a[b]=2`, or `a[b]=2&a=1`) ends as what the
//!   last pair made it, as in PHP, and the earlier data is reported as lost.
//! - Where leadcheck differs from PHP, it keeps data rather than lose it: a key that is not
//!   exactly a name followed by `[…]` groups (`a[b`, `a[b]c`, `a[b[c]]`, `[a]`) is kept
//!   whole as a top-level key (PHP renames, cuts or drops it); names keep their `.` and spaces (PHP turns them
//!   into `_`); a key nested deeper than [`MAX_DEPTH`] levels is kept whole and reported
//!   (PHP drops it).
//!
//! How values are typed: form encoding has only strings, so every value is a string,
//! except the top-level fields the schemas type otherwise, which are converted when they
//! read as such (and left as strings, for the schema to report, when they do not):
//! integers ([`INTEGERS`]: a JSON integer, `153928`), numbers ([`NUMBERS`]: a JSON number
//! as written, `1250.50`; an empty value is `null`, as the money fields send it in JSON)
//! and booleans ([`BOOLEANS`]: `true`/`1` and `false`/`0`, as PHP's `http_build_query`
//! writes them). The JSON text writes a number exactly as it was sent.
//!
//! As an input format (`--input-format form`, or detected), each non-empty line is one
//! body. A form record's text is [`FormJson::text`], and a violation is reported where
//! its value's pair is in the body ([`FormJson::fields`], as the record's placement).

use std::collections::HashMap;
use std::io::{self, Read};

use serde_json::{Map, Value};

use super::stream::{Line, Stream};
use super::{BodyKind, BodyUnit, Framer, Unit};
use crate::position::Mark;
use crate::reader::MAX_RECORD_BYTES;
use crate::record::{Body, Lost, Placement};

/// How deep brackets may nest (PHP's default `max_input_nesting_level`).
pub const MAX_DEPTH: usize = 64;

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
        // Each line is a body as received (what `send` replays).
        let body = Body {
            bytes: text.clone(),
            content_type: Some("application/x-www-form-urlencoded".into()),
            content_encoding: None,
        };
        Some(Ok(Unit::Body(BodyUnit {
            text,
            start,
            placement: Placement::Verbatim,
            kind: BodyKind::Form,
            context: "form body".into(),
            body: Some(std::sync::Arc::new(body)),
        })))
    }
}

/// A form body as a record: its value, its JSON text (keys in the order received), and
/// where each value's pair is in the body.
pub fn record(body: &[u8], start: Mark) -> Result<(Value, Vec<u8>, Placement, Vec<Lost>), String> {
    let form = to_json_text(body).map_err(|e| e.message)?;
    // Marks found in one pass over the body, in offset order: the fields', then the
    // problems'.
    let n = form.fields.len();
    let mut by_offset: Vec<(usize, usize)> = form
        .fields
        .iter()
        .map(|(_, offset)| *offset)
        .chain(form.problems.iter().map(|p| p.offset))
        .enumerate()
        .map(|(i, offset)| (offset.min(body.len()), i))
        .collect();
    by_offset.sort_unstable();
    let mut marks = vec![start; by_offset.len()];
    let (mut mark, mut done) = (start, 0);
    for (offset, i) in by_offset {
        mark = mark.advance(&body[done..offset]);
        done = offset;
        marks[i] = mark;
    }
    let lost = form
        .problems
        .into_iter()
        .zip(&marks[n..])
        .map(|(p, mark)| Lost {
            pointer: p.pointer,
            at: mark.at,
            message: p.message,
        })
        .collect();
    let fields = form
        .fields
        .into_iter()
        .zip(marks)
        .map(|((pointer, _), mark)| (pointer, mark))
        .collect();
    Ok((
        form.value,
        form.text,
        Placement::Fields(std::sync::Arc::new(fields)),
        lost,
    ))
}

/// A form body decoded: the payload as a value and as JSON text, where each value came from,
/// and what could not be mapped faithfully.
#[derive(Debug, Clone, PartialEq)]
pub struct FormJson {
    /// The payload object.
    pub value: Value,
    /// The same payload as compact JSON text, keys in the order received and numbers as
    /// sent (the record's text, for `fmt` and for locating values).
    pub text: Vec<u8>,
    /// Every value of the payload by JSON Pointer, in the order of `text` (the root first),
    /// with the byte offset in the body of the pair that gave it: for a value the pair
    /// whose value was kept, for a map or list the first pair that made it, for the root 0.
    pub fields: Vec<(String, usize)>,
    /// Data the body holds that the payload does not (see the module documentation).
    pub problems: Vec<Problem>,
}

/// Something in a form body that could not be mapped to the payload without loss.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The value of the payload it concerns.
    pub pointer: String,
    /// Byte offset, in the body, of the pair that caused it.
    pub offset: usize,
    pub message: String,
}

/// A body that is not form-urlencoded text (the record is unreadable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    /// Byte offset of the error in the body.
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FormError {}

/// Parses one form body into a payload object (see [`to_json_text`] for the whole result).
pub fn parse(body: &[u8]) -> Result<Value, String> {
    to_json_text(body)
        .map(|form| form.value)
        .map_err(|e| e.message)
}

/// Decodes one form body, following the convention of the module documentation. Pure:
/// bytes in, data out.
pub fn to_json_text(body: &[u8]) -> Result<FormJson, FormError> {
    let mut root = Table::new(0);
    let mut problems = Vec::new();
    let mut pairs = 0;
    let mut start = 0;
    for pair in body.split(|&b| b == b'&') {
        let offset = start;
        start += pair.len() + 1;
        if pair.is_empty() {
            continue;
        }
        let (key, value, value_at) = match memchr::memchr(b'=', pair) {
            Some(i) => (&pair[..i], &pair[i + 1..], offset + i + 1),
            None => (pair, &b""[..], offset + pair.len()),
        };
        let key = decode(key).map_err(|message| FormError { offset, message })?;
        let value = decode(value).map_err(|message| FormError {
            offset: value_at,
            message,
        })?;
        if key.is_empty() {
            return Err(FormError {
                offset,
                message: "not form-urlencoded: a pair has no key".into(),
            });
        }
        pairs += 1;
        root.insert(&key, value, offset, &mut problems);
    }
    if pairs == 0 {
        return Err(FormError {
            offset: 0,
            message: "no payload: the form body is empty".into(),
        });
    }
    let mut text = Vec::new();
    let mut fields = Vec::new();
    let value = root.emit(&mut text, &mut fields, &mut String::new(), true);
    Ok(FormJson {
        value,
        text,
        fields,
        problems,
    })
}

/// A decoded value: a string, or an ordered map (PHP's array).
#[derive(Debug)]
enum Node {
    Leaf { value: String, offset: usize },
    Table(Table),
}

/// PHP's array: an ordered map with string or integer keys (integers kept as their
/// decimal text), and the next integer key for `[]`.
#[derive(Debug)]
struct Table {
    offset: usize,
    entries: Vec<(String, Node)>,
    index: HashMap<String, usize>,
    next_index: i64,
}

/// One `[…]` group of a key, or the name before them.
enum Step<'k> {
    Key(&'k str),
    Append,
}

impl Table {
    fn new(offset: usize) -> Table {
        Table {
            offset,
            entries: Vec::new(),
            index: HashMap::new(),
            next_index: 0,
        }
    }

    /// The position of `key`, added (as what `make` gives) when absent.
    fn slot(&mut self, key: String, make: impl FnOnce() -> Node) -> (usize, bool) {
        if let Some(&i) = self.index.get(&key) {
            return (i, false);
        }
        if let Some(n) = integer_key(&key) {
            self.next_index = self.next_index.max(n.saturating_add(1));
        }
        self.index.insert(key.clone(), self.entries.len());
        self.entries.push((key, make()));
        (self.entries.len() - 1, true)
    }

    /// The key `[]` adds.
    fn append_key(&mut self) -> String {
        let key = self.next_index.to_string();
        self.next_index = self.next_index.saturating_add(1);
        key
    }

    fn insert(&mut self, key: &str, value: String, offset: usize, problems: &mut Vec<Problem>) {
        let steps = match steps(key) {
            Some(steps) if steps.len() <= MAX_DEPTH + 1 => steps,
            Some(_) => {
                problems.push(Problem {
                    pointer: format!("/{}", escape_token(key)),
                    offset,
                    message: format!(
                        "form key {} is nested deeper than {MAX_DEPTH} levels: kept whole, \
                         as one top-level key",
                        quoted(key)
                    ),
                });
                vec![Step::Key(key)]
            }
            None => vec![Step::Key(key)],
        };
        let mut table = self;
        let mut pointer = String::new();
        let last = steps.len() - 1;
        for (n, step) in steps.into_iter().enumerate() {
            let name = match step {
                Step::Key(k) => k.to_string(),
                Step::Append => table.append_key(),
            };
            pointer.push('/');
            pointer.push_str(&escape_token(&name));
            if n == last {
                let leaf = || Node::Leaf {
                    value: value.clone(),
                    offset,
                };
                let (i, added) = table.slot(name, leaf);
                if added {
                    return;
                }
                let lost = match &table.entries[i].1 {
                    Node::Leaf { value: old, .. } if *old == value => None,
                    Node::Leaf { .. } => Some(format!(
                        "form key {} is given again with another value: the last one is \
                         kept, as PHP does, and the earlier one is lost",
                        quoted(key)
                    )),
                    Node::Table(_) => Some(format!(
                        "form key {} gives a value to what earlier keys made a map \
                         ({}[…]): the last one is kept, as PHP does, and the map is lost",
                        quoted(key),
                        quoted(&bracketed(&pointer))
                    )),
                };
                if let Some(message) = lost {
                    problems.push(Problem {
                        pointer: pointer.clone(),
                        offset,
                        message,
                    });
                }
                table.entries[i].1 = Node::Leaf { value, offset };
                return;
            }
            let (i, _) = table.slot(name, || Node::Table(Table::new(offset)));
            if matches!(table.entries[i].1, Node::Leaf { .. }) {
                problems.push(Problem {
                    pointer: pointer.clone(),
                    offset,
                    message: format!(
                        "form key {} makes a map of {}, which an earlier key gave a value: \
                         the last one is kept, as PHP does, and the value is lost",
                        quoted(key),
                        quoted(&bracketed(&pointer))
                    ),
                });
                table.entries[i].1 = Node::Table(Table::new(offset));
            }
            table = match &mut table.entries[i].1 {
                Node::Table(t) => t,
                Node::Leaf { .. } => unreachable!("made a table just above"),
            };
        }
    }

    /// Writes the table as JSON text and returns it as a value, recording each value's
    /// pointer and offset. The root is always an object.
    fn emit(
        &self,
        text: &mut Vec<u8>,
        fields: &mut Vec<(String, usize)>,
        pointer: &mut String,
        root: bool,
    ) -> Value {
        fields.push((pointer.clone(), self.offset));
        let list = !root
            && self
                .entries
                .iter()
                .enumerate()
                .all(|(i, (k, _))| *k == i.to_string());
        text.push(if list { b'[' } else { b'{' });
        let mut array = Vec::new();
        let mut object = Map::new();
        for (i, (key, node)) in self.entries.iter().enumerate() {
            if i > 0 {
                text.push(b',');
            }
            if !list {
                write_string(text, key);
                text.push(b':');
            }
            let len = pointer.len();
            pointer.push('/');
            pointer.push_str(&escape_token(key));
            let value = match node {
                Node::Table(t) => t.emit(text, fields, pointer, false),
                Node::Leaf { value, offset } => {
                    fields.push((pointer.clone(), *offset));
                    let typed = if root { typed(key, value) } else { Typed::Str };
                    match typed {
                        Typed::Number(n) => {
                            text.extend_from_slice(value.as_bytes());
                            Value::Number(n)
                        }
                        Typed::Null => {
                            text.extend_from_slice(b"null");
                            Value::Null
                        }
                        Typed::Bool(b) => {
                            text.extend_from_slice(if b { b"true" } else { b"false" });
                            Value::Bool(b)
                        }
                        Typed::Str => {
                            write_string(text, value);
                            Value::String(value.clone())
                        }
                    }
                }
            };
            pointer.truncate(len);
            if list {
                array.push(value);
            } else {
                object.insert(key.clone(), value);
            }
        }
        text.push(if list { b']' } else { b'}' });
        if list {
            Value::Array(array)
        } else {
            Value::Object(object)
        }
    }
}

/// A key split into its name and `[…]` groups; None when it is not exactly that shape
/// (then it is kept whole).
fn steps(key: &str) -> Option<Vec<Step<'_>>> {
    let open = key.find('[')?;
    if open == 0 {
        return None;
    }
    let mut steps = vec![Step::Key(&key[..open])];
    let mut rest = &key[open..];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let close = inner.find(']')?;
        steps.push(match &inner[..close] {
            "" => Step::Append,
            name => Step::Key(name),
        });
        rest = &inner[close + 1..];
    }
    Some(steps)
}

/// The integer a key stands for, as PHP reads array keys: decimal, no sign but `-`, no
/// leading zero, within i64 (`"5"`, `"-1"`; not `"05"`, `"+5"`, `"1.0"`).
fn integer_key(key: &str) -> Option<i64> {
    let digits = key.strip_prefix('-').unwrap_or(key);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'))
        && key != "-0";
    canonical.then(|| key.parse().ok()).flatten()
}

/// A pointer's tokens written back as a form key (`/a/b/0` → `a[b][0]`), for messages.
fn bracketed(pointer: &str) -> String {
    let mut out = String::new();
    for (i, token) in crate::position::pointer_tokens(pointer).enumerate() {
        if i == 0 {
            out.push_str(&token);
        } else {
            out.push('[');
            out.push_str(&token);
            out.push(']');
        }
    }
    out
}

/// A key in a message: JSON-quoted, so control characters are escaped.
fn quoted(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_default()
}

/// A JSON Pointer reference token (RFC 6901).
fn escape_token(key: &str) -> std::borrow::Cow<'_, str> {
    if key.contains(['~', '/']) {
        key.replace('~', "~0").replace('/', "~1").into()
    } else {
        key.into()
    }
}

fn write_string(text: &mut Vec<u8>, s: &str) {
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *text, s);
}

/// What a top-level value becomes (see the module documentation).
enum Typed {
    Number(serde_json::Number),
    Null,
    Bool(bool),
    Str,
}

fn typed(key: &str, value: &str) -> Typed {
    if INTEGERS.contains(&key)
        && let Some(n) = json_number(value)
        && (n.is_i64() || n.is_u64())
    {
        return Typed::Number(n);
    }
    if NUMBERS.contains(&key) {
        if value.is_empty() {
            return Typed::Null;
        }
        if let Some(n) = json_number(value) {
            return Typed::Number(n);
        }
    }
    if BOOLEANS.contains(&key) {
        match value {
            "true" | "1" => return Typed::Bool(true),
            "false" | "0" => return Typed::Bool(false),
            _ => {}
        }
    }
    Typed::Str
}

/// `s` as a number when it is exactly a JSON number literal (so the JSON text can carry
/// it as written).
fn json_number(s: &str) -> Option<serde_json::Number> {
    let first = s.bytes().next()?;
    let last = s.bytes().last()?;
    if !(first == b'-' || first.is_ascii_digit()) || !last.is_ascii_digit() {
        return None;
    }
    serde_json::from_str(s).ok()
}

/// Percent-decoding, with `+` as a space (`%2B` is a plus); an invalid `%` escape stays
/// as it is. The result must be UTF-8.
fn decode(bytes: &[u8]) -> Result<String, String> {
    let plus_as_space: Vec<u8> = bytes
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    let out: Vec<u8> = percent_encoding::percent_decode(&plus_as_space).collect();
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
        assert_eq!(
            parse(b"a=1%2B1+%3d%202&b=%zz%e9%C3%A9").unwrap_err(),
            "not form-urlencoded text: invalid UTF-8 after percent-decoding (byte 3 of \"%zz%e9%C3%A9\")"
        );
        assert_eq!(
            parse(b"a=1%2B1+%3d%202&b=%zz%C3%A9").unwrap(),
            serde_json::json!({"a": "1+1 = 2", "b": "%zz\u{e9}"})
        );
    }

    fn text(body: &str) -> String {
        String::from_utf8(to_json_text(body.as_bytes()).unwrap().text).unwrap()
    }

    #[test]
    fn brackets_nest_as_php_decodes_them() {
        assert_eq!(text("a[b][c]=1"), r#"{"a":{"b":{"c":"1"}}}"#);
        assert_eq!(text("a[]=x&a[]=y"), r#"{"a":["x","y"]}"#);
        assert_eq!(text("a[][]=x&a[][]=y"), r#"{"a":[["x"],["y"]]}"#);
        assert_eq!(
            text("a[x][]=1&a[x][]=2&a[y]=3"),
            r#"{"a":{"x":["1","2"],"y":"3"}}"#
        );
        // The text of a group runs to the first `]`.
        assert_eq!(text("a[b[c]=1"), r#"{"a":{"b[c":"1"}}"#);
        // Integer keys: a list only when they are 0, 1, 2… in order.
        assert_eq!(text("a[0]=x&a[1]=y"), r#"{"a":["x","y"]}"#);
        assert_eq!(text("a[1]=x&a[0]=y"), r#"{"a":{"1":"x","0":"y"}}"#);
        assert_eq!(text("a[5]=x&a[]=y"), r#"{"a":{"5":"x","6":"y"}}"#);
        assert_eq!(text("a[05]=x&a[]=y"), r#"{"a":{"05":"x","0":"y"}}"#);
        // Keys that are not a name and bracket groups are kept whole.
        assert_eq!(
            text("a[b=1&c[d]e=2&[f]=3&g]=4&h[i[j]]=5"),
            r#"{"a[b":"1","c[d]e":"2","[f]":"3","g]":"4","h[i[j]]":"5"}"#
        );
        let v = parse(b"a[b][c]=1&a[]=x").unwrap();
        assert_eq!(v, serde_json::json!({"a": {"b": {"c": "1"}, "0": "x"}}));
    }

    #[test]
    fn appending_never_wipes_named_entries() {
        for (body, expected) in [
            (
                "additional_fields[Name]=Jo&additional_fields[]=x",
                r#"{"additional_fields":{"Name":"Jo","0":"x"}}"#,
            ),
            (
                "additional_fields[]=x&additional_fields[Name]=Jo",
                r#"{"additional_fields":{"0":"x","Name":"Jo"}}"#,
            ),
        ] {
            let form = to_json_text(body.as_bytes()).unwrap();
            assert_eq!(String::from_utf8(form.text).unwrap(), expected);
            assert!(form.problems.is_empty(), "{:?}", form.problems);
        }
    }

    #[test]
    fn keys_keep_the_order_received() {
        assert_eq!(
            text("zip=1&lead_type=Chat&b[z]=1&b[a]=2&lead_id=7&a=&zip=2"),
            r#"{"zip":"2","lead_type":"Chat","b":{"z":"1","a":"2"},"lead_id":7,"a":""}"#
        );
    }

    #[test]
    fn duplicates_keep_the_last_and_say_so_when_data_is_lost() {
        let form = to_json_text(b"a=1&b=2&a=3&b=2").unwrap();
        assert_eq!(form.value, serde_json::json!({"a": "3", "b": "2"}));
        assert_eq!(
            form.problems,
            [Problem {
                pointer: "/a".into(),
                offset: 8,
                message: "form key \"a\" is given again with another value: the last one \
                          is kept, as PHP does, and the earlier one is lost"
                    .into()
            }]
        );
        let form = to_json_text(b"x[y]=1&x[y]=2").unwrap();
        assert_eq!(form.value, serde_json::json!({"x": {"y": "2"}}));
        assert_eq!(form.problems.len(), 1);
        assert_eq!(form.problems[0].pointer, "/x/y");
        assert!(form.problems[0].message.contains("\"x[y]\" is given again"));
    }

    #[test]
    fn a_key_that_is_both_a_value_and_a_map_is_reported() {
        let form = to_json_text(b"a=1&a[b]=2").unwrap();
        assert_eq!(form.value, serde_json::json!({"a": {"b": "2"}}));
        assert_eq!(form.problems.len(), 1);
        assert_eq!(form.problems[0].pointer, "/a");
        assert_eq!(form.problems[0].offset, 4);
        assert_eq!(
            form.problems[0].message,
            "form key \"a[b]\" makes a map of \"a\", which an earlier key gave a value: the \
             last one is kept, as PHP does, and the value is lost"
        );

        let form = to_json_text(b"a[b]=2&a[c]=3&a=1").unwrap();
        assert_eq!(form.value, serde_json::json!({"a": "1"}));
        assert_eq!(form.problems.len(), 1);
        assert_eq!(form.problems[0].pointer, "/a");
        assert!(form.problems[0].message.contains("the map is lost"));

        let form = to_json_text(b"a[b]=1&a[b][c]=2").unwrap();
        assert_eq!(form.value, serde_json::json!({"a": {"b": {"c": "2"}}}));
        assert_eq!(form.problems[0].pointer, "/a/b");
        assert!(form.problems[0].message.contains("makes a map of \"a[b]\""));
    }

    #[test]
    fn fields_map_every_value_to_its_pair() {
        let body = b"lead_id=1&f[a]=x&f[b]=y&lead_id=1";
        let form = to_json_text(body).unwrap();
        let fields: Vec<(&str, usize)> =
            form.fields.iter().map(|(p, o)| (p.as_str(), *o)).collect();
        assert_eq!(
            fields,
            [
                ("", 0),
                ("/lead_id", 24),
                ("/f", 10),
                ("/f/a", 10),
                ("/f/b", 17)
            ]
        );
        for (pointer, _) in &form.fields {
            assert!(form.value.pointer(pointer).is_some(), "{pointer}");
        }
        // The text and the value agree.
        let reparsed: Value = serde_json::from_slice(&form.text).unwrap();
        assert_eq!(reparsed, form.value);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("a{}=1", "[b]".repeat(MAX_DEPTH + 1));
        let form = to_json_text(deep.as_bytes()).unwrap();
        let key = &deep[..deep.len() - 2];
        assert_eq!(form.value, serde_json::json!({ key: "1" }));
        assert!(form.problems[0].message.contains("deeper than 64 levels"));
        let ok = format!("a{}=1", "[b]".repeat(MAX_DEPTH));
        let form = to_json_text(ok.as_bytes()).unwrap();
        assert!(form.problems.is_empty());
        assert_eq!(form.fields.len(), MAX_DEPTH + 2);
        // A long run of appends is linear, not quadratic.
        let many = "a[]=1&".repeat(100_000);
        let form = to_json_text(many.as_bytes()).unwrap();
        assert_eq!(form.value["a"].as_array().unwrap().len(), 100_000);
    }

    #[test]
    fn numbers_are_kept_as_written() {
        let form =
            to_json_text(b"quote_value=1250.50&lead_id=007&sales_value=+1&lead_score=-3").unwrap();
        assert_eq!(
            String::from_utf8(form.text).unwrap(),
            r#"{"quote_value":1250.50,"lead_id":"007","sales_value":" 1","lead_score":-3}"#
        );
        assert_eq!(form.value["quote_value"], 1250.5);
        // Only top-level fields are typed.
        assert_eq!(text("x[lead_id]=1"), r#"{"x":{"lead_id":"1"}}"#);
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(
            to_json_text(b"a=1&=x").unwrap_err(),
            FormError {
                offset: 4,
                message: "not form-urlencoded: a pair has no key".into()
            }
        );
        assert_eq!(to_json_text(b"a=1&b=%FF").unwrap_err().offset, 6);
        assert_eq!(to_json_text(b"&&").unwrap_err().offset, 0);
    }

    #[test]
    fn a_record_places_every_value_at_its_pair() {
        let body = "lead_id=1&f[a]=x&f[b]=\u{e9}&lead_id=1\n".as_bytes();
        let start = Mark::START;
        let (value, text, placement, _) = record(body.trim_ascii_end(), start).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"lead_id": 1, "f": {"a": "x", "b": "\u{e9}"}})
        );
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "{\"lead_id\":1,\"f\":{\"a\":\"x\",\"b\":\"\u{e9}\"}}"
        );
        let Placement::Fields(fields) = placement else {
            panic!("placed by fields")
        };
        let at = |p: &str| {
            let (_, m) = fields.iter().find(|(q, _)| q == p).unwrap();
            (m.offset, m.at.column)
        };
        assert_eq!(at(""), (0, 1));
        // The last lead_id pair (its value is the one kept), a nested value at its own pair.
        assert_eq!(at("/lead_id"), (25, 25));
        assert_eq!(at("/f/a"), (10, 11));
        assert_eq!(at("/f/b"), (17, 18));
    }

    #[test]
    fn detection() {
        assert!(looks_like(b"lead_id=1"));
        assert!(!looks_like(b"{\"a\":1}"));
        assert!(!looks_like(b"=1"));
        assert!(!looks_like(b"true"));
    }
}
