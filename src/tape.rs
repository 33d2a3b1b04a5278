//! A record's JSON text as a flat tape, validated in place: the fast path of `validate`.
//!
//! Parsing into a `serde_json::Value` allocates every string, array and map of a record and
//! frees them again; on a capture of small payloads that is most of the time `validate`
//! spends (the allocator alone is a tenth of it). A [`Tape`] holds a document as one vector
//! of 16-byte entries, in document order, with strings borrowed from the text unless they
//! have escapes (those are decoded into one buffer the tape keeps). Containers know their
//! length and where they end, so they are iterated and skipped without a walk. The tape's
//! buffers are kept from one record to the next: parsing a record allocates nothing once
//! they have grown.
//!
//! [`TapeJson`] implements jsonschema's custom representation traits, so a
//! `Validator<TapeJson>` (built with [`jsonschema::options_for`], or
//! [`crate::schema::Schema::tape_validator`]) validates a [`Doc`] without building a `Value`.
//!
//! The tape accepts exactly what `serde_json::from_slice::<Value>` accepts, minus what it does
//! not handle, and reads it as the same value:
//!
//! - the same grammar: whitespace is space, tab, CR and LF only; no trailing comma; no
//!   leading zeros; a fraction and an exponent need a digit; nothing after the value;
//! - strings: UTF-8, no control character below U+0020 unescaped, the same escapes, a lone
//!   surrogate in `\u` escapes rejected;
//! - numbers as serde_json holds them: an integer literal that fits is a `u64` (or an `i64`
//!   when negative), `-0` and negative integers below `i64::MIN` are floats, anything else
//!   is the correctly rounded `f64` (serde_json is built here with `float_roundtrip`, which
//!   jsonschema enables, so its floats are correctly rounded as Rust's own parser's are);
//!   a float out of range is rejected;
//! - nesting: serde_json stops at the 128th nested array or object; so does the tape.
//!
//! What it leaves to the serde path, by rejecting ([`Rejected`]): any text serde_json rejects
//! (the caller then reports serde_json's own error), an object with a duplicated key
//! (serde_json keeps the last value; validating members in place would see both), an object
//! whose first key is serde_json's private raw-value token (serde_json reads such an object
//! as the JSON text its value holds), and a text over 4 GiB.

use std::borrow::Cow;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object, cmp};
use serde_json::{Map, Number, Value};

/// How deep containers nest at most: serde_json reports "recursion limit exceeded" when it
/// opens the 128th nested array or object.
pub const MAX_DEPTH: usize = 127;

/// serde_json (with its `raw_value` feature, which leadcheck enables) reads an object whose
/// first key is this as the JSON text of its value, not as an object.
const RAW_VALUE_TOKEN: &[u8] = b"$serde_json::private::RawValue";

/// Why a text was not put on a tape. Whatever the reason, the caller parses it with
/// serde_json instead, which gives the value or the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// Not a JSON text as serde_json reads it.
    Syntax,
    /// An object has the same key twice.
    DuplicateKey,
    /// JSON the tape does not represent: serde_json's raw-value token as the first key of
    /// an object, or a text over 4 GiB.
    Unsupported,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Rejected::Syntax => "not a JSON text",
            Rejected::DuplicateKey => "an object has a duplicated key",
            Rejected::Unsupported => "JSON the tape does not represent",
        })
    }
}

impl std::error::Error for Rejected {}

/// One value on the tape. `src` is the byte offset of its first character in the text.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Entry {
    Null {
        src: u32,
    },
    Bool {
        src: u32,
        value: bool,
    },
    /// An integer that fits a `u64`.
    PosInt {
        src: u32,
        value: u64,
    },
    /// A negative integer that fits an `i64` (always below zero).
    NegInt {
        src: u32,
        value: i64,
    },
    /// Any other number (always finite).
    Float {
        src: u32,
        value: f64,
    },
    /// A string without escapes: `text[start..start + len]` (its quote is at `start - 1`).
    Str {
        start: u32,
        len: u32,
    },
    /// A string with escapes, decoded: `decoded[start..start + len]`.
    Escaped {
        src: u32,
        start: u32,
        len: u32,
    },
    /// `len` elements follow; the entry after the array's last is `end`.
    Array {
        src: u32,
        len: u32,
        end: u32,
    },
    /// `len` members follow, each a key (a string entry) and its value; the entry after the
    /// object's last is `end`.
    Object {
        src: u32,
        len: u32,
        end: u32,
    },
    /// The whole text is the string (a property name handed to `propertyNames`).
    Whole,
}

const _: () = assert!(std::mem::size_of::<Entry>() == 16);

impl Entry {
    /// The index of the entry after this one's value (its next sibling), `at` being its own.
    #[inline]
    fn next(self, at: u32) -> u32 {
        match self {
            Entry::Array { end, .. } | Entry::Object { end, .. } => end,
            _ => at + 1,
        }
    }
}

/// Reusable storage for documents: parse one record after another into the same tape.
#[derive(Debug, Default)]
pub struct Tape {
    entries: Vec<Entry>,
    decoded: String,
    /// Key entries of the objects being parsed (innermost last).
    /// `(hash, entry)` of each key of the objects being parsed (innermost last).
    keys: Vec<(u64, u32)>,
    /// Duplicate detection in objects with very many keys: `(stamp, key entry, hash)`.
    seen: Vec<(u32, u32, u64)>,
    stamp: u32,
}

impl Tape {
    pub fn new() -> Tape {
        Tape::default()
    }

    /// Parses one JSON text (a record's text, surrounding whitespace allowed) into this tape,
    /// replacing what it held.
    ///
    /// # Errors
    ///
    /// [`Rejected`] when the text is not one the tape reads (see the module documentation);
    /// the caller then parses it with serde_json.
    pub fn parse<'t>(&'t mut self, input: &'t [u8]) -> Result<Doc<'t>, Rejected> {
        self.entries.clear();
        self.decoded.clear();
        self.keys.clear();
        if u32::try_from(input.len()).is_err() {
            return Err(Rejected::Unsupported);
        }
        // Every byte outside a string is ASCII in a JSON text, so a text serde_json accepts
        // is UTF-8 throughout, and every string in it is. Checked a block of bytes at a
        // time (simdutf8, which picks AVX2 or SSE4.2 at run time): where the error is does
        // not matter here, the text is rejected and serde_json reports it.
        let text = simdutf8::basic::from_utf8(input).map_err(|_| Rejected::Syntax)?;
        let mut parser = Parser {
            bytes: input,
            text,
            pos: 0,
            tape: self,
        };
        parser.skip_whitespace();
        parser.value(0)?;
        parser.skip_whitespace();
        if parser.pos != input.len() {
            return Err(Rejected::Syntax);
        }
        Ok(Doc {
            entries: &self.entries,
            text,
            decoded: &self.decoded,
            root_keys: &self.keys,
        })
    }
}

/// A parsed document: the tape's entries and the text they point into.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'t> {
    entries: &'t [Entry],
    text: &'t str,
    decoded: &'t str,
    /// `(hash, entry)` of each key of the root, when it is an object (in text order).
    root_keys: &'t [(u64, u32)],
}

impl<'t> Doc<'t> {
    /// The document's value, the instance to validate.
    pub fn root(&self) -> TapeNode<'_> {
        TapeNode {
            doc: self,
            index: 0,
        }
    }

    /// The document's text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// How many entries the tape holds (values and keys).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether the document is an API list response (an object with an array `leads` and
    /// neither `lead_id` nor `lead_type`) or a top-level array of leads (not empty, every
    /// element an object, one of them at least with a `lead_id` or a `lead_type`): what
    /// `capture::is_list` says of the same document's `Value`.
    pub fn is_list(&self) -> bool {
        let root = self.root();
        if let Some(object) = root.as_object() {
            return object.find("lead_id").is_none()
                && object.find("lead_type").is_none()
                && object
                    .find("leads")
                    .is_some_and(|leads| leads.json_type() == JsonType::Array);
        }
        let Some(items) = root.as_array() else {
            return false;
        };
        items.len() > 0
            && items.elements().all(|item| item.as_object().is_some())
            && items.elements().any(|item| {
                item.as_object()
                    .is_some_and(|o| o.find("lead_id").is_some() || o.find("lead_type").is_some())
            })
    }
}

