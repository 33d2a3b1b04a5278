//! Capture formats: whatever framing an input comes in, turned into the records of the lead
//! payloads it holds, each with its origin in that input.
//!
//! People capture webhook deliveries in many ways. Per input, without flags (`--input-format`
//! overrides the guess), leadcheck reads:
//!
//! - gzip (`.gz` files and gzip streams, recognised by their magic bytes, whatever the
//!   name): decompressed on the fly, then detected again. Positions are in the
//!   decompressed text. A truncated or corrupt gzip stream is one unreadable record (the
//!   record it cut short, if any).
//! - HAR files ([`har`]): each POST request's body is a record.
//! - raw HTTP requests ([`http`]): request line, headers, blank line, body; many per file.
//! - form-urlencoded bodies ([`form`]), one per line.
//! - JSON (single documents, NDJSON, JSON text sequences, values one after another): the
//!   [`Reader`].
//!
//! The format is detected once per input ([`open`]). JSON text is a stream read by the
//! [`Reader`]; the other formats are cut into [`Unit`]s, bodies that are each read on their
//! own ([`read_body`]), wherever a thread is free. Nothing is read whole but a HAR file
//! (one JSON document, at most [`MAX_HAR_BYTES`]).
//!
//! One more step applies to every record, wherever it is read ([`expand`]): an API list
//! response (`{"page_number": …, "leads": [ … ]}`) and a top-level array of lead objects
//! are read as their leads, each element a record with its own position.

pub mod form;
pub mod gzip;
pub mod har;
pub mod http;
mod stream;

use std::io::{self, Cursor, Read};
use std::sync::Arc;

use serde_json::Value;

use crate::input::{Input, InputError};
use crate::position::{self, LineCol, Mark};
use crate::reader::{Damage, MAX_RECORD_BYTES, Reader, io_message};
use crate::record::{Body, Item, Origin, Placement, Record, Unreadable};

/// How an input is framed (`--input-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Detected per input from its first bytes (and its name's extension).
    #[default]
    Auto,
    /// JSON documents: one, NDJSON, JSON text sequences, or values one after another.
    Json,
    /// Raw HTTP requests, one or many.
    Http,
    /// A HAR file: each POST request's body.
    Har,
    /// application/x-www-form-urlencoded bodies, one per line.
    Form,
}

/// How much of an input is looked at to detect its format.
const SNIFF: usize = 4096;

/// The largest HAR file read (it is one JSON document, read whole).
pub const MAX_HAR_BYTES: usize = 1 << 30;

/// Nested gzip layers unwrapped at most (a gzip of a gzip of ...).
const MAX_GZIP_LAYERS: u32 = 4;

/// An input, opened and its format detected.
pub enum Framing {
    /// JSON text, read with the [`Reader`]: plain, or decompressed (then `damage` tells,
    /// once the text ends, whether the compressed stream was cut or corrupt).
    Json {
        src: Box<dyn Read + Send>,
        damage: Option<Damage>,
    },
    /// Bodies framed by HTTP, HAR or lines of form data, one unit at a time.
    Units(Box<dyn Iterator<Item = io::Result<Unit>> + Send>),
}

/// A part of a framed capture: a body to read records from, or a framing error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Body(BodyUnit),
    /// A broken frame: one unreadable record.
    Bad {
        mark: Mark,
        message: String,
    },
}

/// A body of a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyUnit {
    /// The body's text (de-chunked, decompressed, unescaped: what is parsed).
    pub text: Vec<u8>,
    /// Where the text starts in the input.
    pub start: Mark,
    /// How the text sits in the input: verbatim from `start`, in pieces, or decoded.
    pub placement: Placement,
    pub kind: BodyKind,
    /// Names the body in messages about it (`body of POST /hook`).
    pub context: String,
    /// The body as sent, for records that are the whole of it.
    pub body: Option<Arc<Body>>,
}

/// The encoding of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
}

/// Opens `src` (an input's bytes) and detects its format once: gzip layers are unwrapped,
/// then the first bytes (and the file name: `.har`, `.http`, `.gz`) tell the framing, unless
/// `format` forces it. `name` is the input's name, for the records of framed units.
pub fn open(
    src: Box<dyn Read + Send>,
    format: Format,
    file_name: Option<&str>,
) -> io::Result<Framing> {
    let hint = file_name.map(str::to_ascii_lowercase).unwrap_or_default();
    open_layer(src, format, &hint, 0, None)
}

