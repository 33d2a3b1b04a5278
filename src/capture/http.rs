//! Raw HTTP requests, as a listener or a proxy saves them: request line, headers, a blank
//! line, the body; one or many per file; CRLF or LF line ends. Responses saved between
//! them (`HTTP/1.1 200 OK`, headers, body) are framed the same way and skipped.
//!
//! The body is framed by `Transfer-Encoding: chunked`, else by `Content-Length`, else it
//! runs to the next request line (or the end of the input). A body sent with
//! `Content-Encoding: gzip` is decompressed; one sent as `application/x-www-form-urlencoded`
//! is read by [`form`](super::form) (unless it starts with `{` or `[`: a JSON body with a
//! wrong Content-Type is still JSON).
//!
//! Each body is a segment whose position is the body's first byte in the file. For a chunked
//! body, that is the first chunk's data, and positions inside the body count the chunks'
//! data as if it were contiguous (chunk size lines are not counted).
//!
//! Malformed framing is one unreadable segment with a position, and reading goes on at the
//! next line that is a request line: text that is not a request, a header block that never
//! ends, a bad `Content-Length` or chunk size, a chunk or a `Content-Length` that runs past
//! the end of the input or into the next request. JSON bodies cannot hold a line that
//! starts with a request line (strings cannot hold a raw newline), so that is a safe place
//! to resume. Requests without a body are not records when their method never carries one
//! (GET, HEAD, OPTIONS, DELETE, TRACE, CONNECT); a POST with an empty body is an unreadable
//! record ("no payload").

use std::io::Read;

use super::{BodyKind, Lines, Segment};

/// Methods that never carry a lead: a request of these without a body is skipped.
const BODYLESS: [&str; 6] = ["GET", "HEAD", "OPTIONS", "DELETE", "TRACE", "CONNECT"];

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
fn is_message_start(text: &[u8]) -> bool {
    is_request_line(text) || is_status_line(text)
}

/// The first line start at or after `from` that starts an HTTP message.
fn next_request(data: &[u8], from: usize) -> Option<usize> {
    let from = from.min(data.len());
    if (from == 0 || data[from - 1] == b'\n') && is_message_start(&data[from..]) {
        return Some(from);
    }
    memchr::memchr_iter(b'\n', &data[from..])
        .map(|i| from + i + 1)
        .find(|&l| l < data.len() && is_message_start(&data[l..]))
}

/// The end of the line that starts at `at` (past its `\n`), and the line without its end.
fn line(data: &[u8], at: usize) -> (usize, &[u8]) {
    match memchr::memchr(b'\n', &data[at..]) {
        Some(i) => {
            let l = &data[at..at + i];
            (at + i + 1, l.strip_suffix(b"\r").unwrap_or(l))
        }
        None => (data.len(), &data[at..]),
    }
}

/// Skips a line end (`\r\n` or `\n`) at `at`; `None` when there is none.
fn line_end(data: &[u8], at: usize) -> Option<usize> {
    match data.get(at..) {
        Some([b'\r', b'\n', ..]) => Some(at + 2),
        Some([b'\n', ..]) => Some(at + 1),
        Some([]) => Some(at),
        _ => None,
    }
}

