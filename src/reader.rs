//! The JSON text reader: one JSON document, NDJSON / JSON Lines, JSON text sequences
//! (RFC 7464: records after an RS byte), or values one after another (pretty-printed
//! captures appended to a log), turned into [`Item`]s, each with its [`Origin`].
//!
//! Streaming: the text is read in blocks and never held whole, so memory is bounded by the
//! largest record (at most [`MAX_RECORD_BYTES`]), not by the input. Columns are counted
//! only where a position is needed (a record's start, an error), not for every byte read.
//!
//! Recovery: a record that does not parse is reported with the parser's position, and
//! reading resumes at the start of the next record, found by the structure of the text:
//!
//! 1. when the parser stopped at a line whose first non-blank character opens a value
//!    (`{` or `[`), indented no deeper than the broken record, the broken record was cut
//!    short there and the next one starts on that line;
//! 2. otherwise the broken record runs on until its brackets balance, and reading resumes
//!    at the next line whose first non-blank character opens a value;
//! 3. a record that never balances (it was cut short) ends before the first line, after
//!    the error, that opens a value no deeper than the broken record and that either is a
//!    whole value by itself (an NDJSON line) or is less indented than the broken record's
//!    own fields (the next record of a pretty-printed log).
//!
//! So an NDJSON line loses only itself, a pretty-printed record with a bad value loses only
//! itself (also when printed with no indentation at all), and a cut record followed by a
//! good one loses only itself. The text skipped is part of the unreadable record, whose
//! message says which lines it covers when they are more than one. Recovery only moves
//! forward: every byte is looked at a bounded number of times, whatever the input.

use std::io::{self, Read};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::position::{LineCol, Mark, count_chars};
use crate::record::{Item, Origin, Record, Unreadable};

/// The largest record leadcheck reads: a payload is a few kilobytes; anything this large is
/// reported as unreadable instead of being held in memory.
pub const MAX_RECORD_BYTES: usize = 64 << 20;

/// How much is read from the source at a time, at most.
const BLOCK: usize = 1 << 20;
/// The first read's size (most inputs are one small payload).
const FIRST_BLOCK: usize = 16 << 10;

/// The record separator of JSON text sequences (RFC 7464).
const RS: u8 = 0x1E;

/// Whitespace between records: JSON's, and the RS of JSON text sequences.
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | RS)
}

/// A problem of the source itself that ends the text early but is the input's content,
/// not a failure to read it: a truncated or corrupt gzip stream. It becomes one unreadable
/// record (the record it cut short, if any).
pub type Damage = Arc<OnceLock<String>>;

/// Reads the records of one JSON text. Yields `Err` once, and then nothing, when the
/// source itself fails (an I/O error, as opposed to malformed content).
pub struct Reader<R> {
    src: R,
    name: Arc<str>,
    buf: Vec<u8>,
    /// Everything before `pos` in `buf` has been consumed.
    pos: usize,
    /// Offset in the input of `buf[0]`.
    base: u64,
    /// Line and characters of that line at `buf[counted]` (columns are counted lazily).
    line: u64,
    line_chars: u64,
    counted: usize,
    eof: bool,
    done: bool,
    /// Something (a record, an unreadable one) was read: the input is not empty.
    seen: bool,
    block: usize,
    damage: Option<Damage>,
    /// The damage has been reported.
    damage_told: bool,
}

impl<R: Read> Reader<R> {
    pub fn new(name: Arc<str>, src: R) -> Reader<R> {
        Reader::starting_at(name, src, Mark::START)
    }

    /// A reader whose first byte is at `start` of a larger input (the body of a request in
    /// a capture, the rest of a stream): origins and positions are in that input.
    pub fn starting_at(name: Arc<str>, src: R, start: Mark) -> Reader<R> {
        Reader {
            src,
            name,
            buf: Vec::new(),
            pos: 0,
            base: start.offset,
            line: start.at.line,
            line_chars: start.at.column - 1,
            counted: 0,
            eof: false,
            done: false,
            seen: false,
            block: FIRST_BLOCK,
            damage: None,
            damage_told: false,
        }
    }