fn open_layer(
    mut src: Box<dyn Read + Send>,
    format: Format,
    hint: &str,
    depth: u32,
    damage: Option<Damage>,
) -> io::Result<Framing> {
    let prefix = read_prefix(&mut src)?;
    if prefix.starts_with(&[0x1f, 0x8b]) && depth < MAX_GZIP_LAYERS {
        let whole: Box<dyn Read + Send> = Box::new(Cursor::new(prefix).chain(src));
        let damage = damage.unwrap_or_default();
        let plain = gzip::Gunzip::new(whole, damage.clone());
        let hint = hint.strip_suffix(".gz").unwrap_or(hint);
        return open_layer(Box::new(plain), format, hint, depth + 1, Some(damage));
    }
    let format = match format {
        Format::Auto => detect(&prefix, hint),
        other => other,
    };
    let whole: Box<dyn Read + Send> = Box::new(Cursor::new(prefix).chain(src));
    Ok(match format {
        Format::Auto | Format::Json => Framing::Json { src: whole, damage },
        Format::Http => Framing::Units(with_damage(http::Units::new(whole), damage)),
        Format::Form => Framing::Units(with_damage(form::Units::new(whole), damage)),
        Format::Har => Framing::Units(with_damage(har::Units::new(whole), damage)),
    })
}

/// A framed format's units, one at a time, and where reading has got to.
pub trait Framer: Iterator<Item = io::Result<Unit>> + Send {
    /// The place of the next unread byte.
    fn position(&self) -> Mark;
}

/// Units of a compressed source: when the compressed stream turns out cut or corrupt, its
/// damage is one unreadable record: the last unit, when that one is a broken frame (the
/// request the cut stream ended in), or one more at the end.
fn with_damage(
    units: impl Framer + 'static,
    damage: Option<Damage>,
) -> Box<dyn Iterator<Item = io::Result<Unit>> + Send> {
    match damage {
        None => Box::new(units),
        Some(damage) => Box::new(Damaged {
            inner: units,
            damage: Some(damage),
            held: None,
            tail: None,
            done: false,
        }),
    }
}

struct Damaged<F> {
    inner: F,
    damage: Option<Damage>,
    /// The last unit, held back until the next one shows it was not the last.
    held: Option<io::Result<Unit>>,
    tail: Option<Unit>,
    done: bool,
}

impl<F: Framer> Iterator for Damaged<F> {
    type Item = io::Result<Unit>;

    fn next(&mut self) -> Option<io::Result<Unit>> {
        loop {
            if self.done {
                return self.held.take().or_else(|| self.tail.take().map(Ok));
            }
            match self.inner.next() {
                Some(unit) => {
                    if let Some(before) = self.held.replace(unit) {
                        return Some(before);
                    }
                }
                None => {
                    self.done = true;
                    let message = self.damage.take().and_then(|d| d.get().cloned());
                    let Some(message) = message else { continue };
                    match &mut self.held {
                        Some(Ok(Unit::Bad { message: m, .. })) => *m = message,
                        _ => {
                            self.tail = Some(Unit::Bad {
                                mark: self.inner.position(),
                                message,
                            })
                        }
                    }
                }
            }
        }
    }
}

