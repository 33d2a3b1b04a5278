//! The tape against serde_json: what it accepts, the values it reads, and the verdicts and
//! errors of every bundled schema on it, over JSONTestSuite, every sample, generated
//! payloads, random numbers and random byte edits of payloads.
//!
//! The rule under test: a text the tape accepts is one `serde_json::from_slice::<Value>`
//! accepts, read as the same value (numbers of the same kind and bits); it may reject more
//! (duplicate keys), never less. On a document both read, a `Validator<TapeJson>` says what
//! the serde validator says.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{corpus, root};

/// The benchmark harness's chat schema, what `benches/peers.sh` validates with.
const HARNESS_SCHEMA: &str = "benches/harness/schema/chat-lead.schema.json";
use jsonschema::json::Node;
use leadcheck::scan::HeldText;
use leadcheck::schema::{COMMON_SCHEMA, LeadType, Schema};
use leadcheck::tape::{Rejected, Tape};
use serde_json::{Value, json};

/// xorshift64*: deterministic, so a failure is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Equal values, numbers of the same kind with the same bits (`-0.0` is not `0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            (x.as_u64(), x.as_i64(), x.as_f64().map(f64::to_bits))
                == (y.as_u64(), y.as_i64(), y.as_f64().map(f64::to_bits))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k, x), (l, y))| k == l && same(x, y))
        }
        _ => a == b,
    }
}

/// How the tape and serde_json read one text.
#[derive(Debug, Default, Clone, Copy)]
struct Agreement {
    both: usize,
    neither: usize,
    /// serde_json reads it; the tape leaves it to serde_json (duplicate keys).
    fallback: usize,
}

impl Agreement {
    fn add(&mut self, other: Agreement) {
        self.both += other.both;
        self.neither += other.neither;
        self.fallback += other.fallback;
    }
}

/// Checks the rule on one text; panics with `what` when it is broken.
fn agree(tape: &mut Tape, text: &[u8], what: &dyn std::fmt::Display) -> Agreement {
    let serde = serde_json::from_slice::<Value>(text);
    let mut outcome = Agreement::default();
    match (tape.parse(text), &serde) {
        (Ok(doc), Ok(expected)) => {
            let got = doc.root().value();
            assert!(
                same(&got, expected),
                "{what}: the tape reads {got}, serde_json {expected}"
            );
            outcome.both += 1;
        }
        (Ok(doc), Err(e)) => panic!(
            "{what}: the tape accepts what serde_json rejects ({e}): {}",
            doc.root().value()
        ),
        (Err(Rejected::Syntax), Ok(v)) => {
            panic!("{what}: the tape calls a text serde_json reads ({v}) not JSON")
        }
        (Err(_), Ok(_)) => outcome.fallback += 1,
        (Err(_), Err(_)) => outcome.neither += 1,
    }
    outcome
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
    out.sort();
}

fn samples() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files(&root().join("samples"), &mut out);
    assert!(out.len() > 60, "{out:?}");
    out
}

/// Every JSON text of the samples: whole files, and each line of those that are not one
/// document (NDJSON captures, HTTP logs).
fn sample_texts() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for path in samples() {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.strip_prefix(root()).unwrap().display().to_string();
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if !line.is_empty() && line.len() < bytes.len() {
                out.push((format!("{name} line {}", i + 1), line.to_vec()));
            }
        }
        out.push((name, bytes));
    }
    out
}

#[test]
fn jsontestsuite_parsing_agrees_with_serde() {
    let dir = corpus("jsontestsuite/test_parsing");
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    assert_eq!(paths.len(), 318);
    let mut tape = Tape::new();
    let mut total = Agreement::default();
    for path in &paths {
        let text = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let outcome = agree(&mut tape, &text, &name);
        if name.starts_with("y_") {
            assert!(
                outcome.both == 1 || name.contains("duplicate"),
                "{name}: {outcome:?}"
            );
        }
        if name.starts_with("n_") {
            assert_eq!(outcome.neither, 1, "{name}");
        }
        total.add(outcome);
    }
    // Two y_ files hold duplicated keys: serde_json keeps the last, the tape hands them over.
    assert_eq!(total.fallback, 2, "{total:?}");
    assert!(total.both > 95 && total.neither > 180, "{total:?}");
}

