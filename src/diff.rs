//! Structural differences between two JSON values, as data: every change named by its JSON
//! Pointer, as added, removed or changed with its old and new values. Nothing here prints.
//!
//! What counts as a change:
//! - object key order never does; objects are compared key by key, recursively;
//! - numbers are compared by value, exactly as written: `1`, `1.0` and `1e0` are equal,
//!   `100000000000000000000000000001` and `100000000000000000000000000000` are not (see
//!   "Exact numbers" below);
//! - arrays are aligned (longest common subsequence of equal elements, after the common
//!   prefix and suffix are set aside), so an inserted element is one insertion, not every
//!   later element changed. Unequal elements left between two aligned ones are paired in
//!   order and compared recursively; the rest are insertions or removals.
//!
//! The alignment (Myers' shortest edit script over element classes: equal elements share
//! a class number) costs about (N+M)·D steps for D differences. Its work, and the memory
//! it keeps, are bounded for the whole diff ([`Options::align_budget`]): an array pair
//! whose alignment would exceed what is left is compared index by index instead, and the
//! diff says so in [`Diff::fallbacks`].
//!
//! Exact numbers: serde_json here has no `arbitrary_precision`, so a number beyond i64/u64,
//! or with more digits than an f64 keeps, is held in a [`Value`] as the nearest f64, and two
//! different numbers can share it. Turning the feature on was measured and rejected: on a
//! 256 MB NDJSON capture of the sample payloads (158,112 records, about 4 numbers each),
//! `leadcheck validate -q -j1` took 7.21-7.66 s with it against 6.59-7.17 s without (three
//! alternating runs each, release builds): every number becomes a heap string that
//! `as_f64`/`is_u64` parse again at each look, which jsonschema does for every numeric
//! keyword (parsing alone into `Value` cost about 1%); and it changes what other crates
//! see. So the
//! records' own text decides instead: [`Literals::of`] reads a record's number literals (with
//! [`crate::tree`], which keeps them as written) and keeps those its `Value` does not hold
//! exactly, and [`diff_exact`] compares numbers by their exact decimal value: the literal's
//! where there is one, the `Value`'s otherwise. [`diff`] is [`diff_exact`] without literals.
//!
//! Pointers: a change's [`Change::pointer`] names the value in NEW (for a removal, in OLD).
//! [`Change::path`] is where the change applies when the changes are applied in order to
//! OLD, so [`patch`] turns them into an RFC 6902 JSON Patch without index bookkeeping.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use serde::Serialize;
use serde_json::{Map, Number, Value};

use crate::position::escape_token;

/// The default bound on alignment work for one diff, in search steps (each a few
/// nanoseconds, and at most four bytes of memory kept for the way back).
pub const DEFAULT_ALIGN_BUDGET: usize = 4_000_000;

/// What happened at a pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Added,
    Removed,
    Changed,
}

/// One change between OLD and NEW.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// JSON Pointer of the value: in NEW for an addition or a change, in OLD for a removal.
    pub pointer: String,
    pub kind: Kind,
    /// The value in OLD (none for an addition).
    pub old: Option<Value>,
    /// The value in NEW (none for a removal).
    pub new: Option<Value>,
    /// Where the change applies when the changes before it have been applied to OLD.
    #[serde(skip)]
    pub path: String,
    /// A number as its record wrote it, when `old` (`new`) holds only the nearest f64 of
    /// it (see "Exact numbers").
    #[serde(skip)]
    pub old_text: Option<String>,
    #[serde(skip)]
    pub new_text: Option<String>,
}

impl Change {
    /// The value in OLD, exactly as written.
    pub fn old_shown(&self) -> Option<Shown<'_>> {
        shown(&self.old, &self.old_text)
    }

    /// The value in NEW, exactly as written.
    pub fn new_shown(&self) -> Option<Shown<'_>> {
        shown(&self.new, &self.new_text)
    }
}

fn shown<'a>(value: &'a Option<Value>, text: &'a Option<String>) -> Option<Shown<'a>> {
    match (value, text) {
        (_, Some(text)) => Some(Shown::Literal(text)),
        (Some(value), None) => Some(Shown::Value(value)),
        (None, None) => None,
    }
}

/// A value of a change as it is to be written: a `Value`, or a number's literal text (a
/// number no f64 holds exactly), which serialises as that number, digit for digit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown<'a> {
    Value(&'a Value),
    Literal(&'a str),
}

impl Serialize for Shown<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Value(v) => v.serialize(s),
            Shown::Literal(text) => {
                match serde_json::value::RawValue::from_string(text.to_string()) {
                    Ok(raw) => raw.serialize(s),
                    Err(_) => s.serialize_str(text),
                }
            }
        }
    }
}

impl std::fmt::Display for Shown<'_> {
    /// Compact JSON.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Value(v) => write!(f, "{v}"),
            Shown::Literal(text) => f.write_str(text),
        }
    }
}

/// Two arrays that were compared index by index because aligning them would have exceeded
/// the bound on alignment work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fallback {
    /// The array, in NEW.
    pub pointer: String,
    pub old_len: usize,
    pub new_len: usize,
}

/// The changes from OLD to NEW, in document order (object keys sorted).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    pub changes: Vec<Change>,
    pub fallbacks: Vec<Fallback>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Counts of (added, removed, changed).
    pub fn counts(&self) -> (usize, usize, usize) {
        count(&self.changes)
    }
}