/// Reads the first bytes of an input: enough to decide its format, at most [`SNIFF`].
/// It stops as soon as the format is clear, so that a pipe that delivers records one at a
/// time (`tail -f log | leadcheck validate`) is not held up waiting for more.
fn read_prefix(src: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut prefix = vec![0; SNIFF];
    let mut len = 0;
    while len < SNIFF && !decided(&prefix[..len]) {
        match src.read(&mut prefix[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    prefix.truncate(len);
    Ok(prefix)
}

/// Whether these first bytes are enough for [`detect`]: gzip's magic, a `[`, a `{` and
/// what follows it up to its first key, or a whole first line.
fn decided(prefix: &[u8]) -> bool {
    if prefix.len() >= 2 && prefix.starts_with(&[0x1f, 0x8b]) {
        return true;
    }
    let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let text = text.trim_ascii_start();
    match text.first() {
        None => false,
        Some(b'[' | 0x1E) => true,
        Some(b'{') => {
            let rest = text[1..].trim_ascii_start();
            rest.len() >= 5 || rest.first().is_some_and(|&b| b != b'"')
        }
        Some(_) => text.contains(&b'\n'),
    }
}

/// The format of an input, from its first bytes and its name.
pub fn detect(prefix: &[u8], hint: &str) -> Format {
    let hint = hint.strip_suffix(".gz").unwrap_or(hint);
    let text = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    if har::looks_like(text) || (hint.ends_with(".har") && text.starts_with(b"{")) {
        Format::Har
    } else if http::is_message_start(text) {
        Format::Http
    } else if form::looks_like(text) {
        Format::Form
    } else {
        Format::Json
    }
}

/// How an input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// `--input-format`.
    pub format: Format,
    /// API list responses and arrays of leads are read as their leads (see [`expand`]);
    /// `diff` compares documents as they are, so it turns this off.
    pub lists: bool,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            format: Format::Auto,
            lists: true,
        }
    }
}

/// Reads one input to the end on this thread, in any format, and hands each item to `f`,
/// numbered, in input order; then, if the input could not be opened or read to the end,
/// its failure. A sink error stops reading and is returned.
pub fn read_input<E>(
    input: &Input,
    options: ReadOptions,
    f: &mut dyn FnMut(Result<Item, InputError>) -> Result<(), E>,
) -> Result<(), E> {
    let mut count = 0u64;
    let mut emit = |mut item: Item| {
        count += 1;
        item.origin_mut().record = count;
        f(Ok(item))
    };
    let failed = |at: Option<LineCol>, e: &io::Error| {
        input.error(at, format!("cannot read: {}", io_message(e)))
    };
    let src = match input.open() {
        Ok(src) => src,
        Err(e) => return f(Err(e)),
    };
    let framing = match open(src, options.format, input.file_name()) {
        Ok(framing) => framing,
        Err(e) => return f(Err(failed(Some(LineCol::START), &e))),
    };
    let mut failure = None;
    match framing {
        Framing::Json { src, damage } => {
            let mut reader = Reader::new(input.name.clone(), src);
            if let Some(damage) = damage {
                reader = reader.with_damage(damage);
            }
            loop {
                match reader.next() {
                    None => break,
                    Some(Ok(item)) => {
                        for item in expand(item, options.lists) {
                            emit(item)?;
                        }
                    }
                    Some(Err(e)) => {
                        failure = Some(failed(Some(reader.position().at), &e));
                        break;
                    }
                }
            }
        }
        Framing::Units(units) => {
            let mut last = Mark::START;
            for unit in units {
                match unit {
                    Ok(unit) => {
                        if let Unit::Body(b) = &unit {
                            last = b.start;
                        }
                        for item in read_unit(&input.name, unit, options.lists) {
                            emit(item)?;
                        }
                    }
                    Err(e) => {
                        failure = Some(failed(Some(last.at), &e));
                        break;
                    }
                }
            }
        }
    }
    match failure {
        Some(e) => f(Err(e)),
        None => Ok(()),
    }
}

/// Runs arbitrary bytes through detection, every capture format and the reader, to the
/// end, and returns the items (for tests and the fuzz target: this must never panic, and
/// every item must be numbered in order).
pub fn read_bytes(bytes: &[u8], format: Format) -> Vec<Item> {
    let mut items = Vec::new();
    let src: Box<dyn Read + Send> = Box::new(Cursor::new(bytes.to_vec()));
    let Ok(framing) = open(src, format, None) else {
        return items;
    };
    let name: Arc<str> = "bytes".into();
    match framing {
        Framing::Json { src, damage } => {
            let mut reader = Reader::new(name.clone(), src);
            if let Some(damage) = damage {
                reader = reader.with_damage(damage);
            }
            for item in reader.map_while(Result::ok) {
                items.extend(expand(item, true));
            }
        }
        Framing::Units(units) => {
            for unit in units.map_while(Result::ok) {
                items.extend(read_unit(&name, unit, true));
            }
        }
    }
    for (i, item) in items.iter_mut().enumerate() {
        item.origin_mut().record = i as u64 + 1;
    }
    items
}

