//! Positions in the input: byte offsets turned into 1-based line:column pairs, and JSON
//! Pointers turned back into the offsets of the values they name.
//!
//! Columns count characters (UTF-8 code points: each byte that is not a continuation byte,
//! so in invalid UTF-8 a stray lead byte counts as one and a stray continuation byte as
//! none), the way editors and CI annotations count them, not bytes.
//!
//! Pointer resolution walks the record's own text instead of keeping a position for every
//! value while parsing: parsing stays as fast as serde_json alone, and the walk runs only
//! for records that have something to report. [`locate_all`] finds every pointer of a
//! record in one walk over its text, however many there are, so a record with 50,000
//! violations costs one pass, not 50,000.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
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

impl Serialize for LineCol {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("LineCol", 2)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("column", &self.column)?;
        st.end()
    }
}

/// A place in an input: its byte offset and its line:column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mark {
    pub offset: u64,
    pub at: LineCol,
}

impl Mark {
    pub const START: Mark = Mark {
        offset: 0,
        at: LineCol::START,
    };

    /// The place reached after `bytes`.
    pub fn advance(self, bytes: &[u8]) -> Mark {
        Mark {
            offset: self.offset + bytes.len() as u64,
            at: self.at.advance(bytes),
        }
    }
}

/// Characters in `bytes`: every byte that is not a UTF-8 continuation byte. Counted in
/// blocks of 64 bytes whose count fits a byte, which the compiler turns into vector code.
/// The last, shorter block is copied into a block of continuation bytes and counted by the
/// same code, not a byte at a time: most runs counted, the bytes before a value of a
/// record, end in one.
pub fn count_chars(bytes: &[u8]) -> u64 {
    let mut blocks = bytes.chunks_exact(64);
    let mut n: u64 = blocks
        .by_ref()
        .map(|block| u64::from(char_starts(block.try_into().expect("blocks of 64 bytes"))))
        .sum();
    let rest = blocks.remainder();
    if !rest.is_empty() {
        let mut block = [0x80; 64];
        block[..rest.len()].copy_from_slice(rest);
        n += u64::from(char_starts(&block));
    }
    n
}

/// The characters that start in a block of 64 bytes (its bytes that are not UTF-8
/// continuation bytes), counted in a way the compiler vectorises.
#[inline(always)]
fn char_starts(block: &[u8; 64]) -> u8 {
    block.iter().map(|&b| u8::from((b as i8) >= -0x40)).sum()
}

/// The line:column of each of `offsets` (byte offsets into `text`, in any order), `text`
/// starting at `start`: one pass over the text up to the largest offset.
pub fn line_cols(text: &[u8], start: LineCol, offsets: &[usize]) -> Vec<LineCol> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    let mut out = vec![start; offsets.len()];
    line_cols_into(text, start, offsets, &mut order, &mut out);
    out
}

/// [`line_cols`] of a few offsets, with nothing allocated. Text with no line break before
/// the offsets (the usual record of NDJSON, found so by `memchr`'s vector search) has only
/// its characters counted; text with one takes [`line_cols`]'s pass.
pub fn line_cols_of<const N: usize>(
    text: &[u8],
    start: LineCol,
    offsets: [usize; N],
) -> [LineCol; N] {
    let mut order: [usize; N] = std::array::from_fn(|i| i);
    order.sort_unstable_by_key(|&i| offsets[i]);
    let mut out = [start; N];
    let last = order.last().map_or(0, |&i| offsets[i].min(text.len()));
    if memchr::memchr(b'\n', &text[..last]).is_some() {
        line_cols_into(text, start, &offsets, &mut order, &mut out);
    } else {
        columns_into(text, start, &offsets, &order, &mut out);
    }
    out
}

/// [`line_cols_of`], of text that is `flat` when it is known to hold no line break (a line
/// of NDJSON the scanner split at line breaks): its characters are then counted, with no
/// search for a line break.
pub(crate) fn line_cols_of_known<const N: usize>(
    text: &[u8],
    start: LineCol,
    offsets: [usize; N],
    flat: bool,
) -> [LineCol; N] {
    if !flat {
        return line_cols_of(text, start, offsets);
    }
    debug_assert!(
        memchr::memchr(b'\n', text).is_none(),
        "flat text with a line break"
    );
    let mut order: [usize; N] = std::array::from_fn(|i| i);
    order.sort_unstable_by_key(|&i| offsets[i]);
    let mut out = [start; N];
    columns_into(text, start, &offsets, &order, &mut out);
    out
}