    /// A reader that goes on with an input part way through (records were read before, so
    /// an empty rest is no "no payload").
    pub fn resume(name: Arc<str>, src: R, start: Mark) -> Reader<R> {
        Reader {
            seen: true,
            ..Reader::starting_at(name, src, start)
        }
    }

    /// Reports `damage` (once it is set, when the source ends) as the last record.
    pub fn with_damage(mut self, damage: Damage) -> Reader<R> {
        self.damage = Some(damage);
        self
    }

    /// Whether the source's damage has been reported (as a record).
    pub fn damage_told(&self) -> bool {
        self.damage_told
    }

    /// The source being read.
    pub fn get_ref(&self) -> &R {
        &self.src
    }

    /// The source being read, mutably (what the reader buffered stays valid).
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.src
    }

    /// The position of `buf[i]` (`i >= counted`).
    fn at(&self, i: usize) -> LineCol {
        let bytes = &self.buf[self.counted..i];
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => LineCol {
                line: self.line + memchr::memchr_iter(b'\n', bytes).count() as u64,
                column: count_chars(&bytes[last + 1..]) + 1,
            },
            None => LineCol {
                line: self.line,
                column: self.line_chars + count_chars(bytes) + 1,
            },
        }
    }

    /// The place of `buf[i]`.
    fn mark(&self, i: usize) -> Mark {
        Mark {
            offset: self.base + i as u64,
            at: self.at(i),
        }
    }

    /// Moves the counted position to `buf[i]`.
    fn sync(&mut self, i: usize) {
        let bytes = &self.buf[self.counted..i];
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
                self.line_chars = count_chars(&bytes[last + 1..]);
            }
            None => self.line_chars += count_chars(bytes),
        }
        self.counted = i;
    }

    /// Where reading has got to: the next unread byte.
    pub fn position(&self) -> Mark {
        self.mark(self.pos.max(self.counted))
    }

    /// Skips blanks and tells where the next record starts, or `None` at the end.
    pub fn next_start(&mut self) -> io::Result<Option<Mark>> {
        Ok(self.skip_blank()?.then(|| self.mark(self.pos)))
    }

    /// Reads more of the source, dropping what was consumed. Returns false at the end.
    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 {
            let pos = self.pos;
            if self.counted < pos {
                self.sync(pos);
            }
            self.buf.drain(..pos);
            self.base += pos as u64;
            self.counted -= pos;
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

    fn origin(&mut self) -> Origin {
        self.seen = true;
        let pos = self.pos;
        self.sync(pos);
        Origin::at(self.name.clone(), self.mark(pos))
    }

    /// Skips blanks (and a byte order mark at the very start). Returns false at the end.
    fn skip_blank(&mut self) -> io::Result<bool> {
        loop {
            let at_start = self.base == 0 && self.pos == 0 && !self.seen;
            if at_start && self.buf.len() < 3 && !self.eof {
                self.fill()?;
                continue;
            }
            if at_start && self.buf.starts_with(b"\xEF\xBB\xBF") && self.counted == 0 {
                // The BOM is not a character of the text.
                self.pos = 3;
                self.counted = 3;
            }
            let rest = &self.buf[self.pos..];
            match rest.iter().position(|&b| !is_blank(b)) {
                Some(n) => {
                    self.pos += n;
                    return Ok(true);
                }
                None => {
                    self.pos = self.buf.len();
                    if !self.fill()? {
                        return Ok(false);
                    }
                }
            }
        }
    }

    /// Reads the next item. `Ok(None)` at the end of the input.
    fn read_item(&mut self) -> io::Result<Option<Item>> {
        if !self.skip_blank()? {
            if let Some(message) = self.damage_message() {
                let origin = self.origin();
                let at = origin.start;
                return Ok(Some(Item::Unreadable(Unreadable {
                    origin,
                    at,
                    message,
                })));
            }
            if !self.seen {
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
                        // Parsed whole, but over the limit all the same: not kept.
                        return self.oversized().map(Some);
                    }
                    let text = rest[..used].to_vec();
                    let origin = self.origin();
                    self.pos += used;
                    return Ok(Some(Item::Record(Record::verbatim(origin, value, text))));
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
                    // Only blanks were left, which skip_blank rules out; be safe anyway.
                    self.pos = self.buf.len();
                    return Ok(None);
                }
            }
        }
    }

    /// The damage of the source, the first time it is asked for once the source ended.
    fn damage_message(&mut self) -> Option<String> {
        if self.damage_told || !self.eof {
            return None;
        }
        let message = self.damage.as_ref()?.get()?.clone();
        self.damage_told = true;
        Some(message)
    }

    fn malformed(&mut self, e: &serde_json::Error) -> io::Result<Item> {
        let rest = &self.buf[self.pos..];
        let err = self.pos + serde_offset(rest, e.line(), e.column());
        let mut message = parse_message(e);
        if message.contains("invalid unicode code point")
            && let Some(&byte) = self.buf.get(err)
            && std::str::from_utf8(&self.buf[err..(err + 4).min(self.buf.len())])
                .is_err_and(|u| u.valid_up_to() == 0)
        {
            message = format!("invalid UTF-8 (byte 0x{byte:02X}): the input must be UTF-8");
        }
        if message.starts_with("control character") && self.buf.get(err) == Some(&b'\n') {
            message = "unterminated string: the line ends inside it (a truncated record?)".into();
        }
        if message.starts_with("trailing comma") {
            // serde_json stops at the closing bracket; the comma is the problem.
            if let Some(comma) = self.buf[self.pos..err]
                .iter()
                .rposition(|&b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .filter(|&i| self.buf[self.pos + i] == b',')
            {
                let comma = self.pos + comma;
                let at = self.at(comma);
                return self.skip_damaged(err, at, message);
            }
        }
        if message.starts_with("recursion limit exceeded") {
            message = "nested deeper than 128 levels".into();
        }
        if e.is_eof()
            && let Some(damage) = self.damage_message()
        {
            message = damage;
        }
        let at = self.at(err);
        self.skip_damaged(err, at, message)
    }

    fn oversized(&mut self) -> io::Result<Item> {
        let message = format!(
            "record larger than {} MiB: skipped (a lead payload is a few kilobytes)",
            MAX_RECORD_BYTES >> 20
        );
        let at = self.at(self.pos);
        let err = self.pos;
        self.skip_damaged(err, at, message)
    }

    /// Reports the record at `pos`, broken at `buf[err]`, and consumes it (see the module
    /// documentation for where it ends).
    fn skip_damaged(&mut self, err: usize, at: LineCol, message: String) -> io::Result<Item> {
        let origin = self.origin();
        let start_line = origin.start.line;
        let mut scan = Resync {
            indent: origin.start.column - 1,
            inner_indent: None,
            depth: 0,
            in_string: false,
            escaped: false,
            line: start_line,
            content_line: start_line,
            line_start: false,
            error_line: self.at(err).line,
            error_offset: self.base + err as u64,
        };
        let mut i = self.pos;
        loop {
            while i < self.buf.len() {
                if scan.line_start {
                    scan.line_start = false;
                    let abs = self.base + i as u64;
                    match scan.resume_here(&self.buf[i..], abs, self.eof) {
                        Some(Resume::Here) => {
                            self.pos = i;
                            let last = scan.content_line;
                            return Ok(self.resumed(origin, at, message, start_line, last));
                        }
                        Some(Resume::NeedMore) => {
                            scan.line_start = true;
                            break;
                        }
                        None => {}
                    }
                }
                scan.byte(self.buf[i]);
                i += 1;
            }
            // Out of text (or a line start that needs more of its line to be judged):
            // consume what was scanned and read on.
            self.pos = i;
            let more = self.fill()?;
            i = self.pos;
            if !more {
                if scan.line_start && i < self.buf.len() {
                    // The last line, with no more to come: judge it as it is.
                    scan.line_start = false;
                    let abs = self.base + i as u64;
                    if let Some(Resume::Here) = scan.resume_here(&self.buf[i..], abs, true) {
                        let last = scan.content_line;
                        return Ok(self.resumed(origin, at, message, start_line, last));
                    }
                    continue;
                }
                if i >= self.buf.len() {
                    self.pos = i;
                    let message = self.damage_message().unwrap_or(message);
                    return Ok(Item::Unreadable(Unreadable {
                        origin,
                        at,
                        message,
                    }));
                }
            }
        }
    }

    /// A broken record after which reading resumes: when it ran on past the line of its
    /// error, the message says which lines it covers (so the next record is found).
    fn resumed(
        &mut self,
        origin: Origin,
        at: LineCol,
        mut message: String,
        first: u64,
        last: u64,
    ) -> Item {
        if last > first && last > at.line {
            message.push_str(&format!(" (lines {first} to {last} skipped)"));
        }
        Item::Unreadable(Unreadable {
            origin,
            at,
            message,
        })
    }
}

