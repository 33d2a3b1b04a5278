//! Every file of Nicolas Seriot's JSONTestSuite through `validate`: no panic, no hang; every
//! `n_` file rejected with a positioned, unreadable record (except the few that are legal
//! streams of several values); no `y_` file reported unparseable.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{corpus, json_lines, leadcheck, text};

/// `n_` files that are legal *streams* of JSON values: the stream reader splits them into
/// records instead of rejecting them.
const STREAMS: [&str; 2] = [
    "n_structure_double_array.json",                 // [][]
    "n_structure_object_with_trailing_garbage.json", // {"a": true} "x"
];

#[test]
fn jsontestsuite_parsing() {
    let dir = corpus("jsontestsuite/test_parsing");
    let out = leadcheck()
        .args(["validate", "--format", "json"])
        .arg(&dir)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");

    let mut by_file: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for record in json_lines(&out.stdout) {
        let input = record["input"].as_str().unwrap();
        let name = input.rsplit('/').next().unwrap().to_string();
        by_file.entry(name).or_default().push(record);
    }
    let files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 318, "the suite has 318 parsing files");
    let mut checked = (0, 0);
    for name in &files {
        let records = by_file
            .get(name)
            .unwrap_or_else(|| panic!("{name}: no record reported"));
        let unreadable: Vec<_> = records
            .iter()
            .filter(|r| r["status"] == "unreadable")
            .collect();
        if name.starts_with("n_") {
            if STREAMS.contains(&name.as_str()) {
                assert!(
                    records.len() > 1 && unreadable.is_empty(),
                    "{name}: {records:?}"
                );
                continue;
            }
            assert!(
                !unreadable.is_empty(),
                "{name} must be rejected: {records:?}"
            );
            for r in unreadable {
                let e = &r["errors"][0];
                assert!(
                    e["line"].as_u64().unwrap() >= 1 && e["column"].as_u64().unwrap() >= 1,
                    "{name}"
                );
                assert!(!e["message"].as_str().unwrap().is_empty(), "{name}");
            }
            checked.0 += 1;
        } else if name.starts_with("y_") {
            assert!(unreadable.is_empty(), "{name} must parse: {unreadable:?}");
            assert_eq!(records.len(), 1, "{name}: one value, one record");
            checked.1 += 1;
        }
    }
    assert!(checked.0 > 150 && checked.1 > 90, "{checked:?}");
}