/// [`Tape`]'s representation for jsonschema: `jsonschema::options_for::<TapeJson>()`.
pub struct TapeJson;

/// One value of a [`Doc`].
#[derive(Debug, Clone, Copy)]
pub struct TapeNode<'t> {
    doc: &'t Doc<'t>,
    index: u32,
}

impl<'t> TapeNode<'t> {
    #[inline]
    fn entry(&self) -> Entry {
        self.doc.entries[self.index as usize]
    }

    /// The string, when the value is one.
    pub fn as_str(&self) -> Option<&'t str> {
        self.doc.string(self.entry())
    }

    /// The member `name` of an object (the last one of that name; the tape holds one).
    pub fn field(&self, name: &str) -> Option<TapeNode<'t>> {
        self.as_object()?.find(name)
    }

    /// The value as serde_json reads it.
    pub fn value(&self) -> Value {
        self.doc.value(self.index)
    }

    /// The value `pointer` (RFC 6901) names or, when it names nothing, the deepest value
    /// along it: what [`crate::position::locate_all`] finds in the text, without reading it
    /// again.
    pub fn deepest(self, pointer: &str) -> TapeNode<'t> {
        let mut node = self;
        for token in crate::position::pointer_tokens(pointer) {
            let child = if let Some(object) = node.as_object() {
                object.find(&token)
            } else if let Some(array) = node.as_array() {
                crate::position::array_index(&token).and_then(|i| array.elements().nth(i))
            } else {
                None
            };
            match child {
                Some(child) => node = child,
                None => break,
            }
        }
        node
    }

    /// The byte offset in the text where the value starts (its first character).
    pub fn offset(&self) -> usize {
        (match self.entry() {
            Entry::Null { src }
            | Entry::Bool { src, .. }
            | Entry::PosInt { src, .. }
            | Entry::NegInt { src, .. }
            | Entry::Float { src, .. }
            | Entry::Escaped { src, .. }
            | Entry::Array { src, .. }
            | Entry::Object { src, .. } => src,
            Entry::Str { start, .. } => start - 1,
            Entry::Whole => 0,
        }) as usize
    }
}

/// The lint rules read a record where it lies on the tape.
impl<'t> crate::lint::Node<'t> for TapeNode<'t> {
    #[inline]
    fn as_str(self) -> Option<&'t str> {
        TapeNode::as_str(&self)
    }

    #[inline]
    fn as_u64(self) -> Option<u64> {
        match self.entry() {
            Entry::PosInt { value, .. } => Some(value),
            _ => None,
        }
    }

    fn as_number(self) -> Option<Number> {
        TapeNumber::of(self.entry()).map(TapeNumber::number)
    }

    #[inline]
    fn is_true(self) -> bool {
        matches!(self.entry(), Entry::Bool { value: true, .. })
    }

    #[inline]
    fn members(self) -> Option<impl Iterator<Item = (&'t str, Self)>> {
        Some(self.as_object()?.members())
    }

    #[inline]
    fn offset(self) -> Option<usize> {
        Some(TapeNode::offset(&self))
    }

    fn pick(self, set: &NameSet, found: impl FnMut(usize, Self)) -> bool {
        TapeNode::pick(self, set, found)
    }
}

impl<'t> Doc<'t> {
    /// The `(hash, key entry)` pairs of the object at `index` with `len` members, when the
    /// parser kept them: the root's (others' are dropped once checked for duplicates).
    #[inline]
    fn hashed_keys(&self, index: u32, len: u32) -> Option<&'t [(u64, u32)]> {
        (index == 0 && self.root_keys.len() == len as usize).then_some(self.root_keys)
    }

    #[inline]
    fn string(&self, entry: Entry) -> Option<&'t str> {
        match entry {
            Entry::Str { start, len } => self.text.get(start as usize..(start + len) as usize),
            Entry::Escaped { start, len, .. } => {
                self.decoded.get(start as usize..(start + len) as usize)
            }
            Entry::Whole => Some(self.text),
            _ => None,
        }
    }

    /// The key at `at` (a string entry; "" if it is not one, which the parser never makes).
    #[inline]
    fn key(&self, at: u32) -> &'t str {
        self.string(self.entries[at as usize]).unwrap_or_default()
    }

    /// Builds the `Value` at `at` (depth is bounded by the parser).
    fn value(&self, at: u32) -> Value {
        let entry = self.entries[at as usize];
        match entry {
            Entry::Null { .. } => Value::Null,
            Entry::Bool { value, .. } => Value::Bool(value),
            Entry::PosInt { .. } | Entry::NegInt { .. } | Entry::Float { .. } => {
                TapeNumber::of(entry).map_or(Value::Null, |n| Value::Number(n.number()))
            }
            Entry::Str { .. } | Entry::Escaped { .. } | Entry::Whole => {
                Value::String(self.string(entry).unwrap_or_default().to_owned())
            }
            Entry::Array { len, .. } => {
                let mut items = Vec::with_capacity(len as usize);
                let mut i = at + 1;
                for _ in 0..len {
                    items.push(self.value(i));
                    i = self.entries[i as usize].next(i);
                }
                Value::Array(items)
            }
            Entry::Object { len, .. } => {
                let mut map = Map::new();
                let mut k = at + 1;
                for _ in 0..len {
                    map.insert(self.key(k).to_owned(), self.value(k + 1));
                    k = self.entries[k as usize + 1].next(k + 1);
                }
                Value::Object(map)
            }
        }
    }

    /// JSON Schema equality (`const`, `enum`) of the value at `at` and `expected`.
    fn equals(&self, at: u32, expected: &Value) -> bool {
        let entry = self.entries[at as usize];
        match (entry, expected) {
            (Entry::Null { .. }, Value::Null) => true,
            (Entry::Bool { value, .. }, Value::Bool(b)) => value == *b,
            (
                Entry::PosInt { .. } | Entry::NegInt { .. } | Entry::Float { .. },
                Value::Number(n),
            ) => TapeNumber::of(entry).is_some_and(|t| cmp::equal_numbers(&t, n)),
            (Entry::Str { .. } | Entry::Escaped { .. } | Entry::Whole, Value::String(s)) => {
                self.string(entry) == Some(s.as_str())
            }
            (Entry::Array { len, .. }, Value::Array(items)) => {
                if len as usize != items.len() {
                    return false;
                }
                let mut i = at + 1;
                for item in items {
                    if !self.equals(i, item) {
                        return false;
                    }
                    i = self.entries[i as usize].next(i);
                }
                true
            }
            (Entry::Object { len, .. }, Value::Object(map)) => {
                if len as usize != map.len() {
                    return false;
                }
                let mut k = at + 1;
                for _ in 0..len {
                    match map.get(self.key(k)) {
                        Some(v) if self.equals(k + 1, v) => {}
                        _ => return false,
                    }
                    k = self.entries[k as usize + 1].next(k + 1);
                }
                true
            }
            _ => false,
        }
    }
}

impl Json for TapeJson {
    type Node<'a> = TapeNode<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = ();

