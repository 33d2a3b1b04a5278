//! Arbitrary bytes through format detection (gzip, HAR, HTTP, form, JSON), every capture
//! parser, the stream reader and the API-list expansion: nothing may panic, and every item
//! must be numbered and positioned.
#![no_main]

use leadcheck::capture::{self, Format};
use leadcheck::input::Item;
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
    for (i, item) in capture::read_bytes(bytes, format).iter().enumerate() {
        let origin = item.origin();
        assert_eq!(origin.record, i as u64 + 1);
        assert!(origin.start.line >= 1 && origin.start.column >= 1);
        if let Item::Record(r) = item {
            // Every pointer into the record resolves to a position inside the input.
            let _ = r.position_of("/lead_id");
        }
    }
});
