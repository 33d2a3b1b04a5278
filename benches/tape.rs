//! Validation on a tape against validation on a `serde_json::Value`, record by record on
//! one thread (no timed assertions: this prints figures).
//!
//! ```sh
//! python3 benches/harness/gen.py --ndjson 100000 > /tmp/m3.jsonl
//! cargo bench --bench tape -- /tmp/m3.jsonl [RUNS] [SCHEMA.json]
//! ```
//!
//! For each schema (the bundled chat schema, and SCHEMA.json when given, e.g. the harness's
//! `benches/harness/schema/chat-lead.schema.json`), each NDJSON line is validated:
//!
//! - `value`: `serde_json::from_slice::<Value>` + `is_valid` + drop, what `validate` does;
//! - `tape`: `Tape::parse` (one tape, reused) + `is_valid`, falling back to the `value`
//!   path for a line the tape rejects;
//!
//! and, to see where the time goes, each parse alone. The runs are interleaved (value,
//! tape, value, tape, ...) so a slower moment of a shared machine hits both; the best,
//! median and worst of RUNS (default 5) are printed, in MB/s of input. Without a file, a
//! generated capture of 20,000 payloads is used.
//!
//! For an instruction count (`valgrind --tool=callgrind`, stable on a busy machine),
//! `TAPE_BENCH_ONLY=value|tape|value-parse|tape-parse|none` runs that one loop once, with
//! the last schema, and prints nothing else; subtract `none` (loading and compiling).

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use leadcheck::schema::{LeadType, Schema};
use leadcheck::tape::Tape;
use serde_json::Value;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn generated() -> Vec<u8> {
    let official: Value =
        serde_json::from_str(include_str!("../samples/chat-in-progress.json")).unwrap();
    let mut out = Vec::new();
    for i in 0..20_000 {
        let mut v = official.clone();
        v["lead_id"] = Value::from(100_000 + i);
        if i % 10 == 3 {
            v["lead_id"] = Value::from(i.to_string());
        }
        serde_json::to_writer(&mut out, &v).unwrap();
        out.push(b'\n');
    }
    out
}

struct Row {
    name: String,
    mbps: Vec<f64>,
}

impl Row {
    fn print(&mut self) {
        self.mbps.sort_by(f64::total_cmp);
        let n = self.mbps.len();
        println!(
            "{:<44} best {:>7.1}  median {:>7.1}  worst {:>7.1} MB/s",
            self.name,
            self.mbps[n - 1],
            self.mbps[n / 2],
            self.mbps[0]
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let data = match args.first() {
        Some(path) => std::fs::read(path).unwrap(),
        None => generated(),
    };
    let runs: usize = args.get(1).map_or(5, |r| r.parse().unwrap());
    let mut schemas = vec![Schema::for_type(LeadType::Chat).unwrap()];
    if let Some(path) = args.get(2) {
        schemas.push(Schema::from_path(Path::new(path)).unwrap());
    }
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let mb = data.len() as f64 / 1e6;
    println!("{} records, {mb:.1} MB, {runs} runs, 1 thread", lines.len());

    let mut tape = Tape::new();
    if let Ok(only) = std::env::var("TAPE_BENCH_ONLY") {
        let schema = schemas.last().unwrap();
        let (on_value, on_tape) = (schema.validator(), schema.tape_validator().unwrap());
        let mut valid = 0;
        for line in &lines {
            valid += usize::from(match only.as_str() {
                "value" => on_value.is_valid(&serde_json::from_slice::<Value>(line).unwrap()),
                "tape" => on_tape.is_valid(tape.parse(line).unwrap().root()),
                "value-parse" => black_box(serde_json::from_slice::<Value>(line).is_ok()),
                "tape-parse" => black_box(tape.parse(line).is_ok()),
                _ => false,
            });
        }
        println!("{only}: {valid} of {}", lines.len());
        return;
    }
    let rejected = lines.iter().filter(|l| tape.parse(l).is_err()).count();
    println!("records the tape hands to serde_json: {rejected}");

    let mut rows: Vec<Row> = Vec::new();
    let mut row = |name: String| {
        rows.push(Row {
            name,
            mbps: Vec::new(),
        });
        rows.len() - 1
    };
    let parse_value = row("parse: Value + drop".into());
    let parse_tape = row("parse: tape".into());
    let mut per_schema = Vec::new();
    for schema in &schemas {
        let name = schema.name().to_string();
        per_schema.push((
            row(format!("{name}: value + is_valid")),
            row(format!("{name}: tape + is_valid")),
        ));
    }

    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        mb / start.elapsed().as_secs_f64()
    };
    for _ in 0..runs {
        rows[parse_value].mbps.push(time(&mut || {
            for line in &lines {
                black_box(serde_json::from_slice::<Value>(line).unwrap());
            }
        }));
        rows[parse_tape].mbps.push(time(&mut || {
            for line in &lines {
                black_box(tape.parse(line).map(|d| d.len()).unwrap_or(0));
            }
        }));
        for (schema, &(on_value, on_tape)) in schemas.iter().zip(&per_schema) {
            let value_validator = schema.validator();
            let tape_validator = schema.tape_validator().unwrap();
            let mut valid = [0usize; 2];
            rows[on_value].mbps.push(time(&mut || {
                for line in &lines {
                    let value: Value = serde_json::from_slice(line).unwrap();
                    valid[0] += usize::from(value_validator.is_valid(&value));
                }
            }));
            rows[on_tape].mbps.push(time(&mut || {
                for line in &lines {
                    let ok = match tape.parse(line) {
                        Ok(doc) => tape_validator.is_valid(doc.root()),
                        Err(_) => {
                            let value: Value = serde_json::from_slice(line).unwrap();
                            value_validator.is_valid(&value)
                        }
                    };
                    valid[1] += usize::from(ok);
                }
            }));
            assert_eq!(valid[0], valid[1], "the tape and the Value disagree");
        }
    }
    for row in &mut rows {
        row.print();
    }
    for (schema, &(on_value, on_tape)) in schemas.iter().zip(&per_schema) {
        let median = |row: &Row| row.mbps[row.mbps.len() / 2];
        println!(
            "{}: tape / value = {:.2}x (medians)",
            schema.name(),
            median(&rows[on_tape]) / median(&rows[on_value])
        );
    }
}