    // A lookup is a scan (of the root's key hashes, or of another object's members), so one
    // pass over the members never costs more than the lookups it replaces. The bound only
    // keeps jsonschema's `KEYS_PER_LOOKUP * count` from overflowing.
    const KEYS_PER_LOOKUP: usize = usize::MAX >> 8;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(TapeNode<'_>) -> T) -> T {
        let entries = [Entry::Whole];
        let doc = Doc {
            entries: &entries,
            text: string,
            decoded: "",
            root_keys: &[],
        };
        f(doc.root())
    }
}

impl<'t> Node<'t, TapeJson> for TapeNode<'t> {
    type Object = TapeObject<'t>;
    type Array = TapeArray<'t>;
    type Number = TapeNumber;

    #[inline]
    fn as_object(&self) -> Option<TapeObject<'t>> {
        match self.entry() {
            Entry::Object { len, .. } => Some(TapeObject {
                doc: self.doc,
                index: self.index,
                len,
            }),
            _ => None,
        }
    }

    #[inline]
    fn as_array(&self) -> Option<TapeArray<'t>> {
        match self.entry() {
            Entry::Array { len, .. } => Some(TapeArray {
                doc: self.doc,
                index: self.index,
                len,
            }),
            _ => None,
        }
    }

    #[inline]
    fn as_string(&self) -> Option<Cow<'t, str>> {
        self.as_str().map(Cow::Borrowed)
    }

    #[inline]
    fn as_number(&self) -> Option<TapeNumber> {
        TapeNumber::of(self.entry())
    }

    #[inline]
    fn as_boolean(&self) -> Option<bool> {
        match self.entry() {
            Entry::Bool { value, .. } => Some(value),
            _ => None,
        }
    }

    #[inline]
    fn is_null(&self) -> bool {
        matches!(self.entry(), Entry::Null { .. })
    }

    #[inline]
    fn is_number(&self) -> bool {
        matches!(
            self.entry(),
            Entry::PosInt { .. } | Entry::NegInt { .. } | Entry::Float { .. }
        )
    }

    #[inline]
    fn is_string(&self) -> bool {
        matches!(
            self.entry(),
            Entry::Str { .. } | Entry::Escaped { .. } | Entry::Whole
        )
    }

    #[inline]
    fn json_type(&self) -> JsonType {
        match self.entry() {
            Entry::Null { .. } => JsonType::Null,
            Entry::Bool { .. } => JsonType::Boolean,
            Entry::PosInt { .. } | Entry::NegInt { .. } | Entry::Float { .. } => JsonType::Number,
            Entry::Str { .. } | Entry::Escaped { .. } | Entry::Whole => JsonType::String,
            Entry::Array { .. } => JsonType::Array,
            Entry::Object { .. } => JsonType::Object,
        }
    }

    fn string_length(&self) -> Option<u64> {
        self.as_str().map(|s| s.chars().count() as u64)
    }

    fn string_length_within(&self, min: u64, max: u64) -> Option<bool> {
        let string = self.as_str()?;
        // A code point takes one to four bytes: the count is in `ceil(bytes / 4)..=bytes`.
        let bytes = string.len() as u64;
        let fewest = bytes.div_ceil(4);
        if bytes < min || fewest > max {
            return Some(false);
        }
        if min <= fewest && bytes <= max {
            return Some(true);
        }
        Some((min..=max).contains(&(string.chars().count() as u64)))
    }

    fn equals_value(&self, expected: &Value) -> bool {
        self.doc.equals(self.index, expected)
    }

    fn to_value(&self) -> Cow<'t, Value> {
        Cow::Owned(self.value())
    }

    // Every entry of a live document has its own address, and a document does not change
    // while nodes of it live (it borrows its tape).
    fn identity(&self) -> Option<NodeIdentity> {
        let entry: &Entry = &self.doc.entries[self.index as usize];
        Some(NodeIdentity::new(std::ptr::from_ref(entry) as usize))
    }
}

/// Names to find among the members of objects, all in one pass: each member is looked up by
/// the hash the parser gave its key (kept for the root object), among slots of which about
/// one in eight is taken, and compared only with a name of the same hash.
#[derive(Debug)]
pub struct NameSet {
    names: Vec<&'static str>,
    hashes: Vec<u64>,
    /// Index + 1 in `names` (0: free), at the top byte of the name's hash or the next free
    /// slot after it.
    slots: [u8; 256],
    /// The hash of each name at its index + 1 (index 0: unused), so that a slot read from
    /// `direct` is checked with no bounds check or branch.
    by_slot: [u64; 32],
    /// A byte of the hashes that differs between every two names (its shift), and the
    /// index + 1 of each name at that byte: one load a key, no probing and no branch.
    direct: Option<(u32, [u8; 256])>,
    /// What tells each name (at its index + 1) from a key of the same hash.
    heads: [Head; 32],
}

/// What tells a name from another key of the same [`hash_key`]: its length, its first
/// eight bytes (all of a shorter one) and, past sixteen bytes, the eight after them. Given
/// the length and the first bytes, the hash is a bijection of the last ones, so a key alike
/// there and of the same hash is the name. A name longer than 24 bytes is told by a whole
/// comparison, on the slow path.
#[derive(Debug, Clone, Copy, Default)]
struct Head {
    len: u32,
    /// Which bits of a word read at the key's start are the key's.
    mask: u64,
    first: u64,
    middle: u64,
}

impl Head {
    fn of(bytes: &[u8]) -> Head {
        let mut first = [0u8; 8];
        let n = bytes.len().min(8);
        first[..n].copy_from_slice(&bytes[..n]);
        Head {
            // Longer than any key of a tape, for a name that takes the slow path.
            len: u32::try_from(bytes.len())
                .ok()
                .filter(|&n| n <= 24)
                .unwrap_or(u32::MAX),
            mask: u64::MAX >> (8 * (8 - n)).min(63) >> u32::from(n == 0),
            first: u64::from_le_bytes(first),
            middle: bytes
                .get(8..16)
                .map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap_or_default())),
        }
    }

    /// Whether the key of `len` bytes at `start` in `text`, whose hash is the name's, is
    /// the name: read as two words from the text (the bytes after a root's key, `":` and a
    /// value, are the text's too), compared with no branch. A key too near the text's end
    /// to be read so is not told apart here (`false`: the caller then compares it whole).
    #[inline(always)]
    fn is(&self, text: &[u8], start: u32, len: u32) -> bool {
        let word = |at: usize| {
            text.get(at..at + 8)
                .map_or(0, |w| u64::from_le_bytes(w.try_into().unwrap_or_default()))
        };
        let start = start as usize;
        (len == self.len)
            & (word(start) & self.mask == self.first)
            & ((self.len <= 16) | (word(start + 8) == self.middle))
    }
}

impl NameSet {
    /// A set of up to 31 distinct names.
    pub fn new(names: &[&'static str]) -> NameSet {
        assert!(names.len() <= 31, "a NameSet holds up to 31 names");
        let hashes: Vec<u64> = names.iter().map(|n| hash_key(n.as_bytes())).collect();
        let mut slots = [0u8; 256];
        for (i, &hash) in hashes.iter().enumerate() {
            let mut at = (hash >> 56) as usize;
            while slots[at] != 0 {
                at = (at + 1) & 255;
            }
            slots[at] = i as u8 + 1;
        }
        let direct = (0..=56).find_map(|shift| {
            let mut table = [0u8; 256];
            for (i, &hash) in hashes.iter().enumerate() {
                let at = (hash >> shift) as u8;
                if table[usize::from(at)] != 0 {
                    return None;
                }
                table[usize::from(at)] = i as u8 + 1;
            }
            Some((shift, table))
        });
        let mut by_slot = [0u64; 32];
        by_slot[1..=hashes.len()].copy_from_slice(&hashes);
        let mut heads = [Head::default(); 32];
        for (head, name) in heads[1..].iter_mut().zip(names) {
            *head = Head::of(name.as_bytes());
        }
        NameSet {
            names: names.to_vec(),
            hashes,
            slots,
            by_slot,
            direct,
            heads,
        }
    }

    /// The index of the name whose hash is `hash`, read by `name` only when one of the set
    /// has that hash.
    #[inline]
    fn find<'n>(&self, hash: u64, name: impl FnOnce() -> &'n [u8]) -> Option<usize> {
        let mut at = (hash >> 56) as usize;
        let mut i = usize::from(self.slots[at]).checked_sub(1)?;
        while self.hashes[i] != hash {
            at = (at + 1) & 255;
            i = usize::from(self.slots[at]).checked_sub(1)?;
        }
        let name = name();
        loop {
            if self.hashes[i] == hash && same_bytes(self.names[i].as_bytes(), name) {
                return Some(i);
            }
            at = (at + 1) & 255;
            i = usize::from(self.slots[at]).checked_sub(1)?;
        }
    }