#[test]
fn samples_agree_with_serde() {
    let mut tape = Tape::new();
    let mut total = Agreement::default();
    for (name, text) in sample_texts() {
        total.add(agree(&mut tape, &text, &name));
    }
    assert!(total.both > 100, "{total:?}");
    assert!(total.neither > 20, "{total:?}");
}

/// A random JSON value: every kind, strings that need escapes, numbers at the edges.
fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let strings = [
        "",
        "Chat",
        "line\nbreak",
        "tab\there",
        "quote \" and \\ backslash",
        "caf\u{e9} \u{1f600} \u{4e2d}\u{6587}",
        "\u{0}\u{1f}\u{7f}",
        "2024-07-31T23:59:36Z",
        "2024-07-31 23:59:36",
        "a@b.example",
        "192.168.0.1",
        "$serde_json::private::RawValue",
    ];
    let numbers = [
        json!(0),
        json!(-1),
        json!(153928),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1.5),
        json!(-0.0),
        json!(1e300),
        json!(5e-324),
        json!(0.1),
        json!(100.0),
    ];
    let kinds = if depth > 3 { 5 } else { 8 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 => rng.pick(&numbers).clone(),
        3 => Value::from(rng.next() as i64 >> rng.below(64)),
        4 => Value::from(*rng.pick(&strings)),
        5 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(5))
                .map(|i| (format!("k{i}"), random_value(rng, depth + 1)))
                .collect(),
        ),
    }
}

/// Payloads made from the samples: fields removed, replaced by random values, added; the
/// lead type changed; written compact or pretty.
fn generated(count: usize, seed: u64) -> Vec<String> {
    let mut bases: Vec<Value> = Vec::new();
    for dir in [
        "samples/types",
        "samples/valid",
        "samples/invalid",
        "samples/updates",
    ] {
        let mut paths = Vec::new();
        files(&root().join(dir), &mut paths);
        for path in paths {
            if let Ok(v @ Value::Object(_)) =
                serde_json::from_slice::<Value>(&std::fs::read(&path).unwrap())
            {
                bases.push(v);
            }
        }
    }
    bases.push(
        serde_json::from_slice(
            &std::fs::read(root().join("samples/chat-in-progress.json")).unwrap(),
        )
        .unwrap(),
    );
    assert!(bases.len() > 30);
    let types: Vec<&str> = LeadType::ALL
        .iter()
        .map(|t| t.name())
        .chain(["Chatt", ""])
        .collect();
    let mut rng = Rng(seed);
    (0..count)
        .map(|_| {
            let mut v = rng.pick(&bases).clone();
            let object = v.as_object_mut().unwrap();
            let keys: Vec<String> = object.keys().cloned().collect();
            if rng.chance(40) {
                object.insert("lead_type".into(), Value::from(*rng.pick(&types)));
            }
            for _ in 0..rng.below(4) {
                if keys.is_empty() {
                    break;
                }
                let key = rng.pick(&keys).clone();
                match rng.below(3) {
                    0 => {
                        object.remove(&key);
                    }
                    _ => {
                        object.insert(key, random_value(&mut rng, 1));
                    }
                }
            }
            if rng.chance(20) {
                object.insert(format!("extra_{}", rng.below(5)), random_value(&mut rng, 1));
            }
            if rng.chance(30) {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                serde_json::to_string(&v).unwrap()
            }
        })
        .collect()
}

#[test]
fn generated_payloads_agree_with_serde() {
    let mut tape = Tape::new();
    let mut total = Agreement::default();
    for (i, text) in generated(2000, 7).iter().enumerate() {
        total.add(agree(
            &mut tape,
            text.as_bytes(),
            &format!("payload {i}: {text}"),
        ));
    }
    assert_eq!(total.both, 2000, "{total:?}");
}

