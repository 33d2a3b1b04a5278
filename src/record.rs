//! Records: what every reader yields and every command works on. A record is one lead
//! payload (or any JSON value) read from an input, with its [`Origin`]; a record that could
//! not be read is an [`Unreadable`] one, with where and why. Both are [`Item`]s.
//!
//! Positions: a record's text is usually a verbatim slice of its input, so the position of
//! a value inside it is its origin advanced over the text before it. Some records are not
//! verbatim: the body of a chunked HTTP request (its chunks' data joined), a body kept in a
//! JSON string (a HAR file: escapes decoded), a form body (turned into JSON), a compressed
//! body. Their [`Placement`] says how their text maps back to the input, and
//! [`Record::positions`], the one function that turns JSON Pointers into positions, follows
//! it.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::position::{self, LineCol, Mark};

/// Where a record came from: its input, its number in that input, where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The input's name (a path as given, or `<stdin>`).
    pub input: Arc<str>,
    /// 1-based number of the record in its input.
    pub record: u64,
    /// Where the record starts (line:column).
    pub start: LineCol,
    /// Byte offset of the record's start in the input.
    pub offset: u64,
}

impl Origin {
    /// An origin at `mark` in `input`, not yet numbered (records are numbered once, in
    /// input order, by whoever hands them out).
    pub fn at(input: Arc<str>, mark: Mark) -> Origin {
        Origin {
            input,
            record: 0,
            start: mark.at,
            offset: mark.offset,
        }
    }

    /// The place the record starts.
    pub fn mark(&self) -> Mark {
        Mark {
            offset: self.offset,
            at: self.start,
        }
    }

    /// `INPUT:LINE:COL` of another position in the same input.
    pub fn location(&self, at: LineCol) -> Location<'_> {
        Location {
            input: &self.input,
            at: Some(at),
        }
    }
}

/// `INPUT:LINE:COL` (or `INPUT` alone): how a place in an input is written for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location<'a> {
    pub input: &'a str,
    pub at: Option<LineCol>,
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some(at) => write!(f, "{}:{at}", self.input),
            None => f.write_str(self.input),
        }
    }
}

impl fmt::Display for Origin {
    /// `INPUT:LINE:COL` of the record's start.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.input, self.start)
    }
}

impl Serialize for Origin {
    /// Flat: `input`, `record`, `line`, `column`, `offset` (so it can be flattened into
    /// the object of a record).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Origin", 5)?;
        st.serialize_field("input", &*self.input)?;
        st.serialize_field("record", &self.record)?;
        st.serialize_field("line", &self.start.line)?;
        st.serialize_field("column", &self.start.column)?;
        st.serialize_field("offset", &self.offset)?;
        st.end()
    }
}

/// How a record's text maps back to its input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Placement {
    /// The text is the input's bytes from the origin on.
    #[default]
    Verbatim,
    /// The text is made of pieces, each from some place in the input.
    Pieces(Arc<Pieces>),
    /// The text was made from the input (a form body as JSON): the places of the values
    /// by JSON Pointer; a pointer not listed takes the place of its nearest listed
    /// ancestor, else the record's start.
    Fields(Arc<Vec<(String, Mark)>>),
    /// The text is not in the input at all (a compressed body): positions are counted in
    /// the text itself, and reported at the record's start with a note.
    Decoded,
}

/// A text made of pieces of the input. Each piece starts at a text offset and a place in
/// the input; a verbatim piece runs unchanged to the next piece, a piece that is not
/// verbatim (an escape sequence, decoded) maps wholly to its place.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pieces {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    text: usize,
    mark: Mark,
    verbatim: bool,
}

impl Pieces {
    pub fn new() -> Pieces {
        Pieces::default()
    }

    /// Text from offset `text` on comes verbatim from `mark` (until the next piece).
    pub fn verbatim(&mut self, text: usize, mark: Mark) {
        self.push(Piece {
            text,
            mark,
            verbatim: true,
        });
    }

    /// Text from offset `text` on (until the next piece) was decoded from what is at
    /// `mark` (an escape sequence).
    pub fn decoded(&mut self, text: usize, mark: Mark) {
        self.push(Piece {
            text,
            mark,
            verbatim: false,
        });
    }

    fn push(&mut self, piece: Piece) {
        // Pieces arrive in text order; one that starts where the last one started
        // replaces it (an empty piece).
        if let Some(last) = self.pieces.last_mut()
            && last.text == piece.text
        {
            *last = piece;
            return;
        }
        self.pieces.push(piece);
    }

    /// The place in the input of text offset `offset`, given the text.
    pub fn map(&self, text: &[u8], offset: usize) -> Mark {
        let i = self.pieces.partition_point(|p| p.text <= offset);
        match i.checked_sub(1).map(|i| self.pieces[i]) {
            None => self.pieces.first().map_or(Mark::START, |p| p.mark),
            Some(p) if !p.verbatim => p.mark,
            Some(p) => p
                .mark
                .advance(&text[p.text.min(text.len())..offset.min(text.len())]),
        }
    }

