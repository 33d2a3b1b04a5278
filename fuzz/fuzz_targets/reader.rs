//! Arbitrary bytes through format detection (gzip, HAR, HTTP, form, JSON), every capture
//! framer, the stream reader, the API-list expansion and the position code production
//! uses (`Record::positions`, the one function that turns JSON Pointers into line:column):
//! nothing may panic, every item must be numbered in order and placed inside the input.
//! And the tape `validate` reads NDJSON lines with: whatever it accepts, serde_json
//! accepts too, as the same value, on which lint's rules (every one on) find the same as on
//! the tape.
#![no_main]

use leadcheck::capture::{self, Format};
use leadcheck::lint::{self, Context};
use leadcheck::record::Item;
use leadcheck::tape::Tape;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the format, so forced formats meet foreign input too.
    let (format, bytes) = match data.split_first() {
        Some((b, rest)) => (
            [Format::Auto, Format::Json, Format::Http, Format::Har, Format::Form][*b as usize % 5],
            rest,
        ),
        None => (Format::Auto, data),
    };
    let mut tape = Tape::new();
    if let Ok(doc) = tape.parse(bytes) {
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .unwrap_or_else(|e| panic!("the tape accepted what serde_json rejects: {e}"));
        assert_eq!(doc.root().value(), value);
        let ctx = Context::at("2026-01-01T00:00:00Z".parse().unwrap());
        let (mut on_tape, tape_delivery) = lint::check_record(doc.root(), &ctx);
        let (mut on_value, value_delivery) = lint::check_record(&value, &ctx);
        // Within a rule, a map's members are met in text order on the tape, sorted in a
        // Value; a finding made on the tape knows where its value starts, one made on a
        // Value does not (they differ in that alone).
        for finding in &mut on_tape {
            finding.offset = None;
        }
        let key = |f: &lint::Finding| (f.rule, f.pointer.clone(), f.message.clone());
        on_tape.sort_by_key(key);
        on_value.sort_by_key(key);
        assert_eq!(on_tape, on_value);
        assert_eq!(tape_delivery, value_delivery);
        // Counting alone counts what checking finds.
        let (counted, counted_delivery) = lint::count_record(doc.root(), &ctx);
        let counted: Vec<(&str, u32)> = counted.iter().map(|(r, n)| (r.name(), n)).collect();
        let mut found: Vec<(&str, u32)> = Vec::new();
        for rule in lint::Rule::ALL {
            let n = on_tape.iter().filter(|f| f.rule == rule.name()).count() as u32;
            if n > 0 {
                found.push((rule.name(), n));
            }
        }
        assert_eq!(counted, found);
        assert_eq!(counted_delivery, tape_delivery);
    }
    let items = capture::read_bytes(bytes, format);
    assert!(!items.is_empty(), "every input is at least one item");
    for (i, item) in items.iter().enumerate() {
        let origin = item.origin();
        assert_eq!(origin.record, i as u64 + 1);
        assert!(origin.start.line >= 1 && origin.start.column >= 1);
        if let Item::Record(r) = item {
            // Every pointer into the record resolves to a position at or after its start.
            for p in r.positions(&["/lead_id", "", "/leads/0/lead_id", "/a/b/0/c"]) {
                assert!(p.at >= origin.start || r.text.is_empty(), "{p:?} {origin:?}");
            }
        }
    }
});