/// Splits a capture of HTTP requests into their bodies and framing errors.
pub fn split(data: &[u8]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut lines = Lines::new(data);
    let mut i = 0;
    let bad = |out: &mut Vec<Segment>, lines: &mut Lines<'_>, at: usize, message: String| {
        out.push(Segment::Unreadable {
            at: lines.at(at),
            offset: at as u64,
            message,
        });
    };
    loop {
        while i < data.len() && data[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= data.len() {
            break;
        }
        let response = is_status_line(&data[i..]);
        if !response && !is_request_line(&data[i..]) {
            bad(
                &mut out,
                &mut lines,
                i,
                "not an HTTP request: expected a request line like `POST /webhook HTTP/1.1`".into(),
            );
            i = next_request(data, line(data, i).0).unwrap_or(data.len());
            continue;
        }
        let request = i;
        let (after, request_line) = line(data, i);
        let request_line = String::from_utf8_lossy(request_line).into_owned();
        let mut words = request_line.split(' ');
        let (method, target) = if response {
            // A response is framed like a request, and then skipped: it holds no lead.
            ("HTTP".to_string(), "response".to_string())
        } else {
            let method = words.next().unwrap_or_default().to_string();
            let target: String = words.next().unwrap_or_default().chars().take(80).collect();
            (method, target)
        };
        let context = format!("body of {method} {target}");
        i = after;

        // Headers, up to the blank line.
        let mut content_length: Option<&[u8]> = None;
        let mut chunked = false;
        let mut gzip = false;
        let mut form = false;
        let mut ended = false;
        while i < data.len() {
            let (next, header) = line(data, i);
            if header.is_empty() {
                i = next;
                ended = true;
                break;
            }
            if is_message_start(header) {
                break; // the next message: this one had no blank line
            }
            if let Some(colon) = memchr::memchr(b':', header) {
                let name = String::from_utf8_lossy(&header[..colon]).to_ascii_lowercase();
                let value = header[colon + 1..].trim_ascii();
                let lower = String::from_utf8_lossy(value).to_ascii_lowercase();
                match name.trim() {
                    "content-length" => content_length = Some(value),
                    "transfer-encoding" => chunked = lower.contains("chunked"),
                    "content-encoding" => gzip = lower.contains("gzip"),
                    "content-type" => form = lower.starts_with("application/x-www-form-urlencoded"),
                    _ => {}
                }
            }
            i = next;
        }
        if !ended {
            if i >= data.len() {
                bad(
                    &mut out,
                    &mut lines,
                    request,
                    format!(
                        "truncated request: the headers of {method} {target} do not end (no blank line)"
                    ),
                );
                break;
            }
            // A request line right after the headers: a request without a blank line, and
            // so without a body.
            if !response && !BODYLESS.contains(&method.as_str()) {
                bad(
                    &mut out,
                    &mut lines,
                    i,
                    format!("{context}: no payload: the request has no blank line and no body"),
                );
            }
            continue;
        }
        let body_start = i;

        let body: Vec<u8>;
        let at: usize;
        if chunked {
            let mut data_start = None;
            let mut bytes = Vec::new();
            let mut j = body_start;
            let mut error = None;
            loop {
                if j >= data.len() {
                    error = Some((
                        j,
                        "truncated chunked body: it ends without the last (0-size) chunk"
                            .to_string(),
                    ));
                    break;
                }
                let (next, size_line) = line(data, j);
                let size_text = String::from_utf8_lossy(size_line);
                let size_text = size_text.split(';').next().unwrap_or_default().trim();
                let Ok(size) = usize::from_str_radix(size_text, 16) else {
                    error = Some((
                        j,
                        format!("invalid chunk size line {:?}", preview(size_line)),
                    ));
                    break;
                };
                if size == 0 {
                    // Trailers, up to a blank line or the end.
                    j = next;
                    while j < data.len() {
                        let (n, trailer) = line(data, j);
                        j = n;
                        if trailer.is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let start = next;
                let left = data.len() - start;
                if size > left {
                    error = Some((
                        start,
                        format!(
                            "truncated chunk: the chunk size says {size} bytes, {left} are left in the input"
                        ),
                    ));
                    break;
                }
                match line_end(data, start + size) {
                    Some(n) => {
                        data_start.get_or_insert(start);
                        bytes.extend_from_slice(&data[start..start + size]);
                        j = n;
                    }
                    None => {
                        error = Some((
                            start,
                            format!(
                                "truncated chunk: the {size} bytes of the chunk are not followed by a line end (a chunk cut short, or a wrong size)"
                            ),
                        ));
                        break;
                    }
                }
            }
            if let Some((at, message)) = error {
                bad(&mut out, &mut lines, at, format!("{context}: {message}"));
                i = next_request(data, at).unwrap_or(data.len());
                continue;
            }
            i = j;
            at = data_start.unwrap_or(body_start);
            body = bytes;
        } else if let Some(length) = content_length {
            let Some(length) = std::str::from_utf8(length)
                .ok()
                .and_then(|s| s.parse::<usize>().ok())
            else {
                bad(
                    &mut out,
                    &mut lines,
                    request,
                    format!("{context}: invalid Content-Length {:?}", preview(length)),
                );
                i = next_request(data, body_start).unwrap_or(data.len());
                continue;
            };
            let end = body_start.saturating_add(length);
            let next = next_request(data, body_start);
            if end > data.len() {
                let left = data.len() - body_start;
                let message = format!(
                    "{context}: truncated body: Content-Length says {length} bytes, {left} are left in the input"
                );
                match next {
                    Some(n) => {
                        bad(&mut out, &mut lines, body_start, message);
                        i = n;
                    }
                    None => {
                        bad(&mut out, &mut lines, body_start, message);
                        i = data.len();
                    }
                }
                continue;
            }
            if let Some(n) = next.filter(|&n| n < end) {
                bad(
                    &mut out,
                    &mut lines,
                    body_start,
                    format!(
                        "{context}: Content-Length says {length} bytes, but the next request starts after {} (a truncated body?)",
                        n - body_start
                    ),
                );
                i = n;
                continue;
            }
            body = data[body_start..end].to_vec();
            at = body_start;
            i = end;
        } else {
            let end = next_request(data, body_start).unwrap_or(data.len());
            let mut trimmed = end;
            while trimmed > body_start && data[trimmed - 1].is_ascii_whitespace() {
                trimmed -= 1;
            }
            body = data[body_start..trimmed].to_vec();
            at = body_start;
            i = end;
        }

        if response || (body.trim_ascii().is_empty() && BODYLESS.contains(&method.as_str())) {
            continue;
        }
        let body = if gzip {
            let mut plain = Vec::new();
            match flate2::read::MultiGzDecoder::new(&body[..]).read_to_end(&mut plain) {
                Ok(_) => plain,
                Err(e) => {
                    bad(
                        &mut out,
                        &mut lines,
                        at,
                        format!(
                            "{context}: Content-Encoding gzip, but the body does not decompress: {}",
                            crate::input::io_message(&e)
                        ),
                    );
                    continue;
                }
            }
        } else {
            body
        };
        let first = body.iter().find(|b| !b.is_ascii_whitespace());
        let kind = if form && !matches!(first, Some(b'{' | b'[')) {
            BodyKind::Form
        } else {
            BodyKind::Json
        };
        out.push(Segment::Body {
            bytes: body,
            at: lines.at(at),
            offset: at as u64,
            kind,
            context,
        });
    }
    if out.is_empty() {
        out.push(Segment::Unreadable {
            at: lines.at(0),
            offset: 0,
            message: "no payload: no request with a body in this capture".into(),
        });
    }
    out
}

/// A short, printable preview of some bytes.
fn preview(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(data: &[u8]) -> Vec<String> {
        split(data)
            .into_iter()
            .map(|s| match s {
                Segment::Body {
                    bytes, at, kind, ..
                } => format!("{at} {kind:?} {}", String::from_utf8_lossy(&bytes)),
                Segment::Unreadable { at, message, .. } => format!("{at} bad {message}"),
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
            got[3].starts_with("11:1 bad body of POST /c: invalid Content-Length"),
            "{got:?}"
        );
        assert_eq!(got[4], "18:1 Json {}");
        assert!(
            got[5].starts_with("23:6 bad body of POST /e: truncated chunked body"),
            "{got:?}"
        );
    }
}