/// Counts of (added, removed, changed).
pub fn count(changes: &[Change]) -> (usize, usize, usize) {
    changes
        .iter()
        .fold((0, 0, 0), |(a, r, c), ch| match ch.kind {
            Kind::Added => (a + 1, r, c),
            Kind::Removed => (a, r + 1, c),
            Kind::Changed => (a, r, c + 1),
        })
}

/// Pointers whose changes are left out: `/a/b` leaves out a change reported at exactly
/// `/a/b`; `/a/b/*` leaves out `/a/b` and everything under it (`/*` is everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ignore {
    exact: Vec<String>,
    subtrees: Vec<String>,
}

impl Ignore {
    /// Parses `--ignore` values. Each must be a JSON Pointer (`""` or starting with `/`).
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Ignore, String> {
        let mut ignore = Ignore::default();
        for p in patterns {
            let p = p.as_ref();
            if !p.is_empty() && !p.starts_with('/') {
                return Err(format!(
                    "--ignore {p:?}: not a JSON Pointer (it must start with `/`, e.g. /{p})"
                ));
            }
            match p.strip_suffix("/*") {
                Some(prefix) => ignore.subtrees.push(prefix.to_string()),
                None => ignore.exact.push(p.to_string()),
            }
        }
        Ok(ignore)
    }

    /// Whether a change reported at `pointer` is left out.
    pub fn matches(&self, pointer: &str) -> bool {
        self.exact.iter().any(|e| e == pointer) || self.prunes(pointer)
    }

    /// Whether everything at and under `pointer` is left out.
    fn prunes(&self, pointer: &str) -> bool {
        self.subtrees.iter().any(|s| {
            pointer.len() >= s.len()
                && pointer.starts_with(s.as_str())
                && (pointer.len() == s.len() || pointer.as_bytes()[s.len()] == b'/')
        })
    }
}

/// How to compare.
#[derive(Debug, Clone)]
pub struct Options {
    pub ignore: Ignore,
    /// The bound on alignment work for the whole diff, in search steps.
    pub align_budget: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            ignore: Ignore::default(),
            align_budget: DEFAULT_ALIGN_BUDGET,
        }
    }
}

/// The changes that turn `old` into `new`, numbers compared as their `Value`s hold them
/// (see [`diff_exact`] to compare them as written).
pub fn diff(old: &Value, new: &Value, options: &Options) -> Diff {
    let none = Literals::default();
    diff_exact(old, &none, new, &none, options)
}

/// The changes that turn `old` into `new`, numbers compared exactly as the records wrote
/// them: `old_literals` and `new_literals` are [`Literals::of`] each record's text.
pub fn diff_exact(
    old: &Value,
    old_literals: &Literals,
    new: &Value,
    new_literals: &Literals,
    options: &Options,
) -> Diff {
    let mut walker = Walker {
        options,
        budget: options.align_budget,
        out: Diff::default(),
        literals: [old_literals, new_literals],
    };
    walker.walk(old, new, "", "", "");
    walker.out
}

/// The number literals of a record that its `Value` does not hold exactly, by JSON Pointer,
/// each as its exact decimal value (see [`canonical`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Literals {
    /// Pointer → exact decimal value.
    by_pointer: std::collections::BTreeMap<String, String>,
    /// Pointer → the literal as written (for display).
    written: std::collections::BTreeMap<String, String>,
}

impl Literals {
    /// The literals of a record's text (well-formed JSON: a record the reader parsed). A
    /// key given twice counts once, its last value, as in the record's `Value`.
    pub fn of(raw: &[u8]) -> Literals {
        let mut literals = Literals::default();
        literals.collect(&crate::tree::parse(raw), &mut String::new());
        literals
    }

    fn collect(&mut self, node: &crate::tree::Node<'_>, pointer: &mut String) {
        use crate::tree::Node;
        match node {
            Node::Object(members) => {
                for (key, value) in members {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_token(&crate::tree::key_text(key)));
                    // A key given again replaces the subtree it had.
                    let stale: Vec<String> = if self.by_pointer.is_empty() {
                        Vec::new()
                    } else {
                        self.under(pointer).map(|(p, _)| p.to_string()).collect()
                    };
                    for p in stale {
                        self.by_pointer.remove(&p);
                        self.written.remove(&p);
                    }
                    self.collect(value, pointer);
                    pointer.truncate(len);
                }
            }
            Node::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    self.collect(item, pointer);
                    pointer.truncate(len);
                }
            }
            Node::Scalar(raw) => {
                let Ok(text) = std::str::from_utf8(raw) else {
                    return;
                };
                if !text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
                    return;
                }
                let Ok(number) = serde_json::from_str::<Number>(text) else {
                    return;
                };
                let exact = canonical(text);
                if exact != canonical(&number.to_string()) {
                    self.by_pointer.insert(pointer.clone(), exact);
                    self.written.insert(pointer.clone(), text.to_string());
                }
            }
        }
    }

    /// No literal differs from its value.
    pub fn is_empty(&self) -> bool {
        self.by_pointer.is_empty()
    }

    /// The number at `pointer` as the record wrote it, when its `Value` does not hold it
    /// exactly (a `Change`'s value shows the nearest f64; a renderer can show this).
    pub fn written(&self, pointer: &str) -> Option<&str> {
        self.written.get(pointer).map(String::as_str)
    }

    fn get(&self, pointer: &str) -> Option<&str> {
        self.by_pointer.get(pointer).map(String::as_str)
    }

    /// The literals at `pointer` and below it.
    fn under<'s>(&'s self, pointer: &'s str) -> impl Iterator<Item = (&'s str, &'s str)> {
        use std::ops::Bound::{Excluded, Included};
        // Below `pointer` is exactly the range [pointer + "/", pointer + "0"): '0' follows '/'.
        let (from, to) = (format!("{pointer}/"), format!("{pointer}0"));
        let below: Vec<(&str, &str)> = self
            .by_pointer
            .range::<str, _>((Included(from.as_str()), Excluded(to.as_str())))
            .map(|(p, v)| (p.as_str(), v.as_str()))
            .collect();
        self.by_pointer
            .get_key_value(pointer)
            .map(|(p, v)| (p.as_str(), v.as_str()))
            .into_iter()
            .chain(below)
    }

    fn any_under(&self, pointer: &str) -> bool {
        !self.by_pointer.is_empty() && self.under(pointer).next().is_some()
    }
}

