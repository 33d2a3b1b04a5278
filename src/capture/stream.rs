//! A buffered byte stream that knows where it is (byte offset and line:column) and holds
//! only what its reader looks at: the framers of HTTP captures and form bodies read
//! through it, so a capture of any size streams.

use std::io::{self, Read};

use crate::position::Mark;

pub(crate) struct Stream {
    src: Box<dyn Read + Send>,
    buf: Vec<u8>,
    pos: usize,
    /// The place of `buf[pos]`.
    mark: Mark,
    eof: bool,
}

/// How much is read at a time.
const BLOCK: usize = 64 << 10;

/// A line, as [`Stream::line`] finds it.
pub(crate) enum Line {
    /// Its length, with its line end (the last line may have none).
    Len(usize),
    /// It is longer than the limit asked for (it is not read whole).
    TooLong,
    /// The stream has ended.
    End,
}

impl Stream {
    pub(crate) fn new(src: Box<dyn Read + Send>) -> Stream {
        Stream {
            src,
            buf: Vec::new(),
            pos: 0,
            mark: Mark::START,
            eof: false,
        }
    }

    /// The place of the next unread byte.
    pub(crate) fn mark(&self) -> Mark {
        self.mark
    }

    /// What is buffered and not consumed.
    pub(crate) fn rest(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    /// Reads some more. False at the end of the stream.
    fn more(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.pos > 0 && (self.pos >= BLOCK || self.pos == self.buf.len()) {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        let old = self.buf.len();
        self.buf.resize(old + BLOCK, 0);
        loop {
            match self.src.read(&mut self.buf[old..]) {
                Ok(0) => {
                    self.buf.truncate(old);
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.buf.truncate(old + n);
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(old);
                    return Err(e);
                }
            }
        }
    }

    /// Buffers at least `n` unconsumed bytes, unless the stream ends first. Whether there
    /// are `n`.
    pub(crate) fn fill(&mut self, n: usize) -> io::Result<bool> {
        while self.rest().len() < n {
            if !self.more()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Consumes `n` buffered bytes.
    pub(crate) fn consume(&mut self, n: usize) {
        let n = n.min(self.rest().len());
        self.mark = self.mark.advance(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
    }

    /// Consumes `n` bytes, buffered or not, without holding them. Returns how many there
    /// were (fewer at the end of the stream).
    pub(crate) fn skip(&mut self, mut n: u64) -> io::Result<u64> {
        let mut skipped = 0;
        while n > 0 {
            if self.rest().is_empty() && !self.more()? {
                break;
            }
            let k = (self.rest().len() as u64).min(n) as usize;
            self.consume(k);
            n -= k as u64;
            skipped += k as u64;
        }
        Ok(skipped)
    }

    /// Skips ASCII whitespace. False at the end of the stream.
    pub(crate) fn skip_whitespace(&mut self) -> io::Result<bool> {
        loop {
            match self.rest().iter().position(|b| !b.is_ascii_whitespace()) {
                Some(n) => {
                    self.consume(n);
                    return Ok(true);
                }
                None => {
                    let n = self.rest().len();
                    self.consume(n);
                    if !self.more()? {
                        return Ok(false);
                    }
                }
            }
        }
    }

    /// The next line (buffered, not consumed), up to `max` bytes.
    pub(crate) fn line(&mut self, max: usize) -> io::Result<Line> {
        let mut searched = 0;
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.rest()[searched..]) {
                let len = searched + i + 1;
                return Ok(if len > max {
                    Line::TooLong
                } else {
                    Line::Len(len)
                });
            }
            searched = self.rest().len();
            if searched > max {
                return Ok(Line::TooLong);
            }
            if !self.more()? {
                return Ok(match self.rest().len() {
                    0 => Line::End,
                    n if n > max => Line::TooLong,
                    n => Line::Len(n),
                });
            }
        }
    }

    /// Consumes the rest of the current line, however long, without holding it.
    pub(crate) fn skip_line(&mut self) -> io::Result<()> {
        loop {
            if let Some(i) = memchr::memchr(b'\n', self.rest()) {
                self.consume(i + 1);
                return Ok(());
            }
            let n = self.rest().len();
            self.consume(n);
            if !self.more()? {
                return Ok(());
            }
        }
    }
}
