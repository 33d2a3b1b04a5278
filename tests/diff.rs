//! `leadcheck diff`, end to end: each case of the samples, formats, exit codes, bad input;
//! and the JSON Patch output applied to OLD by an independent implementation (the
//! `json-patch` crate), on every pair of sample payloads and on generated pairs.

mod common;

use common::{leadcheck, sample, text};
use leadcheck::diff::{self, Ignore, Options};
use leadcheck::leads;
use serde_json::{Value, json};

/// Runs `leadcheck diff ARGS…`: (exit code, stdout, stderr).
fn diff_cmd(args: &[&str]) -> (i32, String, String) {
    let out = leadcheck().arg("diff").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn read(path: &str) -> Value {
    serde_json::from_slice(&std::fs::read(common::root().join(path)).unwrap()).unwrap()
}

/// Applies an RFC 6902 patch with the `json-patch` crate.
fn apply(doc: &Value, patch: &Value) -> Value {
    let patch: json_patch::Patch = serde_json::from_value(patch.clone()).expect("a JSON Patch");
    let mut doc = doc.clone();
    json_patch::patch(&mut doc, &patch).unwrap_or_else(|e| panic!("{e}: {patch:?}"));
    doc
}

#[test]
fn in_progress_to_completed() {
    let (code, stdout, stderr) = diff_cmd(&[
        &sample("diff/in-progress.json"),
        &sample("diff/completed.json"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        r#"+ /additional_fields/message  "Hello, I like your service!"
~ /last_updated               "2016-02-01T14:09:01Z" → "2016-02-01T14:31:44Z"
~ /lead_analysis              [] → {"Keyword Detection":"buy,quote","Sentiment Detection":"Positive"}
~ /lead_score                 20 → 50
~ /lead_state                 "In Progress" → "Completed"
~ /spotted_keywords           "" → "buy,quote"
"#
    );
    assert_eq!(stderr, "6 changes: 1 added, 0 removed, 5 changed\n");
}

#[test]
fn reordered_keys_and_number_spelling_are_no_difference() {
    let (code, stdout, stderr) = diff_cmd(&[
        &sample("diff/completed.json"),
        &sample("diff/completed-reordered.json"),
    ]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert_eq!(stderr, "no differences\n");
    // The files really are spelled differently.
    let a = std::fs::read_to_string(common::root().join("samples/diff/completed.json")).unwrap();
    let b = std::fs::read_to_string(common::root().join("samples/diff/completed-reordered.json"))
        .unwrap();
    assert!(b.contains("50.0") && !a.contains("50.0"));
}

#[test]
fn an_update_payload_shows_only_what_it_changes() {
    let old = sample("diff/completed.json");
    let new = sample("diff/update.json");
    let (code, stdout, _) = diff_cmd(&[&old, &new]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        r#"~ /last_updated  "2016-02-01T14:31:44Z" → "2016-02-02T09:12:05Z"
~ /notes         "" → "Quoted after the chat."
~ /quotable      "Not Set" → "Yes"
~ /quote_value   null → 1250.0
~ /trigger       "new" → "update"
"#
    );
    // --literal compares the payloads as they are: what the update leaves out is removed.
    let (code, stdout, stderr) = diff_cmd(&["--literal", &old, &new]);
    assert_eq!(code, 1);
    assert!(stdout.contains("- /browser "), "{stdout}");
    assert!(stderr.contains("5 changed"), "{stderr}");
    assert!(!stdout.contains("/lead_state"), "unchanged: {stdout}");
}

#[test]
fn an_inserted_array_element_is_one_insertion() {
    let (code, stdout, _) = diff_cmd(&[
        &sample("diff/api-page.json"),
        &sample("diff/api-page-later.json"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        r#"~ /leads/0/quotable  "Not Set" → "Yes"
+ /leads/2           {"lead_id":153933,"lead_state":"In Progress","lead_type":"Chat","quotable":"Not Set"}
~ /total_leads       3 → 4
"#
    );
}

#[test]
fn ignored_fields_are_left_out() {
    let (code, stdout, stderr) = diff_cmd(&[
        "--ignore",
        "/last_updated",
        "--ignore",
        "/lead_analysis/*",
        "--ignore",
        "/additional_fields/*",
        &sample("diff/in-progress.json"),
        &sample("diff/completed.json"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        r#"~ /lead_score        20 → 50
~ /lead_state        "In Progress" → "Completed"
~ /spotted_keywords  "" → "buy,quote"
"#
    );
    assert_eq!(stderr, "3 changes: 0 added, 0 removed, 3 changed\n");
    // Ignoring every difference: the same, exit 0.
    let (code, _, _) = diff_cmd(&[
        "--ignore",
        "/last_updated",
        "--ignore",
        "/trigger",
        "--ignore",
        "/notes",
        "--ignore",
        "/quotable",
        "--ignore",
        "/quote_value",
        &sample("diff/completed.json"),
        &sample("diff/update.json"),
    ]);
    assert_eq!(code, 0);
}

#[test]
fn json_format_lists_the_changes() {
    let (code, stdout, stderr) = diff_cmd(&[
        "--format",
        "json",
        &sample("diff/api-page.json"),
        &sample("diff/api-page-later.json"),
    ]);
    assert_eq!(code, 1);
    assert!(stderr.is_empty(), "{stderr}");
    let changes: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        changes,
        json!([
            {"pointer": "/leads/0/quotable", "kind": "changed", "old": "Not Set", "new": "Yes"},
            {"pointer": "/leads/2", "kind": "added", "old": null,
             "new": {"lead_id": 153933, "lead_state": "In Progress", "lead_type": "Chat", "quotable": "Not Set"}},
            {"pointer": "/total_leads", "kind": "changed", "old": 3, "new": 4},
        ])
    );
    let (code, stdout, _) = diff_cmd(&[
        "--format",
        "json",
        &sample("diff/completed.json"),
        &sample("diff/completed-reordered.json"),
    ]);
    assert_eq!((code, stdout.as_str()), (0, "[]\n"));
}

/// Every pair of sample payloads: the patch printed by `leadcheck diff --format patch`,
/// applied to OLD by json-patch, gives NEW (with an update payload laid over OLD), and
/// with --literal gives NEW exactly.
#[test]
fn patch_output_applies_to_old_and_gives_new() {
    let files = [
        "diff/in-progress.json",
        "diff/completed.json",
        "diff/completed-reordered.json",
        "diff/update.json",
        "diff/api-page.json",
        "diff/api-page-later.json",
        "chat-in-progress.json",
        "valid/empty-maps.json",
    ];
    for old_name in files {
        for new_name in files {
            let (old, new) = (
                read(&format!("samples/{old_name}")),
                read(&format!("samples/{new_name}")),
            );
            for literal in [false, true] {
                let mut args = vec!["--format", "patch"];
                if literal {
                    args.push("--literal");
                }
                let (old_path, new_path) = (sample(old_name), sample(new_name));
                args.extend([old_path.as_str(), new_path.as_str()]);
                let (code, stdout, stderr) = diff_cmd(&args);
                let patch: Value = serde_json::from_str(&stdout)
                    .unwrap_or_else(|e| panic!("{old_name} → {new_name}: {e}: {stdout}{stderr}"));
                let expected = if !literal && leads::is_update(&new) {
                    leads::overlay(&old, &new)
                } else {
                    new.clone()
                };
                let patched = apply(&old, &patch);
                assert!(
                    diff::equal(&patched, &expected),
                    "{old_name} → {new_name} (literal: {literal}): {patch}"
                );
                let same = patch.as_array().unwrap().is_empty();
                assert_eq!(code, if same { 0 } else { 1 }, "{old_name} → {new_name}");
            }
        }
    }
}

/// Every pair of single-payload samples, through the library: the patch gives NEW.
#[test]
fn patch_of_every_sample_pair_applies() {
    let mut values = Vec::new();
    for dir in ["samples/valid", "samples/invalid", "samples/diff"] {
        let mut paths: Vec<_> = std::fs::read_dir(common::root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            values.push(serde_json::from_slice::<Value>(&std::fs::read(&path).unwrap()).unwrap());
        }
    }
    assert!(values.len() > 30);
    for old in &values {
        for new in &values {
            let found = diff::diff(old, new, &Options::default());
            let patched = apply(old, &diff::patch(&found.changes));
            assert!(diff::equal(&patched, new), "{old}\n→ {new}");
            assert_eq!(found.is_empty(), diff::equal(old, new));
        }
    }
}

/// A small deterministic generator (xorshift), so the generated cases are the same on
/// every run and a failure can be replayed.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn scalar(&mut self) -> Value {
        match self.below(7) {
            0 => Value::Null,
            1 => Value::Bool(self.below(2) == 0),
            2 => json!(self.below(5)),
            3 => json!(self.below(5) as f64), // 2.0 and 2 are the same number
            4 => json!(self.below(3) as f64 + 0.5),
            5 => json!(["a", "b", "c", "a/b", "~"][self.below(5) as usize]),
            _ => json!(u64::MAX - self.below(2)),
        }
    }

    fn value(&mut self, depth: u32) -> Value {
        if depth == 0 || self.below(3) == 0 {
            return self.scalar();
        }
        if self.below(2) == 0 {
            let n = self.below(6);
            Value::Array((0..n).map(|_| self.value(depth - 1)).collect())
        } else {
            let n = self.below(5);
            let keys = ["a", "b", "c", "a/b", "~0", ""];
            Value::Object(
                (0..n)
                    .map(|_| {
                        (
                            keys[self.below(6) as usize].to_string(),
                            self.value(depth - 1),
                        )
                    })
                    .collect(),
            )
        }
    }

    /// A random edit of `v`: some values replaced, elements inserted and removed, keys
    /// added and dropped.
    fn mutate(&mut self, v: &Value, depth: u32) -> Value {
        match v {
            _ if self.below(8) == 0 => self.value(depth),
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match self.below(6) {
                        0 => {} // removed
                        1 => {
                            out.push(self.value(depth)); // inserted before
                            out.push(item.clone());
                        }
                        2 => out.push(self.mutate(item, depth + 1)),
                        _ => out.push(item.clone()),
                    }
                }
                if self.below(3) == 0 {
                    out.push(self.value(depth));
                }
                Value::Array(out)
            }
            Value::Object(map) => {
                let mut out = serde_json::Map::new();
                for (k, item) in map {
                    match self.below(5) {
                        0 => {}
                        1 => {
                            out.insert(k.clone(), self.mutate(item, depth + 1));
                        }
                        _ => {
                            out.insert(k.clone(), item.clone());
                        }
                    }
                }
                if self.below(3) == 0 {
                    out.insert(
                        ["x", "y/z", "a"][self.below(3) as usize].into(),
                        self.value(depth),
                    );
                }
                Value::Object(out)
            }
            other => other.clone(),
        }
    }
}

#[test]
fn patch_of_generated_pairs_applies() {
    let mut g = Gen(0x9E37_79B9_7F4A_7C15);
    let tight = Options {
        align_budget: 12, // small arrays only get aligned; larger ones fall back
        ..Options::default()
    };
    let ignoring = Options {
        ignore: Ignore::new(&["/a", "/b/*", "/0", "/1/c"]).unwrap(),
        ..Options::default()
    };
    for case in 0..3000 {
        let old = g.value(4);
        let new = if case % 4 == 0 {
            g.value(4)
        } else {
            g.mutate(&old, 0)
        };
        for options in [&Options::default(), &tight] {
            let found = diff::diff(&old, &new, options);
            let patched = apply(&old, &diff::patch(&found.changes));
            assert!(diff::equal(&patched, &new), "case {case}: {old} → {new}");
            assert_eq!(found.is_empty(), diff::equal(&old, &new), "case {case}");
        }
        // With ignored pointers, what the patch gives differs from NEW only there.
        let found = diff::diff(&old, &new, &ignoring);
        let patched = apply(&old, &diff::patch(&found.changes));
        assert!(
            diff::diff(&patched, &new, &ignoring).is_empty(),
            "case {case}: {old} → {new}: {patched}"
        );
    }
}

#[test]
fn a_single_inserted_element_in_a_long_array_is_one_change() {
    let old: Vec<Value> = (0..3000).map(|i| json!({"id": i})).collect();
    let mut new = old.clone();
    new.insert(1234, json!({"id": "new"}));
    new.remove(2500);
    let found = diff::diff(&Value::Array(old), &Value::Array(new), &Options::default());
    let pointers: Vec<_> = found
        .changes
        .iter()
        .map(|c| (c.pointer.as_str(), c.kind))
        .collect();
    assert_eq!(
        pointers,
        [("/1234", diff::Kind::Added), ("/2499", diff::Kind::Removed)]
    );
}

#[test]
fn arrays_too_large_to_align_are_compared_index_by_index_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let old: Vec<u64> = (0..4000).collect();
    let new: Vec<u64> = (0..4000).map(|i| i * 7 % 4001).collect();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    std::fs::write(&a, json!({"lead_id": 1, "xs": old}).to_string()).unwrap();
    std::fs::write(&b, json!({"lead_id": 1, "xs": new}).to_string()).unwrap();
    let (code, _, stderr) = diff_cmd(&[a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        stderr
            .contains(":1:1: note: /xs: arrays of 4000 and 4000 elements compared index by index"),
        "{stderr}"
    );
}

#[test]
fn unreadable_input_is_a_positioned_error() {
    let broken = sample("broken/truncated.json");
    let validate = leadcheck().args(["validate", &broken]).output().unwrap();
    let expected = text(&validate.stdout);
    assert!(
        expected.starts_with(&format!("{broken}:43:25: unreadable: ")),
        "{expected}"
    );
    for args in [
        [broken.as_str(), "samples/diff/completed.json"],
        ["samples/diff/completed.json", broken.as_str()],
    ] {
        let (code, stdout, stderr) = diff_cmd(&args);
        assert_eq!(code, 1, "an unreadable record is 1, as in every command");
        assert_eq!(stdout, "");
        assert_eq!(stderr, expected);
    }
    let (code, stdout, stderr) = diff_cmd(&["samples/no-such.json", "samples/diff/completed.json"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "samples/no-such.json: error: cannot open: No such file or directory\n"
    );
    let (code, _, stderr) =
        diff_cmd(&[&sample("broken/empty.json"), "samples/diff/completed.json"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("empty.json:1:1: unreadable: no payload"),
        "{stderr}"
    );
    let (code, _, stderr) = diff_cmd(&["samples/diff", "samples/diff/completed.json"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is a directory"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, stderr) = diff_cmd(&["-", "-"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot both be `-`"), "{stderr}");
    let (code, _, stderr) = diff_cmd(&["--ignore", "last_updated", "a", "b"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a JSON Pointer"), "{stderr}");
    let (code, _, _) = diff_cmd(&["only-one.json"]);
    assert_eq!(code, 2);
}

#[test]
fn one_side_from_stdin() {
    let old = std::fs::read(common::root().join("samples/diff/in-progress.json")).unwrap();
    let out = leadcheck()
        .args(["diff", "-", &sample("diff/completed.json")])
        .write_stdin(old)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("~ /lead_state "));
}

#[test]
fn quiet_prints_nothing() {
    let out = leadcheck()
        .args([
            "diff",
            "-q",
            &sample("diff/in-progress.json"),
            &sample("diff/completed.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn colour_when_asked() {
    let out = leadcheck()
        .args([
            "--color",
            "always",
            "diff",
            &sample("diff/in-progress.json"),
            &sample("diff/completed.json"),
        ])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(stdout.contains("\u{1b}["), "{stdout}");
    // Alignment is computed on the text, not on the escape codes.
    let plain: String = strip_ansi(&stdout);
    let (_, expected, _) = diff_cmd(&[
        &sample("diff/in-progress.json"),
        &sample("diff/completed.json"),
    ]);
    assert_eq!(plain, expected);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Two captures in a temporary folder: (old, new).
fn captures(old: &[Value], new: &[Value]) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, records: &[Value]| {
        let path = dir.path().join(name);
        let text: String = records.iter().map(|r| format!("{r}\n")).collect();
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let (a, b) = (write("old.jsonl", old), write("new.jsonl", new));
    (dir, a, b)
}

#[test]
fn captures_are_compared_lead_by_lead() {
    let old = [
        json!({"trigger": "new", "lead_id": 1, "lead_state": "In Progress", "score": 1}),
        json!({"trigger": "new", "lead_id": 2, "lead_state": "Completed"}),
        json!({"trigger": "new", "lead_id": 1, "lead_state": "Completed", "score": 1}),
        json!({"trigger": "new", "lead_id": 3, "lead_state": "Completed"}),
    ];
    let new = [
        json!({"trigger": "new", "lead_id": 4, "lead_state": "Completed"}),
        json!({"trigger": "new", "lead_id": 3, "lead_state": "Completed"}),
        json!({"trigger": "update", "lead_id": 1, "score": 2}),
        json!({"trigger": "new", "lead_state": "Completed"}),
    ];
    let (_dir, a, b) = captures(&old, &new);
    let (code, stdout, stderr) = diff_cmd(&[&a, &b]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        format!(
            "~ lead 1 ({a}:3:1 → {b}:3:1)\n    ~ /score    1 → 2\n    ~ /trigger  \"new\" → \"update\"\n\
             - lead 2 only in OLD ({a}:2:1)\n\
             + lead 4 only in NEW ({b}:1:1)\n"
        )
    );
    assert_eq!(
        stderr,
        format!(
            "{b}:4:1: note: no lead_id: record left out of the comparison\n\
             2 leads in both (1 changed), 1 only in OLD, 1 only in NEW; 2 changes: 0 added, 0 removed, 2 changed\n"
        )
    );
    let (code, stdout, _) = diff_cmd(&["--format", "json", &a, &b]);
    assert_eq!(code, 1);
    let changes: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    let summary: Vec<(i64, &str, &str)> = changes
        .iter()
        .map(|c| {
            (
                c["lead_id"].as_i64().unwrap(),
                c["pointer"].as_str().unwrap(),
                c["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "/score", "changed"),
            (1, "/trigger", "changed"),
            (2, "", "removed"),
            (4, "", "added")
        ]
    );
    assert_eq!(changes[2]["old"]["lead_state"], "Completed");
    let (code, stdout, stderr) = diff_cmd(&["--format", "patch", &a, &b]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.contains("--format patch turns one payload into another"),
        "{stderr}"
    );
    // The same capture on both sides: no difference.
    let (code, stdout, _) = diff_cmd(&[&a, &a]);
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn a_lone_payload_against_a_capture() {
    let (code, stdout, stderr) = diff_cmd(&[
        "--ignore",
        "/trigger",
        "--ignore",
        "/last_updated",
        &sample("diff/completed.json"),
        &sample("captures/history.jsonl"),
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        r#"~ lead 153940 (samples/diff/completed.json:1:1 → samples/captures/history.jsonl:5:1)
    ~ /notes        "" → "Quoted after the chat."
    ~ /quotable     "Not Set" → "Yes"
    ~ /quote_value  null → 1250.0
+ lead 153941 only in NEW (samples/captures/history.jsonl:2:1)
+ lead 153942 only in NEW (samples/captures/history.jsonl:6:1)
"#
    );
    assert_eq!(
        stderr,
        "1 lead in both (1 changed), 0 only in OLD, 2 only in NEW; 3 changes: 0 added, 0 removed, 3 changed\n"
    );
}

#[test]
fn an_unreadable_record_in_a_capture_stops_the_comparison() {
    let capture = sample("captures/webhooks.jsonl");
    let (code, stdout, stderr) = diff_cmd(&[&capture, &sample("captures/history.jsonl")]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert_eq!(
        stderr,
        format!(
            "{capture}:5:72: unreadable: invalid literal (expected true, false or null)\n\
             {capture}:7:701: unreadable: unterminated string: the line ends inside it (a truncated record?)\n"
        )
    );
}