/// The exact decimal value of a JSON number literal, in one spelling: sign, significant
/// digits without leading or trailing zeros, and a power of ten (`1`, `1.0`, `10e-1` and
/// `0.1e1` are all `1e0`; zero is `0` whatever its sign). A literal whose exponent has
/// more than 30 digits is kept as written.
pub fn canonical(literal: &str) -> String {
    let (negative, rest) = match literal.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, literal),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, "0"),
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    if exponent.trim_start_matches('-').len() > 30 {
        return literal.to_string();
    }
    let Ok(mut exponent) = exponent.parse::<i128>() else {
        return literal.to_string();
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    exponent -= frac.len() as i128;
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    let significant = digits.trim_end_matches('0');
    if significant.is_empty() {
        return "0".into();
    }
    exponent += (digits.len() - significant.len()) as i128;
    format!(
        "{}{significant}e{exponent}",
        if negative { "-" } else { "" }
    )
}

/// Whether two values are equal as JSON data: key order and number spelling do not count.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => number_eq(x, y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| equal(v, w))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

fn as_int(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// Numbers compared by their exact decimal value as their `Value`s spell them (see
/// [`canonical`]): integers as integers, floats by value, and an integer against a float by
/// their decimal spellings (the float's shortest round-trip one), so that `1` equals `1.0`
/// and `1152921504606846976` does not equal `1.152921504606847e18`, as written.
fn number_eq(x: &Number, y: &Number) -> bool {
    match (as_int(x), as_int(y)) {
        (Some(a), Some(b)) => a == b,
        (None, None) => x.as_f64() == y.as_f64(),
        _ => canonical(&x.to_string()) == canonical(&y.to_string()),
    }
}

/// The integer a float's decimal spelling is, when it is one (within i128).
fn float_int(n: &Number) -> Option<i128> {
    let c = canonical(&n.to_string());
    if c == "0" {
        return Some(0);
    }
    let (digits, exponent) = c.split_once('e')?;
    let exponent: u32 = exponent.parse().ok()?;
    let digits: i128 = digits.parse().ok()?;
    digits.checked_mul(10i128.checked_pow(exponent)?)
}

/// A hash consistent with [`equal`]: equal values hash alike.
fn hash_value(v: &Value, h: &mut impl Hasher) {
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => {
            2u8.hash(h);
            match as_int(n).or_else(|| float_int(n)) {
                Some(i) => (0u8, i).hash(h),
                None => (1u8, n.as_f64().map(f64::to_bits)).hash(h),
            }
        }
        Value::String(s) => (3u8, s).hash(h),
        Value::Array(a) => {
            (4u8, a.len()).hash(h);
            for x in a {
                hash_value(x, h);
            }
        }
        Value::Object(o) => {
            (5u8, o.len()).hash(h);
            // Order-independent, whatever order the map keeps its keys in.
            let sum = o.iter().fold(0u64, |acc, (k, x)| {
                let mut eh = DefaultHasher::new();
                k.hash(&mut eh);
                hash_value(x, &mut eh);
                acc.wrapping_add(eh.finish())
            });
            sum.hash(h);
        }
    }
}

/// One step of an array alignment (indices into OLD and NEW).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Equal elements.
    Keep,
    /// Unequal elements compared recursively.
    Pair(usize, usize),
    Remove(usize),
    Insert(usize),
}

struct Walker<'a> {
    options: &'a Options,
    /// Alignment steps left.
    budget: usize,
    out: Diff,
    /// OLD's and NEW's number literals.
    literals: [&'a Literals; 2],
}

/// Which record a value is from.
const OLD: usize = 0;
const NEW: usize = 1;

fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

