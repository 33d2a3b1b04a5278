//! Inputs (files, directories, stdin) and the records in them.
//!
//! An input holds one JSON document or a stream of them: NDJSON / JSON Lines, or values one
//! after another (pretty-printed captures appended to a log). The [`Reader`] turns any of
//! these into [`Item`]s, one per record, each with its [`Origin`]: the input's name, the
//! record's number and the line:column where it starts.
//!
//! Reading streams: the input is read in large blocks and never loaded whole, so memory is
//! bounded by the largest record (at most [`MAX_RECORD_BYTES`]), not by the input.
//!
//! Recovery: a record that does not parse is reported with the parser's position, and
//! reading resumes at the next line that starts (in column 1) with `{` or `[`, at or after
//! the line of the error. That is the next line of an NDJSON stream, and the next record of
//! a pretty-printed log (whose nested values are indented); a truncated record followed by
//! a good one loses only itself. When no such line follows, the rest of the input is that one
//! unreadable record.

use std::fs::File;
use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::position::LineCol;

/// The largest record leadcheck reads: a payload is a few kilobytes; anything this large is
/// reported as unreadable instead of being held in memory.
pub const MAX_RECORD_BYTES: usize = 64 << 20;

/// How much is read from the source at a time.
const BLOCK: usize = 1 << 20;

/// Directory walks pick up files with these extensions, and with these plus `.gz`
/// (`log.jsonl.gz`).
pub const EXTENSIONS: [&str; 5] = ["json", "jsonl", "ndjson", "har", "http"];

/// Where an input's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

/// One input to read, with the name its records are reported under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub name: Arc<str>,
    pub source: Source,
}

impl Input {
    pub fn stdin() -> Input {
        Input {
            name: "<stdin>".into(),
            source: Source::Stdin,
        }
    }

    pub fn file(path: PathBuf) -> Input {
        Input {
            name: path.display().to_string().into(),
            source: Source::File(path),
        }
    }

    /// The input's size in bytes, when it is a file.
    pub fn size(&self) -> Option<u64> {
        match &self.source {
            Source::Stdin => None,
            Source::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
        }
    }

    /// Opens the input for reading.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        match &self.source {
            Source::Stdin => Ok(Box::new(io::stdin())),
            Source::File(path) => {
                let file = File::open(path)?;
                if file.metadata()?.is_dir() {
                    return Err(io::Error::other("is a directory"));
                }
                Ok(Box::new(file))
            }
        }
    }
}

/// An input named on the command line that could not be turned into inputs to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub name: String,
    pub message: String,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

/// Expands the command line's INPUT arguments: `-` is stdin, a directory is walked
/// recursively (sorted, hidden entries skipped) for the [`EXTENSIONS`] (and those `.gz`),
/// anything else is a file. With no argument, stdin is read unless it is a terminal.
pub fn expand(args: &[PathBuf]) -> (Vec<Input>, Vec<InputError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    if args.is_empty() {
        if io::stdin().is_terminal() {
            errors.push(InputError {
                name: "<stdin>".into(),
                message: "no INPUT given and stdin is a terminal (pass files, a directory, or `-` to read stdin)".into(),
            });
        } else {
            inputs.push(Input::stdin());
        }
        return (inputs, errors);
    }
    for arg in args {
        if arg.as_os_str() == "-" {
            inputs.push(Input::stdin());
        } else if arg.is_dir() {
            let before = inputs.len();
            walk(arg, &mut inputs, &mut errors);
            if inputs.len() == before {
                errors.push(InputError {
                    name: arg.display().to_string(),
                    message: "no *.json, *.jsonl or *.ndjson files (nor *.har, *.http, or any of them .gz) in this directory".into(),
                });
            }
        } else {
            inputs.push(Input::file(arg.clone()));
        }
    }
    (inputs, errors)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<InputError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(InputError {
                name: dir.display().to_string(),
                message: format!("cannot read directory: {}", io_message(&e)),
            });
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    paths.sort();
    for path in paths {
        // Directories reached through symlinks are not followed, so a link cannot loop.
        let is_link = path.symlink_metadata().is_ok_and(|m| m.is_symlink());
        if path.is_dir() {
            if !is_link {
                walk(&path, inputs, errors);
            }
        } else if wanted(&path) {
            inputs.push(Input::file(path));
        }
    }
}