    /// Whether a key is looked up with one load and no branch (see `direct`).
    #[cfg(test)]
    pub(crate) fn is_direct(&self) -> bool {
        self.direct.is_some()
    }

    /// The index of `name` in the set.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.find(hash_key(name.as_bytes()), || name.as_bytes())
    }
}

/// Whether two byte strings are equal: short ones compared four or eight bytes at a time,
/// inline (a call to `memcmp` costs more than such a comparison).
#[inline(always)]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if (4..8).contains(&n) {
        let half =
            |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or_default());
        return half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4);
    }
    if !(8..=32).contains(&n) {
        return a == b;
    }
    let word =
        |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or_default());
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

impl<'t> TapeNode<'t> {
    /// Each member whose name is in `set`, with the name's index there (in no particular
    /// order, and some possibly twice); `false` when the value is not an object. The root's
    /// keys are looked up by the hashes the parser gave them, other objects' keys are hashed
    /// here.
    pub fn pick(self, set: &NameSet, mut found: impl FnMut(usize, TapeNode<'t>)) -> bool {
        let doc = self.doc;
        let Entry::Object { len, .. } = self.entry() else {
            return false;
        };
        let hashed = doc.hashed_keys(self.index, len);
        if let Some(keys) = hashed
            && let Some((shift, table)) = &set.direct
        {
            // Which names are among the keys and where, by a byte of the hashes alone and
            // without a branch (whether a key is a name is a coin toss to a predictor): a
            // key whose byte names no name, or whose hash is not that name's, is written to
            // slot 0, which no name has, and not marked present.
            let mut at = [0u32; 32];
            let mut present = 0u32;
            for &(hash, k) in keys {
                // A slot of 1 to 31 (`& 31` only tells the compiler so), or 0 when the byte
                // names no name: slot 0's hash may match a key's, and its mark is dropped
                // below.
                let candidate = usize::from(table[usize::from((hash >> shift) as u8)]) & 31;
                let known = set.by_slot[candidate] == hash;
                at[candidate * usize::from(known)] = k;
                present |= u32::from(known) << candidate;
            }
            present &= !1;
            // Each name present, told from another key of its hash (see `Head`).
            let text = doc.text.as_bytes();
            let mut all_same = true;
            while present != 0 {
                let slot = present.trailing_zeros() as usize;
                present &= present - 1;
                let k = at[slot];
                let same = match doc.entries[k as usize] {
                    Entry::Str { start, len } => set.heads[slot].is(text, start, len),
                    // An escaped key: compared whole, on the slow path.
                    _ => false,
                };
                if !same {
                    all_same = false;
                    break;
                }
                found(slot - 1, TapeNode { doc, index: k + 1 });
            }
            if all_same {
                return true;
            }
            // A key with a name's hash but not its name (made to collide): each key then
            // looked up whole, below (the names found so far are found again).
        }
        if let Some(keys) = hashed {
            for &(hash, k) in keys {
                let name = || key_bytes(doc.text.as_bytes(), doc.decoded, doc.entries[k as usize]);
                if let Some(i) = set.find(hash, name) {
                    found(i, TapeNode { doc, index: k + 1 });
                }
            }
        } else if let Some(object) = self.as_object() {
            for (key, value) in object.members() {
                if let Some(i) = set.index(key) {
                    found(i, value);
                }
            }
        }
        true
    }
}

/// An object of a [`Doc`].
#[derive(Debug, Clone, Copy)]
pub struct TapeObject<'t> {
    doc: &'t Doc<'t>,
    index: u32,
    len: u32,
}

impl<'t> TapeObject<'t> {
    /// The member `name`: among the root's keys by the hashes the parser gave them (a scan
    /// comparing the keys' 8-byte hashes; a key of the name's hash is then compared whole),
    /// in any other object by a scan of the members.
    pub fn find(&self, name: &str) -> Option<TapeNode<'t>> {
        let doc = self.doc;
        if let Some(keys) = doc.hashed_keys(self.index, self.len) {
            let hash = hash_key(name.as_bytes());
            return keys
                .iter()
                .find(|&&(h, k)| h == hash && doc.key(k) == name)
                .map(|&(_, k)| TapeNode { doc, index: k + 1 });
        }
        let entries = self.doc.entries;
        let mut k = self.index + 1;
        for _ in 0..self.len {
            let key = entries[k as usize];
            // Most keys differ in length: no string is made for them.
            let matches = match key {
                Entry::Str { len, .. } | Entry::Escaped { len, .. }
                    if len as usize != name.len() =>
                {
                    false
                }
                _ => self.doc.string(key) == Some(name),
            };
            if matches {
                return Some(TapeNode {
                    doc: self.doc,
                    index: k + 1,
                });
            }
            k = entries[k as usize + 1].next(k + 1);
        }
        None
    }
}

/// The members of a [`TapeObject`], in document order.
#[derive(Debug, Clone)]
pub struct Members<'t> {
    doc: &'t Doc<'t>,
    /// The next member's key entry.
    at: u32,
    left: u32,
}

impl<'t> Iterator for Members<'t> {
    type Item = (&'t str, TapeNode<'t>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let k = self.at;
        self.at = self.doc.entries[k as usize + 1].next(k + 1);
        Some((
            self.doc.key(k),
            TapeNode {
                doc: self.doc,
                index: k + 1,
            },
        ))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl<'t> Object<'t, TapeJson> for TapeObject<'t> {
    type Node = TapeNode<'t>;
    type MemberName = &'t str;
    type MembersIter = Members<'t>;

    #[inline]
    fn len(&self) -> usize {
        self.len as usize
    }

    #[inline]
    fn get(&self, key: &Box<str>) -> Option<TapeNode<'t>> {
        self.find(key)
    }

    #[inline]
    fn members(&self) -> Members<'t> {
        Members {
            doc: self.doc,
            at: self.index + 1,
            left: self.len,
        }
    }

    // The keys are string entries of the tape already: hand them over.
    fn try_for_each_name_node<B>(
        &self,
        (): &mut (),
        mut f: impl FnMut(TapeNode<'_>) -> std::ops::ControlFlow<B>,
    ) -> std::ops::ControlFlow<B> {
        let entries = self.doc.entries;
        let mut k = self.index + 1;
        for _ in 0..self.len {
            f(TapeNode {
                doc: self.doc,
                index: k,
            })?;
            k = entries[k as usize + 1].next(k + 1);
        }
        std::ops::ControlFlow::Continue(())
    }
}

/// An array of a [`Doc`].
#[derive(Debug, Clone, Copy)]
pub struct TapeArray<'t> {
    doc: &'t Doc<'t>,
    index: u32,
    len: u32,
}

/// The elements of a [`TapeArray`], in order.
#[derive(Debug, Clone)]
pub struct Elements<'t> {
    doc: &'t Doc<'t>,
    at: u32,
    left: u32,
}

