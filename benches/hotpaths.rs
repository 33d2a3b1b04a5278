//! leadcheck's own hot paths, timed on generated payloads (no timed assertions anywhere:
//! this prints figures, the benchmark is the judge). `cargo bench --bench hotpaths`.
//!
//! - parse: serde_json on each NDJSON line (the floor every validator pays);
//! - reader: the sequential `Reader` (framing, positions, parsing);
//! - check: parse + `check::check` with the bundled chat schema;
//! - scan: `scan::scan` checking a temporary NDJSON file, 1 thread and all cores;
//! - locate: JSON Pointer → position for every field of a payload, one at a time and all
//!   at once;
//! - pathological: one 1 MB payload with 50,000 violations (time must stay linear);
//! - lint: the lint rules at their default levels (`lint::check` and the lead `Tracker`) on
//!   parsed records, and what they add to the check of a line as `validate` does it
//!   (`check::check_line`, on a tape), record by record (on-CPU time, the two interleaved,
//!   so that other work on the machine does not skew the comparison).
//!
//! The payloads are the official example with varied ids and about 10 % of them broken
//! (a string lead_id, an unknown trigger), so error paths are measured too.

use std::hint::black_box;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use leadcheck::check::{self, Options};
use leadcheck::input::Input;
use leadcheck::lint::{self, Levels, Tracker};
use leadcheck::position::{LineCol, locate, locate_all};
use leadcheck::reader::Reader;
use leadcheck::record::{Item, Origin, Record};
use leadcheck::scan::{self, Event, HeldText};
use leadcheck::schema::{LeadType, Schema, Schemas};
use serde_json::Value;

const RECORDS: usize = 20_000;

/// The capture's records: each line, with where it is.
fn lines(data: &[u8]) -> impl Iterator<Item = (&[u8], Origin)> {
    line_ranges(data).map(|(range, origin)| (&data[range], origin))
}

/// Where each non-empty line of `data` is, with its origin.
fn line_ranges(data: &[u8]) -> impl Iterator<Item = (std::ops::Range<usize>, Origin)> + '_ {
    let mut start = 0;
    data.split(|&b| b == b'\n')
        .map(move |line| {
            let range = start..start + line.len();
            start = range.end + 1;
            range
        })
        .filter(|range| !range.is_empty())
        .enumerate()
        .map(|(i, range)| {
            let origin = Origin {
                input: "bench".into(),
                record: i as u64 + 1,
                start: LineCol::START,
                offset: 0,
            };
            (range, origin)
        })
}

fn capture() -> Vec<u8> {
    let official: Value =
        serde_json::from_str(include_str!("../samples/chat-in-progress.json")).unwrap();
    let mut out = Vec::new();
    for i in 0..RECORDS {
        let mut v = official.clone();
        v["lead_id"] = Value::from(100_000 + i);
        if i % 10 == 3 {
            v["lead_id"] = Value::from(i.to_string());
        }
        if i % 10 == 7 {
            v["trigger"] = Value::from("created");
        }
        serde_json::to_writer(&mut out, &v).unwrap();
        out.push(b'\n');
    }
    out
}

/// Time this thread has spent on a CPU (Linux: `/proc/thread-self/schedstat`), or the time
/// since the first call elsewhere.
fn cpu_time() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .unwrap_or_else(|| START.get_or_init(Instant::now).elapsed())
}

/// Runs `f` a few times, prints the best time and the throughput, and returns the best.
fn bench(name: &str, bytes: usize, mut f: impl FnMut()) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        f();
        best = best.min(start.elapsed());
    }
    let mbps = bytes as f64 / best.as_secs_f64() / 1e6;
    println!(
        "{name:<28} {:>9.2} ms {mbps:>9.1} MB/s",
        best.as_secs_f64() * 1e3
    );
    best
}

