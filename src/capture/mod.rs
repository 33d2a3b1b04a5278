//! Capture formats: whatever framing an input comes in, turned into the records of the
//! lead payloads it holds, each with its origin in that input.
//!
//! People capture webhook deliveries in many ways. Per input, without flags (`--input-format`
//! overrides the guess), leadcheck reads:
//!
//! - gzip (`.gz` files and gzip streams, recognised by their magic bytes, whatever the
//!   name): decompressed on the fly, then detected again. Positions are in the
//!   decompressed text. A truncated or corrupt gzip stream ends with one unreadable record
//!   at the point decompression stopped.
//! - HAR files ([`har`]): each POST request's body is a record.
//! - raw HTTP requests ([`http`]): request line, headers, blank line, body; many per file.
//! - form-urlencoded bodies ([`form`]), one per line.
//! - JSON (single documents, NDJSON, values one after another): the [`Reader`], streamed.
//!
//! Every body goes through the same [`Reader`], started at the body's position in the
//! input, so a body's records report where they are in the capture file. Then one more step
//! applies to every format: an API list response (`{"page_number": …, "leads": [ … ]}`) and
//! a top-level array of lead objects are read as a stream of their leads, each element a
//! record with its own position. Records are numbered per input after that step.
//!
//! JSON streams (plain or gzip) are never loaded whole; HTTP, HAR and form captures are read
//! whole (a capture of requests is framed by lengths and headers, and a HAR file is one JSON
//! document), so they are bounded by memory.

pub mod form;
pub mod har;
pub mod http;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Cursor, Read};
use std::rc::Rc;
use std::sync::Arc;

use serde_json::Value;

use crate::input::{Item, Origin, Reader, Record, Unreadable};
use crate::position::{self, LineCol};

/// How an input is framed (`--input-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Detected per input from its first bytes (and its name's extension).
    #[default]
    Auto,
    /// JSON documents: one, NDJSON, or values one after another.
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

/// The largest HTTP, HAR or form capture read (they are read whole).
const MAX_FRAMED: usize = 1 << 30;

/// Nested gzip layers unwrapped at most (a gzip of a gzip of ...).
const MAX_GZIP_LAYERS: u32 = 4;

type Items = Box<dyn Iterator<Item = io::Result<Item>>>;

/// The records of one input, in input order, numbered from 1. Yields `Err` once, and then
/// nothing, when the source itself fails.
pub struct Records {
    inner: Items,
    /// API lists and arrays of leads are split into their leads.
    split: bool,
    pending: VecDeque<Item>,
    count: u64,
    at: LineCol,
    done: bool,
}

/// Reads one input. `file_name` (the input's path, if it has one) helps detection: `.har`,
/// `.http` and `.gz` names are taken at their word when the content allows it.
pub fn records(
    name: Arc<str>,
    src: Box<dyn Read>,
    format: Format,
    file_name: Option<&str>,
) -> Records {
    let hint = file_name.map(str::to_ascii_lowercase).unwrap_or_default();
    Records {
        inner: open(name, src, format, &hint, 0),
        split: true,
        pending: VecDeque::new(),
        count: 0,
        at: LineCol::START,
        done: false,
    }
}

impl Records {
    /// Where reading has got to: the start of the last record (for an I/O error).
    pub fn position(&self) -> LineCol {
        self.at
    }

    fn numbered(&mut self, mut item: Item) -> Item {
        self.count += 1;
        let origin = match &mut item {
            Item::Record(r) => &mut r.origin,
            Item::Unreadable(u) => &mut u.origin,
        };
        origin.record = self.count;
        self.at = origin.start;
        item
    }
}

impl Iterator for Records {
    type Item = io::Result<Item>;

    fn next(&mut self) -> Option<io::Result<Item>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(Ok(self.numbered(item)));
            }
            if self.done {
                return None;
            }
            match self.inner.next() {
                None => {
                    self.done = true;
                    return None;
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Some(Ok(item)) if self.split => expand(item, &mut self.pending),
                Some(Ok(item)) => self.pending.push_back(item),
            }
        }
    }
}

/// What [`read_input`] hands out, in input order.
#[derive(Debug)]
pub enum Reading {
    /// A record, or a record that could not be read.
    Item(Item),
    /// The input could not be opened (`at` is `None`), or reading it failed part way; the
    /// message says which ("cannot open: …", "cannot read: …").
    Failed {
        at: Option<LineCol>,
        message: String,
    },
}

