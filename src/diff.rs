//! Structural differences between two JSON values, as data: every change named by its JSON
//! Pointer, as added, removed or changed with its old and new values. Nothing here prints.
//!
//! What counts as a change:
//! - object key order never does; objects are compared key by key, recursively;
//! - numbers are compared by value: `1`, `1.0` and `1e0` are equal, and an integer beyond
//!   2^53 equals a float only when the float is exactly that integer;
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
//! Pointers: a change's [`Change::pointer`] names the value in NEW (for a removal, in OLD).
//! [`Change::path`] is where the change applies when the changes are applied in order to
//! OLD, so [`patch`] turns them into an RFC 6902 JSON Patch without index bookkeeping.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use serde::Serialize;
use serde_json::{Map, Number, Value, json};

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

/// The changes that turn `old` into `new`.
pub fn diff(old: &Value, new: &Value, options: &Options) -> Diff {
    let mut walker = Walker {
        options,
        budget: options.align_budget,
        out: Diff::default(),
    };
    walker.walk(old, new, "", "");
    walker.out
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

/// The integer a float is exactly, when it is one (within i128).
fn float_int(f: f64) -> Option<i128> {
    // 2^127: every integral float below it in magnitude converts to i128 exactly.
    (f.fract() == 0.0 && f.abs() < 1.7e38).then_some(f as i128)
}

/// Numbers compared by their mathematical value.
fn number_eq(x: &Number, y: &Number) -> bool {
    match (as_int(x), as_int(y)) {
        (Some(a), Some(b)) => a == b,
        (Some(i), None) => y.as_f64().and_then(float_int) == Some(i),
        (None, Some(i)) => x.as_f64().and_then(float_int) == Some(i),
        (None, None) => x.as_f64() == y.as_f64(),
    }
}

/// A hash consistent with [`equal`]: equal values hash alike.
fn hash_value(v: &Value, h: &mut impl Hasher) {
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, b).hash(h),
        Value::Number(n) => {
            2u8.hash(h);
            match as_int(n).or_else(|| n.as_f64().and_then(float_int)) {
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
}

fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

impl Walker<'_> {
    /// Records a change unless it is ignored; says whether it was recorded.
    fn emit(
        &mut self,
        kind: Kind,
        pointer: String,
        path: String,
        old: Option<&Value>,
        new: Option<&Value>,
    ) -> bool {
        if self.options.ignore.matches(&pointer) {
            return false;
        }
        self.out.changes.push(Change {
            pointer,
            kind,
            old: old.cloned(),
            new: new.cloned(),
            path,
        });
        true
    }

    fn walk(&mut self, old: &Value, new: &Value, pointer: &str, path: &str) {
        if self.options.ignore.prunes(pointer) {
            return;
        }
        match (old, new) {
            (Value::Object(a), Value::Object(b)) => self.object(a, b, pointer, path),
            (Value::Array(a), Value::Array(b)) => self.array(a, b, pointer, path),
            _ if equal(old, new) => {}
            _ => {
                self.emit(
                    Kind::Changed,
                    pointer.to_string(),
                    path.to_string(),
                    Some(old),
                    Some(new),
                );
            }
        }
    }

    fn object(
        &mut self,
        a: &Map<String, Value>,
        b: &Map<String, Value>,
        pointer: &str,
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
                (Some(x), Some(y)) => self.walk(x, y, &p, &q),
                (Some(x), None) => {
                    self.emit(Kind::Removed, p, q, Some(x), None);
                }
                (None, Some(y)) => {
                    self.emit(Kind::Added, p, q, None, Some(y));
                }
                (None, None) => {}
            }
        }
    }

    fn array(&mut self, a: &[Value], b: &[Value], pointer: &str, path: &str) {
        // `at` is the index, in the array as it is when this step is applied, of the
        // element the step concerns: removals do not advance it, everything else does.
        let mut at = 0usize;
        for step in self.align(a, b, pointer) {
            match step {
                Step::Keep => at += 1,
                Step::Pair(i, j) => {
                    let p = child(pointer, &j.to_string());
                    let q = child(path, &at.to_string());
                    self.walk(&a[i], &b[j], &p, &q);
                    at += 1;
                }
                Step::Remove(i) => {
                    let p = child(pointer, &i.to_string());
                    let q = child(path, &at.to_string());
                    if !self.emit(Kind::Removed, p, q, Some(&a[i]), None) {
                        at += 1; // ignored: the element stays
                    }
                }
                Step::Insert(j) => {
                    let p = child(pointer, &j.to_string());
                    let q = child(path, &at.to_string());
                    if self.emit(Kind::Added, p, q, None, Some(&b[j])) {
                        at += 1;
                    }
                }
            }
        }
    }

    /// Aligns two arrays: the steps that turn `a` into `b`, in order.
    fn align(&mut self, a: &[Value], b: &[Value], pointer: &str) -> Vec<Step> {
        let mut pre = 0;
        while pre < a.len() && pre < b.len() && equal(&a[pre], &b[pre]) {
            pre += 1;
        }
        let mut suf = 0;
        while suf < a.len() - pre
            && suf < b.len() - pre
            && equal(&a[a.len() - 1 - suf], &b[b.len() - 1 - suf])
        {
            suf += 1;
        }
        let (n, m) = (a.len() - pre - suf, b.len() - pre - suf);
        let mut steps = vec![Step::Keep; pre];
        if n == 0 || m == 0 {
            steps.extend((pre..pre + n).map(Step::Remove));
            steps.extend((pre..pre + m).map(Step::Insert));
        } else {
            let (ca, cb) = classes(&a[pre..pre + n], &b[pre..pre + m]);
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
pub fn patch(changes: &[Change]) -> Value {
    Value::Array(
        changes
            .iter()
            .map(|c| match c.kind {
                Kind::Added => json!({"op": "add", "path": c.path, "value": c.new}),
                Kind::Removed => json!({"op": "remove", "path": c.path}),
                Kind::Changed => json!({"op": "replace", "path": c.path, "value": c.new}),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
            patch(&diff.changes),
            json!([
                {"op": "remove", "path": "/a/0"},
                {"op": "add", "path": "/a/1", "value": "n"},
                {"op": "replace", "path": "/a/3", "value": "e"},
                {"op": "add", "path": "/a/4", "value": "f"},
            ])
        );
    }
}