    /// The pieces of the text range `range`, with offsets counted from its start.
    pub fn slice(&self, text: &[u8], range: std::ops::Range<usize>) -> Pieces {
        let mut out = Pieces::new();
        let first = self.pieces.partition_point(|p| p.text <= range.start);
        let head = first.checked_sub(1).map(|i| self.pieces[i]);
        if let Some(p) = head {
            let mark = self.map(text, range.start);
            out.pieces.push(Piece {
                text: 0,
                mark,
                verbatim: p.verbatim,
            });
        }
        for p in &self.pieces[first..] {
            if p.text >= range.end {
                break;
            }
            out.push(Piece {
                text: p.text - range.start,
                ..*p
            });
        }
        out
    }
}

/// A record that parsed: its value, its own text, and how that text sits in the input.
#[derive(Debug, Clone)]
pub struct Record {
    pub origin: Origin,
    pub value: Value,
    /// The record's JSON text (for a form body: JSON made from it, keys in the order
    /// received). Key order and numbers as written are read from it.
    pub text: Vec<u8>,
    pub placement: Placement,
    /// The HTTP body the record was the whole of, when it came from a capture (what
    /// `send` replays byte for byte).
    pub body: Option<Arc<Body>>,
    /// What the input holds that the record does not (a form body's pair its payload
    /// cannot hold): a check reports each as a violation.
    pub lost: Vec<Lost>,
}

/// Data of the input that did not make it into the record, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lost {
    /// The value of the record it concerns.
    pub pointer: String,
    pub at: LineCol,
    pub message: String,
}

/// An HTTP request body as captured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The body's bytes as sent (de-chunked; still compressed when it was).
    pub bytes: Vec<u8>,
    /// Its `Content-Type`, when the request had one.
    pub content_type: Option<String>,
    /// Its `Content-Encoding`, when the request had one.
    pub content_encoding: Option<String>,
}

/// A position found for a JSON Pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Where the value is in the input (for a [`Placement::Decoded`] record: where the
    /// record starts).
    pub at: LineCol,
    /// For a decoded record, where the value is in the decoded text.
    pub inside: Option<LineCol>,
}

impl Record {
    /// A record whose text is verbatim from the input.
    pub fn verbatim(origin: Origin, value: Value, text: Vec<u8>) -> Record {
        Record {
            origin,
            value,
            text,
            placement: Placement::Verbatim,
            body: None,
            lost: Vec::new(),
        }
    }

    /// The positions of the values that `pointers` name (of the deepest existing ancestor
    /// of a value that does not exist), in one pass over the record's text.
    pub fn positions(&self, pointers: &[&str]) -> Vec<Position> {
        if pointers.is_empty() {
            return Vec::new();
        }
        let at_start = |inside| Position {
            at: self.origin.start,
            inside,
        };
        match &self.placement {
            Placement::Fields(fields) => pointers
                .iter()
                .map(|p| {
                    let mut best: Option<&Mark> = None;
                    let mut best_len = 0;
                    for (pointer, mark) in fields.iter() {
                        let len = pointer.len();
                        let is_prefix = p.starts_with(pointer.as_str())
                            && (p.len() == len || p.as_bytes()[len] == b'/');
                        if is_prefix && (best.is_none() || len >= best_len) {
                            best = Some(mark);
                            best_len = len;
                        }
                    }
                    at_start(None).with(best.map(|m| m.at))
                })
                .collect(),
            placement => {
                let offsets = position::locate_all(&self.text, pointers);
                match placement {
                    Placement::Verbatim => {
                        position::line_cols(&self.text, self.origin.start, &offsets)
                            .into_iter()
                            .map(|at| Position { at, inside: None })
                            .collect()
                    }
                    Placement::Pieces(pieces) => offsets
                        .iter()
                        .map(|&o| Position {
                            at: pieces.map(&self.text, o).at,
                            inside: None,
                        })
                        .collect(),
                    _ => position::line_cols(&self.text, LineCol::START, &offsets)
                        .into_iter()
                        .map(|inside| at_start(Some(inside)))
                        .collect(),
                }
            }
        }
    }

    /// The record with a null value: its text, origin and placement, to place things in it.
    pub fn clone_without_value(&self) -> Record {
        Record {
            origin: self.origin.clone(),
            value: Value::Null,
            text: self.text.clone(),
            placement: self.placement.clone(),
            body: None,
            lost: Vec::new(),
        }
    }

    /// The position of the value `pointer` names (see [`Record::positions`]).
    pub fn position_of(&self, pointer: &str) -> Position {
        self.positions(&[pointer])[0]
    }