/// Reads one input (a file or stdin) in any capture format and hands each item to `f`:
/// the one loop every command reads its inputs with.
pub fn read_input(
    input: &crate::input::Input,
    format: Format,
    f: &mut dyn FnMut(Reading) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    read_input_with(input, format, true, f)
}

/// [`read_input`], but an API list response or an array of leads stays one record (for
/// `diff`, which compares documents as they are).
pub fn read_input_whole(
    input: &crate::input::Input,
    format: Format,
    f: &mut dyn FnMut(Reading) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    read_input_with(input, format, false, f)
}

fn read_input_with(
    input: &crate::input::Input,
    format: Format,
    split: bool,
    f: &mut dyn FnMut(Reading) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let source = match input.open() {
        Ok(source) => source,
        Err(e) => {
            let message = format!("cannot open: {}", crate::input::io_message(&e));
            return f(Reading::Failed { at: None, message });
        }
    };
    let file_name = match &input.source {
        crate::input::Source::File(path) => path.file_name().and_then(|n| n.to_str()),
        crate::input::Source::Stdin => None,
    };
    let mut items = records(input.name.clone(), source, format, file_name);
    items.split = split;
    while let Some(item) = items.next() {
        match item {
            Ok(item) => f(Reading::Item(item))?,
            Err(e) => {
                let message = format!("cannot read: {}", crate::input::io_message(&e));
                return f(Reading::Failed {
                    at: Some(items.position()),
                    message,
                });
            }
        }
    }
    Ok(())
}

/// Runs arbitrary bytes through detection, every capture format and the reader, to the
/// end, and returns the items (for tests and the fuzz target: this must never panic).
pub fn read_bytes(bytes: &[u8], format: Format) -> Vec<Item> {
    records(
        "fuzz".into(),
        Box::new(Cursor::new(bytes.to_vec())),
        format,
        None,
    )
    .filter_map(Result::ok)
    .collect()
}