/// The items of one unit of a framed capture: a bad frame is one unreadable record; a body
/// is read as JSON text (one document, or several) or as a form.
pub fn read_unit(name: &Arc<str>, unit: Unit, lists: bool) -> Vec<Item> {
    match unit {
        Unit::Bad { mark, message } => vec![Item::Unreadable(Unreadable {
            origin: Origin::at(name.clone(), mark),
            at: mark.at,
            message,
        })],
        Unit::Body(body) => read_body(name, body, lists),
    }
}

/// The items of one body.
pub fn read_body(name: &Arc<str>, unit: BodyUnit, lists: bool) -> Vec<Item> {
    let origin = Origin::at(name.clone(), unit.start);
    if unit.kind == BodyKind::Form {
        return vec![match form::record(&unit.text, unit.start) {
            Ok((value, text, placement)) => Item::Record(Record {
                origin,
                value,
                text,
                placement,
                body: unit.body,
            }),
            Err(message) => Item::Unreadable(Unreadable {
                origin,
                at: unit.start.at,
                message: format!("{}: {message}", unit.context),
            }),
        }];
    }
    // The common case, one JSON document, without a Reader (whose block buffer is sized
    // for streams, not for thousands of small bodies).
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let first = unit.text.iter().position(|b| !ws(b));
    let last = unit.text.iter().rposition(|b| !ws(b)).map(|i| i + 1);
    if let (Some(first), Some(last)) = (first, last)
        && unit.text.len() <= MAX_RECORD_BYTES
        && let Ok(value) = serde_json::from_slice::<Value>(&unit.text[first..last])
    {
        let text = unit.text[first..last].to_vec();
        let record = place(name, &unit, first..last, value, text);
        let mut items = expand(Item::Record(record), lists);
        if items.len() == 1
            && let Item::Record(r) = &mut items[0]
        {
            r.body = unit.body.clone();
        }
        return items;
    }
    // Anything else (several values, malformed JSON, an empty or oversized body) is left
    // to the reader, over the body's text, and placed back in the input.
    let reader = Reader::new(name.clone(), Cursor::new(&unit.text[..]));
    let mut out = Vec::new();
    for item in reader.map_while(Result::ok) {
        let item = match item {
            Item::Record(r) => {
                let start = r.origin.offset as usize;
                let end = start + r.text.len();
                Item::Record(place(name, &unit, start..end, r.value, r.text))
            }
            Item::Unreadable(u) => {
                let offset = u.origin.offset as usize;
                let relative = u.at;
                let mut origin = Origin::at(name.clone(), unit_mark(&unit, offset));
                origin.record = 0;
                let (at, note) = match &unit.placement {
                    Placement::Decoded => (
                        unit.start.at,
                        format!(" (at {relative} of the decoded body)"),
                    ),
                    _ => (
                        unit_mark(&unit, offset_of(&unit.text, relative)).at,
                        String::new(),
                    ),
                };
                let context = if unit.context.is_empty() {
                    String::new()
                } else {
                    format!("{}: ", unit.context)
                };
                Item::Unreadable(Unreadable {
                    origin,
                    at,
                    message: format!("{context}{}{note}", u.message),
                })
            }
        };
        out.extend(expand(item, lists));
    }
    out
}

/// The place in the input of an offset in a unit's text.
fn unit_mark(unit: &BodyUnit, offset: usize) -> Mark {
    match &unit.placement {
        Placement::Verbatim => unit
            .start
            .advance(&unit.text[..offset.min(unit.text.len())]),
        Placement::Pieces(pieces) => pieces.map(&unit.text, offset),
        Placement::Fields(_) | Placement::Decoded => unit.start,
    }
}

/// The byte offset, in `text` (starting at 1:1), of a line:column.
fn offset_of(text: &[u8], at: LineCol) -> usize {
    let mut line_start = 0usize;
    if at.line > 1 {
        match memchr::memchr_iter(b'\n', text).nth(at.line as usize - 2) {
            Some(nl) => line_start = nl + 1,
            None => return text.len(),
        }
    }
    let mut chars = 1;
    for (i, &b) in text[line_start..].iter().enumerate() {
        if chars == at.column && (b & 0xC0) != 0x80 {
            return line_start + i;
        }
        if (b & 0xC0) != 0x80 {
            chars += 1;
        }
    }
    text.len()
}