impl<'t> Iterator for Elements<'t> {
    type Item = TapeNode<'t>;

    #[inline]
    fn next(&mut self) -> Option<TapeNode<'t>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let i = self.at;
        self.at = self.doc.entries[i as usize].next(i);
        Some(TapeNode {
            doc: self.doc,
            index: i,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl<'t> Array<'t, TapeJson> for TapeArray<'t> {
    type Node = TapeNode<'t>;
    type ElementsIter = Elements<'t>;

    #[inline]
    fn len(&self) -> usize {
        self.len as usize
    }

    #[inline]
    fn elements(&self) -> Elements<'t> {
        Elements {
            doc: self.doc,
            at: self.index + 1,
            left: self.len,
        }
    }
}

/// A number of a [`Doc`], held as serde_json's `Number` holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TapeNumber {
    PosInt(u64),
    /// Always below zero.
    NegInt(i64),
    /// Always finite.
    Float(f64),
}

impl TapeNumber {
    #[inline]
    fn of(entry: Entry) -> Option<TapeNumber> {
        match entry {
            Entry::PosInt { value, .. } => Some(TapeNumber::PosInt(value)),
            Entry::NegInt { value, .. } => Some(TapeNumber::NegInt(value)),
            Entry::Float { value, .. } => Some(TapeNumber::Float(value)),
            _ => None,
        }
    }

    /// The same number as a `serde_json::Number`.
    pub fn number(self) -> Number {
        match self {
            TapeNumber::PosInt(n) => Number::from(n),
            TapeNumber::NegInt(n) => Number::from(n),
            // Finite by construction; `Number` holds no other float.
            TapeNumber::Float(f) => Number::from_f64(f).unwrap_or_else(|| Number::from(0)),
        }
    }
}

impl JsonNumber for TapeNumber {
    #[inline]
    fn as_u64(&self) -> Option<u64> {
        match *self {
            TapeNumber::PosInt(n) => Some(n),
            _ => None,
        }
    }

    #[inline]
    fn as_i64(&self) -> Option<i64> {
        match *self {
            TapeNumber::PosInt(n) => i64::try_from(n).ok(),
            TapeNumber::NegInt(n) => Some(n),
            TapeNumber::Float(_) => None,
        }
    }

    #[inline]
    fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            TapeNumber::PosInt(n) => n as f64,
            TapeNumber::NegInt(n) => n as f64,
            TapeNumber::Float(f) => f,
        })
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.number().to_string())
    }

    fn to_number(&self) -> Cow<'_, Number> {
        Cow::Owned(self.number())
    }

    #[inline]
    fn is_integer(&self) -> bool {
        match *self {
            TapeNumber::PosInt(_) | TapeNumber::NegInt(_) => true,
            TapeNumber::Float(_) => JsonNumber::is_integer(&self.number()),
        }
    }

    fn is_written_as_integer(&self) -> bool {
        JsonNumber::is_written_as_integer(&self.number())
    }
}

struct Parser<'p> {
    bytes: &'p [u8],
    text: &'p str,
    pos: usize,
    tape: &'p mut Tape,
}

