//! HAR files (HTTP Archive, as browsers' developer tools and proxies export them): each
//! POST request's body (`log.entries[].request.postData.text`) is a record.
//!
//! A HAR file is one JSON document, read whole (at most [`MAX_HAR_BYTES`]); responses and
//! everything but the requests' bodies are skipped without being held. A body is a JSON
//! string in the file: its text is the string decoded, and every position inside it is
//! mapped back to the file exactly, escapes included (a pretty-printed body, all `\n` and
//! `\"`, is reported on the file's line and column of the value). Other requests (GET, ...)
//! and responses are not records. A HAR file that does not parse is one unreadable record;
//! one with no POST body is one unreadable record ("no payload").

use std::io::{self, Read};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{BodyKind, BodyUnit, Framer, MAX_HAR_BYTES, Unit};
use crate::position::Mark;
use crate::reader::{error_position, parse_message};
use crate::record::{Body, Pieces, Placement};

/// Whether `text` (the start of an input, past whitespace) starts like a HAR file: an
/// object whose first key is `log`.
pub fn looks_like(text: &[u8]) -> bool {
    let Some(rest) = text.strip_prefix(b"{") else {
        return false;
    };
    rest.trim_ascii_start().starts_with(b"\"log\"")
}

#[derive(Deserialize)]
struct Har<'a> {
    #[serde(borrow)]
    log: Log<'a>,
}

#[derive(Deserialize)]
struct Log<'a> {
    #[serde(borrow, default)]
    entries: Vec<Entry<'a>>,
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow, default)]
    request: Option<Request<'a>>,
}

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(rename = "postData", borrow, default)]
    post_data: Option<PostData<'a>>,
}

#[derive(Deserialize)]
struct PostData<'a> {
    #[serde(rename = "mimeType", default)]
    mime_type: Option<String>,
    #[serde(borrow, default)]
    text: Option<&'a RawValue>,
}

/// The units of a HAR file.
pub struct Units {
    units: std::vec::IntoIter<io::Result<Unit>>,
    end: Mark,
}

impl Units {
    pub fn new(src: Box<dyn Read + Send>) -> Units {
        let mut data = Vec::new();
        let units = match src.take(MAX_HAR_BYTES as u64 + 1).read_to_end(&mut data) {
            Err(e) => vec![Err(e)],
            Ok(_) if data.len() > MAX_HAR_BYTES => vec![Ok(Unit::Bad {
                mark: Mark::START,
                message: format!(
                    "HAR file larger than {} MiB: HAR files are read whole; split it",
                    MAX_HAR_BYTES >> 20
                ),
            })],
            Ok(_) => split(&data).into_iter().map(Ok).collect(),
        };
        Units {
            end: Mark::START.advance(&data),
            units: units.into_iter(),
        }
    }
}

impl Iterator for Units {
    type Item = io::Result<Unit>;
    fn next(&mut self) -> Option<io::Result<Unit>> {
        self.units.next()
    }
}

impl Framer for Units {
    fn position(&self) -> Mark {
        self.end
    }
}

/// Splits a HAR file into its POST bodies.
pub fn split(data: &[u8]) -> Vec<Unit> {
    let har: Har<'_> = match serde_json::from_slice(data) {
        Ok(har) => har,
        Err(e) => {
            let at = error_position(data, &e);
            return vec![Unit::Bad {
                mark: Mark { offset: 0, at },
                message: format!("not a HAR file: {}", parse_message(&e)),
            }];
        }
    };
    let mut out = Vec::new();
    // Places of the bodies, found in file order with one pass over the text.
    let mut mark = Mark::START;
    for entry in &har.log.entries {
        let Some(request) = &entry.request else {
            continue;
        };
        if !request
            .method
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("POST"))
        {
            continue;
        }
        let Some(post) = &request.post_data else {
            continue;
        };
        let Some(raw) = post.text else { continue };
        let literal = raw.get().as_bytes();
        if literal.first() != Some(&b'"') {
            continue;
        }
        let offset = (literal.as_ptr() as usize).wrapping_sub(data.as_ptr() as usize);
        if offset > data.len() || offset < mark.offset as usize {
            continue;
        }
        mark = mark.advance(&data[mark.offset as usize..offset]);
        let (text, pieces) = unescape(literal, mark);
        let url: String = request
            .url
            .as_deref()
            .unwrap_or_default()
            .chars()
            .take(80)
            .collect();
        let mime = post
            .mime_type
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let first = text.iter().find(|b| !b.is_ascii_whitespace());
        let kind = if mime.starts_with("application/x-www-form-urlencoded")
            && !matches!(first, Some(b'{' | b'['))
        {
            BodyKind::Form
        } else {
            BodyKind::Json
        };
        let start = pieces.map(&text, 0);
        // The body as sent (what `send` replays), with the request's media type.
        let body = Body {
            bytes: text.clone(),
            content_type: post.mime_type.clone().filter(|m| !m.is_empty()),
            content_encoding: None,
        };
        out.push(Unit::Body(BodyUnit {
            text,
            start,
            placement: Placement::Pieces(std::sync::Arc::new(pieces)),
            kind,
            context: format!("body of POST {url}"),
            body: Some(std::sync::Arc::new(body)),
        }));
    }
    if out.is_empty() {
        out.push(Unit::Bad {
            mark: Mark::START,
            message: "no payload: no POST request with a body in this HAR file".into(),
        });
    }
    out
}