/// Whether a record's value is an API list response or a top-level array of leads, which
/// [`expand`] splits into the leads.
pub fn expands(value: &Value) -> bool {
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

/// Reads the first bytes of an input, enough to tell its format (see [`detect`]), and
/// tells whether it is plain JSON text (not gzip, HTTP, HAR or form): the inputs that can
/// be read line by line on several threads. The prefix must be read again before the rest.
pub fn sniff(
    src: &mut dyn Read,
    format: Format,
    file_name: Option<&str>,
) -> io::Result<(Vec<u8>, bool)> {
    let prefix = read_prefix(src)?;
    let hint = file_name.map(str::to_ascii_lowercase).unwrap_or_default();
    let gzip = prefix.starts_with(&[0x1f, 0x8b]);
    let json = !gzip
        && match format {
            Format::Json => true,
            Format::Auto => detect(&prefix, &hint) == Format::Json,
            _ => false,
        };
    Ok((prefix, json))
}

/// The elements of an API list response or of a top-level array of leads, as records of
/// their own; any other item as it is.
pub fn expand(item: Item, out: &mut VecDeque<Item>) {
    let Item::Record(mut record) = item else {
        out.push_back(item);
        return;
    };
    let Some(pointer) = lead_list(&record.value) else {
        out.push_back(Item::Record(record));
        return;
    };
    let elements = match pointer {
        "" => record.value.as_array_mut(),
        p => record.value.pointer_mut(p).and_then(Value::as_array_mut),
    }
    .map(std::mem::take)
    .unwrap_or_default();
    let ranges = position::array_elements(&record.raw, pointer).unwrap_or_default();
    for (i, value) in elements.into_iter().enumerate() {
        // The ranges come from the same text serde_json parsed; should they ever disagree,
        // an element is placed at its parent's start rather than lost.
        let range = ranges.get(i).cloned().unwrap_or(0..0);
        let origin = Origin {
            input: record.origin.input.clone(),
            record: 0,
            start: record.origin.start.advance(&record.raw[..range.start]),
            offset: record.origin.offset + range.start as u64,
        };
        let raw = if range.is_empty() {
            serde_json::to_vec(&value).unwrap_or_default()
        } else {
            record.raw[range].to_vec()
        };
        out.push_back(Item::Record(Record { origin, value, raw }));
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

/// Opens one (possibly decompressed) layer of an input.
fn open(name: Arc<str>, mut src: Box<dyn Read>, format: Format, hint: &str, depth: u32) -> Items {
    let prefix = match read_prefix(&mut src) {
        Ok(prefix) => prefix,
        Err(e) => return Box::new(std::iter::once(Err(e))),
    };
    let whole: Box<dyn Read> = Box::new(Cursor::new(prefix.clone()).chain(src));
    if prefix.starts_with(&[0x1f, 0x8b]) && depth < MAX_GZIP_LAYERS {
        return gunzip(name, whole, format, hint, depth);
    }
    let format = match format {
        Format::Auto => detect(&prefix, hint),
        other => other,
    };
    match format {
        Format::Auto | Format::Json => Box::new(Reader::new(name, whole)),
        Format::Http => framed(name, whole, http::split),
        Format::Har => framed(name, whole, har::split),
        Format::Form => framed(name, whole, form::split),
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
        Some(b'[') => true,
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
    } else if http::is_request_line(text) || http::is_status_line(text) {
        Format::Http
    } else if form::looks_like(text) {
        Format::Form
    } else {
        Format::Json
    }
}

/// A gzip layer: decompressed, detected again, and a read error of the decompressor (a
/// truncated or corrupt stream) turned into one unreadable record at the end.
fn gunzip(name: Arc<str>, src: Box<dyn Read>, format: Format, hint: &str, depth: u32) -> Items {
    let state = Rc::new(RefCell::new(GzState {
        error: None,
        at: LineCol::START,
        offset: 0,
    }));
    let decoder = Catch {
        inner: flate2::read::MultiGzDecoder::new(src),
        state: state.clone(),
    };
    let hint = hint.strip_suffix(".gz").unwrap_or(hint).to_string();
    let inner = open(name.clone(), Box::new(decoder), format, &hint, depth + 1);
    let tail = std::iter::from_fn(move || {
        let mut s = state.borrow_mut();
        let error = s.error.take()?;
        Some(Ok(Item::Unreadable(Unreadable {
            origin: Origin {
                input: name.clone(),
                record: 0,
                start: s.at,
                offset: s.offset,
            },
            at: s.at,
            message: format!("gzip stream is truncated or corrupt: {}", lower(&error)),
        })))
    });
    Box::new(inner.chain(tail))
}

struct GzState {
    error: Option<String>,
    at: LineCol,
    offset: u64,
}

/// A reader that ends, instead of failing, when the decompressor fails, and remembers why
/// and where (in the decompressed text).
struct Catch<R> {
    inner: R,
    state: Rc<RefCell<GzState>>,
}

impl<R: Read> Read for Catch<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut s = self.state.borrow_mut();
        if s.error.is_some() {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Ok(n) => {
                s.at = s.at.advance(&buf[..n]);
                s.offset += n as u64;
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                s.error = Some(crate::input::io_message(&e));
                Ok(0)
            }
        }
    }
}

fn lower(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A part of a framed capture: a body to read records from, or a framing error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Body {
        bytes: Vec<u8>,
        /// Where the body starts in the input.
        at: LineCol,
        offset: u64,
        /// How the body is encoded.
        kind: BodyKind,
        /// Names the body in messages about it (`body of POST /hook`).
        context: String,
    },
    Unreadable {
        at: LineCol,
        offset: u64,
        message: String,
    },
}

/// The encoding of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
}

/// Tracks line:column of increasing byte offsets in a capture held in memory.
pub(crate) struct Lines<'a> {
    data: &'a [u8],
    offset: usize,
    at: LineCol,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Lines<'a> {
        Lines {
            data,
            offset: 0,
            at: LineCol::START,
        }
    }

    /// The line:column of byte `offset`.
    pub(crate) fn at(&mut self, offset: usize) -> LineCol {
        let offset = offset.min(self.data.len());
        if offset < self.offset {
            self.offset = 0;
            self.at = LineCol::START;
        }
        self.at = self.at.advance(&self.data[self.offset..offset]);
        self.offset = offset;
        self.at
    }
}

/// A capture read whole and split into segments by `split`, each body then read by the
/// [`Reader`] (JSON) or [`form::parse`].
fn framed(name: Arc<str>, src: Box<dyn Read>, split: fn(&[u8]) -> Vec<Segment>) -> Items {
    let mut data = Vec::new();
    if let Err(e) = src.take(MAX_FRAMED as u64 + 1).read_to_end(&mut data) {
        return Box::new(std::iter::once(Err(e)));
    }
    if data.len() > MAX_FRAMED {
        let too_big = Segment::Unreadable {
            at: LineCol::START,
            offset: 0,
            message: format!(
                "capture larger than {} MiB: HTTP, HAR and form captures are read whole; split it",
                MAX_FRAMED >> 20
            ),
        };
        return segment_items(name, too_big);
    }
    let segments = split(&data);
    drop(data);
    Box::new(
        segments
            .into_iter()
            .flat_map(move |segment| segment_items(name.clone(), segment)),
    )
}