impl Parser<'_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// The offset of the current byte (texts are under 4 GiB).
    #[inline]
    fn src(&self) -> u32 {
        self.pos as u32
    }

    /// One value, at the current byte (whitespace skipped); `depth` containers enclose it.
    fn value(&mut self, depth: usize) -> Result<(), Rejected> {
        let src = self.src();
        let entry = match self.peek() {
            Some(b'{') => return self.object(depth + 1),
            Some(b'[') => return self.array(depth + 1),
            Some(b'"') => {
                self.pos += 1;
                self.string()?
            }
            Some(b't') => {
                self.literal(b"true")?;
                Entry::Bool { src, value: true }
            }
            Some(b'f') => {
                self.literal(b"false")?;
                Entry::Bool { src, value: false }
            }
            Some(b'n') => {
                self.literal(b"null")?;
                Entry::Null { src }
            }
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(Rejected::Syntax),
        };
        self.tape.entries.push(entry);
        Ok(())
    }

    #[inline]
    fn literal(&mut self, word: &[u8]) -> Result<(), Rejected> {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Rejected::Syntax)
        }
    }

    fn array(&mut self, depth: usize) -> Result<(), Rejected> {
        if depth > MAX_DEPTH {
            return Err(Rejected::Syntax);
        }
        let src = self.src();
        self.pos += 1;
        let at = self.tape.entries.len();
        self.tape.entries.push(Entry::Array {
            src,
            len: 0,
            end: 0,
        });
        let mut len = 0u32;
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                self.value(depth)?;
                len += 1;
                if self.closed_after_element(b']')? {
                    break;
                }
            }
        }
        let end = self.tape.entries.len() as u32;
        self.tape.entries[at] = Entry::Array { src, len, end };
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<(), Rejected> {
        if depth > MAX_DEPTH {
            return Err(Rejected::Syntax);
        }
        let src = self.src();
        self.pos += 1;
        let at = self.tape.entries.len();
        self.tape.entries.push(Entry::Object {
            src,
            len: 0,
            end: 0,
        });
        let first_key = self.tape.keys.len();
        let mut len = 0u32;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                if self.peek() != Some(b'"') {
                    return Err(Rejected::Syntax);
                }
                self.pos += 1;
                let key = self.string()?;
                if len == 0 && self.key_bytes(key) == RAW_VALUE_TOKEN {
                    return Err(Rejected::Unsupported);
                }
                let hash = hash_key(self.key_bytes(key));
                self.tape.keys.push((hash, self.tape.entries.len() as u32));
                self.tape.entries.push(key);
                self.skip_whitespace();
                if self.peek() != Some(b':') {
                    return Err(Rejected::Syntax);
                }
                self.pos += 1;
                self.skip_whitespace();
                self.value(depth)?;
                len += 1;
                if self.closed_after_element(b'}')? {
                    break;
                }
            }
        }
        let end = self.tape.entries.len() as u32;
        self.tape.entries[at] = Entry::Object { src, len, end };
        if len > 1 && self.has_duplicate(first_key) {
            return Err(Rejected::DuplicateKey);
        }
        // The root's keys are kept, to find members by them (see `NameSet` and
        // `TapeObject::find`).
        if depth > 1 {
            self.tape.keys.truncate(first_key);
        }
        Ok(())
    }

    /// After an element of an array or a member of an object: `,` and the blanks after it
    /// (`false`: another follows), or the `close` bracket (`true`).
    #[inline]
    fn closed_after_element(&mut self, close: u8) -> Result<bool, Rejected> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.skip_whitespace();
                Ok(false)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(Rejected::Syntax),
        }
    }

    #[inline]
    fn key_bytes(&self, entry: Entry) -> &[u8] {
        key_bytes(self.bytes, &self.tape.decoded, entry)
    }

    /// Whether two keys of the object whose keys are `keys[first..]` are equal. Keys are
    /// compared when their hashes are: pairwise for a few keys, through a 4096-bit filter
    /// for up to 256, and a hash table beyond (so time stays linear in the keys).
    fn has_duplicate(&mut self, first: usize) -> bool {
        let Tape {
            entries,
            decoded,
            keys,
            seen,
            stamp,
        } = &mut *self.tape;
        let keys = &keys[first..];
        let same = |a: u32, b: u32| {
            key_bytes(self.bytes, decoded, entries[a as usize])
                == key_bytes(self.bytes, decoded, entries[b as usize])
        };
        if keys.len() <= 8 {
            return keys
                .iter()
                .enumerate()
                .any(|(i, &(h, a))| keys[i + 1..].iter().any(|&(g, b)| g == h && same(a, b)));
        }
        if keys.len() <= 256 {
            let mut filter = [0u64; 64];
            for (i, &(h, a)) in keys.iter().enumerate() {
                let bit = (h >> 52) as usize;
                let (word, mask) = (bit >> 6, 1u64 << (bit & 63));
                if filter[word] & mask != 0 && keys[..i].iter().any(|&(g, b)| g == h && same(a, b))
                {
                    return true;
                }
                filter[word] |= mask;
            }
            return false;
        }
        let size = (keys.len() * 2).next_power_of_two();
        let mask = size - 1;
        if seen.len() < size {
            seen.resize(size, (0, 0, 0));
        }
        *stamp = stamp.wrapping_add(1);
        if *stamp == 0 {
            seen.iter_mut().for_each(|slot| slot.0 = 0);
            *stamp = 1;
        }
        for &(hash, k) in keys {
            let mut slot = hash as usize & mask;
            loop {
                let (s, other, h) = seen[slot];
                if s != *stamp {
                    seen[slot] = (*stamp, k, hash);
                    break;
                }
                if h == hash && same(k, other) {
                    return true;
                }
                slot = (slot + 1) & mask;
            }
        }
        false
    }

    /// A string, the current byte being the first after its opening quote.
    #[inline]
    fn string(&mut self) -> Result<Entry, Rejected> {
        let start = self.pos;
        self.pos = find_special(self.bytes, self.pos);
        match self.peek() {
            Some(b'"') => {
                let len = self.pos - start;
                self.pos += 1;
                Ok(Entry::Str {
                    start: start as u32,
                    len: len as u32,
                })
            }
            Some(b'\\') => self.escaped(start),
            _ => Err(Rejected::Syntax),
        }
    }

    /// The rest of a string with escapes (`self.pos` at the first backslash), decoded.
    #[cold]
    fn escaped(&mut self, start: usize) -> Result<Entry, Rejected> {
        let decoded_start = self.tape.decoded.len();
        let mut segment = start;
        loop {
            let raw = self.text.get(segment..self.pos).ok_or(Rejected::Syntax)?;
            self.tape.decoded.push_str(raw);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape()?;
                    segment = self.pos;
                }
                _ => return Err(Rejected::Syntax),
            }
            self.pos = find_special(self.bytes, self.pos);
        }
        let len = self.tape.decoded.len() - decoded_start;
        let (Ok(decoded_start), Ok(len)) = (u32::try_from(decoded_start), u32::try_from(len))
        else {
            return Err(Rejected::Unsupported);
        };
        Ok(Entry::Escaped {
            src: start as u32 - 1,
            start: decoded_start,
            len,
        })
    }

    /// One escape, the current byte being the one after the backslash.
    fn escape(&mut self) -> Result<(), Rejected> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let n = self.hex4()?;
                let code = match n {
                    0xDC00..=0xDFFF => return Err(Rejected::Syntax),
                    0xD800..=0xDBFF => {
                        if !self.bytes[self.pos..].starts_with(b"\\u") {
                            return Err(Rejected::Syntax);
                        }
                        self.pos += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(Rejected::Syntax);
                        }
                        0x1_0000 + ((n - 0xD800) << 10) + (low - 0xDC00)
                    }
                    _ => n,
                };
                let c = char::from_u32(code).ok_or(Rejected::Syntax)?;
                self.tape.decoded.push(c);
                return Ok(());
            }
            _ => return Err(Rejected::Syntax),
        };
        self.pos += 1;
        self.tape.decoded.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, Rejected> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or(Rejected::Syntax)?;
        let mut n = 0;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(Rejected::Syntax),
            };
            n = n * 16 + u32::from(v);
        }
        self.pos += 4;
        Ok(n)
    }

    /// A number, at its first character (`-` or a digit).
    fn number(&mut self) -> Result<Entry, Rejected> {
        let src = self.src();
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let mut significand: u64 = 0;
        let mut overflow = false;
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(Rejected::Syntax);
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(d @ b'0'..=b'9') = self.peek() {
                    match significand
                        .checked_mul(10)
                        .and_then(|s| s.checked_add(u64::from(d - b'0')))
                    {
                        Some(s) => significand = s,
                        None => overflow = true,
                    }
                    self.pos += 1;
                }
            }
            _ => return Err(Rejected::Syntax),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits()?;
            float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits()?;
            float = true;
        }
        if !float && !overflow {
            // serde_json's rule: a negative integer is an i64 when it is one below zero;
            // `-0` and anything below i64::MIN are floats.
            if !negative {
                return Ok(Entry::PosInt {
                    src,
                    value: significand,
                });
            }
            let value = (significand as i64).wrapping_neg();
            return Ok(if value >= 0 {
                Entry::Float {
                    src,
                    value: -(significand as f64),
                }
            } else {
                Entry::NegInt { src, value }
            });
        }
        // The grammar is checked: Rust's parser reads exactly this literal, correctly
        // rounded, as serde_json's (with float_roundtrip) does.
        let literal = self.text.get(start..self.pos).ok_or(Rejected::Syntax)?;
        let value: f64 = literal.parse().map_err(|_| Rejected::Syntax)?;
        if !value.is_finite() {
            return Err(Rejected::Syntax);
        }
        Ok(Entry::Float { src, value })
    }

    /// One digit or more.
    #[inline]
    fn digits(&mut self) -> Result<(), Rejected> {
        let first = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        if self.pos == first {
            Err(Rejected::Syntax)
        } else {
            Ok(())
        }
    }
}

/// The index of the first byte at or after `i` that ends a string's plain run: a quote, a
/// backslash or a control character; `bytes.len()` if none.
#[inline]
fn find_special(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGHS: u64 = ONES << 7;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // A byte's high bit is set where it is below 0x20, a quote, or a backslash (the
        // lowest such byte is exact; bits above it may be false positives).
        let control = w.wrapping_sub(ONES * 0x20) & !w;
        let q = w ^ (ONES * u64::from(b'"'));
        let quote = q.wrapping_sub(ONES) & !q;
        let b = w ^ (ONES * u64::from(b'\\'));
        let backslash = b.wrapping_sub(ONES) & !b;
        let found = (control | quote | backslash) & HIGHS;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b < 0x20 || b == b'"' || b == b'\\' {
            return i;
        }
        i += 1;
    }
    i
}

/// The bytes of a key entry.
#[inline]
fn key_bytes<'b>(text: &'b [u8], decoded: &'b str, entry: Entry) -> &'b [u8] {
    let (buffer, start, len) = match entry {
        Entry::Str { start, len } => (text, start, len),
        Entry::Escaped { start, len, .. } => (decoded.as_bytes(), start, len),
        _ => return &[],
    };
    buffer
        .get(start as usize..(start + len) as usize)
        .unwrap_or_default()
}