/// A record of the range `range` of a unit's text.
fn place(
    name: &Arc<str>,
    unit: &BodyUnit,
    range: std::ops::Range<usize>,
    value: Value,
    text: Vec<u8>,
) -> Record {
    let mark = unit_mark(unit, range.start);
    let placement = match &unit.placement {
        Placement::Pieces(pieces) => {
            Placement::Pieces(Arc::new(pieces.slice(&unit.text, range.clone())))
        }
        other => other.clone(),
    };
    Record {
        origin: Origin::at(name.clone(), mark),
        value,
        text,
        placement,
        body: None,
    }
}

/// Whether a record's value is an API list response or a top-level array of leads, which
/// [`expand`] reads as the leads.
pub fn is_list(value: &Value) -> bool {
    lead_list(value).is_some()
}

/// The pointer of the leads in an API list response (`/leads`) or a top-level array of
/// leads (``); `None` for anything else.
fn lead_list(value: &Value) -> Option<&'static str> {
    match value {
        Value::Array(items) if is_lead_array(items) => Some(""),
        Value::Object(o)
            if !o.contains_key("lead_id")
                && !o.contains_key("lead_type")
                && o.get("leads").is_some_and(Value::is_array) =>
        {
            Some("/leads")
        }
        _ => None,
    }
}

/// A top-level array read as a stream of leads: not empty, every element an object, and
/// at least one of them with a `lead_id` or a `lead_type`.
fn is_lead_array(items: &[Value]) -> bool {
    !items.is_empty()
        && items.iter().all(Value::is_object)
        && items
            .iter()
            .any(|v| v.get("lead_id").is_some() || v.get("lead_type").is_some())
}