/// Random number literals, most of them valid: long significands, halfway cases, huge and
/// tiny exponents, every integer boundary.
#[test]
fn numbers_agree_with_serde() {
    let mut rng = Rng(11);
    let digits = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| char::from(b'0' + rng.below(10) as u8))
            .collect()
    };
    let mut texts: Vec<String> = [
        "0",
        "-0",
        "0.0",
        "-0.0",
        "0e0",
        "-0e-0",
        "1E+2",
        "1e-2",
        "00",
        "01",
        "-",
        "-01",
        "1.",
        ".5",
        "1.e5",
        "1e",
        "1e+",
        "+1",
        "Infinity",
        "NaN",
        "1_0",
        "0x10",
        "9007199254740992",
        "9007199254740993",
        "9007199254740993.0",
        "-9007199254740993",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775807",
        "-9223372036854775808",
        "-9223372036854775809",
        "-18446744073709551615",
        "-18446744073709551616",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "1e308",
        "1e309",
        "-1e309",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "4.9406564584124654e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "1e-400",
        "0e99999999999999999999",
        "1e-99999999999999999999",
        "1e99999999999999999999",
        "0.000000000000000000000000000000001e33",
        "123456789012345678901234567890e-10",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "7.2057594037927933e16",
        "2e2147483647",
        "2e2147483648",
        "2e-2147483648",
        "0.1e2147483647",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for _ in 0..20_000 {
        let mut s = String::new();
        if rng.chance(30) {
            s.push('-');
        }
        let long = rng.chance(20);
        let n = 1 + rng.below(if long { 40 } else { 19 });
        let int = digits(&mut rng, n);
        s.push_str(if rng.chance(10) {
            "0"
        } else {
            int.trim_start_matches('0')
        });
        if s.is_empty() || s == "-" {
            s.push('7');
        }
        if rng.chance(50) {
            s.push('.');
            let n = 1 + rng.below(30);
            s.push_str(&digits(&mut rng, n));
        }
        if rng.chance(40) {
            s.push(*rng.pick(&['e', 'E']));
            let sign = *rng.pick(&["", "+", "-"]);
            s.push_str(sign);
            let long = rng.chance(5);
            let n = 1 + rng.below(if long { 12 } else { 3 });
            s.push_str(&digits(&mut rng, n));
        }
        texts.push(s);
    }
    let mut tape = Tape::new();
    let mut total = Agreement::default();
    for text in &texts {
        total.add(agree(&mut tape, text.as_bytes(), text));
        // Inside a document too.
        let wrapped = format!("{{\"n\": [{text}]}}");
        total.add(agree(&mut tape, wrapped.as_bytes(), &wrapped));
    }
    assert!(total.both > 30_000 && total.neither > 30, "{total:?}");
    assert_eq!(total.fallback, 0);
}

/// Random byte edits of payloads: characters that matter to JSON put in, taken out,
/// replaced; slices repeated (duplicate keys) and cut.
#[test]
fn mutated_payloads_agree_with_serde() {
    let mut texts: Vec<Vec<u8>> = generated(200, 3)
        .into_iter()
        .map(String::into_bytes)
        .collect();
    for (_, text) in sample_texts() {
        if text.len() < 20_000 && serde_json::from_slice::<Value>(&text).is_ok() {
            texts.push(text);
        }
    }
    let alphabet: &[&[u8]] = &[
        b"\"",
        b"\\",
        b"u",
        b"\\u",
        b"\\ud83d",
        b"\\ude00",
        b"d8",
        b"0",
        b"9",
        b"-",
        b".",
        b"e",
        b"E",
        b"+",
        b",",
        b":",
        b"[",
        b"]",
        b"{",
        b"}",
        b" ",
        b"\n",
        b"\t",
        b"\r",
        b"\x00",
        b"\x1f",
        b"\x7f",
        b"\xc3",
        b"\xa9",
        b"\xc3\xa9",
        b"\xff",
        b"\xef\xbb\xbf",
        b"t",
        b"n",
        b"f",
        b"/",
        b"null",
        b"true",
        b"1e999",
        b"\"$serde_json::private::RawValue\":",
    ];
    let mut rng = Rng(5);
    let mut tape = Tape::new();
    let mut total = Agreement::default();
    for round in 0..12_000 {
        let mut text = rng.pick(&texts).clone();
        for _ in 0..1 + rng.below(2) {
            if text.is_empty() {
                break;
            }
            let at = rng.below(text.len());
            match rng.below(8) {
                0 => {
                    text.remove(at);
                }
                1 => {
                    let bytes = rng.pick(alphabet);
                    text.splice(at..at, bytes.iter().copied());
                }
                2 => {
                    let bytes = rng.pick(alphabet);
                    let end = (at + bytes.len()).min(text.len());
                    text.splice(at..end, bytes.iter().copied());
                }
                3 => text[at] = rng.next() as u8,
                4 => {
                    // Repeat a slice (a member, often: a duplicated key).
                    let len = 1 + rng.below(60.min(text.len() - at));
                    let slice = text[at..at + len].to_vec();
                    text.splice(at..at, slice);
                }
                5 => text.truncate(at),
                _ => {
                    // Into a string (or a key), after a quote at or past `at`.
                    if let Some(quote) = text[at..].iter().position(|&b| b == b'"') {
                        let bytes = rng.pick(alphabet);
                        let at = at + quote + 1;
                        text.splice(at..at, bytes.iter().copied());
                    }
                }
            }
        }
        total.add(agree(
            &mut tape,
            &text,
            &format!("round {round}: {}", String::from_utf8_lossy(&text)),
        ));
    }
    assert!(total.both > 1000 && total.neither > 5000, "{total:?}");
    assert!(total.fallback > 10, "duplicate keys were made: {total:?}");
}