fn segment_items(name: Arc<str>, segment: Segment) -> Items {
    match segment {
        Segment::Unreadable {
            at,
            offset,
            message,
        } => Box::new(std::iter::once(Ok(Item::Unreadable(Unreadable {
            origin: Origin {
                input: name,
                record: 0,
                start: at,
                offset,
            },
            at,
            message,
        })))),
        Segment::Body {
            bytes,
            at,
            offset,
            kind: BodyKind::Form,
            context,
        } => {
            let origin = Origin {
                input: name,
                record: 0,
                start: at,
                offset,
            };
            let item = match form::parse(&bytes) {
                Ok(value) => Item::Record(Record {
                    origin,
                    value,
                    raw: bytes,
                }),
                Err(message) => Item::Unreadable(Unreadable {
                    origin,
                    at,
                    message: format!("{context}: {message}"),
                }),
            };
            Box::new(std::iter::once(Ok(item)))
        }
        Segment::Body {
            bytes,
            at,
            offset,
            kind: BodyKind::Json,
            context,
        } => {
            if let Some(record) = single_document(&name, &bytes, at, offset) {
                return Box::new(std::iter::once(Ok(Item::Record(record))));
            }
            let reader = Reader::starting_at(name, Cursor::new(bytes), at, offset);
            Box::new(reader.map(move |item| {
                item.map(|item| match item {
                    Item::Unreadable(mut u) if !context.is_empty() => {
                        u.message = format!("{context}: {}", u.message);
                        Item::Unreadable(u)
                    }
                    other => other,
                })
            }))
        }
    }
}

/// The common case of a body, one JSON document, read without a [`Reader`] (whose block
/// buffer is sized for streams, not for thousands of small bodies). Anything else (several
/// values, malformed JSON, an empty or oversized body) is left to the reader, which reports
/// it. The record is the one the reader would make: it starts at the value's first byte,
/// and its text ends with the value.
fn single_document(name: &Arc<str>, bytes: &[u8], at: LineCol, offset: u64) -> Option<Record> {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    if bytes.len() > crate::input::MAX_RECORD_BYTES {
        return None;
    }
    let start = bytes.iter().position(|b| !ws(b))?;
    let end = bytes.iter().rposition(|b| !ws(b))? + 1;
    let value: Value = serde_json::from_slice(&bytes[start..end]).ok()?;
    Some(Record {
        origin: Origin {
            input: name.clone(),
            record: 0,
            start: at.advance(&bytes[..start]),
            offset: offset + start as u64,
        },
        value,
        raw: bytes[start..end].to_vec(),
    })
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
    fn a_single_document_body_is_the_record_the_reader_would_make() {
        let name: Arc<str> = "t".into();
        for body in [
            &b"  {\"a\": [1,\n 2]} \r\n"[..],
            b"\n\n123",
            b"\"s\"",
            b"{\"a\":1} {\"b\":2}",
            b"{\"a\":",
            b"",
        ] {
            let at = LineCol { line: 7, column: 3 };
            let via_reader: Vec<Item> = Reader::starting_at(name.clone(), body, at, 40)
                .map(Result::unwrap)
                .collect();
            match single_document(&name, body, at, 40) {
                Some(record) => {
                    assert_eq!(via_reader.len(), 1);
                    let Item::Record(r) = &via_reader[0] else {
                        panic!("{via_reader:?}")
                    };
                    // (Records are numbered later, per input.)
                    assert_eq!(
                        (
                            record.origin.start,
                            record.origin.offset,
                            &record.value,
                            &record.raw
                        ),
                        (r.origin.start, r.origin.offset, &r.value, &r.raw)
                    );
                }
                None => assert!(
                    via_reader.len() != 1 || matches!(via_reader[0], Item::Unreadable(_)),
                    "{body:?}"
                ),
            }
        }
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
    fn gzip_is_decompressed_and_a_cut_stream_reported() {
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
        let cut = summary(&gz[..gz.len() - 12]);
        assert_eq!(cut.len(), 3, "{cut:?}");
        assert!(
            cut[2].contains("gzip stream is truncated or corrupt"),
            "{cut:?}"
        );
    }

    #[test]
    fn never_panics_on_junk() {
        const ALPHABET: &[u8] = b"{}[]\":,0a \r\n=&%POST /HTTP1.1Content-Length:chunked\x1f\x8b";
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
            for format in [Format::Auto, Format::Http, Format::Har, Format::Form] {
                let _ = read_bytes(&bytes, format);
            }
        }
    }
}