/// The items an item stands for: the elements of an API list response or of a top-level
/// array of leads (with `lists`), each a record with its own position; any other item as
/// it is. The one place lists are expanded, whoever reads.
pub fn expand(item: Item, lists: bool) -> Vec<Item> {
    let Item::Record(mut record) = item else {
        return vec![item];
    };
    let Some(pointer) = lists.then(|| lead_list(&record.value)).flatten() else {
        return vec![Item::Record(record)];
    };
    let elements = match pointer {
        "" => record.value.as_array_mut(),
        p => record.value.pointer_mut(p).and_then(Value::as_array_mut),
    }
    .map(std::mem::take)
    .unwrap_or_default();
    let ranges = position::array_elements(&record.text, pointer).unwrap_or_default();
    let mut out = Vec::with_capacity(elements.len());
    // Verbatim text: the places of the elements, advancing once through the text.
    let mut mark = record.origin.mark();
    let mut done = 0usize;
    for (i, value) in elements.into_iter().enumerate() {
        // The ranges come from the same text serde_json parsed; should they ever disagree,
        // an element is placed at its parent's start rather than lost.
        let range = ranges.get(i).cloned().unwrap_or(0..0);
        let (start, placement) = match &record.placement {
            Placement::Verbatim => {
                if range.start > done {
                    mark = mark.advance(&record.text[done..range.start]);
                    done = range.start;
                }
                (mark, Placement::Verbatim)
            }
            Placement::Pieces(pieces) => (
                pieces.map(&record.text, range.start),
                Placement::Pieces(Arc::new(pieces.slice(&record.text, range.clone()))),
            ),
            other => (record.origin.mark(), other.clone()),
        };
        let text = if range.is_empty() {
            serde_json::to_vec(&value).unwrap_or_default()
        } else {
            record.text[range].to_vec()
        };
        out.push(Item::Record(Record {
            origin: Origin::at(record.origin.input.clone(), start),
            value,
            text,
            placement,
            body: None,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(bytes: &[u8]) -> Vec<String> {
        read_bytes(bytes, Format::Auto)
            .iter()
            .map(|i| match i {
                Item::Record(r) => format!(
                    "{} ok {} @{} {}",
                    r.origin.record, r.origin.start, r.origin.offset, r.value
                ),
                Item::Unreadable(u) => {
                    format!(
                        "{} bad {} at {}: {}",
                        u.origin.record, u.origin.start, u.at, u.message
                    )
                }
            })
            .collect()
    }

    #[test]
    fn detects_formats() {
        assert_eq!(detect(b"{\"lead_id\": 1}", ""), Format::Json);
        assert_eq!(
            detect(b"\n { \"log\" : {\"entries\": []}}", ""),
            Format::Har
        );
        assert_eq!(detect(b"{\"x\": 1}", "a.har"), Format::Har);
        assert_eq!(
            detect(b"POST /hook HTTP/1.1\r\nHost: x\r\n", ""),
            Format::Http
        );
        assert_eq!(detect(b"lead_id=1&lead_type=Chat", ""), Format::Form);
        assert_eq!(detect(b"true", ""), Format::Json);
        assert_eq!(detect(b"\x00\x01", ""), Format::Json);
    }

    #[test]
    fn detection_reads_only_what_it_needs() {
        assert!(decided(b"\x1f\x8b"));
        assert!(decided(b" ["));
        assert!(decided(b"{\"lead"));
        assert!(decided(b"{\n  \"log\""));
        assert!(!decided(b"{\n  \"lo"));
        assert!(decided(b"{}"));
        assert!(!decided(b"POST /hook HTTP/1.1"));
        assert!(decided(b"POST /hook HTTP/1.1\r\n"));
        assert!(!decided(b"\xEF\xBB\xBF \n"));
        // A source that hands out a few bytes at a time is read only as far as needed.
        struct Drip<'a>(&'a [u8], usize);
        impl Read for Drip<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut drip = Drip(b"{\"lead_id\": 1}\n{\"lead_id\": 2}\n", 3);
        assert_eq!(read_prefix(&mut drip).unwrap(), b"{\"lead");
    }

    #[test]
    fn api_list_and_arrays_are_streams_of_leads() {
        let text = b"{\"page_number\": 1,\n \"leads\": [{\"lead_id\": 1},\n  {\"lead_id\": 2}]}\n[{\"lead_id\": 3}]\n[1, 2]\n{\"leads\": []}\n{\"lead_id\": 4}";
        assert_eq!(
            summary(text),
            [
                "1 ok 2:12 @30 {\"lead_id\":1}",
                "2 ok 3:3 @48 {\"lead_id\":2}",
                "3 ok 4:2 @66 {\"lead_id\":3}",
                "4 ok 5:1 @82 [1,2]",
                "5 ok 7:1 @103 {\"lead_id\":4}",
            ]
        );
    }

    #[test]
    fn gzip_is_decompressed_and_a_cut_stream_is_one_record() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"{\"lead_id\": 1}\n{\"lead_id\": 2}\n")
            .unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(
            summary(&gz),
            [
                "1 ok 1:1 @0 {\"lead_id\":1}",
                "2 ok 2:1 @15 {\"lead_id\":2}"
            ]
        );
        for cut in [&gz[..gz.len() - 12], &gz[..5], &gz[..gz.len() / 2]] {
            let items = summary(cut);
            let bad: Vec<&String> = items.iter().filter(|i| i.contains(" bad ")).collect();
            assert_eq!(bad.len(), 1, "{items:?}");
            assert!(
                bad[0].contains("gzip stream is truncated or corrupt"),
                "{items:?}"
            );
        }
    }

    /// Every item is numbered in order and placed inside the input, and the records' text
    /// locates pointers inside the input, whatever the bytes.
    fn accounted_for(bytes: &[u8], format: Format) {
        let items = read_bytes(bytes, format);
        assert!(
            !items.is_empty(),
            "an input is at least one item: {bytes:?}"
        );
        for (i, item) in items.iter().enumerate() {
            let origin = item.origin();
            assert_eq!(origin.record, i as u64 + 1);
            assert!(origin.start.line >= 1 && origin.start.column >= 1);
            assert!(origin.offset <= bytes.len() as u64 || format != Format::Json);
            if let Item::Record(r) = item {
                for p in r.positions(&["/lead_id", "", "/leads/0/x"]) {
                    assert!(p.at.line >= origin.start.line);
                }
            }
        }
    }

    #[test]
    fn never_panics_on_junk_and_accounts_for_every_record() {
        const ALPHABET: &[u8] =
            b"{}[]\":,0a \r\n=&%POST /HTTP1.1Content-Length:chunked\x1f\x8b\x1e";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..400 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    ALPHABET[(seed % ALPHABET.len() as u64) as usize]
                })
                .collect();
            for format in [
                Format::Auto,
                Format::Json,
                Format::Http,
                Format::Har,
                Format::Form,
            ] {
                accounted_for(&bytes, format);
            }
        }
    }
}
