//! Raw HTTP requests, as a listener or a proxy saves them (and as `leadcheck listen`
//! writes its capture): request line, headers, a blank line, the body; one or many per
//! file; CRLF or LF line ends. Responses saved between them (`HTTP/1.1 200 OK`, headers,
//! body) are framed the same way and skipped. The capture is read as a stream: one request
//! is held at a time.
//!
//! The body is framed by `Transfer-Encoding: chunked`, else by `Content-Length`, else it
//! runs to the next request line (or the end of the input). A body sent with
//! `Content-Encoding: gzip` is decompressed (up to the record limit); other encodings and
//! multipart bodies are reported as unsupported. A body sent as
//! `application/x-www-form-urlencoded` is read by [`form`](super::form) (unless it starts
//! with `{` or `[`: a JSON body with a wrong Content-Type is still JSON).
//!
//! Positions: a body's records are placed in the file, also inside a chunked body (its
//! chunks' data are pieces of the file) and after the first chunk. A decompressed body's
//! problems are reported at the body's start, with their place in the decompressed text.
//!
//! Malformed framing is one unreadable record with a position, and reading goes on at the
//! next line that is a request line: text that is not a request, a head that never ends or
//! is too large, a bad `Content-Length` or chunk size, a body that runs past the end of the
//! input, into the next request, or past its `Content-Length`. JSON bodies cannot hold a line
//! that starts with a request line (strings cannot hold a raw newline), so that is a safe
//! place to resume. Requests without a body are not records when their method never
//! carries one (GET, HEAD, OPTIONS, DELETE, TRACE, CONNECT); a POST with an empty body is an
//! unreadable record ("no payload").

use std::io::{self, Read};
use std::sync::Arc;

use super::stream::{Line, Stream};
use super::{BodyKind, BodyUnit, Framer, Unit, gzip};
use crate::position::Mark;
use crate::reader::MAX_RECORD_BYTES;
use crate::record::{Body, Pieces, Placement};

/// Methods that never carry a lead: a request of these without a body is skipped.
const BODYLESS: [&str; 6] = ["GET", "HEAD", "OPTIONS", "DELETE", "TRACE", "CONNECT"];

/// The largest request head (request line and headers) read.
pub const MAX_HEAD: usize = 64 << 10;
/// The most headers a request may have.
pub const MAX_HEADERS: usize = 100;

/// Whether `text` starts with a request line: `METHOD SP target [SP HTTP/x.y]`, the method
/// in capitals, the target a path, an absolute URL or `*`.
pub fn is_request_line(text: &[u8]) -> bool {
    // Most lines tested are lines of a body: rejected by their first byte, undecoded.
    if !text.first().is_some_and(u8::is_ascii_uppercase) {
        return false;
    }
    let end = memchr::memchr(b'\n', text).unwrap_or(text.len());
    let line = text[..end].strip_suffix(b"\r").unwrap_or(&text[..end]);
    let Ok(line) = std::str::from_utf8(line) else {
        return false;
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return false;
    };
    let version = parts.next();
    (1..=10).contains(&method.len())
        && method.bytes().all(|b| b.is_ascii_uppercase())
        && (target.starts_with('/')
            || target.starts_with("http://")
            || target.starts_with("https://")
            || target == "*")
        && version.is_none_or(|v| v.starts_with("HTTP/"))
        && parts.next().is_none()
}

/// Whether `text` starts with a response's status line (`HTTP/1.1 200 OK`): proxies save
/// the responses with the requests.
pub fn is_status_line(text: &[u8]) -> bool {
    let end = memchr::memchr(b'\n', text).unwrap_or(text.len());
    let line = &text[..end];
    let Some(rest) = line.strip_prefix(b"HTTP/") else {
        return false;
    };
    let mut parts = rest.splitn(3, |&b| b == b' ');
    let version = parts.next().unwrap_or_default();
    let code = parts.next().unwrap_or_default().trim_ascii_end();
    !version.is_empty()
        && version.iter().all(|b| b.is_ascii_digit() || *b == b'.')
        && code.len() == 3
        && code.iter().all(u8::is_ascii_digit)
}