/// [`line_cols`], of text that is `flat` when known to hold no line break (see
/// [`line_cols_of_known`]).
pub(crate) fn line_cols_known(
    text: &[u8],
    start: LineCol,
    offsets: &[usize],
    flat: bool,
) -> Vec<LineCol> {
    if !flat {
        return line_cols(text, start, offsets);
    }
    debug_assert!(
        memchr::memchr(b'\n', text).is_none(),
        "flat text with a line break"
    );
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_unstable_by_key(|&i| offsets[i]);
    let mut out = vec![start; offsets.len()];
    columns_into(text, start, offsets, &order, &mut out);
    out
}

/// The line:column of each of `offsets` into `text`, which has no line break before the
/// last of them, `order` sorting them: the characters before each counted, once.
fn columns_into(
    text: &[u8],
    start: LineCol,
    offsets: &[usize],
    order: &[usize],
    out: &mut [LineCol],
) {
    let (mut column, mut done) = (start.column, 0usize);
    for &i in order {
        let offset = offsets[i].min(text.len());
        column += count_chars(&text[done..offset]);
        done = offset;
        out[i] = LineCol {
            line: start.line,
            column,
        };
    }
}

/// [`line_cols`] into `out`, `order` holding `0..offsets.len()`.
fn line_cols_into(
    text: &[u8],
    start: LineCol,
    offsets: &[usize],
    order: &mut [usize],
    out: &mut [LineCol],
) {
    order.sort_unstable_by_key(|&i| offsets[i]);
    let (mut at, mut done) = (start, 0usize);
    for &i in order.iter() {
        let offset = offsets[i].min(text.len());
        if offset > done {
            at = at.advance(&text[done..offset]);
            done = offset;
        }
        out[i] = at;
    }
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

/// Byte offset, in `json`, of the value that `pointer` names (see [`locate_all`]).
pub fn locate(json: &[u8], pointer: &str) -> usize {
    locate_all(json, &[pointer])[0]
}

/// Byte offsets, in `json` (one JSON value), of the values that `pointers` name, in one
/// walk over the text. A pointer naming nothing gets the deepest value that exists along
/// it, so an error about a missing property lands on its parent object. With duplicate
/// keys the last one wins, as in serde_json. Text that is not well-formed JSON gives
/// offsets inside the text, never past its end.
pub fn locate_all(json: &[u8], pointers: &[&str]) -> Vec<usize> {
    let mut trie = Trie::default();
    let targets: Vec<usize> = pointers.iter().map(|p| trie.insert(p)).collect();
    let root = skip_ws(json, 0).min(json.len());
    let mut walk = Walk {
        json,
        trie: &trie,
        found: vec![None; trie.nodes.len()],
        entries: 0,
    };
    walk.run(root);
    let valid = walk.valid();
    targets
        .into_iter()
        .map(|mut node| {
            loop {
                if let Some(at) = valid[node] {
                    break at.min(json.len());
                }
                match trie.nodes[node].parent {
                    Some(parent) => node = parent,
                    None => break root,
                }
            }
        })
        .collect()
}

/// The pointers to find, as a tree of their tokens.
#[derive(Default)]
struct Trie {
    nodes: Vec<TrieNode>,
}

#[derive(Default)]
struct TrieNode {
    parent: Option<usize>,
    /// Children by key (unescaped), and by array index where the key is one.
    keys: Vec<(Box<[u8]>, usize)>,
    by_key: Option<HashMap<Box<[u8]>, usize>>,
    indexes: Vec<(usize, usize)>,
    by_index: Option<HashMap<usize, usize>>,
}

/// Children are looked up in a list while they are few, in a map beyond that.
const FEW: usize = 8;

impl TrieNode {
    fn child(&self, key: &[u8]) -> Option<usize> {
        match &self.by_key {
            Some(map) => map.get(key).copied(),
            None => self.keys.iter().find(|(k, _)| &**k == key).map(|&(_, n)| n),
        }
    }

    fn index(&self, index: usize) -> Option<usize> {
        match &self.by_index {
            Some(map) => map.get(&index).copied(),
            None => self
                .indexes
                .iter()
                .find(|&&(i, _)| i == index)
                .map(|&(_, n)| n),
        }
    }

    fn is_leaf(&self) -> bool {
        self.keys.is_empty()
    }
}

impl Trie {
    fn insert(&mut self, pointer: &str) -> usize {
        if self.nodes.is_empty() {
            self.nodes.push(TrieNode::default());
        }
        let mut node = 0;
        for token in pointer_tokens(pointer) {
            let key = token.as_bytes();
            node = match self.nodes[node].child(key) {
                Some(child) => child,
                None => {
                    let child = self.nodes.len();
                    self.nodes.push(TrieNode {
                        parent: Some(node),
                        ..TrieNode::default()
                    });
                    let parent = &mut self.nodes[node];
                    parent.keys.push((key.into(), child));
                    if let Some(map) = &mut parent.by_key {
                        map.insert(key.into(), child);
                    } else if parent.keys.len() > FEW {
                        parent.by_key = Some(parent.keys.iter().cloned().collect());
                    }
                    if let Some(index) = array_index(&token) {
                        parent.indexes.push((index, child));
                        if let Some(map) = &mut parent.by_index {
                            map.insert(index, child);
                        } else if parent.indexes.len() > FEW {
                            parent.by_index = Some(parent.indexes.iter().copied().collect());
                        }
                    }
                    child
                }
            };
        }
        node
    }
}

/// A reference token that names an array element: digits without a leading zero.
pub(crate) fn array_index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

/// One walk over a value, recording where each node of the trie is.
struct Walk<'a> {
    json: &'a [u8],
    trie: &'a Trie,
    /// For each node: its offset and the entry number of its parent when it was found
    /// (a duplicate key found later makes what was found under the earlier one stale).
    found: Vec<Option<(usize, u64, u64)>>,
    entries: u64,
}

