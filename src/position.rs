//! Positions in the input: byte offsets turned into 1-based line:column pairs, and JSON
//! Pointers turned back into the offset of the value they name.
//!
//! Columns count characters (UTF-8 code points; a stray invalid byte counts as one), the way
//! editors and CI annotations count them, not bytes.
//!
//! Pointer resolution walks the record's own text instead of keeping a position for every
//! value while parsing: parsing stays as fast as serde_json alone, and the walk runs only for
//! the few values that an error names.

use std::borrow::Cow;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u64,
    pub column: u64,
}

impl LineCol {
    pub const START: LineCol = LineCol { line: 1, column: 1 };

    /// The position reached after `bytes`, starting from `self`.
    pub fn advance(self, bytes: &[u8]) -> LineCol {
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => LineCol {
                line: self.line + memchr::memchr_iter(b'\n', &bytes[..last]).count() as u64 + 1,
                column: count_chars(&bytes[last + 1..]) + 1,
            },
            None => LineCol {
                line: self.line,
                column: self.column + count_chars(bytes),
            },
        }
    }
}

impl std::fmt::Display for LineCol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Characters in `bytes`: every byte that is not a UTF-8 continuation byte.
fn count_chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64
}

/// Splits a JSON Pointer (RFC 6901) into its unescaped reference tokens.
pub fn pointer_tokens(pointer: &str) -> impl Iterator<Item = Cow<'_, str>> {
    pointer.split('/').skip(1).map(|t| {
        if t.contains('~') {
            Cow::Owned(t.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(t)
        }
    })
}