/// Whether a directory walk reads this file: one of [`EXTENSIONS`], possibly plus `.gz`.
fn wanted(path: &Path) -> bool {
    let known = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
    };
    let gz = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    known(path) || (gz && known(Path::new(path.file_stem().unwrap_or_default())))
}

/// An `io::Error` as a short message, without the "(os error N)" suffix.
pub fn io_message(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Where a record came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The input's name (a path, or `<stdin>`).
    pub input: Arc<str>,
    /// 1-based number of the record in its input.
    pub record: u64,
    /// Where the record starts.
    pub start: LineCol,
    /// Byte offset of the record's start in the input.
    pub offset: u64,
}

/// A record that parsed: its value and its own text (for locating values by pointer).
#[derive(Debug, Clone)]
pub struct Record {
    pub origin: Origin,
    pub value: Value,
    pub raw: Vec<u8>,
}

impl Record {
    /// The position, in the input, of the value that `pointer` names (of the deepest
    /// existing ancestor when it does not exist).
    pub fn position_of(&self, pointer: &str) -> LineCol {
        let offset = crate::position::locate(&self.raw, pointer);
        self.origin.start.advance(&self.raw[..offset])
    }
}

/// A record that could not be read: malformed JSON, an empty input, an oversized record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub origin: Origin,
    /// Where the problem is (the parser's position).
    pub at: LineCol,
    pub message: String,
}

/// What the reader yields, one per record, in input order.
#[derive(Debug, Clone)]
pub enum Item {
    Record(Record),
    Unreadable(Unreadable),
}

impl Item {
    pub fn origin(&self) -> &Origin {
        match self {
            Item::Record(r) => &r.origin,
            Item::Unreadable(u) => &u.origin,
        }
    }
}

/// Reads the records of one input. Yields `Err` once, and then nothing, when the source
/// itself fails (an I/O error, as opposed to malformed content).
pub struct Reader<R> {
    src: R,
    name: Arc<str>,
    buf: Vec<u8>,
    /// Everything before `pos` in `buf` has been consumed.
    pos: usize,
    /// Absolute offset of `buf[0]`.
    base: u64,
    /// Position of `buf[pos]`.
    at: LineCol,
    eof: bool,
    done: bool,
    records: u64,
    /// How much the next read asks for: small at first (most inputs are one small
    /// payload), doubling up to [`BLOCK`] for a long stream.
    block: usize,
}

/// The first read's size.
const FIRST_BLOCK: usize = 16 << 10;

impl<R: Read> Reader<R> {
    pub fn new(name: Arc<str>, src: R) -> Reader<R> {
        Reader {
            src,
            name,
            buf: Vec::new(),
            pos: 0,
            base: 0,
            at: LineCol::START,
            eof: false,
            done: false,
            records: 0,
            block: FIRST_BLOCK,
        }
    }

    /// A reader that starts in the middle of an input: at position `at`, byte `offset`,
    /// after `records` records (so the numbering goes on and an empty rest is no error).
    pub fn resume(name: Arc<str>, src: R, at: LineCol, offset: u64, records: u64) -> Reader<R> {
        Reader {
            at,
            base: offset,
            records,
            ..Reader::new(name, src)
        }
    }

    /// The source being read.
    pub fn get_ref(&self) -> &R {
        &self.src
    }