/// Every schema the validate command may use: each bundled one, and the benchmark
/// harness's chat schema (tests/data/bench).
fn schemas() -> Vec<Schema> {
    let mut out: Vec<Schema> = LeadType::ALL
        .iter()
        .map(|&t| Schema::for_type(t).unwrap())
        .collect();
    out.push(Schema::bundled_file(COMMON_SCHEMA).unwrap());
    out.push(Schema::from_path(&root().join(HARNESS_SCHEMA)).unwrap());
    out
}

/// An error as compared: pointer, keyword, schema path, and the instance it reports.
type Found = (String, String, String, Value);

fn found(e: &jsonschema::ValidationError<'_>) -> Found {
    (
        e.instance_path().as_str().to_string(),
        e.kind().keyword().to_string(),
        e.evaluation_path().as_str().to_string(),
        e.instance().clone().into_owned(),
    )
}

fn sorted(mut errors: Vec<Found>) -> Vec<Found> {
    errors.sort_by(|a, b| {
        (&a.0, &a.1, &a.2, a.3.to_string()).cmp(&(&b.0, &b.1, &b.2, b.3.to_string()))
    });
    errors
}

/// `is_valid` and the errors (pointer, keyword, schema path) on the tape and on the Value,
/// for every schema; returns how many (text, schema) pairs were invalid.
fn validate_alike(schemas: &[Schema], tape: &mut Tape, text: &[u8], what: &str) -> usize {
    let Ok(value) = serde_json::from_slice::<Value>(text) else {
        return 0;
    };
    let Ok(doc) = tape.parse(text) else {
        return 0;
    };
    let mut invalid = 0;
    for schema in schemas {
        let on_value = schema.validator();
        let on_tape = schema.tape_validator().unwrap();
        let valid = on_value.is_valid(&value);
        assert_eq!(
            on_tape.is_valid(doc.root()),
            valid,
            "{what} with {}",
            schema.name()
        );
        let expected = sorted(on_value.iter_errors(&value).map(|e| found(&e)).collect());
        assert_eq!(expected.is_empty(), valid);
        let got = sorted(on_tape.iter_errors(doc.root()).map(|e| found(&e)).collect());
        assert_eq!(got.len(), expected.len(), "{what} with {}", schema.name());
        for (got, expected) in got.iter().zip(&expected) {
            assert_eq!(
                (&got.0, &got.1, &got.2),
                (&expected.0, &expected.1, &expected.2),
                "{what} with {}",
                schema.name()
            );
            // The instance an error reports is built from the tape as serde_json reads it.
            assert!(same(&got.3, &expected.3), "{what}: {got:?} {expected:?}");
        }
        // The first error is the first met: members are visited in document order on the
        // tape, in key order on a Value (serde_json's map is sorted), so it may differ.
        assert_eq!(on_tape.validate(doc.root()).is_ok(), valid);
        invalid += usize::from(!valid);
    }
    invalid
}