impl Walker<'_> {
    /// Records a change unless it is ignored; says whether it was recorded.
    /// Records a change; `old` and `new` come with their pointers in OLD and NEW (where
    /// their literals are looked up). False when the change is ignored.
    fn emit(
        &mut self,
        kind: Kind,
        pointer: String,
        path: String,
        old: Option<(&Value, &str)>,
        new: Option<(&Value, &str)>,
    ) -> bool {
        if self.options.ignore.matches(&pointer) {
            return false;
        }
        let text = |side: usize, at: Option<(&Value, &str)>| {
            let (v, p) = at?;
            v.is_number()
                .then(|| self.literals[side].written(p).map(str::to_string))
                .flatten()
        };
        let (old_text, new_text) = (text(OLD, old), text(NEW, new));
        self.out.changes.push(Change {
            pointer,
            kind,
            old: old.map(|(v, _)| v.clone()),
            new: new.map(|(v, _)| v.clone()),
            path,
            old_text,
            new_text,
        });
        true
    }

    /// `pointer` is where the values are in NEW, `old_pointer` in OLD.
    fn walk(&mut self, old: &Value, new: &Value, pointer: &str, old_pointer: &str, path: &str) {
        if self.options.ignore.prunes(pointer) {
            return;
        }
        match (old, new) {
            (Value::Object(a), Value::Object(b)) => self.object(a, b, pointer, old_pointer, path),
            (Value::Array(a), Value::Array(b)) => self.array(a, b, pointer, old_pointer, path),
            _ if self.equal_at(old, old_pointer, new, pointer) => {}
            _ => {
                self.emit(
                    Kind::Changed,
                    pointer.to_string(),
                    path.to_string(),
                    Some((old, old_pointer)),
                    Some((new, pointer)),
                );
            }
        }
    }

    fn object(
        &mut self,
        a: &Map<String, Value>,
        b: &Map<String, Value>,
        pointer: &str,
        old_pointer: &str,
        path: &str,
    ) {
        let mut keys: Vec<&String> = a
            .keys()
            .chain(b.keys().filter(|k| !a.contains_key(*k)))
            .collect();
        keys.sort();
        for key in keys {
            let p = child(pointer, key);
            let q = child(path, key);
            match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) => self.walk(x, y, &p, &child(old_pointer, key), &q),
                (Some(x), None) => {
                    let o = child(old_pointer, key);
                    self.emit(Kind::Removed, o.clone(), q, Some((x, &o)), None);
                }
                (None, Some(y)) => {
                    self.emit(Kind::Added, p.clone(), q, None, Some((y, &p)));
                }
                (None, None) => {}
            }
        }
    }

    fn array(&mut self, a: &[Value], b: &[Value], pointer: &str, old_pointer: &str, path: &str) {
        // `at` is the index, in the array as it is when this step is applied, of the
        // element the step concerns: removals do not advance it, everything else does.
        let mut at = 0usize;
        for step in self.align(a, b, pointer, old_pointer) {
            match step {
                Step::Keep => at += 1,
                Step::Pair(i, j) => {
                    let p = child(pointer, &j.to_string());
                    let q = child(path, &at.to_string());
                    self.walk(&a[i], &b[j], &p, &child(old_pointer, &i.to_string()), &q);
                    at += 1;
                }
                Step::Remove(i) => {
                    let p = child(old_pointer, &i.to_string());
                    let q = child(path, &at.to_string());
                    if !self.emit(Kind::Removed, p.clone(), q, Some((&a[i], &p)), None) {
                        at += 1; // ignored: the element stays
                    }
                }
                Step::Insert(j) => {
                    let p = child(pointer, &j.to_string());
                    let q = child(path, &at.to_string());
                    if self.emit(Kind::Added, p.clone(), q, None, Some((&b[j], &p))) {
                        at += 1;
                    }
                }
            }
        }
    }

    /// Whether two values are equal, numbers compared as written when either record has
    /// literals at or below these pointers.
    fn equal_at(&self, old: &Value, old_pointer: &str, new: &Value, pointer: &str) -> bool {
        if !self.literals[OLD].any_under(old_pointer) && !self.literals[NEW].any_under(pointer) {
            return equal(old, new);
        }
        exact_equal(
            (old, old_pointer, self.literals[OLD]),
            (new, pointer, self.literals[NEW]),
        )
    }

    /// Aligns two arrays: the steps that turn `a` into `b`, in order.
    fn align(&mut self, a: &[Value], b: &[Value], pointer: &str, old_pointer: &str) -> Vec<Step> {
        let exact =
            self.literals[OLD].any_under(old_pointer) || self.literals[NEW].any_under(pointer);
        let at = |side: usize, i: usize| {
            child(
                if side == OLD { old_pointer } else { pointer },
                &i.to_string(),
            )
        };
        let same = |i: usize, j: usize| {
            if exact {
                exact_equal(
                    (&a[i], &at(OLD, i), self.literals[OLD]),
                    (&b[j], &at(NEW, j), self.literals[NEW]),
                )
            } else {
                equal(&a[i], &b[j])
            }
        };
        let mut pre = 0;
        while pre < a.len() && pre < b.len() && same(pre, pre) {
            pre += 1;
        }
        let mut suf = 0;
        while suf < a.len() - pre
            && suf < b.len() - pre
            && same(a.len() - 1 - suf, b.len() - 1 - suf)
        {
            suf += 1;
        }
        let (n, m) = (a.len() - pre - suf, b.len() - pre - suf);
        let mut steps = vec![Step::Keep; pre];
        if n == 0 || m == 0 {
            steps.extend((pre..pre + n).map(Step::Remove));
            steps.extend((pre..pre + m).map(Step::Insert));
        } else {
            let (ca, cb) = if exact {
                let olds: Vec<Exact<'_>> = (pre..pre + n)
                    .map(|i| (&a[i], at(OLD, i), self.literals[OLD]))
                    .collect();
                let news: Vec<Exact<'_>> = (pre..pre + m)
                    .map(|j| (&b[j], at(NEW, j), self.literals[NEW]))
                    .collect();
                exact_classes(&olds, &news)
            } else {
                classes(&a[pre..pre + n], &b[pre..pre + m])
            };
            match myers(&ca, &cb, &mut self.budget) {
                Some(script) => steps.extend(pair_up(script, pre)),
                None => {
                    self.out.fallbacks.push(Fallback {
                        pointer: pointer.to_string(),
                        old_len: a.len(),
                        new_len: b.len(),
                    });
                    let common = n.min(m);
                    steps.extend((pre..pre + common).map(|i| Step::Pair(i, i)));
                    steps.extend((pre + common..pre + n).map(Step::Remove));
                    steps.extend((pre + common..pre + m).map(Step::Insert));
                }
            }
        }
        steps.extend(std::iter::repeat_n(Step::Keep, suf));
        steps
    }
}