/// The structure of a broken record, followed byte by byte to find where it ends.
struct Resync {
    /// Characters before the broken record on its first line.
    indent: u64,
    /// Indentation of the first non-blank line after the record's first line.
    inner_indent: Option<u64>,
    depth: u64,
    in_string: bool,
    escaped: bool,
    /// The line of the next byte.
    line: u64,
    /// The line of the last byte that is not blank.
    content_line: u64,
    /// The next byte starts a line.
    line_start: bool,
    /// The line and offset (in the input) of the parser's error.
    error_line: u64,
    error_offset: u64,
}

enum Resume {
    Here,
    NeedMore,
}

impl Resync {
    fn byte(&mut self, b: u8) {
        if b == b'\n' {
            // A raw line break never belongs to a string: the string was cut.
            self.in_string = false;
            self.escaped = false;
            self.line += 1;
            self.line_start = true;
            return;
        }
        if !is_blank(b) {
            self.content_line = self.line;
        }
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            return;
        }
        match b {
            b'"' => self.in_string = true,
            b'{' | b'[' => self.depth += 1,
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
    }

    /// At a line start: whether the next record starts on this line (`rest` is the text
    /// from the line start on, which is at offset `abs` of the input; `NeedMore` when the
    /// line is not all there yet).
    fn resume_here(&mut self, rest: &[u8], abs: u64, eof: bool) -> Option<Resume> {
        let line_end = memchr::memchr(b'\n', rest);
        let Some(first) = rest.iter().position(|&b| !is_blank(b) || b == b'\n') else {
            return (!eof && rest.len() < MAX_RECORD_BYTES).then_some(Resume::NeedMore);
        };
        if rest[first] == b'\n' {
            return None; // a blank line
        }
        let indent = count_chars(&rest[..first]);
        if self.inner_indent.is_none() && self.depth > 0 {
            self.inner_indent = Some(indent);
        }
        if !matches!(rest[first], b'{' | b'[') {
            return None;
        }
        if self.depth == 0 {
            return Some(Resume::Here);
        }
        if self.line < self.error_line || indent > self.indent {
            return None;
        }
        if self.line == self.error_line {
            // Rule 1: the parser stopped where this line's value starts (or before it,
            // in its indentation): the broken record was cut short there.
            return (self.error_offset <= abs + first as u64).then_some(Resume::Here);
        }
        if self.inner_indent.is_some_and(|i| i > self.indent) {
            return Some(Resume::Here);
        }
        match line_end {
            Some(end) => whole_value(&rest[first..end]).then_some(Resume::Here),
            None if eof => whole_value(&rest[first..]).then_some(Resume::Here),
            None if rest.len() >= MAX_RECORD_BYTES => None,
            None => Some(Resume::NeedMore),
        }
    }
}