/// A hash of a key, for duplicate detection: its length and its first and last eight
/// bytes (keys alike there collide, and are then compared whole).
#[inline]
fn hash_key(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let n = bytes.len();
    let word = |at: usize| -> u64 {
        let mut w = [0; 8];
        w.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let half = |at: usize| -> u64 {
        let mut w = [0; 4];
        w.copy_from_slice(&bytes[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    let (head, tail) = match n {
        8.. => (word(0), word(n - 8)),
        4..=7 => (half(0), half(n - 4)),
        _ => (bytes.iter().fold(0, |h, &b| h << 8 | u64::from(b)), 0),
    };
    (head ^ (n as u64).rotate_left(56))
        .wrapping_mul(K)
        .rotate_left(23)
        ^ tail.wrapping_mul(K)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value, Rejected> {
        let mut tape = Tape::new();
        tape.parse(text.as_bytes()).map(|doc| doc.root().value())
    }

    #[test]
    fn short_strings_compare_as_slices_do() {
        let base: Vec<u8> = (b'a'..=b'z').chain(b'0'..=b'9').collect();
        for n in 0..=base.len() {
            let a = &base[..n];
            assert!(same_bytes(a, a));
            assert!(n == 0 || !same_bytes(a, &base[1..=n.min(base.len() - 1)]) || n == base.len());
            for i in 0..n {
                let mut b = a.to_vec();
                b[i] ^= 0x20;
                assert!(!same_bytes(a, &b), "{n} {i}");
            }
        }
        assert!(!same_bytes(b"lead_state", b"lead_stat"));
    }

    #[test]
    fn a_name_set_finds_its_names_and_nothing_else() {
        let names = [
            "a",
            "lead_state",
            "contact_email_address",
            "x".repeat(31).leak(),
        ];
        let set = NameSet::new(&names);
        for (i, name) in names.iter().enumerate() {
            assert_eq!(set.index(name), Some(i));
        }
        for other in [
            "",
            "b",
            "lead_statf",
            "contact_email_addresz",
            &"x".repeat(30),
        ] {
            assert_eq!(set.index(other), None, "{other}");
        }
        assert!(set.is_direct());
        // Keys alike in length and in their first and last eight bytes share a hash.
        assert_eq!(
            hash_key(b"contact_email_address"),
            hash_key(b"contact_zzzzz_address")
        );
        assert_eq!(set.index("contact_zzzzz_address"), None);
    }

    /// A printable key of `name`'s length (sixteen bytes) and hash, with other first eight
    /// bytes: the last eight solved for (the multiplier is odd, so it has an inverse).
    fn collision_of(name: &str) -> String {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let inverse = (0..6).fold(K, |x, _| {
            x.wrapping_mul(2u64.wrapping_sub(K.wrapping_mul(x)))
        });
        assert_eq!(K.wrapping_mul(inverse), 1);
        let target = hash_key(name.as_bytes());
        let n = name.len() as u64;
        for seed in 0u64.. {
            let head: Vec<u8> = (0..8)
                .map(|i| b'a' + ((seed >> (3 * i)) & 15) as u8)
                .collect();
            let first = u64::from_le_bytes(head[..].try_into().unwrap());
            let tail = (target ^ (first ^ n.rotate_left(56)).wrapping_mul(K).rotate_left(23))
                .wrapping_mul(inverse);
            let tail = tail.to_le_bytes();
            if tail.iter().all(|b| b.is_ascii_alphanumeric()) {
                let key = String::from_utf8([head, tail.to_vec()].concat()).unwrap();
                assert_eq!(hash_key(key.as_bytes()), target);
                assert_ne!(key, name);
                return key;
            }
        }
        unreachable!()
    }

    #[test]
    fn picking_finds_exactly_the_names_among_the_root_keys() {
        let names: Vec<&'static str> = vec![
            "abc",
            "spam",
            "lead_id",
            "lead_state",
            "profile_id",
            "destination_number",
            "contact_email_address",
            "call_duration_seconds",
            "twenty_four_bytes_long_x",
            "a_name_longer_than_twenty_four",
            "sixteen_bytes_xx",
        ];
        let set = NameSet::new(&names);
        assert!(set.is_direct());
        // Every name, and keys one byte away from each (at every place), of its length
        // plus or minus one, and alike in the bytes the hash reads.
        let mut keys: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        for name in &names {
            for i in 0..name.len() {
                let mut other = name.as_bytes().to_vec();
                other[i] = if other[i] == b'z' { b'y' } else { b'z' };
                keys.push(String::from_utf8(other).unwrap());
            }
            keys.push(format!("{name}x"));
            keys.push(name[..name.len() - 1].to_string());
        }
        assert_eq!(
            hash_key(b"contact_email_address"),
            hash_key(b"contact_zzzzz_address")
        );
        // Keys of a name's hash, each in an object of its own with names (a key that fails
        // the quick comparison sends the whole object to the slow path): one alike in the
        // bytes the hash reads, one made to collide (sixteen printable bytes, other first
        // eight).
        let colliding = [
            "contact_zzzzz_address".to_string(),
            collision_of("sixteen_bytes_xx"),
        ];
        let mut objects: Vec<Vec<String>> = keys.chunks(23).map(<[String]>::to_vec).collect();
        for key in colliding {
            objects.push(vec!["spam".into(), key, "lead_id".into()]);
        }
        // In chunks, so each name meets keys alike in their hashes' bytes in one object.
        for chunk in &objects {
            let members: Vec<String> = chunk
                .iter()
                .enumerate()
                .map(|(i, k)| format!("{}: {i}", Value::from(k.as_str())))
                .collect();
            let text = format!("{{{}}}", members.join(", "));
            let mut tape = Tape::new();
            let doc = tape.parse(text.as_bytes()).unwrap();
            let mut found: Vec<(usize, u64)> = Vec::new();
            assert!(doc.root().pick(&set, |i, node| {
                found.push((i, crate::lint::Node::as_u64(node).unwrap()))
            }));
            // A name met before a key that takes the slow path is found again there.
            found.sort_unstable();
            found.dedup();
            let mut expected: Vec<(usize, u64)> = chunk
                .iter()
                .enumerate()
                .filter_map(|(at, k)| Some((names.iter().position(|n| n == k)?, at as u64)))
                .collect();
            expected.sort_unstable();
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn pointers_land_where_the_text_walk_finds_them() {
        let text = "\n  {\"a\": [1, {\"b\": [[], {\"c\": \"x\"}]}, \"é\"],\n   \"a/b\": {\"m~n\": 2, \"0\": 3, \"\": 4},\n \"s\": \"text\", \"e\\u0041\": {\"k\": null}} ";
        let mut tape = Tape::new();
        let doc = tape.parse(text.as_bytes()).unwrap();
        let pointers = [
            "",
            "/a",
            "/a/0",
            "/a/1",
            "/a/1/b/1/c",
            "/a/2",
            "/a/3",
            "/a/01",
            "/a/-",
            "/a/x",
            "/a/1/b/0/0",
            "/a~1b",
            "/a~1b/m~0n",
            "/a~1b/0",
            "/a~1b/",
            "/a~1b/1",
            "/s/0",
            "/s/x/y",
            "/missing",
            "/missing/deeper",
            "/eA/k",
            "/e\\u0041",
        ];
        for p in pointers {
            assert_eq!(
                doc.root().deepest(p).offset(),
                crate::position::locate(text.as_bytes(), p),
                "{p}"
            );
        }
    }

    #[test]
    fn values_as_serde_reads_them() {
        let text = r#" {"a": [1, -2, 3.5, -0, 18446744073709551616, 1e2, "x\u00e9\n", true, false, null], "b": {}} "#;
        let expected: Value = serde_json::from_str(text).unwrap();
        assert_eq!(parse(text).unwrap(), expected);
    }

    #[test]
    fn numbers_keep_serde_kinds() {
        for text in [
            "0",
            "-0",
            "-0.0",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "-18446744073709551615",
            "1e400",
            "1e-400",
            "0e99999999999999",
            "2.2250738585072011e-308",
            "9007199254740993",
            "9007199254740993.0",
        ] {
            let serde = serde_json::from_str::<Value>(text).ok();
            let tape = parse(text).ok();
            match (&serde, &tape) {
                (Some(Value::Number(a)), Some(Value::Number(b))) => {
                    assert_eq!(
                        (a.as_u64(), a.as_i64(), a.as_f64().map(f64::to_bits)),
                        (b.as_u64(), b.as_i64(), b.as_f64().map(f64::to_bits)),
                        "{text}"
                    );
                }
                (None, None) => {}
                _ => panic!("{text}: serde {serde:?}, tape {tape:?}"),
            }
        }
    }

    #[test]
    fn depth_limit_is_serde_json_s() {
        for depth in [MAX_DEPTH, MAX_DEPTH + 1] {
            for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
                let text = format!("{}1{}", open.repeat(depth), close.repeat(depth));
                let serde = serde_json::from_str::<Value>(&text).is_ok();
                assert_eq!(serde, depth == MAX_DEPTH, "serde_json's limit moved");
                assert_eq!(parse(&text).is_ok(), serde, "depth {depth} {open}");
            }
        }
    }

    #[test]
    fn duplicate_keys_go_to_serde() {
        assert_eq!(parse(r#"{"a":1,"a":2}"#), Err(Rejected::DuplicateKey));
        assert_eq!(parse(r#"{"a":1,"\u0061":2}"#), Err(Rejected::DuplicateKey));
        assert_eq!(parse(r#"[{"a":1},{"a":2}]"#).unwrap()[1]["a"], 2);
        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\":{i}")).collect();
        let text = format!("{{{}}}", many.join(","));
        assert!(parse(&text).is_ok());
        let text = format!("{{{},\"k17\":0}}", many.join(","));
        assert_eq!(parse(&text), Err(Rejected::DuplicateKey));
        // Past 256 keys, the hash table.
        let many: Vec<String> = (0..3000)
            .map(|i| format!("\"key number {i}\":{i}"))
            .collect();
        let text = format!("{{{}}}", many.join(","));
        assert!(parse(&text).is_ok());
        let text = format!("{{{},\"key number 2999\":0}}", many.join(","));
        assert_eq!(parse(&text), Err(Rejected::DuplicateKey));
        let text = format!("{{\"key number 0\":0,{}}}", many.join(","));
        assert_eq!(parse(&text), Err(Rejected::DuplicateKey));
        // Keys alike in length, head and tail.
        let text = r#"{"abcdefgh-1-ijklmnop":1,"abcdefgh-2-ijklmnop":2,"abcdefgh-3-ijklmnop":3,"a":1,"b":1,"c":1,"d":1,"e":1,"f":1}"#;
        assert!(parse(text).is_ok());
    }

    #[test]
    fn raw_value_token_goes_to_serde() {
        let text = r#"{"$serde_json::private::RawValue": "[1]"}"#;
        assert_eq!(
            serde_json::from_str::<Value>(text).unwrap(),
            serde_json::json!([1])
        );
        assert_eq!(parse(text), Err(Rejected::Unsupported));
        // Not first: an ordinary key to serde_json too.
        let text = r#"{"a": 1, "$serde_json::private::RawValue": "[1]"}"#;
        assert_eq!(
            parse(text).unwrap(),
            serde_json::from_str::<Value>(text).unwrap()
        );
    }

    #[test]
    fn strings() {
        for (text, ok) in [
            (r#""\ud83d\ude00""#, true),
            (r#""\ud83d""#, false),
            (r#""\ude00""#, false),
            (r#""\ud83d\u0041""#, false),
            ("\"a\u{7f}b\"", true),
            ("\"a\u{1f}b\"", false),
            (r#""\x""#, false),
            (r#""\u12""#, false),
            (r#""abc"#, false),
        ] {
            assert_eq!(serde_json::from_str::<Value>(text).is_ok(), ok, "{text}");
            assert_eq!(
                parse(text).ok(),
                serde_json::from_str::<Value>(text).ok(),
                "{text}"
            );
        }
        let mut tape = Tape::new();
        assert_eq!(tape.parse(b"\"\xff\"").err(), Some(Rejected::Syntax));
        // Text that is not UTF-8 is rejected wherever it is in the (vectorised) check's
        // blocks, and UTF-8 anywhere is read: a stray byte, a cut sequence, an overlong
        // form, a surrogate, past U+10FFFF; and é, €, 😀.
        for bad in [
            &b"\xff"[..],
            b"\xc3",
            b"\xe2\x82",
            b"\xc0\xaf",
            b"\xed\xa0\x80",
            b"\xf4\x90\x80\x80",
        ] {
            for at in 0..70 {
                let mut text = b"\"".to_vec();
                text.extend(std::iter::repeat_n(b'a', at));
                text.extend_from_slice(bad);
                text.extend(std::iter::repeat_n(b'b', 70 - at));
                text.push(b'"');
                assert_eq!(
                    tape.parse(&text).err(),
                    Some(Rejected::Syntax),
                    "{bad:?} at {at}"
                );
            }
        }
        for good in ["é", "€", "😀"] {
            for at in 0..70 {
                let text = format!("\"{}{good}{}\"", "a".repeat(at), "b".repeat(70 - at));
                assert!(tape.parse(text.as_bytes()).is_ok(), "{good} at {at}");
            }
        }
    }

    #[test]
    fn members_are_found_by_name_on_the_root_and_below_it() {
        // Keys of one hash (alike in the bytes it reads, or made to collide), an escaped
        // key, and the same keys one level down, where the members are scanned.
        let twin = collision_of("sixteen_bytes_xx");
        let keys = [
            "contact_zzzzz_address",
            "contact_email_address",
            twin.as_str(),
            "sixteen_bytes_xx",
            "ab",
            "",
            "lead_id",
        ];
        let mut object = serde_json::Map::new();
        for (i, key) in keys.iter().enumerate() {
            object.insert(key.to_string(), Value::from(i));
        }
        let value = Value::Object(object);
        // "ab" written as "a\u0062".
        let text = |v: &Value| {
            let text = serde_json::to_string(v).unwrap();
            text.replacen("\"ab\"", "\"a\\u0062\"", 1)
        };
        let (root_text, text) = (text(&value), text(&serde_json::json!({"outer": value})));
        let mut tape = Tape::new();
        for (text, nested) in [(root_text, false), (text, true)] {
            let doc = tape.parse(text.as_bytes()).unwrap();
            let mut object = doc.root().as_object().unwrap();
            if nested {
                object = object.find("outer").unwrap().as_object().unwrap();
            }
            for (i, key) in keys.iter().enumerate() {
                let found = object.find(key).map(|n| n.value());
                assert_eq!(found, Some(Value::from(i)), "{key:?} nested: {nested}");
            }
            for absent in ["contact_yyyyy_address", "sixteen_bytes_xy", "a", "lead_ids"] {
                assert!(object.find(absent).is_none(), "{absent} nested: {nested}");
            }
        }
    }

    #[test]
    fn offsets_point_at_values() {
        let text = r#"{"a": [1, "x\n"], "b": null}"#;
        let mut tape = Tape::new();
        let doc = tape.parse(text.as_bytes()).unwrap();
        let root = doc.root();
        let a = root.field("a").unwrap();
        assert_eq!(a.offset(), 6);
        let items: Vec<usize> = a
            .as_array()
            .unwrap()
            .elements()
            .map(|e| e.offset())
            .collect();
        assert_eq!(items, [7, 10]);
        assert_eq!(root.field("b").unwrap().offset(), 23);
        assert!(root.field("c").is_none());
    }

    #[test]
    fn lists() {
        for (text, list) in [
            (r#"{"leads": [], "page_number": 1}"#, true),
            (r#"{"leads": [], "lead_id": 1}"#, false),
            (r#"{"leads": {}}"#, false),
            (r#"[{"lead_id": 1}, {}]"#, true),
            (r#"[{"lead_id": 1}, 2]"#, false),
            (r#"[{"x": 1}]"#, false),
            ("[]", false),
            ("1", false),
        ] {
            let mut tape = Tape::new();
            let doc = tape.parse(text.as_bytes()).unwrap();
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(doc.is_list(), list, "{text}");
            assert_eq!(crate::capture::is_list(&value), list, "{text}");
        }
    }

    #[test]
    fn conformance() {
        let text = jsonschema::json::conformance::document().to_string();
        let mut tape = Tape::new();
        let doc = tape.parse(text.as_bytes()).unwrap();
        jsonschema::json::conformance::assert_conformance::<TapeJson>(&doc.root());
    }
}