    /// The source being read, mutably (what the reader buffered stays valid).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.src
    }

    /// Records read so far (including the ones a resumed reader started after).
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Skips whitespace and tells where the next record starts (its position and byte
    /// offset), or `None` at the end of the input.
    pub fn next_start(&mut self) -> io::Result<Option<(LineCol, u64)>> {
        Ok(self
            .skip_ws()?
            .then(|| (self.at, self.base + self.pos as u64)))
    }

    /// A reader whose first byte is at `start` (line:column) and byte `offset` of a larger
    /// input: the body of an HTTP request inside a capture file, for instance. Origins and
    /// positions are reported in that larger input.
    pub fn starting_at(name: Arc<str>, src: R, start: LineCol, offset: u64) -> Reader<R> {
        Reader::resume(name, src, start, offset, 0)
    }

    /// Where reading has got to (for an I/O error that stops it).
    pub fn position(&self) -> LineCol {
        self.at
    }

    /// Reads more of the source, dropping what was consumed. Returns false at the end.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.base += self.pos as u64;
            self.pos = 0;
        }
        // Grow geometrically so a large record is re-parsed only a few times.
        let want = self.block.max(self.buf.len().min(MAX_RECORD_BYTES));
        self.block = (self.block * 2).min(BLOCK);
        let old = self.buf.len();
        self.buf.resize(old + want, 0);
        let mut filled = old;
        while filled < self.buf.len() {
            match self.src.read(&mut self.buf[filled..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(filled);
                    return Err(e);
                }
            }
            // A pipe delivers data piecemeal: go on with what is there (so `tail -f | leadcheck`
            // reports each record as it comes), unless a large unfinished record is waiting
            // for more: that one is re-parsed only after it has at least doubled.
            if filled - old >= old {
                break;
            }
        }
        self.buf.truncate(filled);
        Ok(filled > old)
    }

    fn consume_to(&mut self, to: usize) {
        self.at = self.at.advance(&self.buf[self.pos..to]);
        self.pos = to;
    }

    fn origin(&mut self) -> Origin {
        self.records += 1;
        Origin {
            input: self.name.clone(),
            record: self.records,
            start: self.at,
            offset: self.base + self.pos as u64,
        }
    }

    /// Skips whitespace (and a byte order mark at the very start). Returns false at the end
    /// of the input.
    fn skip_ws(&mut self) -> io::Result<bool> {
        loop {
            let at_start = self.base == 0 && self.pos == 0 && self.records == 0;
            if at_start && self.buf.len() < 3 && !self.eof {
                self.fill()?;
                continue;
            }
            if at_start && self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.pos = 3; // the BOM is not a character of the text
            }
            let rest = &self.buf[self.pos..];
            match rest
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            {
                Some(n) => {
                    self.consume_to(self.pos + n);
                    return Ok(true);
                }
                None => {
                    self.consume_to(self.buf.len());
                    if !self.fill()? {
                        return Ok(false);
                    }
                }
            }
        }
    }

    /// Reads the next item. `Ok(None)` at the end of the input.
    fn read_item(&mut self) -> io::Result<Option<Item>> {
        if !self.skip_ws()? {
            if self.records == 0 {
                let origin = self.origin();
                let at = origin.start;
                return Ok(Some(Item::Unreadable(Unreadable {
                    origin,
                    at,
                    message: "no payload: the input is empty".into(),
                })));
            }
            return Ok(None);
        }
        loop {
            let rest = &self.buf[self.pos..];
            let mut stream = serde_json::Deserializer::from_slice(rest).into_iter::<Value>();
            let result = stream.next();
            let used = stream.byte_offset();
            match result {
                Some(Ok(value)) => {
                    // A number (or literal) that ends the buffer may go on in the next block.
                    let delimited =
                        matches!(rest.get(used.wrapping_sub(1)), Some(b'}' | b']' | b'"'));
                    if used == rest.len() && !delimited && !self.eof {
                        self.fill()?;
                        continue;
                    }
                    if used > MAX_RECORD_BYTES {
                        let origin = self.origin();
                        self.consume_to(self.pos + used);
                        return Ok(Some(Item::Unreadable(oversized(origin))));
                    }
                    let raw = rest[..used].to_vec();
                    let origin = self.origin();
                    self.consume_to(self.pos + used);
                    return Ok(Some(Item::Record(Record { origin, value, raw })));
                }
                Some(Err(e)) => {
                    if e.is_eof() && !self.eof {
                        if rest.len() > MAX_RECORD_BYTES {
                            return self.oversized().map(Some);
                        }
                        self.fill()?;
                        continue;
                    }
                    return self.malformed(&e).map(Some);
                }
                None => {
                    // Only whitespace was left, which skip_ws rules out; be safe anyway.
                    self.consume_to(self.buf.len());
                    return Ok(None);
                }
            }
        }
    }

    fn malformed(&mut self, e: &serde_json::Error) -> io::Result<Item> {
        let rest = &self.buf[self.pos..];
        let err_offset = serde_offset(rest, e.line(), e.column());
        let at = self.at.advance(&rest[..err_offset]);
        let line_start = rest[..err_offset]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let mut message = parse_message(e);
        if message.contains("invalid unicode code point")
            && let Some(&byte) = rest.get(err_offset)
            && std::str::from_utf8(&rest[err_offset..(err_offset + 4).min(rest.len())])
                .is_err_and(|u| u.valid_up_to() == 0)
        {
            message = format!("invalid UTF-8 (byte 0x{byte:02X}): the input must be UTF-8");
        }
        if message.starts_with("control character") && rest.get(err_offset) == Some(&b'\n') {
            message = "unterminated string: the line ends inside it (a truncated record?)".into();
        }
        let origin = self.origin();
        let unreadable = Unreadable {
            origin,
            at,
            message,
        };
        // Search newlines from the one that ends the line before the error's line
        // (or from the record's start when the error is on its first line).
        let from = self.pos + line_start.saturating_sub(1);
        self.resume_after(from)?;
        Ok(Item::Unreadable(unreadable))
    }

    fn oversized(&mut self) -> io::Result<Item> {
        let origin = self.origin();
        self.resume_after(self.pos)?;
        Ok(Item::Unreadable(oversized(origin)))
    }

    /// Consumes input up to the first line start after `from` (an index into `buf`, at or
    /// after `pos`) whose first byte is `{` or `[`, or to the end of the input.
    fn resume_after(&mut self, from: usize) -> io::Result<()> {
        let mut search = from;
        let mut start = self.pos;
        loop {
            let found = memchr::memchr_iter(b'\n', &self.buf[search..])
                .map(|i| search + i + 1)
                .find(|&l| {
                    l > start && (l == self.buf.len() || matches!(self.buf[l], b'{' | b'['))
                });
            match found {
                Some(l) if l < self.buf.len() => {
                    self.consume_to(l);
                    return Ok(());
                }
                Some(l) => {
                    // A newline ends the buffer: the next byte decides.
                    self.consume_to(l - 1);
                    search = 0;
                }
                None => {
                    let end = self.buf.len();
                    self.consume_to(end);
                    search = 0;
                }
            }
            // After fill, `buf` starts at `pos`, past the record's start.
            if !self.fill()? {
                let end = self.buf.len();
                self.consume_to(end);
                return Ok(());
            }
            start = 0;
        }
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = io::Result<Item>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.read_item() {
            Ok(Some(item)) => Some(Ok(item)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// A record over [`MAX_RECORD_BYTES`]: reported, not held in memory.
fn oversized(origin: Origin) -> Unreadable {
    Unreadable {
        at: origin.start,
        origin,
        message: format!(
            "record larger than {} MiB: skipped (a lead payload is a few kilobytes)",
            MAX_RECORD_BYTES >> 20
        ),
    }
}

/// Turns serde_json's 1-based line and column (a column that counts bytes and points at the
/// last byte it read, or 0 at the start of a line) into a byte offset in `text`.
fn serde_offset(text: &[u8], line: usize, column: usize) -> usize {
    let mut line_start = 0;
    if line > 1 {
        match memchr::memchr_iter(b'\n', text).nth(line - 2) {
            Some(nl) => line_start = nl + 1,
            None => return text.len(),
        }
    }
    if column == 0 {
        // The last byte read was the newline that ends the previous line.
        return line_start.saturating_sub(1);
    }
    (line_start + column - 1).min(text.len())
}

/// serde_json's message without its " at line L column C" suffix (leadcheck prints its own
/// position, in characters).
pub fn parse_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let msg = match s.rfind(" at line ") {
        Some(i) => &s[..i],
        None => &s,
    };
    let msg = match msg {
        "expected ident" => "invalid literal (expected true, false or null)",
        "expected value" => "expected a JSON value",
        other => other,
    };
    if e.is_eof() {
        format!("truncated: {msg}")
    } else {
        msg.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Vec<Item> {
        Reader::new("t".into(), text)
            .collect::<io::Result<Vec<_>>>()
            .unwrap()
    }

    fn summary(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Record(r) => format!("ok {} {}", r.origin.start, r.value),
                Item::Unreadable(u) => format!("bad {} at {}", u.origin.start, u.at),
            })
            .collect()
    }

    #[test]
    fn reads_ndjson_concatenated_and_pretty() {
        let items = read(b"{\"a\":1}\n{\"b\":2}\r\n\n  {\"c\":\n 3}{\"d\":4} 5 \"s\"");
        assert_eq!(
            summary(&items),
            [
                "ok 1:1 {\"a\":1}",
                "ok 2:1 {\"b\":2}",
                "ok 4:3 {\"c\":3}",
                "ok 5:4 {\"d\":4}",
                "ok 5:12 5",
                "ok 5:14 \"s\""
            ]
        );
    }

    #[test]
    fn resumes_after_a_bad_line() {
        let items = read(b"{\"a\":1,,}\n{\"b\":2}\n{\"c\":1\n{\"d\":4}\n");
        assert_eq!(
            summary(&items),
            [
                "bad 1:1 at 1:8",
                "ok 2:1 {\"b\":2}",
                "bad 3:1 at 4:1",
                "ok 4:1 {\"d\":4}"
            ]
        );
    }

    #[test]
    fn empty_input_is_one_unreadable_record() {
        for text in [&b""[..], b"  \n\t", b"\xEF\xBB\xBF"] {
            let items = read(text);
            assert_eq!(items.len(), 1);
            assert!(
                matches!(&items[0], Item::Unreadable(u) if u.message.starts_with("no payload"))
            );
        }
    }

    #[test]
    fn truncated_record_at_the_end() {
        let items = read(b"{\"a\":1}\n{\"b\": [1, 2");
        assert_eq!(summary(&items), ["ok 1:1 {\"a\":1}", "bad 2:1 at 2:11"]);
        let Item::Unreadable(u) = &items[1] else {
            panic!()
        };
        assert!(u.message.starts_with("truncated"), "{}", u.message);
    }

    #[test]
    fn junk_and_invalid_utf8_are_unreadable() {
        let items = read(b"\x00\xff\xfe junk\n{\"ok\":true}\n{\"s\":\"\xff\"}\n");
        assert_eq!(
            summary(&items),
            ["bad 1:1 at 1:1", "ok 2:1 {\"ok\":true}", "bad 3:1 at 3:7"]
        );
    }

    #[test]
    fn records_spanning_blocks_are_whole() {
        // A source that hands out one byte at a time exercises every block boundary.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() || buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        // After a bad record, reading resumes at a line that starts with `{` or `[`.
        let text = b"123\n{\"a\": [1,2]}\n[1,]\n456\n[7]";
        let items: Vec<Item> = Reader::new("t".into(), Trickle(text))
            .collect::<io::Result<_>>()
            .unwrap();
        assert_eq!(
            summary(&items),
            [
                "ok 1:1 123",
                "ok 2:1 {\"a\":[1,2]}",
                "bad 3:1 at 3:4",
                "ok 5:1 [7]"
            ]
        );
    }

    #[test]
    fn position_of_pointer() {
        let items = read(b"\n  {\"a\": {\"b\": 1},\n   \"c\": [true]}");
        let Item::Record(r) = &items[0] else { panic!() };
        assert_eq!(r.position_of("/a/b").to_string(), "2:15");
        assert_eq!(r.position_of("/c/0").to_string(), "3:10");
        assert_eq!(r.position_of("/zzz").to_string(), "2:3");
    }
}
