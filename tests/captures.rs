//! Capture formats end to end: raw HTTP requests, HAR, form-urlencoded bodies, gzip, API
//! list responses and arrays of leads. Every record is accounted for, with its position.

mod common;

use std::io::Write;

use common::{corpus, counts, json_lines, leadcheck, sample, text};
use leadcheck::capture::{self, Format};
use leadcheck::record::Item;

/// `validate --format json` of the arguments: (records, summary counts).
fn run(args: &[&str]) -> (Vec<serde_json::Value>, (u64, u64, u64, u64)) {
    let out = leadcheck()
        .args(["validate", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    (json_lines(&out.stdout), counts(&out.stderr))
}

/// (record number, line, column, lead_id) of each record.
fn places(records: &[serde_json::Value]) -> Vec<(u64, u64, u64, Option<u64>)> {
    records
        .iter()
        .map(|r| {
            (
                r["record"].as_u64().unwrap(),
                r["line"].as_u64().unwrap(),
                r["column"].as_u64().unwrap(),
                r["lead_id"].as_u64(),
            )
        })
        .collect()
}

#[test]
fn the_mixed_capture_validates_whole_in_every_format() {
    // Chat, phone call, web form, an API object, and an API list of two leads.
    let ids = [300001, 300002, 300003, 300004, 300005, 300006];
    for file in ["mixed.jsonl", "mixed.jsonl.gz", "mixed.http"] {
        let (records, counts) = run(&[&sample(&format!("captures/{file}"))]);
        assert_eq!(counts, (6, 6, 0, 0), "{file}");
        let got: Vec<u64> = records
            .iter()
            .map(|r| r["lead_id"].as_u64().unwrap())
            .collect();
        assert_eq!(got, ids, "{file}");
    }
    // The HAR has the form-encoded web form instead of the API object.
    let (records, counts) = run(&[&sample("captures/mixed.har")]);
    assert_eq!(counts, (5, 5, 0, 0));
    assert_eq!(
        places(&records),
        [
            (1, 69, 22, Some(300001)),
            (2, 113, 22, Some(300002)),
            (3, 157, 22, Some(300003)),
            // Inside the HAR's JSON string, escapes included: the `{` of each lead.
            (4, 201, 118, Some(300005)),
            (5, 201, 932, Some(300006)),
        ]
    );
}

#[test]
fn api_list_elements_have_their_own_positions() {
    let (records, counts) = run(&[&sample("captures/mixed.jsonl")]);
    assert_eq!(counts, (6, 6, 0, 0));
    let p = places(&records);
    assert_eq!(p[3], (4, 4, 1, Some(300004)));
    assert_eq!(p[4], (5, 5, 87, Some(300005)));
    assert_eq!(p[5], (6, 5, 809, Some(300006)));
    assert_eq!(records[4]["offset"], 4012);

    let (records, counts) = run(&[&sample("captures/api-leads.json")]);
    assert_eq!(counts, (3, 3, 0, 0));
    let starts: Vec<(u64, u64)> = places(&records).iter().map(|p| (p.1, p.2)).collect();
    let text =
        std::fs::read_to_string(common::root().join("samples/captures/api-leads.json")).unwrap();
    // Each element starts on a line of its own, indented by four spaces.
    for (line, column) in starts {
        assert_eq!(column, 5);
        assert_eq!(text.lines().nth(line as usize - 1).unwrap().trim(), "{");
    }
}

#[test]
fn an_error_in_a_listed_lead_points_into_the_list() {
    let out = leadcheck()
        .args(["validate", "-"])
        .write_stdin(
            "{\"page_number\": 1, \"leads\": [\n  {\"lead_id\": 1, \"lead_type\": \"Chat\"},\n  {\"lead_id\": \"2\", \"lead_type\": \"Web Form\"}\n]}\n",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "<stdin>:3:15: /lead_id: expected an integer, found string \"2\"\n"
    );
    assert_eq!(counts(&out.stderr), (2, 1, 1, 0));
    // A top-level array of one lead is a list of leads; an array of anything else is still
    // one record that is not a lead object.
    let (records, counts) = run(&[&sample("captures/lead-array.json")]);
    assert_eq!(counts, (1, 1, 0, 0));
    assert_eq!(
        (records[0]["line"].as_u64(), records[0]["column"].as_u64()),
        (Some(2), Some(3))
    );
    let out = leadcheck()
        .args(["validate", "-"])
        .write_stdin("[1, 2]")
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("(root): expected a JSON object (one lead), found array [1,2]"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn broken_http_framing_is_reported_and_reading_goes_on() {
    let path = sample("captures/broken.http");
    let out = leadcheck().args(["validate", &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        format!(
            "{path}:14:1: unreadable: body of POST /hooks/whatconverts?secret=s3cr3t: expected a JSON value\n\
             {path}:32:1: unreadable: body of POST /hooks/whatconverts: truncated chunk: the 64 bytes of the chunk are not followed by a line end (a chunk cut short, or a wrong size)\n\
             {path}:44:1: unreadable: body of POST /hooks/whatconverts: truncated body: Content-Length says 900 bytes, 120 are left in the input\n"
        )
    );
    // The chat before the non-JSON body, the LF-framed chunked phone call after it, and the
    // web form after the truncated chunk are all read.
    let (records, counts) = run(&[&path]);
    assert_eq!(counts, (6, 3, 0, 3));
    let valid: Vec<u64> = records
        .iter()
        .filter_map(|r| r["lead_id"].as_u64())
        .collect();
    assert_eq!(valid, [500001, 500002, 500004]);
}

#[test]
fn form_bodies_become_typed_payloads() {
    let path = sample("captures/form.http");
    let (records, tally) = run(&[&path]);
    assert_eq!(tally, (2, 1, 1, 0));
    assert_eq!(records[0]["lead_id"], 600001);
    assert_eq!(records[0]["status"], "valid");
    // A form record's violations are placed at their field's pair in the body.
    let e = &records[1]["errors"][0];
    assert_eq!(
        (
            e["pointer"].as_str(),
            e["line"].as_u64(),
            e["column"].as_u64()
        ),
        (Some("/spam"), Some(14), Some(35))
    );
    // Lines of form bodies as an input of their own.
    let out = leadcheck()
        .args(["validate", "--input-format", "form", "-"])
        .write_stdin("lead_id=1&lead_type=Chat\n\nlead_id=x&lead_type=Chat\n")
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        "<stdin>:3:1: /lead_id: expected an integer, found string \"x\"\n"
    );
    assert_eq!(counts(&out.stderr), (2, 1, 1, 0));
}

#[test]
fn gzip_streams_and_cut_gzip() {
    let gz = std::fs::read(common::root().join("samples/captures/mixed.jsonl.gz")).unwrap();
    // From stdin, recognised by its magic bytes.
    let out = leadcheck()
        .args(["validate"])
        .write_stdin(gz.clone())
        .output()
        .unwrap();
    assert_eq!(counts(&out.stderr), (6, 6, 0, 0), "{}", text(&out.stdout));
    let out = leadcheck()
        .args(["validate"])
        .write_stdin(gz[..gz.len() / 2].to_vec())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("unreadable: gzip stream is truncated or corrupt"),
        "{stdout}"
    );
    let c = counts(&out.stderr);
    assert!(c.1 >= 1 && c.3 >= 1, "{c:?}");

    // A gzip-compressed HTTP capture is detected after decompression.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&std::fs::read(common::root().join("samples/captures/mixed.http")).unwrap())
        .unwrap();
    let out = leadcheck()
        .args(["validate", "-"])
        .write_stdin(enc.finish().unwrap())
        .output()
        .unwrap();
    assert_eq!(counts(&out.stderr), (6, 6, 0, 0));
}

#[test]
fn directories_pick_up_capture_files() {
    let out = leadcheck()
        .args(["validate", "--format", "json", "samples/captures"])
        .output()
        .unwrap();
    let inputs: std::collections::BTreeSet<String> = json_lines(&out.stdout)
        .iter()
        .map(|r| r["input"].as_str().unwrap().to_string())
        .collect();
    for file in [
        "mixed.jsonl.gz",
        "mixed.har",
        "mixed.http",
        "broken.http",
        "form.http",
        "webhooks.jsonl",
    ] {
        assert!(
            inputs.contains(&format!("samples/captures/{file}")),
            "{file}: {inputs:?}"
        );
    }
}

#[test]
fn input_format_overrides_detection() {
    // Read as JSON, an HTTP capture is junk (and reading resumes at each `{` line).
    let out = leadcheck()
        .args([
            "validate",
            "--input-format",
            "json",
            &sample("captures/form.http"),
        ])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(stdout.contains("1:1: unreadable"), "{stdout}");
    // Read as a HAR, an NDJSON log is not a HAR file.
    let out = leadcheck()
        .args([
            "validate",
            "--input-format",
            "har",
            &sample("captures/webhooks.jsonl"),
        ])
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains("unreadable: not a HAR file"));
    assert_eq!(counts(&out.stderr), (1, 0, 0, 1));
}

/// What the fuzz target runs (`fuzz/fuzz_targets/reader.rs`), on stable: every file of the
/// JSON parsing test suite and random byte strings through detection, every capture
/// format and the reader, without a panic, and every item positioned.
#[test]
fn capture_reading_never_panics() {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for entry in std::fs::read_dir(corpus("jsontestsuite/test_parsing")).unwrap() {
        inputs.push(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert_eq!(inputs.len(), 318);
    for name in [
        "mixed.http",
        "broken.http",
        "mixed.har",
        "mixed.jsonl.gz",
        "form.http",
    ] {
        let bytes = std::fs::read(common::root().join("samples/captures").join(name)).unwrap();
        // Every prefix of a few lengths: truncations at every framing step.
        for cut in (0..bytes.len()).step_by(331) {
            inputs.push(bytes[..cut].to_vec());
        }
        inputs.push(bytes);
    }
    // Found by the fuzz target: a form line that starts like a JSON object.
    inputs.push(b"a=1\n{\"lead_id\"\n".to_vec());
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..150 {
        let len = (next() % 600) as usize;
        inputs.push((0..len).map(|_| next() as u8).collect());
    }
    // Auto tries detection on everything; the forced formats run each parser on what is
    // not its format. (Plain JSON reading of the corpus is tests/jsontestsuite.rs.)
    for bytes in &inputs {
        for format in [Format::Auto, Format::Http, Format::Har, Format::Form] {
            let items = capture::read_bytes(bytes, format);
            for (i, item) in items.iter().enumerate() {
                let origin = item.origin();
                assert_eq!(origin.record, i as u64 + 1);
                assert!(origin.start.line >= 1 && origin.start.column >= 1);
                match item {
                    Item::Unreadable(u) => assert!(u.at.line >= 1 && !u.message.is_empty()),
                    Item::Record(r) => {
                        let _ = r.position_of("/lead_id");
                        let _ = r.position_of("/0/a");
                    }
                }
            }
        }
    }
}

#[test]
fn what_a_form_body_loses_is_reported_where_it_is() {
    // `notes=a` then `notes[x]=b`: PHP keeps the map, and the value `a` is lost.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("f.http");
    std::fs::write(
        &path,
        "POST /h HTTP/1.1\nContent-Type: application/x-www-form-urlencoded\nContent-Length: 44\n\nlead_id=1&lead_type=Chat&notes=a&notes[x]=b\n",
    )
    .unwrap();
    let out = leadcheck()
        .args(["validate", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records = json_lines(&out.stdout);
    let errors = records[0]["errors"].as_array().unwrap();
    let form = errors.iter().find(|e| e["keyword"] == "form").unwrap();
    assert_eq!(form["pointer"], "/notes");
    assert_eq!(
        (form["line"].as_u64(), form["column"].as_u64()),
        (Some(5), Some(34))
    );
    assert!(
        form["message"]
            .as_str()
            .unwrap()
            .contains("the value is lost"),
        "{form}"
    );
}

/// A gzip file that expands to a record past the 64 MiB limit (80 MiB of one string, from
/// an 80 KB file): one unreadable record, never held whole, and the record after it read.
#[test]
fn a_gzip_file_that_expands_past_the_record_limit_is_one_unreadable_record() {
    use flate2::{Compression, write::GzEncoder};
    let member = |bytes: &[u8]| {
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    };
    // Concatenated gzip members decompress as one stream: one MiB compressed once, 80 times.
    let mebibyte = member(&vec![b'a'; 1 << 20]);
    let mut gz = member(br#"{"lead_id": 1, "lead_type": "Chat", "message": ""#);
    for _ in 0..80 {
        gz.extend_from_slice(&mebibyte);
    }
    let official = std::fs::read(common::root().join("samples/chat-in-progress.json")).unwrap();
    let official: serde_json::Value = serde_json::from_slice(&official).unwrap();
    gz.extend(member(format!("\"}}\n{official}\n").as_bytes()));
    assert!(gz.len() < 1 << 20, "{}", gz.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.jsonl.gz");
    std::fs::write(&path, &gz).unwrap();
    let out = leadcheck()
        .args(["validate", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(":1:1: unreadable: record larger than 64 MiB"),
        "{stdout}"
    );
    // 2 records: the one too large, unreadable; the official lead after it, valid.
    assert_eq!(counts(&out.stderr), (2, 1, 0, 1), "{}", text(&out.stderr));
}