/// The elements as class numbers: equal elements (of either array) get the same number.
fn classes(a: &[Value], b: &[Value]) -> (Vec<u32>, Vec<u32>) {
    // The first value seen with each hash, and (rarely) the others with the same hash.
    let mut first: HashMap<u64, u32> = HashMap::with_capacity(a.len() + b.len());
    let mut more: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut reps: Vec<&Value> = Vec::new();
    let mut class_of = |v| -> u32 {
        let mut h = DefaultHasher::new();
        hash_value(v, &mut h);
        let hash = h.finish();
        let next = reps.len() as u32;
        match first.get(&hash) {
            None => {
                first.insert(hash, next);
            }
            Some(&id) if equal(reps[id as usize], v) => return id,
            Some(_) => {
                let others = more.entry(hash).or_default();
                if let Some(&id) = others.iter().find(|&&id| equal(reps[id as usize], v)) {
                    return id;
                }
                others.push(next);
            }
        }
        reps.push(v);
        next
    };
    let ca = a.iter().map(&mut class_of).collect();
    let cb = b.iter().map(&mut class_of).collect();
    (ca, cb)
}

/// A value with where it is in its record and that record's literals.
type Exact<'v> = (&'v Value, String, &'v Literals);

/// [`classes`], numbers compared as written.
fn exact_classes(a: &[Exact<'_>], b: &[Exact<'_>]) -> (Vec<u32>, Vec<u32>) {
    let mut by_hash: HashMap<u64, Vec<u32>> = HashMap::new();
    // Each class's first member: (from b, index).
    let mut reps: Vec<(bool, usize)> = Vec::new();
    let mut classify = |x: &Exact<'_>, rep: (bool, usize)| -> u32 {
        let mut h = DefaultHasher::new();
        exact_hash((x.0, &x.1, x.2), &mut h);
        let ids = by_hash.entry(h.finish()).or_default();
        let same = ids.iter().find(|&&id| {
            let (in_b, i) = reps[id as usize];
            let r = if in_b { &b[i] } else { &a[i] };
            exact_equal((r.0, &r.1, r.2), (x.0, &x.1, x.2))
        });
        if let Some(&id) = same {
            return id;
        }
        let id = reps.len() as u32;
        ids.push(id);
        reps.push(rep);
        id
    };
    let ca = a
        .iter()
        .enumerate()
        .map(|(i, x)| classify(x, (false, i)))
        .collect();
    let cb = b
        .iter()
        .enumerate()
        .map(|(i, x)| classify(x, (true, i)))
        .collect();
    (ca, cb)
}

/// A number's exact decimal value: its literal's where the record has one, its `Value`'s
/// otherwise.
fn exact_number(n: &Number, pointer: &str, literals: &Literals) -> String {
    match literals.get(pointer) {
        Some(exact) => exact.to_string(),
        None => canonical(&n.to_string()),
    }
}

/// [`equal`], numbers compared by their exact decimal value as written.
fn exact_equal(a: (&Value, &str, &Literals), b: (&Value, &str, &Literals)) -> bool {
    if !a.2.any_under(a.1) && !b.2.any_under(b.1) {
        return equal(a.0, b.0);
    }
    match (a.0, b.0) {
        (Value::Number(x), Value::Number(y)) => {
            exact_number(x, a.1, a.2) == exact_number(y, b.1, b.2)
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len()
                && x.iter().zip(y).enumerate().all(|(i, (v, w))| {
                    let i = i.to_string();
                    exact_equal((v, &child(a.1, &i), a.2), (w, &child(b.1, &i), b.2))
                })
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.get(k).is_some_and(|w| {
                        exact_equal((v, &child(a.1, k), a.2), (w, &child(b.1, k), b.2))
                    })
                })
        }
        _ => a.0 == b.0,
    }
}

/// A hash consistent with [`exact_equal`]: numbers by their exact decimal value.
fn exact_hash(x: (&Value, &str, &Literals), h: &mut impl Hasher) {
    match x.0 {
        Value::Number(n) => (2u8, exact_number(n, x.1, x.2)).hash(h),
        Value::Array(a) => {
            (4u8, a.len()).hash(h);
            for (i, v) in a.iter().enumerate() {
                exact_hash((v, &child(x.1, &i.to_string()), x.2), h);
            }
        }
        Value::Object(o) => {
            (5u8, o.len()).hash(h);
            let sum = o.iter().fold(0u64, |acc, (k, v)| {
                let mut eh = DefaultHasher::new();
                k.hash(&mut eh);
                exact_hash((v, &child(x.1, k), x.2), &mut eh);
                acc.wrapping_add(eh.finish())
            });
            sum.hash(h);
        }
        other => hash_value(other, h),
    }
}

