//! `leadcheck validate`, end to end: exit codes, positions, counts, formats, bad input.

mod common;

use std::io::{Read, Write};
use std::process::Stdio;

use common::{counts, json_lines, leadcheck, sample, text};

#[test]
fn official_example_is_valid() {
    let out = leadcheck()
        .args(["validate", &sample("chat-in-progress.json")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        "1 record: 1 valid, 0 invalid, 0 unreadable (1 input)\n"
    );
}

#[test]
fn every_real_world_quirk_is_accepted() {
    let out = leadcheck()
        .args(["validate", "samples/valid"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let files = std::fs::read_dir(common::root().join("samples/valid"))
        .unwrap()
        .count() as u64;
    assert_eq!(counts(&out.stderr), (files, files, 0, 0));
}

#[test]
fn each_broken_payload_is_pinpointed() {
    // (sample, expected line of output)
    let cases = [
        (
            "analysis-not-string",
            "9:28: /lead_analysis/Sentiment Detection: expected a string, found number 0.82",
        ),
        (
            "bad-ip",
            "43:17: /ip_address: expected an IPv4 or IPv6 address (or \"\"), found string \"107.210.21.388\"",
        ),
        (
            "lead-id-string",
            "3:14: /lead_id: expected an integer, found string \"153928\"",
        ),
        (
            "lead-state-unknown",
            "21:17: /lead_state: expected one of \"Completed\", \"In Progress\", \"In Progess\", found string \"Done\"",
        ),
        (
            "lead-status-case",
            "6:18: /lead_status: expected one of \"Unique\", \"Repeat\", found string \"unique\"; did you mean \"Unique\"?",
        ),
        (
            "lead-type-typo",
            "5:16: /lead_type: not a chat lead: expected \"Chat\", found string \"Chatt\"; did you mean \"Chat\"?",
        ),
        (
            "missing-lead-id",
            "1:1: (root): missing required property \"lead_id\"",
        ),
        (
            "missing-lead-type",
            "1:1: (root): missing required property \"lead_type\"",
        ),
        (
            "not-a-chat-lead",
            "5:16: /lead_type: not a chat lead: expected \"Chat\", found string \"Phone Call\"",
        ),
        (
            "profile-id-fraction",
            "23:17: /profile_id: expected an integer, found number 51497.5",
        ),
        (
            "quotable-unknown",
            "16:15: /quotable: expected one of \"Yes\", \"No\", \"Pending\", \"Not Set\", found string \"Maybe\"",
        ),
        (
            "quote-value-string",
            "17:18: /quote_value: expected a number or null, found string \"1,250.00\"",
        ),
        (
            "spam-string",
            "77:11: /spam: expected a boolean, found string \"false\"",
        ),
        (
            "timestamp-no-zone",
            "14:19: /last_updated: expected an RFC 3339 timestamp like 2016-02-01T14:09:01Z, found string \"2016-01-25T17:18:20\"",
        ),
        (
            "timestamp-space",
            "15:19: /date_created: expected an RFC 3339 timestamp like 2016-02-01T14:09:01Z, found string \"2016-02-01 14:09:01\"",
        ),
        (
            "not-an-object",
            r#"1:1: (root): expected a JSON object (one lead), found string "{\"trigger\": \"new\", \"lead_id\": 153928, \"lead_type\":… that holds a JSON object (serialised twice?)"#,
        ),
        (
            "unknown-trigger",
            "2:14: /trigger: expected one of \"new\", \"update\", found string \"created\"",
        ),
    ];
    // These are the chat schema's rules, so the chat schema is forced (`--type auto`, the
    // default, reports an unknown lead_type against the list of every type, and checks a
    // Phone Call by the phone call schema: tests/types.rs).
    for (name, expected) in cases {
        let path = sample(&format!("invalid/{name}.json"));
        let out = leadcheck()
            .args(["validate", "--type", "chat", &path])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stdout = text(&out.stdout);
        let first = stdout.lines().next().unwrap_or_default();
        assert_eq!(first, format!("{path}:{expected}"), "{name}");
        assert_eq!(counts(&out.stderr), (1, 0, 1, 0), "{name}");
    }
}

#[test]
fn every_violation_of_a_record_is_reported_in_input_order() {
    let out = leadcheck()
        .args(["validate", "--strict", &sample("invalid/many-errors.json")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let pointers: Vec<&str> = stdout
        .lines()
        .map(|l| l.split(": ").nth(1).unwrap())
        .collect();
    assert_eq!(
        pointers,
        [
            "/lead_id",
            "/lead_type",
            "/date_created",
            "/spam",
            "/lead_sorce"
        ]
    );
    assert!(stdout.contains("unknown field \"lead_sorce\"; did you mean \"lead_source\"?"));
    let lines: Vec<u64> = stdout
        .lines()
        .map(|l| l.split(':').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{lines:?}");
}

#[test]
fn unknown_fields_pass_unless_strict() {
    let path = sample("valid/unknown-fields.json");
    leadcheck().args(["validate", &path]).assert().code(0);
    let out = leadcheck()
        .args(["validate", "--strict", &path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("/linkedin_click_id: unknown field"),
        "{stdout}"
    );
    assert!(
        stdout.contains("/tiktok_click_id: unknown field"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("chat_status"),
        "chat_status is known: {stdout}"
    );
}

#[test]
fn malformed_records_are_reported_and_reading_goes_on() {
    let out = leadcheck()
        .args(["validate", &sample("captures/webhooks.jsonl")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let name = sample("captures/webhooks.jsonl");
    assert_eq!(
        stdout,
        format!(
            "{name}:4:603: /quote_value: expected a number or null, found string \"900\"\n\
             {name}:5:72: unreadable: invalid literal (expected true, false or null)\n\
             {name}:7:701: unreadable: unterminated string: the line ends inside it (a truncated record?)\n"
        )
    );
    assert_eq!(counts(&out.stderr), (8, 5, 1, 2));
}

#[test]
fn broken_files_each_get_one_positioned_error() {
    let out = leadcheck()
        .args(["validate", "samples/broken"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let expected = [
        "samples/broken/binary.json:1:1: unreadable: expected a JSON value",
        "samples/broken/empty.json:1:1: unreadable: no payload: the input is empty",
        "samples/broken/invalid-utf8.json:1:57: unreadable: invalid UTF-8 (byte 0xE9): the input must be UTF-8",
        // The comma itself, not the bracket after it.
        "samples/broken/trailing-comma.json:77:14: unreadable: trailing comma",
        "samples/broken/truncated.json:43:25: unreadable: truncated: EOF while parsing a string",
    ];
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected);
    assert_eq!(counts(&out.stderr), (5, 0, 0, 5));
}

#[test]
fn pretty_printed_log_is_a_stream_of_records() {
    let out = leadcheck()
        .args([
            "validate",
            "--format",
            "json",
            &sample("captures/pretty-log.json"),
        ])
        .output()
        .unwrap();
    let records = json_lines(&out.stdout);
    let starts: Vec<(u64, u64)> = records
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(starts, [(1, 1), (79, 1), (157, 1)]);
    assert_eq!(records[1]["status"], "invalid");
    assert_eq!(records[1]["errors"][0]["pointer"], "/spam");
    assert_eq!(records[1]["lead_id"], 200002);
}

#[test]
fn json_format_is_one_object_per_record_and_nothing_else() {
    let out = leadcheck()
        .args([
            "validate",
            "--format",
            "json",
            &sample("captures/webhooks.jsonl"),
            &sample("invalid/missing-lead-id.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 9);
    for (i, r) in records[..8].iter().enumerate() {
        assert_eq!(r["record"], i as u64 + 1);
        assert_eq!(r["input"], "samples/captures/webhooks.jsonl");
        assert_eq!(r["valid"], r["status"] == "valid");
    }
    let invalid = &records[3];
    assert_eq!(invalid["status"], "invalid");
    let e = &invalid["errors"][0];
    assert_eq!(
        (
            e["pointer"].as_str(),
            e["line"].as_u64(),
            e["column"].as_u64(),
            e["keyword"].as_str()
        ),
        (Some("/quote_value"), Some(4), Some(603), Some("type"))
    );
    let unreadable = &records[4];
    assert_eq!(unreadable["status"], "unreadable");
    assert!(unreadable["errors"][0]["pointer"].is_null());
    assert_eq!(unreadable["errors"][0]["keyword"], "unreadable");
    let missing = &records[8];
    assert_eq!(missing["errors"][0]["pointer"], "");
    assert_eq!(missing["errors"][0]["keyword"], "required");
    assert!(missing["lead_id"].is_null());
    // The summary is on stderr, not mixed into the JSON.
    assert_eq!(counts(&out.stderr), (9, 5, 2, 2));
}

#[test]
fn reads_stdin_with_dash_or_no_input() {
    let capture = std::fs::read(common::root().join("samples/captures/webhooks.jsonl")).unwrap();
    for args in [&["validate", "-"][..], &["validate"][..]] {
        let out = leadcheck()
            .args(args)
            .write_stdin(capture.clone())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(text(&out.stdout).starts_with("<stdin>:4:603: /quote_value"));
        assert_eq!(counts(&out.stderr), (8, 5, 1, 2));
    }
    let out = leadcheck()
        .args(["validate"])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        "<stdin>:1:1: unreadable: no payload: the input is empty\n"
    );
}

#[test]
fn missing_file_is_exit_2_and_the_rest_is_still_checked() {
    let out = leadcheck()
        .args([
            "validate",
            "no/such/file.json",
            &sample("chat-in-progress.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no/such/file.json: error: cannot open: No such file or directory"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("1 record: 1 valid, 0 invalid, 0 unreadable (2 inputs, 1 could not be read)"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_are_exit_2() {
    leadcheck()
        .args(["validate", "--format", "yaml"])
        .assert()
        .code(2);
    leadcheck().args(["frobnicate"]).assert().code(2);
    leadcheck().arg("--help").assert().code(0);
    let out = leadcheck().args(["validate", "--help"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    for option in ["--format", "--strict", "--schema", "--quiet", "--color"] {
        assert!(text(&out.stdout).contains(option), "{option}");
    }
}

#[test]
fn custom_schema_and_uncompilable_schema() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("s.json");
    // A user schema may build on the bundled common-lead schema by its $id.
    std::fs::write(
        &schema,
        r#"{"$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [{"$ref": "https://leadcheck.dev/schemas/common-lead.schema.json"}],
            "required": ["contact_email_address"]}"#,
    )
    .unwrap();
    let out = leadcheck()
        .args([
            "validate",
            "--schema",
            schema.to_str().unwrap(),
            &sample("invalid/not-a-chat-lead.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "a phone call is a lead: {}",
        text(&out.stdout)
    );
    let out = leadcheck()
        .args([
            "validate",
            "--schema",
            schema.to_str().unwrap(),
            &sample("valid/update-partial.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("missing required property \"contact_email_address\""));

    std::fs::write(&schema, r#"{"type": "objekt"}"#).unwrap();
    let out = leadcheck()
        .args([
            "validate",
            "--schema",
            schema.to_str().unwrap(),
            &sample("chat-in-progress.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("invalid schema"),
        "{}",
        text(&out.stderr)
    );
    std::fs::write(&schema, r#"{"$ref": "https://example.com/elsewhere.json"}"#).unwrap();
    let out = leadcheck()
        .args([
            "validate",
            "--schema",
            schema.to_str().unwrap(),
            &sample("chat-in-progress.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "remote refs are never fetched");
    std::fs::write(&schema, "{\n  \"type\": \n").unwrap();
    let out = leadcheck()
        .args([
            "validate",
            "--schema",
            schema.to_str().unwrap(),
            &sample("chat-in-progress.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("s.json:3:0: schema is not valid JSON")
            || text(&out.stderr).contains("schema is not valid JSON")
    );
}

#[test]
fn quiet_prints_nothing() {
    for (path, code) in [
        ("invalid/spam-string.json", 1),
        ("chat-in-progress.json", 0),
    ] {
        let out = leadcheck()
            .args(["validate", "-q", &sample(path)])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code));
        assert!(out.stdout.is_empty() && out.stderr.is_empty());
    }
    let out = leadcheck()
        .args(["validate", "--quiet", "missing.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn directories_are_walked_for_json_files_only() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("nested/deeper")).unwrap();
    std::fs::create_dir_all(p.join(".git")).unwrap();
    let lead = r#"{"lead_id": 1, "lead_type": "Chat"}"#;
    std::fs::write(p.join("a.json"), lead).unwrap();
    std::fs::write(p.join("nested/b.jsonl"), format!("{lead}\n{lead}\n")).unwrap();
    std::fs::write(p.join("nested/deeper/c.ndjson"), lead).unwrap();
    std::fs::write(p.join("nested/notes.txt"), "not a payload").unwrap();
    std::fs::write(p.join(".git/d.json"), "junk").unwrap();
    let out = leadcheck().arg("validate").arg(p).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(counts(&out.stderr), (4, 4, 0, 0));
    assert!(text(&out.stderr).contains("(3 inputs)"));

    let empty = tempfile::tempdir().unwrap();
    let out = leadcheck()
        .arg("validate")
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no *.json, *.jsonl or *.ndjson files"));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let path = sample("invalid/spam-string.json");
    let plain = leadcheck().args(["validate", &path]).output().unwrap();
    assert!(
        !text(&plain.stdout).contains('\u{1b}'),
        "not a terminal: no colour"
    );
    let always = leadcheck()
        .args(["validate", "--color", "always", &path])
        .output()
        .unwrap();
    assert!(text(&always.stdout).contains("\u{1b}["));
    assert!(text(&always.stderr).contains("\u{1b}["));
    let never = leadcheck()
        .args(["validate", "--color", "never", &path])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!text(&never.stdout).contains('\u{1b}'));
    let forced = leadcheck()
        .args(["validate", &path])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(text(&forced.stdout).contains("\u{1b}["));
    let no_color = leadcheck()
        .args(["validate", &path])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        !text(&no_color.stdout).contains('\u{1b}'),
        "NO_COLOR wins over auto"
    );
    // Colour never changes the text itself.
    let stripped = text(&always.stdout).replace('\u{1b}', "");
    assert!(stripped.contains("/spam"));
}

#[test]
fn closed_pipe_ends_quietly() {
    let line = r#"{"lead_id": "x", "lead_type": "Chat"}"#;
    let mut capture = String::new();
    for _ in 0..50_000 {
        capture.push_str(line);
        capture.push('\n');
    }
    let bin = assert_cmd::cargo::cargo_bin("leadcheck");
    let mut child = std::process::Command::new(bin)
        .args(["validate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(capture.as_bytes());
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout); // like `| head -c 64`
    let status = child.wait().unwrap();
    writer.join().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
}

#[test]
fn hostile_inputs_get_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // 100,000 nested arrays, a 70 MiB record, a 5 MiB valid line, NULs.
    std::fs::write(p.join("deep.json"), "[".repeat(100_000)).unwrap();
    let mut huge = b"{\"lead_id\": 1, \"lead_type\": \"Chat\", \"notes\": \"".to_vec();
    huge.resize(huge.len() + (70 << 20), b'a');
    huge.extend_from_slice(b"\"}\n{\"lead_id\": 2, \"lead_type\": \"Chat\"}\n");
    std::fs::write(p.join("huge.jsonl"), huge).unwrap();
    let long_note = "n".repeat(5 << 20);
    std::fs::write(
        p.join("long.json"),
        format!(r#"{{"lead_id": 3, "lead_type": "Chat", "notes": "{long_note}"}}"#),
    )
    .unwrap();
    std::fs::write(p.join("nul.json"), b"\0\0\0{}").unwrap();
    let out = leadcheck().arg("validate").arg(p).output().unwrap();
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("deep.json:1:128: unreadable: nested deeper than 128 levels"),
        "{stdout}"
    );
    assert!(
        stdout.contains("huge.jsonl:1:1: unreadable: record larger than 64 MiB"),
        "{stdout}"
    );
    assert!(stdout.contains("nul.json:1:1: unreadable"), "{stdout}");
    assert!(
        !stdout.contains("long.json"),
        "a long valid record is fine: {stdout}"
    );
    // deep, huge (+ the good record after it), long, nul
    assert_eq!(counts(&out.stderr), (5, 2, 0, 3));
}