/// A container being walked.
struct Frame {
    node: usize,
    /// The next byte to read.
    i: usize,
    object: bool,
    /// The index of the next element (arrays).
    index: usize,
}

impl Walk<'_> {
    fn enter(&mut self, node: usize, at: usize, parent_entry: u64) -> u64 {
        self.entries += 1;
        self.found[node] = Some((at, parent_entry, self.entries));
        self.entries
    }

    fn run(&mut self, root: usize) {
        if root >= self.json.len() {
            return;
        }
        let json = self.json;
        let entry = self.enter(0, root, 0);
        let mut stack: Vec<(Frame, u64)> = Vec::new();
        if let Some(frame) = self.open(0, root) {
            stack.push((frame, entry));
        }
        while let Some((frame, entry)) = stack.last_mut() {
            let entry = *entry;
            let i = skip_ws(json, frame.i);
            let node = frame.node;
            // The value to look at next, and the trie node it belongs to (if any).
            let (value, child) = if frame.object {
                if json.get(i) != Some(&b'"') {
                    stack.pop();
                    self.close(&mut stack, i);
                    continue;
                }
                let key_end = skip_string(json, i);
                let colon = skip_ws(json, key_end);
                let value = skip_ws(json, colon + 1);
                let key = &json[i + 1..key_end.saturating_sub(1).max(i + 1)];
                let node = &self.trie.nodes[node];
                let child = if key.contains(&b'\\') {
                    serde_json::from_slice::<String>(&json[i..key_end])
                        .ok()
                        .and_then(|k| node.child(k.as_bytes()))
                } else {
                    node.child(key)
                };
                (value, child)
            } else {
                if matches!(json.get(i), None | Some(b']' | b'}')) {
                    stack.pop();
                    self.close(&mut stack, i);
                    continue;
                }
                let child = self.trie.nodes[node].index(frame.index);
                frame.index += 1;
                (i, child)
            };
            if value >= json.len() {
                stack.pop();
                self.close(&mut stack, value);
                continue;
            }
            match child {
                Some(child) => {
                    let child_entry = self.enter(child, value, entry);
                    match self.open(child, value) {
                        Some(inner) => {
                            stack.push((inner, child_entry));
                        }
                        None => {
                            let end = skip_value(json, value);
                            self.after_value(&mut stack, end);
                        }
                    }
                }
                None => {
                    let end = skip_value(json, value);
                    self.after_value(&mut stack, end);
                }
            }
        }
    }

    /// A frame for the container at `at` when the node has children to look for in it.
    fn open(&self, node: usize, at: usize) -> Option<Frame> {
        if self.trie.nodes[node].is_leaf() {
            return None;
        }
        let object = match self.json.get(at)? {
            b'{' => true,
            b'[' => false,
            _ => return None,
        };
        Some(Frame {
            node,
            i: at + 1,
            object,
            index: 0,
        })
    }

    /// A container ended at `i` (its closing bracket, or where the text stopped making
    /// sense): the frame below goes on after it.
    fn close(&self, stack: &mut [(Frame, u64)], i: usize) {
        let end = match self.json.get(i) {
            Some(b'}' | b']') => i + 1,
            _ => self.json.len(),
        };
        self.after_value(stack, end);
    }

    /// The value before `end` is done: the enclosing frame moves past it and its comma.
    fn after_value(&self, stack: &mut [(Frame, u64)], end: usize) {
        if let Some((frame, _)) = stack.last_mut() {
            let mut i = skip_ws(self.json, end);
            if self.json.get(i) == Some(&b',') {
                i += 1;
            }
            // Never stand still: text that is not JSON must not stall the walk.
            frame.i = i.max(frame.i + 1);
        }
    }

    /// Offsets of the nodes found, where still valid (not under a key duplicated later).
    fn valid(&self) -> Vec<Option<usize>> {
        let mut valid: Vec<Option<usize>> = vec![None; self.found.len()];
        // Parents come before their children in the trie's order.
        for node in 0..self.found.len() {
            let Some((at, parent_entry, _)) = self.found[node] else {
                continue;
            };
            let ok = match self.trie.nodes[node].parent {
                None => true,
                Some(parent) => {
                    valid[parent].is_some()
                        && self.found[parent].is_some_and(|(_, _, e)| e == parent_entry)
                }
            };
            if ok {
                valid[node] = Some(at);
            }
        }
        valid
    }
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