/// A shortest edit script (Myers' O((N+M)·D) algorithm) of two non-empty sequences of
/// class numbers, with indices relative to them: `Keep` for a common element, `Remove(i)`,
/// `Insert(j)`. Each step of the search is charged to `budget` (and so is the memory it
/// keeps for the way back, which is of the same order); `None` when it runs out.
fn myers(a: &[u32], b: &[u32], budget: &mut usize) -> Option<Vec<Step>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = n + m;
    if max > i32::MAX as isize {
        return None;
    }
    // v[k + max] is the furthest x reached on diagonal k = x - y.
    let mut v = vec![0isize; 2 * max as usize + 2];
    // trace[d] holds v over diagonals -d..=d after step d, for the way back.
    let mut trace: Vec<Vec<i32>> = Vec::new();
    let mut found = None;
    'search: for d in 0..=max {
        let cost = 2 * d as usize + 1;
        if cost > *budget {
            return None;
        }
        *budget -= cost;
        for k in (-d..=d).step_by(2) {
            let i = (k + max) as usize;
            let mut x = if k == -d || (k != d && v[i - 1] < v[i + 1]) {
                v[i + 1]
            } else {
                v[i - 1] + 1
            };
            let mut y = x - k;
            let start = x;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            let snake = (x - start) as usize;
            if snake > *budget {
                return None;
            }
            *budget -= snake;
            v[i] = x;
            if x >= n && y >= m {
                trace.push(window(&v, max, d));
                found = Some(d);
                break 'search;
            }
        }
        trace.push(window(&v, max, d));
    }
    let depth = found?;
    let mut script = Vec::with_capacity((n + m) as usize);
    let (mut x, mut y) = (n, m);
    for d in (1..=depth).rev() {
        let prev = &trace[d as usize - 1];
        let at = |k: isize| prev[(k + d - 1) as usize] as isize;
        let k = x - y;
        let prev_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = at(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            script.push(Step::Keep);
            x -= 1;
            y -= 1;
        }
        if x == prev_x {
            script.push(Step::Insert(prev_y as usize));
        } else {
            script.push(Step::Remove(prev_x as usize));
        }
        (x, y) = (prev_x, prev_y);
    }
    while x > 0 && y > 0 {
        script.push(Step::Keep);
        x -= 1;
        y -= 1;
    }
    script.reverse();
    Some(script)
}

/// `v` over the diagonals -d..=d, compactly (the search keeps one per step).
fn window(v: &[isize], max: isize, d: isize) -> Vec<i32> {
    v[(max - d) as usize..=(max + d) as usize]
        .iter()
        .map(|&x| x as i32)
        .collect()
}

/// Turns each run of removals and insertions between two kept elements into pairs (compared
/// recursively, in order), then the leftover removals, then the leftover insertions; shifts
/// indices by `offset`.
fn pair_up(script: Vec<Step>, offset: usize) -> Vec<Step> {
    let mut out = Vec::with_capacity(script.len());
    let mut removed = Vec::new();
    let mut inserted = Vec::new();
    let flush = |out: &mut Vec<Step>, removed: &mut Vec<usize>, inserted: &mut Vec<usize>| {
        let common = removed.len().min(inserted.len());
        out.extend((0..common).map(|k| Step::Pair(removed[k], inserted[k])));
        out.extend(removed[common..].iter().map(|&i| Step::Remove(i)));
        out.extend(inserted[common..].iter().map(|&j| Step::Insert(j)));
        removed.clear();
        inserted.clear();
    };
    for step in script {
        match step {
            Step::Remove(i) => removed.push(i + offset),
            Step::Insert(j) => inserted.push(j + offset),
            Step::Keep | Step::Pair(..) => {
                flush(&mut out, &mut removed, &mut inserted);
                out.push(step);
            }
        }
    }
    flush(&mut out, &mut removed, &mut inserted);
    out
}

/// The changes as an RFC 6902 JSON Patch: applied in order to OLD, it gives NEW (less the
/// ignored changes).
pub fn patch(changes: &[Change]) -> Vec<PatchOp<'_>> {
    changes
        .iter()
        .map(|c| PatchOp {
            op: match c.kind {
                Kind::Added => "add",
                Kind::Removed => "remove",
                Kind::Changed => "replace",
            },
            path: &c.path,
            value: c.new_shown(),
        })
        .collect()
}