/// Whether `text` starts an HTTP message: a request line or a status line.
pub fn is_message_start(text: &[u8]) -> bool {
    is_request_line(text) || is_status_line(text)
}

/// The units (bodies and framing errors) of a capture of HTTP requests.
pub struct Units {
    s: Stream,
    done: bool,
    /// A unit has been handed out.
    any: bool,
}

impl Units {
    pub fn new(src: Box<dyn Read + Send>) -> Units {
        Units {
            s: Stream::new(src),
            done: false,
            any: false,
        }
    }
}

impl Iterator for Units {
    type Item = io::Result<Unit>;

    fn next(&mut self) -> Option<io::Result<Unit>> {
        while !self.done {
            match self.message() {
                Ok(Some(unit)) => {
                    self.any = true;
                    return Some(Ok(unit));
                }
                Ok(None) => {}
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
        if !self.any {
            self.any = true;
            return Some(Ok(bad(
                Mark::START,
                "no payload: no request with a body in this capture".into(),
            )));
        }
        None
    }
}

impl Framer for Units {
    fn position(&self) -> Mark {
        self.s.mark()
    }
}

/// The head of a message.
struct Head {
    response: bool,
    method: String,
    context: String,
    content_length: Option<Vec<u8>>,
    chunked: bool,
    content_encoding: Option<String>,
    content_type: Option<String>,
}

impl Units {
    /// Reads one message. `None` when it is no unit (a response, a request without a
    /// body), or at the end (then `done` is set).
    fn message(&mut self) -> io::Result<Option<Unit>> {
        if !self.s.skip_whitespace()? {
            self.done = true;
            return Ok(None);
        }
        let start = self.s.mark();
        let first = match self.s.line(MAX_HEAD)? {
            Line::Len(n) => self.s.rest()[..n].to_vec(),
            Line::TooLong | Line::End => Vec::new(),
        };
        if !is_message_start(&first) {
            self.skip_to_message()?;
            return Ok(Some(bad(
                start,
                "not an HTTP request: expected a request line like `POST /webhook HTTP/1.1`".into(),
            )));
        }
        let response = is_status_line(&first);
        let line = String::from_utf8_lossy(trim_line(&first)).into_owned();
        let (method, target) = if response {
            ("HTTP".to_string(), "response".to_string())
        } else {
            let mut words = line.split(' ');
            let method = words.next().unwrap_or_default().to_string();
            let target: String = words.next().unwrap_or_default().chars().take(80).collect();
            (method, target)
        };
        let context = format!("body of {method} {target}");
        self.s.consume(first.len());

        // Headers, up to the blank line.
        let mut head = Vec::new();
        let ended = loop {
            match self.s.line(MAX_HEAD)? {
                Line::End => break false,
                Line::TooLong => {
                    self.skip_to_message()?;
                    return Ok(Some(bad(
                        start,
                        format!(
                            "request head of {method} {target} is larger than {} KiB",
                            MAX_HEAD >> 10
                        ),
                    )));
                }
                Line::Len(n) => {
                    let line = &self.s.rest()[..n];
                    if trim_line(line).is_empty() {
                        head.extend_from_slice(line);
                        self.s.consume(n);
                        break true;
                    }
                    if is_message_start(line) {
                        break false; // the next message: this one had no blank line
                    }
                    if head.len() + n > MAX_HEAD {
                        self.skip_to_message()?;
                        return Ok(Some(bad(
                            start,
                            format!(
                                "request head of {method} {target} is larger than {} KiB",
                                MAX_HEAD >> 10
                            ),
                        )));
                    }
                    head.extend_from_slice(line);
                    self.s.consume(n);
                }
            }
        };
        if !ended {
            if self.s.rest().is_empty() && !self.s.fill(1)? {
                return Ok(Some(bad(
                    start,
                    format!(
                        "truncated request: the headers of {method} {target} do not end (no blank line)"
                    ),
                )));
            }
            // A request line right after the headers: a request without a blank line, and
            // so without a body.
            if !response && !BODYLESS.contains(&method.as_str()) {
                return Ok(Some(bad(
                    self.s.mark(),
                    format!("{context}: no payload: the request has no blank line and no body"),
                )));
            }
            return Ok(None);
        }
        let head = match parse_head(&head, response, method, context) {
            Ok(head) => head,
            Err(message) => {
                self.skip_body_leniently()?;
                return Ok(Some(bad(start, message)));
            }
        };
        self.body(head)
    }

    /// Reads the body of a message whose head has been read.
    fn body(&mut self, head: Head) -> io::Result<Option<Unit>> {
        let context = &head.context;
        let body_start = self.s.mark();
        let mut pieces: Option<Pieces> = None;
        let bytes: Vec<u8> = if head.chunked {
            let mut bytes = Vec::new();
            let mut p = Pieces::new();
            loop {
                let size_at = self.s.mark();
                let n = match self.s.line(1024)? {
                    Line::Len(n) => n,
                    Line::End => {
                        return Ok(Some(bad(
                            size_at,
                            format!(
                                "{context}: truncated chunked body: it ends without the last (0-size) chunk"
                            ),
                        )));
                    }
                    Line::TooLong => 0,
                };
                let mut line = self.s.rest()[..n].to_vec();
                // httparse wants CRLF; captures saved with LF line ends have bare LFs.
                if line.ends_with(b"\n") && !line.ends_with(b"\r\n") {
                    line.insert(line.len() - 1, b'\r');
                }
                let size = match httparse::parse_chunk_size(&line) {
                    Ok(httparse::Status::Complete((_, size))) if n > 0 => size,
                    _ => {
                        self.skip_to_message()?;
                        return Ok(Some(bad(
                            size_at,
                            format!(
                                "{context}: invalid chunk size line {:?}",
                                preview(trim_line(&line))
                            ),
                        )));
                    }
                };
                self.s.consume(n);
                if size == 0 {
                    // Trailers, up to a blank line or the end.
                    loop {
                        match self.s.line(MAX_HEAD)? {
                            Line::Len(n) => {
                                let blank = trim_line(&self.s.rest()[..n]).is_empty();
                                self.s.consume(n);
                                if blank {
                                    break;
                                }
                            }
                            Line::TooLong => self.s.skip_line()?,
                            Line::End => break,
                        }
                    }
                    break;
                }
                let data_at = self.s.mark();
                if bytes.len() as u64 + size > MAX_RECORD_BYTES as u64 {
                    self.skip_to_message()?;
                    return Ok(Some(bad(body_start, too_large(context))));
                }
                let size = size as usize;
                if !self.s.fill(size)? {
                    let left = self.s.rest().len();
                    let rest = self.s.rest();
                    let next = next_message_in(rest).unwrap_or(left);
                    self.s.consume(next);
                    return Ok(Some(bad(
                        data_at,
                        format!(
                            "{context}: truncated chunk: the chunk size says {size} bytes, {left} are left in the input"
                        ),
                    )));
                }
                self.s.fill(size + 2)?;
                let end = match self.s.rest().get(size..) {
                    Some([b'\r', b'\n', ..]) => Some(size + 2),
                    Some([b'\n', ..]) => Some(size + 1),
                    Some([]) => Some(size),
                    _ => None,
                };
                let Some(end) = end else {
                    let next = next_message_in(self.s.rest()).unwrap_or(self.s.rest().len());
                    self.s.consume(next);
                    return Ok(Some(bad(
                        data_at,
                        format!(
                            "{context}: truncated chunk: the {size} bytes of the chunk are not followed by a line end (a chunk cut short, or a wrong size)"
                        ),
                    )));
                };
                p.verbatim(bytes.len(), data_at);
                bytes.extend_from_slice(&self.s.rest()[..size]);
                self.s.consume(end);
            }
            pieces = Some(p);
            bytes
        } else if let Some(length) = &head.content_length {
            let Some(length) = std::str::from_utf8(length)
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
            else {
                self.skip_body_leniently()?;
                return Ok(Some(bad(
                    body_start,
                    format!("{context}: invalid Content-Length {:?}", preview(length)),
                )));
            };
            if length > MAX_RECORD_BYTES as u64 {
                self.s.skip(length)?;
                self.skip_to_message()?;
                return Ok(Some(bad(body_start, too_large(context))));
            }
            let length = length as usize;
            let complete = self.s.fill(length)?;
            let rest = self.s.rest();
            let next = next_message_in(rest);
            if !complete {
                let left = rest.len();
                self.s.consume(next.unwrap_or(left));
                return Ok(Some(bad(
                    body_start,
                    format!(
                        "{context}: truncated body: Content-Length says {length} bytes, {left} are left in the input"
                    ),
                )));
            }
            if let Some(n) = next.filter(|&n| n < length) {
                self.s.consume(n);
                return Ok(Some(bad(
                    body_start,
                    format!(
                        "{context}: Content-Length says {length} bytes, but the next request starts after {n} (a truncated body?)"
                    ),
                )));
            }
            let bytes = rest[..length].to_vec();
            self.s.consume(length);
            // What follows the body must be blank up to the next message: text there means
            // the body is longer than its Content-Length.
            if let Some(extra) = self.text_after_body()? {
                return Ok(Some(bad(
                    body_start,
                    format!(
                        "{context}: the body is longer than its Content-Length ({length} bytes; {extra} more before the next request)"
                    ),
                )));
            }
            bytes
        } else {
            // No framing: the body runs to the next message.
            let mut bytes = Vec::new();
            loop {
                match self.s.line(MAX_RECORD_BYTES)? {
                    Line::End => break,
                    Line::TooLong => {
                        self.skip_to_message()?;
                        return Ok(Some(bad(body_start, too_large(context))));
                    }
                    Line::Len(n) => {
                        let line = &self.s.rest()[..n];
                        if is_message_start(line) {
                            break;
                        }
                        if bytes.len() + n > MAX_RECORD_BYTES {
                            self.skip_to_message()?;
                            return Ok(Some(bad(body_start, too_large(context))));
                        }
                        bytes.extend_from_slice(line);
                        self.s.consume(n);
                    }
                }
            }
            while bytes.last().is_some_and(u8::is_ascii_whitespace) {
                bytes.pop();
            }
            bytes
        };

        if head.response {
            return Ok(None);
        }
        if bytes.trim_ascii().is_empty() {
            if BODYLESS.contains(&head.method.as_str()) {
                return Ok(None);
            }
            return Ok(Some(bad(
                body_start,
                format!("{context}: no payload: the body is empty"),
            )));
        }
        if let Some(media) = head
            .content_type
            .as_deref()
            .filter(|t| t.to_ascii_lowercase().starts_with("multipart/"))
        {
            let media = media.split(';').next().unwrap_or(media).trim();
            return Ok(Some(bad(
                body_start,
                format!(
                    "{context}: unsupported Content-Type {media} (leadcheck reads JSON and form-urlencoded bodies)"
                ),
            )));
        }
        let body = Arc::new(Body {
            bytes: bytes.clone(),
            content_type: head.content_type.clone(),
            content_encoding: head.content_encoding.clone(),
        });
        let (text, placement) = match head
            .content_encoding
            .as_deref()
            .map(|e| e.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("" | "identity") => (
                bytes,
                match pieces {
                    Some(p) => Placement::Pieces(Arc::new(p)),
                    None => Placement::Verbatim,
                },
            ),
            Some("gzip" | "x-gzip") => match gzip::body(&bytes, MAX_RECORD_BYTES) {
                Ok(plain) => (plain, Placement::Decoded),
                Err(gzip::BodyError::TooLarge(_)) => {
                    return Ok(Some(bad(
                        body_start,
                        format!(
                            "{context}: Content-Encoding gzip, and the body is larger than {} MiB once decompressed",
                            MAX_RECORD_BYTES >> 20
                        ),
                    )));
                }
                Err(gzip::BodyError::Corrupt(e)) => {
                    return Ok(Some(bad(
                        body_start,
                        format!(
                            "{context}: Content-Encoding gzip, but the body does not decompress: {e}"
                        ),
                    )));
                }
            },
            Some(other) => {
                return Ok(Some(bad(
                    body_start,
                    format!(
                        "{context}: unsupported Content-Encoding {other:?} (leadcheck decompresses gzip)"
                    ),
                )));
            }
        };
        let form = head.content_type.as_deref().is_some_and(|t| {
            t.trim()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        let first = text.iter().find(|b| !b.is_ascii_whitespace());
        let kind = if form && !matches!(first, Some(b'{' | b'[')) {
            BodyKind::Form
        } else {
            BodyKind::Json
        };
        let start = match &placement {
            Placement::Pieces(p) => p.map(&text, 0),
            _ => body_start,
        };
        Ok(Some(Unit::Body(BodyUnit {
            text,
            start,
            placement,
            kind,
            context: head.context,
            body: Some(body),
        })))
    }

    /// Consumes what follows a body up to the next message, if it is all blank. Otherwise
    /// consumes it too and says how many bytes there were.
    fn text_after_body(&mut self) -> io::Result<Option<usize>> {
        if !self.s.skip_whitespace()? {
            return Ok(None);
        }
        let n = match self.s.line(MAX_HEAD)? {
            Line::Len(n) => n,
            Line::TooLong => MAX_HEAD,
            Line::End => return Ok(None),
        };
        let line = &self.s.rest()[..n.min(self.s.rest().len())];
        if is_message_start(line) {
            return Ok(None);
        }
        let before = self.s.mark().offset;
        self.skip_to_message()?;
        Ok(Some((self.s.mark().offset - before) as usize))
    }

    /// After a head that cannot be read: skips to the next message.
    fn skip_body_leniently(&mut self) -> io::Result<()> {
        self.skip_to_message()
    }

    /// Consumes lines up to the next line that starts a message (or the end).
    fn skip_to_message(&mut self) -> io::Result<()> {
        // The current line is the one that went wrong: it goes first.
        self.s.skip_line()?;
        loop {
            match self.s.line(MAX_HEAD)? {
                Line::End => return Ok(()),
                Line::TooLong => self.s.skip_line()?,
                Line::Len(n) => {
                    if is_message_start(&self.s.rest()[..n]) {
                        return Ok(());
                    }
                    self.s.consume(n);
                }
            }
        }
    }
}

/// Parses a head's header lines with httparse.
fn parse_head(
    head: &[u8],
    response: bool,
    method: String,
    context: String,
) -> Result<Head, String> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let parsed = match httparse::parse_headers(head, &mut headers) {
        Ok(httparse::Status::Complete((_, parsed))) => parsed,
        Ok(httparse::Status::Partial) => return Err(format!("the head of {method} is cut short")),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(format!(
                "{context}: the request has more than {MAX_HEADERS} headers"
            ));
        }
        Err(e) => return Err(format!("{context}: invalid request head: {e}")),
    };
    let mut out = Head {
        response,
        method,
        context,
        content_length: None,
        chunked: false,
        content_encoding: None,
        content_type: None,
    };
    for h in parsed.iter() {
        let value = || String::from_utf8_lossy(h.value).trim().to_string();
        if h.name.eq_ignore_ascii_case("content-length") {
            out.content_length = Some(h.value.trim_ascii().to_vec());
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            out.chunked = value().to_ascii_lowercase().contains("chunked");
        } else if h.name.eq_ignore_ascii_case("content-encoding") {
            out.content_encoding = Some(value());
        } else if h.name.eq_ignore_ascii_case("content-type") {
            out.content_type = Some(value());
        }
    }
    Ok(out)
}

/// The offset of the first line, after the first, of `text` that starts a message.
fn next_message_in(text: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\n', text)
        .map(|i| i + 1)
        .find(|&l| l < text.len() && is_message_start(&text[l..]))
}

fn bad(mark: Mark, message: String) -> Unit {
    Unit::Bad { mark, message }
}

fn too_large(context: &str) -> String {
    format!(
        "{context}: the body is larger than {} MiB: skipped (a lead payload is a few kilobytes)",
        MAX_RECORD_BYTES >> 20
    )
}

/// A line without its line end.
fn trim_line(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A short, printable preview of some bytes.
fn preview(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(data: &[u8]) -> Vec<String> {
        Units::new(Box::new(std::io::Cursor::new(data.to_vec())))
            .map(Result::unwrap)
            .map(|u| match u {
                Unit::Body(b) => {
                    let kind = b.kind;
                    format!(
                        "{} {kind:?} {}",
                        b.start.at,
                        String::from_utf8_lossy(&b.text)
                    )
                }
                Unit::Bad { mark, message } => format!("{} bad {message}", mark.at),
            })
            .collect()
    }

    #[test]
    fn request_lines() {
        assert!(is_request_line(b"POST /hook HTTP/1.1\r\n"));
        assert!(is_request_line(b"POST https://x.test/hook"));
        assert!(!is_request_line(b"post /hook HTTP/1.1"));
        assert!(!is_request_line(b"{\"POST\": 1}"));
        assert!(!is_request_line(b"POST /hook HTTP/1.1 extra"));
        assert!(is_status_line(b"HTTP/1.1 200 OK\r\n"));
        assert!(is_status_line(b"HTTP/2 204"));
        assert!(!is_status_line(b"HTTP/1.1 OK"));
    }

    #[test]
    fn content_length_chunked_and_open_bodies() {
        let data = b"POST /a HTTP/1.1\r\nContent-Length: 7\r\n\r\n{\"a\":1}\r\n\
POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"b\r\n4;x=y\r\n\":2}\r\n0\r\n\r\n\
GET /health HTTP/1.1\nHost: x\n\n\
POST /c HTTP/1.1\nContent-Type: application/x-www-form-urlencoded\n\nlead_id=1\n\n";
        assert_eq!(
            show(data),
            [
                "4:1 Json {\"a\":1}",
                "9:1 Json {\"b\":2}",
                "20:1 Form lead_id=1"
            ]
        );
    }

    #[test]
    fn a_chunked_body_is_placed_in_the_file_after_the_first_chunk_too() {
        let data = b"POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"b\":\r\n6\r\n \"x\"}\n\r\n0\r\n\r\n";
        let units: Vec<Unit> = Units::new(Box::new(std::io::Cursor::new(data.to_vec())))
            .map(Result::unwrap)
            .collect();
        let Unit::Body(b) = &units[0] else { panic!() };
        assert_eq!(b.text, b"{\"b\": \"x\"}\n");
        let Placement::Pieces(p) = &b.placement else {
            panic!()
        };
        // `"x"` is text offset 6: the second chunk's data, line 7, column 2.
        assert_eq!(p.map(&b.text, 6).at.to_string(), "7:2");
    }

    #[test]
    fn responses_saved_with_the_requests_are_skipped() {
        let data = b"POST /a HTTP/1.1\nContent-Length: 7\n\n{\"a\":1}\n\
HTTP/1.1 200 OK\nContent-Length: 11\n\n{\"ok\":true}\n\
POST /b HTTP/1.1\n\n{\"b\":2}\n\
HTTP/1.1 500 Oops\nContent-Type: text/plain\n\nno\n";
        assert_eq!(show(data), ["4:1 Json {\"a\":1}", "11:1 Json {\"b\":2}"]);
    }

    #[test]
    fn broken_framing_is_reported_and_reading_goes_on() {
        let data = b"junk line\n\
POST /a HTTP/1.1\nContent-Length: 100\n\n{\"a\":1}\n\
POST /b HTTP/1.1\nTransfer-Encoding: chunked\n\n10\n{\"b\":2}\n\
POST /c HTTP/1.1\nContent-Length: x\n\n{}\n\
POST /d HTTP/1.1\nContent-Length: 2\n\n{}\n\
POST /e HTTP/1.1\nTransfer-Encoding: chunked\n\n5\n{\"e\":";
        let got = show(data);
        assert_eq!(got.len(), 6, "{got:?}");
        assert!(got[0].starts_with("1:1 bad not an HTTP request"), "{got:?}");
        assert!(got[1].starts_with("5:1 bad body of POST /a: Content-Length says 100 bytes, but the next request starts after 8"), "{got:?}");
        assert!(
            got[2].starts_with("10:1 bad body of POST /b: truncated chunk: the 16 bytes"),
            "{got:?}"
        );
        assert!(
            got[3].starts_with("14:1 bad body of POST /c: invalid Content-Length"),
            "{got:?}"
        );
        assert_eq!(got[4], "18:1 Json {}");
        assert!(
            got[5].starts_with("23:6 bad body of POST /e: truncated chunked body"),
            "{got:?}"
        );
    }

    #[test]
    fn a_body_longer_than_its_content_length_is_one_record() {
        let data = b"POST /a HTTP/1.1\nContent-Length: 5\n\n{\"a\":1, \"b\": 2}\n\nPOST /b HTTP/1.1\nContent-Length: 2\n\n{}\n";
        let got = show(data);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0].contains("longer than its Content-Length (5 bytes"),
            "{got:?}"
        );
        assert_eq!(got[1], "9:1 Json {}");
    }

    #[test]
    fn unsupported_encodings_and_multipart_say_so() {
        let data = b"POST /a HTTP/1.1\nContent-Encoding: br\nContent-Length: 2\n\n{}\n\
POST /b HTTP/1.1\nContent-Type: multipart/form-data; boundary=x\nContent-Length: 2\n\n{}\n\
POST /c HTTP/1.1\nContent-Encoding: deflate\nContent-Length: 2\n\n{}\n";
        let got = show(data);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got[0].contains("unsupported Content-Encoding \"br\""),
            "{got:?}"
        );
        assert!(
            got[1].contains("unsupported Content-Type multipart/form-data"),
            "{got:?}"
        );
        assert!(
            got[2].contains("unsupported Content-Encoding \"deflate\""),
            "{got:?}"
        );
    }

    #[test]
    fn a_gzip_bomb_in_a_body_costs_no_more_than_the_limit() {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..(MAX_RECORD_BYTES >> 20) + 2 {
            e.write_all(&zeros).unwrap();
        }
        let bomb = e.finish().unwrap();
        let mut data = format!(
            "POST /a HTTP/1.1\nContent-Encoding: gzip\nContent-Length: {}\n\n",
            bomb.len()
        )
        .into_bytes();
        data.extend_from_slice(&bomb);
        let got = show(&data);
        assert_eq!(got.len(), 1);
        assert!(
            got[0].contains("larger than 64 MiB once decompressed"),
            "{got:?}"
        );
    }

    #[test]
    fn too_many_headers_and_a_huge_head() {
        let mut data = b"POST /a HTTP/1.1\n".to_vec();
        for i in 0..150 {
            data.extend_from_slice(format!("X-H{i}: v\n").as_bytes());
        }
        data.extend_from_slice(b"\n{}\nPOST /b HTTP/1.1\n\n{}\n");
        let got = show(&data);
        assert!(got[0].contains("more than 100 headers"), "{got:?}");
        assert_eq!(got.last().unwrap(), &format!("{}:1 Json {{}}", 150 + 6));
    }
}
