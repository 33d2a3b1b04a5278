//! `leadcheck fmt`: key order and numbers kept, layouts, stdin, and a mixed capture.

mod common;

use common::{json_lines, leadcheck, sample, text};

#[test]
fn a_pretty_record_comes_back_byte_for_byte() {
    // exact-numbers.json is written the way fmt writes: 1.50, 156.87, 1e3, UTF-8 text and
    // keys in no particular order survive unchanged.
    let path = sample("valid/exact-numbers.json");
    let out = leadcheck().args(["fmt", &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let original = std::fs::read_to_string(common::root().join(&path)).unwrap();
    assert_eq!(text(&out.stdout), original);
}

#[test]
fn compact_sort_keys_and_indent() {
    let path = sample("valid/exact-numbers.json");
    let out = leadcheck()
        .args(["fmt", "--compact", &path])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        r#"{"trigger":"update","lead_id":153940,"lead_type":"Chat","quotable":"Yes","quote_value":1.50,"sales_value":156.87,"lead_score":-5,"contact_name":"Zoë Martín","additional_fields":{"Zip Code*":"02134","Budget":1e3,"Agreed to terms":true},"account_id":27313}
"#
    );
    let out = leadcheck()
        .args(["fmt", "--sort-keys", "--indent", "4", &path])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        r#"{
    "account_id": 27313,
    "additional_fields": {
        "Agreed to terms": true,
        "Budget": 1e3,
        "Zip Code*": "02134"
    },
    "contact_name": "Zoë Martín",
    "lead_id": 153940,
    "lead_score": -5,
    "lead_type": "Chat",
    "quotable": "Yes",
    "quote_value": 1.50,
    "sales_value": 156.87,
    "trigger": "update"
}
"#
    );
}

#[test]
fn every_sample_keeps_its_value() {
    for dir in ["samples/valid", "samples/invalid"] {
        for entry in std::fs::read_dir(common::root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let original: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            for args in [&["fmt"][..], &["fmt", "--compact"], &["fmt", "--sort-keys"]] {
                let out = leadcheck().args(args).arg(&path).output().unwrap();
                assert_eq!(out.status.code(), Some(0), "{}", path.display());
                let back: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(back, original, "{args:?} {}", path.display());
            }
        }
    }
}

#[test]
fn compact_turns_a_mixed_capture_into_ndjson() {
    let out = leadcheck()
        .args([
            "fmt",
            "--compact",
            &sample("captures/webhooks.jsonl"),
            &sample("captures/pretty-log.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 9);
    let ids: Vec<i64> = records
        .iter()
        .map(|r| r["lead_id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            153928, 153928, 153928, 153931, 153933, 153935, 200001, 200002, 200001
        ]
    );
    assert_eq!(
        text(&out.stderr),
        "samples/captures/webhooks.jsonl:5:72: unreadable: invalid literal (expected true, false or null)
samples/captures/webhooks.jsonl:7:701: unreadable: unterminated string: the line ends inside it (a truncated record?)
"
    );
    // The update on line 3 is written as received: 1250.0 stays 1250.0.
    assert!(
        text(&out.stdout)
            .lines()
            .nth(2)
            .unwrap()
            .ends_with(r#""quote_value":1250.0}"#)
    );
}

#[test]
fn stdin_and_colour() {
    let out = leadcheck()
        .args(["fmt"])
        .write_stdin(r#"{"b": 1.0, "a": [true, null, "x\u00e9"]}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "{\n  \"b\": 1.0,\n  \"a\": [\n    true,\n    null,\n    \"x\\u00e9\"\n  ]\n}\n"
    );
    let out = leadcheck()
        .args(["fmt", "--color", "always", "-"])
        .write_stdin(r#"{"a": 1}"#)
        .output()
        .unwrap();
    let colored = text(&out.stdout);
    assert!(colored.contains("\u{1b}["), "{colored:?}");
    assert!(
        !text(
            &leadcheck()
                .args(["fmt", "-"])
                .write_stdin("[1]")
                .output()
                .unwrap()
                .stdout
        )
        .contains('\u{1b}')
    );
}

#[test]
fn compact_and_indent_conflict() {
    let out = leadcheck()
        .args(["fmt", "--compact", "--indent", "4", "-"])
        .write_stdin("{}")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn form_bodies_keep_their_key_order() {
    // The README promises fmt keeps key order; a form body's keys come out in the order
    // they were sent (and numbers as sent), unless --sort-keys asks otherwise.
    let path = sample("captures/form.http");
    let out = leadcheck()
        .args(["fmt", "--compact", &path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let first = text(&out.stdout).lines().next().unwrap().to_string();
    assert_eq!(
        first,
        r#"{"trigger":"new","lead_id":600001,"lead_type":"Web Form","lead_status":"Unique","date_created":"2016-02-01T14:09:01Z","quote_value":null,"lead_score":50,"spam":false,"duplicate":false,"form_name":"Contact Us","zip":"02134","additional_fields":{"Name:":"John Doe","Email Address*":"hello@whatconverts.com"}}"#
    );
    let out = leadcheck()
        .args(["fmt", "--compact", "--input-format", "form", "-"])
        .write_stdin("z=1&quote_value=12.50&a[y]=2&a[x]=3&a[]=4\n")
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        "{\"z\":\"1\",\"quote_value\":12.50,\"a\":{\"y\":\"2\",\"x\":\"3\",\"0\":\"4\"}}\n"
    );
    let out = leadcheck()
        .args([
            "fmt",
            "--compact",
            "--sort-keys",
            "--input-format",
            "form",
            "-",
        ])
        .write_stdin("z=1&a[y]=2&a[x]=3\n")
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        "{\"a\":{\"x\":\"3\",\"y\":\"2\"},\"z\":\"1\"}\n"
    );
}