/// Offset of the child `token` of the container starting at `at` (the last one, for a
/// duplicated key).
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
fn skip_string(json: &[u8], i: usize) -> usize {
    let mut i = i + 1;
    while let Some(n) = json
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
    {
        i += n;
        if json[i] == b'"' {
            return i + 1;
        }
        i += 2;
    }
    json.len()
}

/// Skips one value (iteratively, whatever its depth); returns the offset just past it.
pub fn skip_value(json: &[u8], mut i: usize) -> usize {
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
    i.min(json.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_counted_in_blocks_as_one_by_one() {
        let text = "aé€😀\u{301}b".repeat(40);
        let bytes = text.as_bytes();
        for end in 0..bytes.len() {
            let one_by_one = bytes[..end].iter().filter(|&&b| b & 0xC0 != 0x80).count();
            assert_eq!(count_chars(&bytes[..end]), one_by_one as u64, "{end}");
        }
        assert_eq!(count_chars(text.as_bytes()), text.chars().count() as u64);
    }

    #[test]
    fn long_runs_are_counted_as_one_by_one() {
        // More characters than a byte counts, and a last block of every length.
        let text = "x".repeat(300) + &"é\n€".repeat(100);
        let bytes = text.as_bytes();
        for end in 0..bytes.len() {
            let chars = bytes[..end].iter().filter(|&&b| b & 0xC0 != 0x80).count();
            assert_eq!(count_chars(&bytes[..end]), chars as u64, "{end}");
        }
    }

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
    fn line_cols_of_many_offsets_in_one_pass() {
        let text = "ab\ncé\nx".as_bytes();
        let got = line_cols(text, LineCol { line: 4, column: 2 }, &[7, 0, 3, 100]);
        let want = [(6, 1), (4, 2), (5, 1), (6, 2)];
        let got: Vec<(u64, u64)> = got.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn line_cols_of_a_few_and_on_a_line_are_the_general_ones() {
        let long = format!("{{\"a\": \"{}\", \"b\": 1}}", "é".repeat(100));
        for text in [
            "ab\ncé\nx",
            "ab\rcé\u{2028}x",
            "{\"x\": \"\u{e9}t\u{e9}\", \"y\": 2}",
            long.as_str(),
            "",
        ] {
            let bytes = text.as_bytes();
            let n = bytes.len();
            for offsets in [[0, n / 2, n], [n, 0, n / 3], [7, 3, 100], [n / 4, n / 4, 1]] {
                for start in [LineCol::START, LineCol { line: 4, column: 9 }] {
                    let general = line_cols(bytes, start, &offsets);
                    assert_eq!(
                        line_cols_of(bytes, start, offsets).to_vec(),
                        general,
                        "{text:?} {offsets:?}"
                    );
                    // Text with a line break is never flat; without one, either way.
                    for flat in [false, !text.contains('\n')] {
                        assert_eq!(
                            line_cols_of_known(bytes, start, offsets, flat).to_vec(),
                            general,
                            "{text:?} {offsets:?}"
                        );
                        assert_eq!(
                            line_cols_known(bytes, start, &offsets, flat),
                            general,
                            "{text:?} {offsets:?}"
                        );
                    }
                }
            }
        }
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
        assert_eq!(at("/a/b~1c/01"), "[1, ");
    }

    #[test]
    fn locate_all_agrees_with_one_at_a_time() {
        let json = br#" {"a": {"b/c": [1, {"d~e": true}, [2, 3]]}, "x": "y", "e": {}, "n": null}"#;
        let pointers = [
            "/x",
            "/a/b~1c/1/d~0e",
            "/a/b~1c/2/1",
            "/a/b~1c/0",
            "/a/nope",
            "",
            "/e/z/y",
            "/n/0",
            "/a/b~1c/9",
        ];
        let all = locate_all(json, &pointers);
        for (p, got) in pointers.iter().zip(&all) {
            let single = value_span(json, p).map(|s| s.start);
            if let Some(single) = single {
                assert_eq!(*got, single, "{p}");
            }
        }
        assert_eq!(all[4], 7); // /a/nope: the object at /a
        assert_eq!(all[5], 1);
        assert_eq!(&json[all[6]..all[6] + 2], b"{}");
    }

    #[test]
    fn locate_stays_inside_text_that_is_not_json() {
        // Found by the fuzz target: a form body whose text starts like an object.
        for text in [
            &b"{\"a"[..],
            b"{\"a\"",
            b"{\"a\":",
            b"[1,",
            b"{\"a\\",
            b"{\"a\":[}",
            b"]]]",
            b"",
        ] {
            for p in ["/a", "/0", "/a/0/b", ""] {
                assert!(locate(text, p) <= text.len());
            }
        }
    }

    #[test]
    fn locate_handles_escaped_keys_and_duplicates() {
        let json = br#"{"k\u0065y": 1, "key": 2, "s": "a\"}"}"#;
        let o = locate(json, "/key");
        assert_eq!(&json[o..o + 1], b"2");
        let o = locate(json, "/s");
        assert_eq!(&json[o..o + 1], b"\"");
        // A key given twice: the last one is the value, and what was found under the
        // first one is stale.
        let json = br#"{"a": {"b": 1}, "a": {"c": 2}}"#;
        let all = locate_all(json, &["/a/b", "/a/c"]);
        assert_eq!(&json[all[0]..all[0] + 6], br#"{"c": "#);
        assert_eq!(&json[all[1]..all[1] + 1], b"2");
    }

    #[test]
    fn many_pointers_cost_one_walk() {
        // 50,000 members, every one looked for: linear, not quadratic (this would take
        // minutes one pointer at a time).
        let mut json = String::from("{");
        let mut pointers = Vec::new();
        for i in 0..50_000 {
            if i > 0 {
                json.push(',');
            }
            json.push_str(&format!("\"k{i}\": {{\"v\": [{i}]}}"));
            pointers.push(format!("/k{i}/v/0"));
        }
        json.push('}');
        let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
        let all = locate_all(json.as_bytes(), &refs);
        for (i, at) in all.iter().enumerate().step_by(997) {
            let n = i.to_string();
            assert_eq!(&json.as_bytes()[*at..*at + n.len()], n.as_bytes());
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
}