/// Escapes one reference token for a JSON Pointer.
pub fn escape_token(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Byte offset, in `json` (one well-formed JSON value), of the value that `pointer` names.
/// Returns the deepest value that exists along the pointer when part of it is missing,
/// so an error about a missing property lands on its parent object. With duplicate keys,
/// the last one wins, as in serde_json.
pub fn locate(json: &[u8], pointer: &str) -> usize {
    let mut at = skip_ws(json, 0);
    for token in pointer_tokens(pointer) {
        match child(json, at, &token) {
            Some(next) => at = next,
            None => break,
        }
    }
    // Within the text even when it is not well-formed JSON (a form body's text, a cut
    // value): callers slice the text up to this offset.
    at.min(json.len())
}

/// The byte range, in `json` (one well-formed JSON value), of the value that `pointer`
/// names, or `None` when it does not exist.
pub fn value_span(json: &[u8], pointer: &str) -> Option<std::ops::Range<usize>> {
    let mut at = skip_ws(json, 0);
    json.get(at)?;
    for token in pointer_tokens(pointer) {
        at = child(json, at, &token)?;
    }
    Some(at..skip_value(json, at))
}

/// The byte ranges of the elements of the array that `pointer` names (in one pass, however
/// long the array), or `None` when it is not an array.
pub fn array_elements(json: &[u8], pointer: &str) -> Option<Vec<std::ops::Range<usize>>> {
    let span = value_span(json, pointer)?;
    if json.get(span.start) != Some(&b'[') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = skip_ws(json, span.start + 1);
    while let Some(&b) = json.get(i) {
        if b == b']' {
            break;
        }
        let end = skip_value(json, i);
        if end == i {
            break; // not well-formed: stop rather than loop
        }
        out.push(i..end);
        i = skip_ws(json, end);
        if json.get(i) == Some(&b',') {
            i = skip_ws(json, i + 1);
        }
    }
    Some(out)
}

/// Offset of the child `token` of the container starting at `at`.
fn child(json: &[u8], at: usize, token: &str) -> Option<usize> {
    match json.get(at)? {
        b'{' => {
            let mut i = skip_ws(json, at + 1);
            let mut found = None;
            while json.get(i) == Some(&b'"') {
                let key_end = skip_string(json, i);
                let key = &json[i..key_end];
                i = skip_ws(json, key_end);
                i = skip_ws(json, i + 1); // the ':'
                if key_matches(key, token) {
                    found = Some(i);
                }
                i = skip_ws(json, skip_value(json, i));
                if json.get(i) == Some(&b',') {
                    i = skip_ws(json, i + 1);
                }
            }
            found
        }
        b'[' => {
            let index: usize = token.parse().ok()?;
            let mut i = skip_ws(json, at + 1);
            for _ in 0..index {
                if matches!(json.get(i), None | Some(b']')) {
                    return None;
                }
                i = skip_ws(json, skip_value(json, i));
                if json.get(i) == Some(&b',') {
                    i = skip_ws(json, i + 1);
                }
            }
            match json.get(i) {
                None | Some(b']') => None,
                Some(_) => Some(i),
            }
        }
        _ => None,
    }
}

/// Compares a raw JSON string literal (with its quotes) to an unescaped key.
fn key_matches(raw: &[u8], key: &str) -> bool {
    let inner = &raw[1..raw.len().saturating_sub(1).max(1)];
    if !inner.contains(&b'\\') {
        return inner == key.as_bytes();
    }
    serde_json::from_slice::<String>(raw).is_ok_and(|k| k == key)
}

fn skip_ws(json: &[u8], mut i: usize) -> usize {
    while matches!(json.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// `i` is at an opening quote; returns the offset just past the closing one.
fn skip_string(json: &[u8], mut i: usize) -> usize {
    i += 1;
    while let Some(&b) = json.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    json.len()
}

/// Skips one value (iteratively, whatever its depth); returns the offset just past it.
fn skip_value(json: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(&b) = json.get(i) {
        match b {
            b'"' => {
                i = skip_string(json, i);
                if depth == 0 {
                    return i;
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 0 {
                    return i;
                }
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b',' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_counts_lines_and_chars() {
        let p = LineCol::START.advance(b"ab");
        assert_eq!(p, LineCol { line: 1, column: 3 });
        let p = LineCol::START.advance("x\n\u{e9}t\u{e9}".as_bytes());
        assert_eq!(p, LineCol { line: 2, column: 4 });
        let p = LineCol { line: 3, column: 5 }.advance(b"\n\n");
        assert_eq!(p, LineCol { line: 5, column: 1 });
    }

    #[test]
    fn locate_finds_nested_values() {
        let json = br#"{"a": {"b/c": [1, {"d~e": true}]}, "x": "y"}"#;
        let at = |p| {
            let o = locate(json, p);
            std::str::from_utf8(&json[o..o + 4]).unwrap().to_string()
        };
        assert_eq!(at("/x"), "\"y\"}");
        assert_eq!(at("/a/b~1c/1/d~0e"), "true");
        assert_eq!(at("/a/b~1c/0"), "1, {");
        // missing property: the parent object
        assert_eq!(at("/a/nope"), "{\"b/");
        assert_eq!(locate(json, ""), 0);
        assert_eq!(at("/a/b~1c/7"), "[1, ");
    }

    #[test]
    fn locate_stays_inside_text_that_is_not_json() {
        // Found by the fuzz target: a form body whose text starts like an object.
        for text in [&b"{\"a"[..], b"{\"a\"", b"{\"a\":", b"[1,", b"{\"a\\"] {
            assert!(locate(text, "/a") <= text.len());
            assert!(locate(text, "/0") <= text.len());
        }
    }

    #[test]
    fn spans_and_array_elements() {
        let json = br#" {"leads": [ {"a": [1]}, 2 ,"x,]"], "n": 1}"#;
        let span = value_span(json, "/leads/0").unwrap();
        assert_eq!(&json[span], br#"{"a": [1]}"#);
        assert_eq!(&json[value_span(json, "/n").unwrap()], b"1");
        assert_eq!(value_span(json, "/nope"), None);
        let parts: Vec<&[u8]> = array_elements(json, "/leads")
            .unwrap()
            .into_iter()
            .map(|r| &json[r])
            .collect();
        assert_eq!(parts, [&br#"{"a": [1]}"#[..], b"2", br#""x,]""#]);
        assert_eq!(array_elements(json, "/n"), None);
        assert_eq!(array_elements(b"[]", ""), Some(vec![]));
    }

    #[test]
    fn locate_handles_escaped_keys_and_duplicates() {
        let json = br#"{"k\u0065y": 1, "key": 2, "s": "a\"}"}"#;
        let o = locate(json, "/key");
        assert_eq!(&json[o..o + 1], b"2");
        let o = locate(json, "/s");
        assert_eq!(&json[o..o + 1], b"\"");
    }
}