/// Decodes a JSON string literal (with its quotes) that starts at `start` in the file:
/// its text, and where each piece of it is in the file.
fn unescape(literal: &[u8], start: Mark) -> (Vec<u8>, Pieces) {
    let mut text = Vec::with_capacity(literal.len());
    let mut pieces = Pieces::new();
    let end = literal.len().saturating_sub(1).max(1);
    let mut i = 1;
    let mut mark = start.advance(&literal[..1]);
    while i < end {
        if literal[i] != b'\\' {
            let run = memchr::memchr(b'\\', &literal[i..end]).map_or(end, |n| i + n);
            pieces.verbatim(text.len(), mark);
            text.extend_from_slice(&literal[i..run]);
            mark = mark.advance(&literal[i..run]);
            i = run;
            continue;
        }
        pieces.decoded(text.len(), mark);
        let (len, c) = escape(&literal[i..end]);
        let mut utf8 = [0u8; 4];
        text.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        mark = mark.advance(&literal[i..i + len]);
        i += len;
    }
    (text, pieces)
}

/// The escape sequence at the start of `s`: its length and the character it stands for.
fn escape(s: &[u8]) -> (usize, char) {
    let hex = |s: &[u8]| -> Option<u32> {
        let h = std::str::from_utf8(s.get(..4)?).ok()?;
        u32::from_str_radix(h, 16).ok()
    };
    match s.get(1) {
        Some(b'n') => (2, '\n'),
        Some(b't') => (2, '\t'),
        Some(b'r') => (2, '\r'),
        Some(b'b') => (2, '\u{8}'),
        Some(b'f') => (2, '\u{c}'),
        Some(b'u') => match hex(&s[2..]) {
            Some(hi @ 0xD800..=0xDBFF) => match (s.get(6..8), s.get(8..).and_then(hex)) {
                (Some(b"\\u"), Some(lo @ 0xDC00..=0xDFFF)) => {
                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    (12, char::from_u32(c).unwrap_or('\u{FFFD}'))
                }
                _ => (6, '\u{FFFD}'),
            },
            Some(c) => (6, char::from_u32(c).unwrap_or('\u{FFFD}')),
            None => (2, '\u{FFFD}'),
        },
        Some(&c) if c.is_ascii() => (2, c as char),
        _ => (1, '\\'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_bodies_with_their_positions() {
        let har = br#"{"log": {"entries": [
  {"request": {"method": "GET", "url": "https://x.test/"}},
  {"request": {"method": "POST", "url": "https://x.test/hook",
     "postData": {"mimeType": "application/json", "text": "{\"lead_id\": 1}"}}},
  {"request": {"method": "POST", "url": "https://x.test/form",
     "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "lead_id=2"}},
   "response": {"content": {"text": "ignored \" [ {"}}}
]}}"#;
        let units = split(har);
        assert_eq!(units.len(), 2);
        let Unit::Body(b) = &units[0] else {
            panic!("{units:?}")
        };
        assert_eq!(
            (b.text.as_slice(), b.start.at.to_string(), b.kind),
            (
                &br#"{"lead_id": 1}"#[..],
                "4:60".to_string(),
                BodyKind::Json
            )
        );
        // The value 1 is after the escaped quotes: column 60 + 14 (`{\"lead_id\": `).
        let Placement::Pieces(p) = &b.placement else {
            panic!()
        };
        assert_eq!(p.map(&b.text, 12).at.to_string(), "4:74");
        assert!(matches!(
            &units[1],
            Unit::Body(BodyUnit {
                kind: BodyKind::Form,
                ..
            })
        ));
        assert!(
            matches!(&split(b"{\"log\": 1")[0], Unit::Bad { message, .. } if message.starts_with("not a HAR file"))
        );
        assert!(
            matches!(&split(b"{\"log\": {}}")[0], Unit::Bad { message, .. } if message.starts_with("no payload"))
        );
    }

    #[test]
    fn a_pretty_body_maps_to_the_right_line_and_column() {
        // The body `{\n  "a": 1,\n  "b": x\n}` is one line of the file.
        let har = "{\"log\": {\"entries\": [\n{\"request\": {\"method\": \"POST\", \"postData\": {\"text\": \"{\\n  \\\"a\\\": 1,\\n  \\\"b\\\": \\\"é\\u00e9\\\"\\n}\"}}}\n]}}";
        let units = split(har.as_bytes());
        let Unit::Body(b) = &units[0] else { panic!() };
        assert_eq!(
            String::from_utf8_lossy(&b.text),
            "{\n  \"a\": 1,\n  \"b\": \"éé\"\n}"
        );
        let Placement::Pieces(p) = &b.placement else {
            panic!()
        };
        let line2 = har.lines().nth(1).unwrap();
        let col = |needle: &str| line2.find(needle).map(|i| line2[..i].chars().count() + 1);
        // `1` in the text is at offset 9; in the file it follows `\"a\": `.
        assert_eq!(p.map(&b.text, 9).at.column as usize, col("1,").unwrap());
        // `"éé"` starts with an escaped quote.
        let quote = b.text.iter().rposition(|&c| c == b'"').unwrap() - 5;
        assert_eq!(
            p.map(&b.text, quote).at.column as usize,
            col("\\\"é").unwrap()
        );
    }
}