#[test]
fn samples_validate_alike() {
    let schemas = schemas();
    let mut tape = Tape::new();
    let mut invalid = 0;
    let mut by_status: BTreeMap<bool, usize> = BTreeMap::new();
    for (name, text) in sample_texts() {
        let n = validate_alike(&schemas, &mut tape, &text, &name);
        invalid += n;
        *by_status.entry(n > 0).or_default() += 1;
    }
    assert!(invalid > 200, "{invalid} {by_status:?}");
}

#[test]
fn generated_payloads_validate_alike() {
    let schemas = schemas();
    let mut tape = Tape::new();
    let texts = generated(300, 13);
    let mut invalid = 0;
    for (i, text) in texts.iter().enumerate() {
        invalid += validate_alike(
            &schemas,
            &mut tape,
            text.as_bytes(),
            &format!("payload {i}"),
        );
    }
    // Some valid, many invalid, against the schema of their type and the others.
    assert!(
        invalid > 300 && invalid < texts.len() * schemas.len(),
        "{invalid}"
    );
}

#[test]
fn top_level_fields_and_lists() {
    let text = br#"{"lead_id": 153928, "lead_type": "Chat", "x": [1, {"y": "\u00e9"}]}"#;
    let mut tape = Tape::new();
    let doc = tape.parse(text).unwrap();
    let root = doc.root();
    assert_eq!(
        root.field("lead_id").map(|n| n.value()),
        Some(json!(153928))
    );
    assert_eq!(
        root.field("lead_type").and_then(|n| n.as_str()),
        Some("Chat")
    );
    assert_eq!(
        root.field("x").unwrap().to_value().into_owned(),
        json!([1, {"y": "é"}])
    );
    assert!(root.field("missing").is_none());
    assert!(!doc.is_list());
    for (name, text) in sample_texts() {
        let (Ok(value), Ok(doc)) = (serde_json::from_slice::<Value>(&text), tape.parse(&text))
        else {
            continue;
        };
        assert_eq!(doc.is_list(), leadcheck::capture::is_list(&value), "{name}");
        assert_eq!(
            doc.root().field("lead_id").map(|n| n.value()),
            value.get("lead_id").cloned(),
            "{name}"
        );
    }
    let lists = [
        "samples/captures/api-leads.json",
        "samples/captures/lead-array.json",
    ];
    for path in lists {
        let text = std::fs::read(root_path(path)).unwrap();
        assert!(tape.parse(&text).unwrap().is_list(), "{path}");
    }
}

fn root_path(path: &str) -> PathBuf {
    root().join(path)
}

#[test]
fn tape_is_reused_across_documents() {
    let mut tape = Tape::new();
    let schema = Schema::for_type(LeadType::Chat).unwrap();
    let validator = schema.tape_validator().unwrap();
    let texts = generated(50, 21);
    for text in &texts {
        let valid = {
            let doc = tape.parse(text.as_bytes()).unwrap();
            validator.is_valid(doc.root())
        };
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(valid, schema.validator().is_valid(&value));
    }
    // A rejected text leaves the tape usable.
    assert!(tape.parse(b"{\"a\": ").is_err());
    assert_eq!(tape.parse(b"[1]").unwrap().root().value(), json!([1]));
}

