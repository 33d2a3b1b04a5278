//! `leadcheck history`, end to end.

mod common;

use common::{json_lines, leadcheck, sample, text};
use serde_json::{Value, json};

/// Runs `leadcheck history ARGS…`: (exit code, stdout, stderr).
fn history(args: &[&str]) -> (i32, String, String) {
    let out = leadcheck().arg("history").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[test]
fn each_lead_with_its_versions_and_changes() {
    let capture = sample("captures/history.jsonl");
    let (code, stdout, stderr) = history(&[&capture]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        r#"lead 153940 (3 versions)
  samples/captures/history.jsonl:1:1  new     In Progress  2016-02-01T14:09:01Z
  samples/captures/history.jsonl:3:1  new     Completed    2016-02-01T14:31:44Z
      + /additional_fields/message  "Hello, I like your service!"
      ~ /last_updated               "2016-02-01T14:09:01Z" → "2016-02-01T14:31:44Z"
      ~ /lead_analysis              [] → {"Keyword Detection":"buy,quote","Sentiment Detection":"Positive"}
      ~ /lead_score                 20 → 50
      ~ /lead_state                 "In Progress" → "Completed"
      ~ /spotted_keywords           "" → "buy,quote"
  samples/captures/history.jsonl:5:1  update  Completed    2016-02-02T09:12:05Z
      ~ /last_updated  "2016-02-01T14:31:44Z" → "2016-02-02T09:12:05Z"
      ~ /notes         "" → "Quoted after the chat."
      ~ /quotable      "Not Set" → "Yes"
      ~ /quote_value   null → 1250.0
      ~ /trigger       "new" → "update"

lead 153941 (1 version)
  samples/captures/history.jsonl:2:1  new  Completed  2016-02-01T15:20:07Z

lead 153942 (2 versions)
  samples/captures/history.jsonl:4:1  new  In Progress  2016-02-01T16:45:00Z
  samples/captures/history.jsonl:6:1  new  Completed    2016-02-01T16:58:31Z
      ~ /last_updated  "2016-02-01T16:45:00Z" → "2016-02-01T16:58:31Z"
      ~ /lead_state    "In Progress" → "Completed"
"#
    );
    assert_eq!(stderr, "6 records, 3 leads, 3 shown\n");
}

#[test]
fn one_lead_changed_only_and_ignored_fields() {
    let capture = sample("captures/history.jsonl");
    let (code, stdout, _) = history(&["--lead", "153942", "--ignore", "/last_updated", &capture]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        r#"lead 153942 (2 versions)
  samples/captures/history.jsonl:4:1  new  In Progress  2016-02-01T16:45:00Z
  samples/captures/history.jsonl:6:1  new  Completed    2016-02-01T16:58:31Z
      ~ /lead_state  "In Progress" → "Completed"
"#
    );
    let (code, stdout, stderr) = history(&["--changed-only", &capture]);
    assert_eq!(code, 0);
    let heads: Vec<&str> = stdout.lines().filter(|l| l.starts_with("lead ")).collect();
    assert_eq!(
        heads,
        ["lead 153940 (3 versions)", "lead 153942 (2 versions)"]
    );
    assert_eq!(stderr, "6 records, 3 leads, 2 shown\n");
    // Everything that changed ignored: versions without changes say so.
    let (_, stdout, _) = history(&[
        "--lead",
        "153942",
        "--ignore",
        "/last_updated",
        "--ignore",
        "/lead_state",
        &capture,
    ]);
    assert!(
        stdout.ends_with("16:58:31Z\n      (no change)\n"),
        "{stdout}"
    );
}

#[test]
fn a_lead_that_is_not_there() {
    let (code, stdout, stderr) = history(&["--lead", "999", &sample("captures/history.jsonl")]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(stderr.contains("no record has lead_id 999"), "{stderr}");
}

#[test]
fn json_lines_one_per_lead() {
    let (code, stdout, _) = history(&["--format", "json", &sample("captures/history.jsonl")]);
    assert_eq!(code, 0);
    let leads = json_lines(stdout.as_bytes());
    let ids: Vec<&Value> = leads.iter().map(|l| &l["lead_id"]).collect();
    assert_eq!(ids, [&json!(153940), &json!(153941), &json!(153942)]);
    let versions = leads[0]["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[0]["changes"], json!([]));
    assert_eq!(versions[2]["trigger"], "update");
    assert_eq!(
        (versions[2]["record"].as_u64(), versions[2]["line"].as_u64()),
        (Some(5), Some(5))
    );
    assert_eq!(
        versions[2]["changes"][3],
        json!({"pointer": "/quote_value", "kind": "changed", "old": null, "new": 1250.0})
    );
}

#[test]
fn unreadable_records_are_reported_and_the_rest_shown() {
    let capture = sample("captures/webhooks.jsonl");
    let (code, stdout, stderr) = history(&[&capture]);
    assert_eq!(code, 1, "an unreadable record is 1, as in every command");
    assert!(stdout.starts_with("lead 153928 (3 versions)\n"), "{stdout}");
    assert_eq!(stdout.matches("\nlead ").count(), 3, "{stdout}");
    assert!(
        stderr.starts_with(&format!(
            "{capture}:5:72: unreadable: invalid literal (expected true, false or null)\n"
        )),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("\n8 records (2 unreadable), 4 leads, 4 shown\n"),
        "{stderr}"
    );
}

#[test]
fn updates_are_laid_over_the_lead_unless_literal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.jsonl");
    std::fs::write(
        &path,
        "{\"trigger\":\"new\",\"lead_id\":\"7\",\"a\":1,\"b\":1}\n\
         {\"trigger\":\"update\",\"lead_id\":7,\"b\":2}\n\
         {\"no_lead\":true}\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let (code, stdout, stderr) = history(&["--ignore", "/trigger", "--ignore", "/lead_id", p]);
    assert_eq!(code, 0);
    assert!(stdout.ends_with("      ~ /b  1 → 2\n"), "{stdout}");
    assert_eq!(
        stderr,
        format!(
            "{p}:3:1: note: no lead_id: record left out of the history\n3 records, 1 lead, 1 shown, 1 without lead_id\n"
        )
    );
    let (_, stdout, _) = history(&[
        "--literal",
        "--ignore",
        "/trigger",
        "--ignore",
        "/lead_id",
        p,
    ]);
    assert!(
        stdout.ends_with("      - /a  1\n      ~ /b  1 → 2\n"),
        "{stdout}"
    );
}

/// Text a website visitor controls (ESC, OSC, BEL, CR) is written visibly, never acted on:
/// in the changes history shows and in its JSON lines.
#[test]
fn nothing_from_a_payload_controls_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leads.jsonl");
    let first = json!({"lead_id": 7, "lead_type": "Chat", "contact_name": "Jane",
        "last_updated": "2026-01-01T00:00:00Z"});
    let second = json!({"lead_id": 7, "lead_type": "Chat",
        "contact_name": "\u{1b}]0;pwned\u{7}\u{1b}[2J\rJane",
        "last_updated": "2026-01-02T00:00:00Z"});
    std::fs::write(&path, format!("{first}\n{second}\n")).unwrap();
    let path = path.to_str().unwrap();
    let (code, stdout, stderr) = history(&[path]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("contact_name"), "{stdout}");
    assert!(stdout.contains("pwned"), "the value is shown: {stdout}");
    for raw in ['\u{1b}', '\u{7}', '\r'] {
        assert!(!stdout.contains(raw), "{raw:?} written raw: {stdout:?}");
        assert!(!stderr.contains(raw), "{raw:?} written raw: {stderr:?}");
    }
    // JSON escapes them as JSON does.
    let (_, json_out, _) = history(&["--format", "json", path]);
    assert!(!json_out.contains('\u{1b}'), "{json_out:?}");
    assert!(json_out.contains("\\u001b]0;pwned"), "{json_out}");
}