/// One operation of an RFC 6902 JSON Patch (numbers written exactly).
#[derive(Debug, Clone, Serialize)]
pub struct PatchOp<'a> {
    pub op: &'static str,
    pub path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Shown<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn d(old: Value, new: Value) -> Vec<String> {
        summary(&diff(&old, &new, &Options::default()))
    }

    fn summary(diff: &Diff) -> Vec<String> {
        diff.changes
            .iter()
            .map(|c| {
                let v = |v: &Option<Value>| v.as_ref().map_or("-".into(), Value::to_string);
                format!("{:?} {} {} {}", c.kind, c.pointer, v(&c.old), v(&c.new))
            })
            .collect()
    }

    #[test]
    fn key_order_and_number_spelling_do_not_count() {
        let old: Value = serde_json::from_str(r#"{"a": 1, "b": [1.0, {"x": 2, "y": 3}]}"#).unwrap();
        let new: Value =
            serde_json::from_str(r#"{"b": [1, {"y": 3e0, "x": 2.0}], "a": 1.00}"#).unwrap();
        assert!(d(old, new).is_empty());
    }

    #[test]
    fn numbers_by_value_with_big_integers() {
        let n = |s: &str| serde_json::from_str::<Value>(s).unwrap();
        assert!(equal(&n("1"), &n("1.0")));
        assert!(equal(&n("-0"), &n("0")));
        assert!(equal(
            &n("18446744073709551615"),
            &n("18446744073709551615")
        ));
        // 2^53 + 1 is not a float: the float nearest to it is 2^53.
        assert!(!equal(&n("9007199254740993"), &n("9007199254740992.0")));
        assert!(equal(&n("9007199254740992"), &n("9007199254740992.0")));
        assert!(!equal(
            &n("18446744073709551615"),
            &n("18446744073709551616.0")
        ));
        assert!(!equal(&n("-1"), &n("18446744073709551615")));
        assert!(!equal(&n("0.5"), &n("0")));
        assert!(!equal(&n("1"), &n("\"1\"")));
        let h = |v: &Value| {
            let mut h = DefaultHasher::new();
            hash_value(v, &mut h);
            h.finish()
        };
        assert_eq!(h(&n("[1, {\"a\": 2}]")), h(&n("[1.0, {\"a\": 2e0}]")));
    }

    fn exact(old: &str, new: &str) -> Vec<String> {
        let (a, b) = (
            serde_json::from_str::<Value>(old).unwrap(),
            serde_json::from_str::<Value>(new).unwrap(),
        );
        let found = diff_exact(
            &a,
            &Literals::of(old.as_bytes()),
            &b,
            &Literals::of(new.as_bytes()),
            &Options::default(),
        );
        found
            .changes
            .iter()
            .map(|c| format!("{:?} {}", c.kind, c.pointer).to_lowercase())
            .collect()
    }

    #[test]
    fn canonical_spellings() {
        for (literal, expected) in [
            ("1", "1e0"),
            ("1.0", "1e0"),
            ("1e0", "1e0"),
            ("10e-1", "1e0"),
            ("0.1e1", "1e0"),
            ("100", "1e2"),
            ("-0.00120", "-12e-4"),
            ("0", "0"),
            ("-0.0e5", "0"),
            ("1E+3", "1e3"),
            (
                "100000000000000000000000000001",
                "100000000000000000000000000001e0",
            ),
        ] {
            assert_eq!(canonical(literal), expected, "{literal}");
        }
        let huge = format!("1e{}", "9".repeat(40));
        assert_eq!(canonical(&huge), huge);
    }

    #[test]
    fn numbers_are_compared_exactly_as_written() {
        // The same f64, different numbers.
        let big = r#"{"n": 100000000000000000000000000001}"#;
        let rounder = r#"{"n": 100000000000000000000000000000}"#;
        assert!(
            d(
                serde_json::from_str(big).unwrap(),
                serde_json::from_str(rounder).unwrap()
            )
            .is_empty(),
            "what a Value alone sees"
        );
        assert_eq!(exact(big, rounder), ["changed /n"]);
        assert_eq!(exact(big, big), Vec::<String>::new());
        assert_eq!(
            exact(big, r#"{"n": 1.00000000000000000000000000001e29}"#),
            Vec::<String>::new()
        );
        // More digits than an f64 keeps.
        assert_eq!(
            exact(r#"{"q": 0.30000000000000000001}"#, r#"{"q": 0.3}"#),
            ["changed /q"]
        );
        // 1, 1.0 and 1e0 stay equal; so do other spellings of one value.
        assert!(
            exact(
                r#"{"a": 1, "b": [1.0, 2.50]}"#,
                r#"{"a": 1e0, "b": [1, 2.5]}"#
            )
            .is_empty()
        );
        assert!(
            exact(
                r#"{"a": 1, "n": 100000000000000000000000000001}"#,
                r#"{"n": 100000000000000000000000000001, "a": 1.0}"#
            )
            .is_empty()
        );
        // Inside arrays: aligned by exact values.
        assert_eq!(
            exact(
                r#"{"l": [1, 100000000000000000000000000001, 3]}"#,
                r#"{"l": [1, 100000000000000000000000000000, 3]}"#
            ),
            ["changed /l/1"]
        );
        assert_eq!(
            exact(
                r#"{"l": [100000000000000000000000000001, 7]}"#,
                r#"{"l": [100000000000000000000000000000, 100000000000000000000000000001, 7]}"#
            ),
            ["added /l/0"]
        );
        // A key given twice counts with its last value, as in the Value.
        assert!(
            exact(
                r#"{"n": 100000000000000000000000000001, "n": 5}"#,
                r#"{"n": 5}"#
            )
            .is_empty()
        );
    }

    #[test]
    fn literals_are_kept_only_where_the_value_is_not_exact() {
        let l = Literals::of(br#"{"a": 1, "b": 1.50, "c": [1e400000000000], "d": {"e": 100000000000000000000000000001}}"#);
        assert_eq!(l.get("/a"), None);
        assert_eq!(l.get("/b"), None);
        assert_eq!(l.get("/d/e"), Some("100000000000000000000000000001e0"));
        assert_eq!(l.written("/d/e"), Some("100000000000000000000000000001"));
        assert!(l.any_under("/d") && !l.any_under("/a") && !l.any_under("/d/e/x"));
        assert!(l.any_under("") && l.any_under("/d/e") && !l.any_under("/c") && !l.any_under("/b"));
        // Siblings that sort between a pointer and its children do not hide them.
        let l = Literals::of(br#"{"d-x": 1, "d": {"e": 100000000000000000000000000001}, "d0": 2}"#);
        assert!(l.any_under("/d") && !l.any_under("/d-x") && !l.any_under("/d0"));
        assert!(Literals::of(b"[1, 2.5, -0, 1e2]").is_empty());
    }

    #[test]
    fn nested_changes_are_named_by_pointer() {
        let old = json!({"a": {"b": 1, "gone": true, "c~/d": "x"}, "t": "new"});
        let new = json!({"a": {"b": 2, "c~/d": "y", "added": null}, "t": "new"});
        assert_eq!(
            d(old, new),
            [
                "Added /a/added - null",
                "Changed /a/b 1 2",
                "Changed /a/c~0~1d \"x\" \"y\"",
                "Removed /a/gone true -",
            ]
        );
    }

    #[test]
    fn type_changes_are_one_change() {
        assert_eq!(
            d(json!({"m": {"k": "v"}}), json!({"m": []})),
            ["Changed /m {\"k\":\"v\"} []"]
        );
        assert_eq!(d(json!([1]), json!({"a": 1})), ["Changed  [1] {\"a\":1}"]);
    }

    #[test]
    fn an_inserted_element_is_one_insertion() {
        let old = json!([1, 2, 3, 4, 5]);
        let new = json!([1, 2, 9, 3, 4, 5]);
        assert_eq!(d(old, new), ["Added /2 - 9"]);
        let old = json!(["a", "b", "c", "d"]);
        let new = json!(["x", "a", "c", "d", "y"]);
        assert_eq!(
            d(old, new),
            ["Added /0 - \"x\"", "Removed /1 \"b\" -", "Added /4 - \"y\""]
        );
    }

    #[test]
    fn changed_elements_are_compared_recursively() {
        let old = json!([{"id": 1, "v": "a"}, {"id": 2, "v": "b"}, {"id": 3}]);
        let new = json!([{"id": 1, "v": "a"}, {"id": 2, "v": "B"}, {"id": 3}]);
        assert_eq!(d(old, new), ["Changed /1/v \"b\" \"B\""]);
    }

    #[test]
    fn ignore_exact_and_subtrees() {
        let old = json!({"t": 1, "a": {"x": 1, "y": 2}, "b": {"x": 1}, "ab": 1});
        let new = json!({"t": 2, "a": {"x": 2, "y": 3}, "b": {"x": 2}, "ab": 2});
        let options = Options {
            ignore: Ignore::new(&["/t", "/a/*", "/b"]).unwrap(),
            ..Options::default()
        };
        assert_eq!(
            summary(&diff(&old, &new, &options)),
            ["Changed /ab 1 2", "Changed /b/x 1 2"]
        );
        assert!(Ignore::new(&["last_updated"]).is_err());
        let all = Options {
            ignore: Ignore::new(&["/*"]).unwrap(),
            ..Options::default()
        };
        assert!(diff(&old, &new, &all).is_empty());
    }

    #[test]
    fn alignment_work_is_bounded_and_the_fallback_reported() {
        let old = json!([1, 2, 3, 4, 5, 6]);
        let new = json!([0, 1, 2, 3, 4, 5, 6, 7]);
        let options = Options {
            align_budget: 10,
            ..Options::default()
        };
        let diff = diff(&old, &new, &options);
        assert_eq!(
            diff.fallbacks,
            [Fallback {
                pointer: String::new(),
                old_len: 6,
                new_len: 8
            }]
        );
        assert_eq!(diff.changes.len(), 8, "{:?}", summary(&diff));
    }

    #[test]
    fn equal_elements_share_a_class() {
        let a = [json!(1), json!({"k": [1, 2]}), json!("1"), json!(1.5)];
        let b = [json!({"k": [1.0, 2]}), json!(1.0), json!(null), json!(1.5)];
        let (ca, cb) = classes(&a, &b);
        assert_eq!(ca, [0, 1, 2, 3]);
        assert_eq!(cb, [1, 0, 4, 3]);
    }

    #[test]
    fn myers_finds_a_shortest_script() {
        // Against the textbook dynamic programme, on small random sequences.
        let lcs_len = |a: &[u32], b: &[u32]| {
            let mut t = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for i in (0..a.len()).rev() {
                for j in (0..b.len()).rev() {
                    t[i][j] = if a[i] == b[j] {
                        t[i + 1][j + 1] + 1
                    } else {
                        t[i + 1][j].max(t[i][j + 1])
                    };
                }
            }
            t[0][0]
        };
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..2000 {
            let a: Vec<u32> = (0..1 + next(12)).map(|_| next(4) as u32).collect();
            let b: Vec<u32> = (0..1 + next(12)).map(|_| next(4) as u32).collect();
            let mut budget = usize::MAX;
            let script = myers(&a, &b, &mut budget).unwrap();
            let kept = script.iter().filter(|s| **s == Step::Keep).count();
            assert_eq!(kept, lcs_len(&a, &b), "{a:?} {b:?}");
            // The script turns a into b.
            let (mut i, mut out) = (0, Vec::new());
            for step in &script {
                match *step {
                    Step::Keep => {
                        out.push(a[i]);
                        i += 1;
                    }
                    Step::Remove(r) => {
                        assert_eq!(r, i);
                        i += 1;
                    }
                    Step::Insert(j) => out.push(b[j]),
                    Step::Pair(..) => unreachable!(),
                }
            }
            assert_eq!((i, out), (a.len(), b.clone()));
        }
    }

    #[test]
    fn patch_paths_account_for_earlier_steps() {
        let old = json!({"a": ["x", "b", "c", "d"]});
        let new = json!({"a": ["b", "n", "c", "e", "f"]});
        let diff = diff(&old, &new, &Options::default());
        assert_eq!(
            serde_json::to_value(patch(&diff.changes)).unwrap(),
            json!([
                {"op": "remove", "path": "/a/0"},
                {"op": "add", "path": "/a/1", "value": "n"},
                {"op": "replace", "path": "/a/3", "value": "e"},
                {"op": "add", "path": "/a/4", "value": "f"},
            ])
        );
    }
}