/// `check_line`, validate's shortcut for NDJSON lines, against `check_item` on the parsed
/// record: whenever it answers, the same verdict (violations, positions, messages, order)
/// and lead_id, with each kind of schemas and both levels of detail; and it answers for
/// the records it is there for.
#[test]
fn the_line_shortcut_says_what_the_full_check_says() {
    use leadcheck::check::{self, Detail, Options, Status};
    use leadcheck::lint::{Action, Flag, Levels};
    use leadcheck::record::{Item, Origin, Record};
    use leadcheck::schema::Schemas;
    let mut texts: Vec<(String, Vec<u8>)> = sample_texts();
    for (i, text) in generated(300, 21).into_iter().enumerate() {
        texts.push((format!("payload {i}"), text.into_bytes()));
    }
    let all: Vec<Schemas> = vec![
        Schemas::by_type(),
        Schemas::One(Schema::for_type(LeadType::Chat).unwrap()),
        Schemas::One(Schema::from_path(&root().join(HARNESS_SCHEMA)).unwrap()),
    ];
    let origin = Origin::at("t".into(), Default::default());
    let mut answered: BTreeMap<&str, usize> = BTreeMap::new();
    for schemas in &all {
        // Lint at the default levels, and every rule of every group on.
        let every =
            ["consistency", "format", "quirk", "pedantic"].map(|g| Flag::new(Action::Warn, g));
        let lints = [
            None,
            Some(Levels::defaults()),
            Some(Levels::resolve(None, &every).unwrap()),
        ];
        let now = "2026-03-01T12:00:00Z".parse().unwrap();
        let kinds = [
            (Detail::Full, None),
            (Detail::Full, Some(1)),
            (Detail::Verdict, None),
        ];
        for (detail, max_violations) in kinds {
            for levels in &lints {
                let options = Options {
                    detail,
                    max_violations,
                    lint: levels
                        .clone()
                        .map(|l| std::sync::Arc::new(check::Lint::new(l, None).at(now))),
                    ..Options::default()
                };
                for (name, text) in &texts {
                    let held = HeldText::new(text.clone());
                    let Some((fast, delivered)) =
                        check::check_line(schemas, held.line(), &origin, &options)
                    else {
                        continue;
                    };
                    let value: Value = serde_json::from_slice(text)
                        .unwrap_or_else(|e| panic!("{name}: answered, but serde_json says {e}"));
                    let record = Record::verbatim(origin.clone(), value, text.clone());
                    // What the rules about a lead's records read, and where it is.
                    let expected = options
                        .lint
                        .as_ref()
                        .and_then(|_| check::Delivered::of(&record));
                    match (&delivered, &expected) {
                        (Some(fast), Some(full)) => {
                            assert_eq!(fast.delivery, full.delivery, "{name}");
                            // Places are worked out only for findings that are written.
                            for pointer in ["", "/lead_state", "/last_updated"] {
                                let expected = match detail {
                                    Detail::Full => full.at(pointer),
                                    Detail::Verdict => origin.start,
                                };
                                assert_eq!(fast.at(pointer), expected, "{name} {pointer}");
                            }
                        }
                        (None, None) => {}
                        _ => panic!("{name}: {delivered:?} vs {expected:?}"),
                    }
                    let full = check::check_item(schemas, Item::Record(record), &options).unwrap();
                    assert_eq!(fast.lint, full.lint, "{name} ({detail:?})");
                    assert_eq!(fast.status(), full.status(), "{name} ({detail:?})");
                    assert_eq!(fast.lead_id, full.lead_id, "{name}");
                    assert_eq!(fast.origin, full.origin, "{name}");
                    // The same violations, in the same order, with the same words.
                    assert_eq!(
                        format!("{:?}", fast.verdict),
                        format!("{:?}", full.verdict),
                        "{name} ({detail:?})"
                    );
                    *answered
                        .entry(match fast.status() {
                            Status::Valid => "valid",
                            _ => "invalid",
                        })
                        .or_default() += 1;
                }
            }
        }
    }
    assert!(
        answered["valid"] > 500 && answered["invalid"] > 100,
        "{answered:?}"
    );
    // Left to the full check: --strict, API lists, duplicated keys.
    let official = std::fs::read(root().join("samples/chat-in-progress.json")).unwrap();
    let strict = Options {
        strict: true,
        ..Options::default()
    };
    let line = |text: &[u8]| HeldText::new(text.to_vec());
    assert!(check::check_line(&all[0], line(&official).line(), &origin, &strict).is_none());
    let list = line(br#"{"leads": [{"lead_id": 1}], "total_leads": 1}"#);
    assert!(check::check_line(&all[0], list.line(), &origin, &Options::default()).is_none());
    let twice = line(br#"{"lead_id": 1, "lead_id": "x"}"#);
    assert!(check::check_line(&all[0], twice.line(), &origin, &Options::default()).is_none());
}