    /// The place in the input of an offset in the record's text.
    pub fn mark_of(&self, offset: usize) -> Mark {
        match &self.placement {
            Placement::Verbatim => self
                .origin
                .mark()
                .advance(&self.text[..offset.min(self.text.len())]),
            Placement::Pieces(pieces) => pieces.map(&self.text, offset),
            Placement::Fields(_) | Placement::Decoded => self.origin.mark(),
        }
    }
}

impl Position {
    fn with(self, at: Option<LineCol>) -> Position {
        match at {
            Some(at) => Position { at, inside: None },
            None => self,
        }
    }
}

/// A record that could not be read: malformed JSON, an empty input, an oversized record,
/// a broken capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub origin: Origin,
    /// Where the problem is.
    pub at: LineCol,
    pub message: String,
}

/// What readers yield, one per record, in input order.
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

    pub fn origin_mut(&mut self) -> &mut Origin {
        match self {
            Item::Record(r) => &mut r.origin,
            Item::Unreadable(u) => &mut u.origin,
        }
    }
}

/// Something handed out per record that carries the record's number: the scanner numbers
/// records once, in input order, after they have been worked on in parallel.
pub trait Numbered {
    fn set_record(&mut self, record: u64);
}

impl Numbered for Item {
    fn set_record(&mut self, record: u64) {
        self.origin_mut().record = record;
    }
}

impl<T: Numbered, E> Numbered for Result<T, E> {
    fn set_record(&mut self, record: u64) {
        if let Ok(t) = self {
            t.set_record(record);
        }
    }
}

impl Numbered for Origin {
    fn set_record(&mut self, record: u64) {
        self.record = record;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(start: LineCol, offset: u64) -> Origin {
        Origin {
            input: "t".into(),
            record: 1,
            start,
            offset,
        }
    }

    #[test]
    fn origins_display_and_serialise_flat() {
        let o = origin(LineCol { line: 3, column: 7 }, 40);
        assert_eq!(o.to_string(), "t:3:7");
        assert_eq!(
            o.location(LineCol { line: 4, column: 1 }).to_string(),
            "t:4:1"
        );
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            r#"{"input":"t","record":1,"line":3,"column":7,"offset":40}"#
        );
    }

    #[test]
    fn verbatim_positions() {
        let text = b"{\"a\": {\"b\": 1},\n \"c\": [true]}".to_vec();
        let value = serde_json::from_slice(&text).unwrap();
        let r = Record::verbatim(origin(LineCol { line: 2, column: 3 }, 10), value, text);
        let at: Vec<String> = r
            .positions(&["/a/b", "/c/0", "/zzz"])
            .iter()
            .map(|p| p.at.to_string())
            .collect();
        assert_eq!(at, ["2:15", "3:8", "2:3"]);
    }

    #[test]
    fn pieces_map_text_back_to_the_input() {
        // The text `{"a":"x"}` from the HAR string `"{\"a\":\"x\"}"` starting at 5:10.
        let raw = br#"{\"a\":\"x\"}"#;
        let mut pieces = Pieces::new();
        let start = Mark {
            offset: 100,
            at: LineCol {
                line: 5,
                column: 10,
            },
        };
        let mut text = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            let mark = start.advance(&raw[..i]);
            if raw[i] == b'\\' {
                pieces.decoded(text.len(), mark);
                text.push(raw[i + 1]);
                i += 2;
            } else {
                pieces.verbatim(text.len(), mark);
                text.push(raw[i]);
                i += 1;
            }
        }
        assert_eq!(text, br#"{"a":"x"}"#);
        // `"x"` starts at text offset 5, which is the escape `\"` at raw offset 7.
        let at = pieces.map(&text, 5);
        assert_eq!((at.offset, at.at.column), (107, 17));
        let value = serde_json::from_slice(&text).unwrap();
        let r = Record {
            placement: Placement::Pieces(Arc::new(pieces.clone())),
            ..Record::verbatim(origin(start.at, start.offset), value, text.clone())
        };
        assert_eq!(r.position_of("/a").at.column, 17);
        // A slice maps the same places.
        let sliced = pieces.slice(&text, 5..8);
        assert_eq!(sliced.map(&text[5..8], 0), pieces.map(&text, 5));
        assert_eq!(sliced.map(&text[5..8], 1), pieces.map(&text, 6));
    }

    #[test]
    fn fields_give_the_nearest_listed_ancestor() {
        let mark = |column| Mark {
            offset: 0,
            at: LineCol { line: 1, column },
        };
        let r = Record {
            placement: Placement::Fields(Arc::new(vec![
                ("/a".into(), mark(5)),
                ("/a/b".into(), mark(9)),
                ("/ab".into(), mark(20)),
            ])),
            ..Record::verbatim(origin(LineCol::START, 0), Value::Null, b"{}".to_vec())
        };
        let cols: Vec<u64> = r
            .positions(&["/a/b/c", "/a/x", "/ab", "/z"])
            .iter()
            .map(|p| p.at.column)
            .collect();
        assert_eq!(cols, [9, 5, 20, 1]);
    }
}