/// Whether a line is one whole JSON container by its brackets: they balance exactly at
/// its last non-blank byte.
fn whole_value(line: &[u8]) -> bool {
    let end = line
        .iter()
        .rposition(|&b| !is_blank(b))
        .map_or(0, |i| i + 1);
    let line = &line[..end];
    let mut depth = 0u64;
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in line.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
                if depth == 0 {
                    return i + 1 == line.len();
                }
            }
            _ => {}
        }
    }
    false
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

/// Turns serde_json's 1-based line and column (a column that counts bytes and points at the
/// last byte it read, or 0 at the start of a line) into a byte offset in `text`.
pub fn serde_offset(text: &[u8], line: usize, column: usize) -> usize {
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

/// The position, in characters, of a serde_json error in `text` (which starts at 1:1).
pub fn error_position(text: &[u8], e: &serde_json::Error) -> LineCol {
    LineCol::START.advance(&text[..serde_offset(text, e.line(), e.column())])
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
        "recursion limit exceeded" => "nested deeper than 128 levels",
        other => other,
    };
    if e.is_eof() {
        format!("truncated: {msg}")
    } else {
        msg.to_string()
    }
}

/// The "cannot read" message of an I/O error, without the "(os error N)" suffix.
pub fn io_message(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
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

    /// A source that hands out one byte at a time: every block boundary is exercised.
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

    fn both_ways(text: &[u8]) -> Vec<String> {
        let whole = summary(&read(text));
        let trickled: Vec<Item> = Reader::new("t".into(), Trickle(text))
            .collect::<io::Result<_>>()
            .unwrap();
        assert_eq!(whole, summary(&trickled), "block boundaries change nothing");
        whole
    }

    #[test]
    fn reads_ndjson_concatenated_and_pretty() {
        let items = both_ways(b"{\"a\":1}\n{\"b\":2}\r\n\n  {\"c\":\n 3}{\"d\":4} 5 \"s\"");
        assert_eq!(
            items,
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
    fn json_text_sequences() {
        let items = both_ways(b"\x1e{\"a\":1}\n\x1e{\"b\":\n\x1e{\"c\":3}\n");
        assert_eq!(
            items,
            ["ok 1:2 {\"a\":1}", "bad 2:2 at 3:1", "ok 3:2 {\"c\":3}"]
        );
    }

    #[test]
    fn resumes_after_a_bad_line() {
        let items = both_ways(b"{\"a\":1,,}\n{\"b\":2}\n{\"c\":1\n{\"d\":4}\n");
        assert_eq!(
            items,
            [
                "bad 1:1 at 1:8",
                "ok 2:1 {\"b\":2}",
                "bad 3:1 at 4:1",
                "ok 4:1 {\"d\":4}"
            ]
        );
    }

    #[test]
    fn indented_lines_are_records_too() {
        // Issue: leads 2 and 3 vanished after a bad first line.
        let text = b"{\"lead_id\":1,\"lead_type\":\"Chat\", bad}\n  {\"lead_id\":2,\"spam\":\"no\"}\n\t{\"lead_id\":3}\n";
        assert_eq!(
            both_ways(text),
            [
                "bad 1:1 at 1:34",
                "ok 2:3 {\"lead_id\":2,\"spam\":\"no\"}",
                "ok 3:2 {\"lead_id\":3}"
            ]
        );
    }

    #[test]
    fn a_pretty_record_with_no_indentation_is_one_record() {
        // `fmt --indent 0` output with an error in it: two records stay two.
        let text = b"{\n\"a\": [\n{\n\"b\": 1\n},\n{\n\"c\": nope\n}\n]\n}\n{\n\"d\": 2\n}\n";
        let items = both_ways(text);
        assert_eq!(items, ["bad 1:1 at 7:7", "ok 11:1 {\"d\":2}"]);
        let Item::Unreadable(u) = &read(text)[0] else {
            panic!()
        };
        assert!(
            u.message.ends_with("(lines 1 to 10 skipped)"),
            "{}",
            u.message
        );
    }

    #[test]
    fn an_error_inside_an_array_of_leads_is_reported_once() {
        let text = b"[{\"lead_id\": 1},\n{\"lead_id\": 2,}\n,{\"lead_id\": 3}]\n{\"lead_id\": 4}\n";
        let items = read(text);
        assert_eq!(
            summary(&items),
            ["bad 1:1 at 2:14", "ok 4:1 {\"lead_id\":4}"]
        );
        let Item::Unreadable(u) = &items[0] else {
            panic!()
        };
        assert!(u.message.starts_with("trailing comma"), "{}", u.message);
    }

    #[test]
    fn a_cut_pretty_record_loses_only_itself() {
        let text = b"{\n  \"a\": {\n    \"b\": 1\n{\n  \"c\": 2\n}\n";
        assert_eq!(both_ways(text), ["bad 1:1 at 4:1", "ok 4:1 {\"c\":2}"]);
        let text = b"{\n  \"a\": \"cut\n{\n  \"c\": 2\n}\n";
        assert_eq!(both_ways(text), ["bad 1:1 at 2:12", "ok 3:1 {\"c\":2}"]);
    }

    #[test]
    fn empty_input_is_one_unreadable_record() {
        for text in [&b""[..], b"  \n\t", b"\xEF\xBB\xBF", b"\x1e\n"] {
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
    fn damage_of_the_source_is_one_record() {
        let damage: Damage = Arc::new(OnceLock::new());
        damage.set("gzip stream is truncated".into()).unwrap();
        // Cut inside a record: that record carries the damage.
        let items: Vec<Item> = Reader::new("t".into(), &b"{\"a\":1}\n{\"b\": [1"[..])
            .with_damage(damage.clone())
            .map(Result::unwrap)
            .collect();
        assert_eq!(summary(&items), ["ok 1:1 {\"a\":1}", "bad 2:1 at 2:8"]);
        let Item::Unreadable(u) = &items[1] else {
            panic!()
        };
        assert_eq!(u.message, "gzip stream is truncated");
        // Cut between records, or before any: one record at the end.
        for (text, want) in [
            (
                &b"{\"a\":1}\n"[..],
                vec!["ok 1:1 {\"a\":1}", "bad 2:1 at 2:1"],
            ),
            (b"", vec!["bad 1:1 at 1:1"]),
        ] {
            let items: Vec<Item> = Reader::new("t".into(), text)
                .with_damage(damage.clone())
                .map(Result::unwrap)
                .collect();
            assert_eq!(summary(&items), want);
        }
    }

    #[test]
    fn junk_and_invalid_utf8_are_unreadable() {
        let items = both_ways(b"\x00\xff\xfe junk\n{\"ok\":true}\n{\"s\":\"\xff\"}\n");
        assert_eq!(
            items,
            ["bad 1:1 at 1:1", "ok 2:1 {\"ok\":true}", "bad 3:1 at 3:7"]
        );
    }

    #[test]
    fn records_spanning_blocks_are_whole() {
        let text = b"123\n{\"a\": [1,2]}\n[1,]\n456\n[7]";
        assert_eq!(
            both_ways(text),
            [
                "ok 1:1 123",
                "ok 2:1 {\"a\":[1,2]}",
                "bad 3:1 at 3:3",
                "ok 5:1 [7]"
            ]
        );
    }

    #[test]
    fn columns_count_characters() {
        let items = read("{\"é\": 1}  {\"x\": é}\n{}".as_bytes());
        assert_eq!(
            summary(&items),
            ["ok 1:1 {\"é\":1}", "bad 1:11 at 1:17", "ok 2:1 {}"]
        );
    }

    #[test]
    fn whole_values_by_their_brackets() {
        assert!(whole_value(br#"{"a": "}{", "b": [1]}"#));
        assert!(whole_value(b"[1] \r"));
        assert!(!whole_value(b"{"));
        assert!(!whole_value(b"{} x"));
        assert!(!whole_value(b"{}, {}"));
    }
}