fn main() {
    let data = capture();
    let schema = Schema::for_type(LeadType::Chat).unwrap();
    let schemas = Schemas::One(Schema::for_type(LeadType::Chat).unwrap());
    println!(
        "{} payloads, {:.1} MB, {} cores",
        RECORDS,
        data.len() as f64 / 1e6,
        scan::default_jobs()
    );

    let _ = bench("parse (serde_json)", data.len(), || {
        for line in data.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            black_box(serde_json::from_slice::<Value>(line).unwrap());
        }
    });

    let _ = bench("reader (sequential)", data.len(), || {
        let n = Reader::new("bench".into(), &data[..]).count();
        assert_eq!(n, RECORDS);
    });

    let _ = bench("parse + check", data.len(), || {
        let mut invalid = 0;
        for (line, origin) in lines(&data) {
            let value: Value = serde_json::from_slice(line).unwrap();
            let record = Record::verbatim(origin, value, line.to_vec());
            let checked = check::check(&schema, &record, &Options::default());
            invalid += usize::from(!checked.violations().is_empty());
        }
        assert_eq!(invalid, RECORDS / 5);
    });

    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(&data).unwrap();
    let path = file.path().to_path_buf();
    for jobs in [1, scan::default_jobs()] {
        bench(&format!("scan + check -j{jobs}"), data.len(), || {
            let mut records = 0;
            let mut input = Input::file(path.clone());
            input.size = Some(data.len() as u64);
            let options = scan::Options {
                jobs: Some(jobs),
                ..scan::Options::default()
            };
            let work = |item: Item| check::check_item(&schemas, item, &Options::default());
            scan::scan(vec![input], &options, &work, &mut |e| {
                records += usize::from(matches!(e, Event::Item(Ok(_))));
                Ok::<(), scan::Panicked>(())
            })
            .unwrap();
            assert_eq!(records, RECORDS);
        });
    }

    // Lint at the default levels: the rules alone on parsed records, then what they add to
    // parse + check, record by record as `lint` runs them (the value still in cache).
    let values: Vec<Value> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    let levels = Levels::defaults();
    let ctx = lint::Context::current().with_rules(levels.enabled());
    let rules = bench("lint rules (parsed records)", data.len(), || {
        let mut tracker = Tracker::with_rules(levels.enabled());
        let mut findings = 0;
        for value in &values {
            findings += lint::check(value, &ctx).len() + tracker.observe(value).len();
        }
        // The official example's two quirks, in every record.
        assert_eq!(findings, 2 * RECORDS);
    });
    let plain = Options::default();
    let linting = Options {
        lint: Some(Arc::new(check::Lint::new(Levels::defaults(), None))),
        ..Options::default()
    };
    let held = HeldText::new(data.clone());
    let check_lint = |lint_too: bool| {
        let options = if lint_too { &linting } else { &plain };
        let mut tracker = Tracker::with_rules(levels.enabled());
        let mut findings = 0;
        for (range, origin) in line_ranges(&data) {
            let line = held.part(range);
            let (checked, delivered) = check::check_line(&schemas, line, &origin, options).unwrap();
            findings += checked.lint.warnings + checked.lint.infos;
            if let Some(delivered) = delivered {
                findings += tracker.deliver(&delivered.delivery).len() as u64;
            }
            black_box(checked);
        }
        assert_eq!(findings, if lint_too { 2 * RECORDS as u64 } else { 0 });
    };
    // Interleaved, on-CPU time: a comparison that a busy machine does not skew.
    let (mut without, mut with) = (Duration::MAX, Duration::MAX);
    for _ in 0..7 {
        for lint_too in [false, true] {
            let start = cpu_time();
            check_lint(lint_too);
            let took = cpu_time().saturating_sub(start);
            let best = if lint_too { &mut with } else { &mut without };
            *best = (*best).min(took);
        }
    }
    println!(
        "lint: rules {:.2} µs a record on parsed records; a line checked {:.2} µs, \
         + lint {:.2} µs ({:+.1} %; on-CPU time, interleaved)",
        rules.as_secs_f64() * 1e6 / RECORDS as f64,
        without.as_secs_f64() * 1e6 / RECORDS as f64,
        with.saturating_sub(without).as_secs_f64() * 1e6 / RECORDS as f64,
        100.0 * (with.as_secs_f64() / without.as_secs_f64() - 1.0)
    );

    let one = data.split(|&b| b == b'\n').next().unwrap();
    let value: Value = serde_json::from_slice(one).unwrap();
    let pointers: Vec<String> = value
        .as_object()
        .unwrap()
        .keys()
        .map(|k| format!("/{k}"))
        .collect();
    let _ = bench("locate (every field x1000)", one.len() * 1000, || {
        for _ in 0..1000 {
            for p in &pointers {
                black_box(locate(one, p));
            }
        }
    });
    let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
    let _ = bench("locate_all (every field x1000)", one.len() * 1000, || {
        for _ in 0..1000 {
            black_box(locate_all(one, &refs));
        }
    });

    // Issue 11: a 1 MB payload with 50,000 violations (values of additional_fields that
    // are objects): one pass for all positions, time linear in the input.
    let mut big = String::from(r#"{"lead_id": 1, "lead_type": "Chat", "additional_fields": {"#);
    for i in 0..50_000 {
        if i > 0 {
            big.push(',');
        }
        big.push_str(&format!("\"field {i:05}\": {{\"v\": 1}}"));
    }
    big.push_str("}}");
    let record = match Reader::new("big".into(), big.as_bytes()).next() {
        Some(Ok(Item::Record(r))) => r,
        other => panic!("{other:?}"),
    };
    let _ = bench("pathological 1 MB, 50k violations", big.len(), || {
        let checked = check::check(&schema, &record, &Options::default());
        assert_eq!(checked.violations().len(), 50_000);
    });
}
