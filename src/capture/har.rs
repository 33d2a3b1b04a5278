//! HAR files (HTTP Archive, as browsers' developer tools and proxies export them): each
//! POST request's body (`log.entries[].request.postData.text`) is a record.
//!
//! A body's position is the position of its `text` string's first character in the HAR
//! file. Inside the body, positions are counted in the decoded string: where the string
//! has escapes (`\"`, `\n`), they drift from the file's columns. Other requests (GET, ...)
//! and responses are not records. A HAR file that does not parse is one unreadable record;
//! one with no POST body is one unreadable record ("no payload").

use serde_json::Value;

use super::{BodyKind, Lines, Segment};
use crate::position;

/// Whether `text` (the start of an input, past whitespace) starts like a HAR file: an
/// object whose first key is `log`.
pub fn looks_like(text: &[u8]) -> bool {
    let Some(rest) = text.strip_prefix(b"{") else {
        return false;
    };
    rest.trim_ascii_start().starts_with(b"\"log\"")
}

/// Splits a HAR file into its POST bodies.
pub fn split(data: &[u8]) -> Vec<Segment> {
    let mut lines = Lines::new(data);
    let har: Value = match serde_json::from_slice(data) {
        Ok(har) => har,
        Err(e) => {
            let at = crate::position::LineCol {
                line: e.line() as u64,
                column: e.column().max(1) as u64,
            };
            return vec![Segment::Unreadable {
                at,
                offset: 0,
                message: format!("not a HAR file: {}", crate::input::parse_message(&e)),
            }];
        }
    };
    let mut out = Vec::new();
    let entries = har
        .pointer("/log/entries")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let ranges = position::array_elements(data, "/log/entries").unwrap_or_default();
    for (i, entry) in entries.iter().enumerate() {
        let request = &entry["request"];
        let method = request["method"].as_str().unwrap_or_default();
        if !method.eq_ignore_ascii_case("POST") {
            continue;
        }
        let Some(text) = request.pointer("/postData/text").and_then(Value::as_str) else {
            continue;
        };
        let url: String = request["url"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(80)
            .collect();
        let mime = request
            .pointer("/postData/mimeType")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_ascii_lowercase();
        // The text's first character, in the file (past the string's opening quote).
        let offset = ranges
            .get(i)
            .and_then(|r| {
                position::value_span(&data[r.clone()], "/request/postData/text")
                    .map(|s| r.start + s.start + 1)
            })
            .unwrap_or(0);
        let first = text.trim_start().as_bytes().first();
        let kind = if mime.starts_with("application/x-www-form-urlencoded")
            && !matches!(first, Some(b'{' | b'['))
        {
            BodyKind::Form
        } else {
            BodyKind::Json
        };
        out.push(Segment::Body {
            bytes: text.as_bytes().to_vec(),
            at: lines.at(offset),
            offset: offset as u64,
            kind,
            context: format!("body of POST {url}"),
        });
    }
    if out.is_empty() {
        out.push(Segment::Unreadable {
            at: lines.at(0),
            offset: 0,
            message: "no payload: no POST request with a body in this HAR file".into(),
        });
    }
    out
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
     "postData": {"mimeType": "application/x-www-form-urlencoded", "text": "lead_id=2"}}}
]}}"#;
        let segments = split(har);
        assert_eq!(segments.len(), 2);
        let Segment::Body {
            bytes, at, kind, ..
        } = &segments[0]
        else {
            panic!("{segments:?}")
        };
        assert_eq!(
            (bytes.as_slice(), at.to_string(), *kind),
            (
                &br#"{"lead_id": 1}"#[..],
                "4:60".to_string(),
                BodyKind::Json
            )
        );
        assert!(matches!(
            &segments[1],
            Segment::Body {
                kind: BodyKind::Form,
                ..
            }
        ));
        assert!(
            matches!(&split(b"{\"log\": 1")[0], Segment::Unreadable { message, .. } if message.starts_with("not a HAR file"))
        );
        assert!(
            matches!(&split(b"{\"log\": {}}")[0], Segment::Unreadable { message, .. } if message.starts_with("no payload"))
        );
    }
}
