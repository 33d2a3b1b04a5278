//! Lead types: `validate --type auto` picks each record's schema by its lead_type, a forced
//! `--type` checks every record against one type, and each type's own fields are typed.

mod common;

use common::{counts, json_lines, leadcheck, root, sample, text};

#[test]
fn one_valid_sample_per_lead_type() {
    let out = leadcheck()
        .args(["validate", "samples/types"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let files = std::fs::read_dir(root().join("samples/types"))
        .unwrap()
        .count() as u64;
    assert_eq!(counts(&out.stderr), (files, files, 0, 0));
    for t in [
        "chat",
        "phone-call",
        "web-form",
        "transaction",
        "text-message",
        "email",
        "event",
        "appointment",
        "other",
    ] {
        let path = sample(&format!("types/{t}.json"));
        // Forcing the record's own type gives the same verdict.
        leadcheck()
            .args(["validate", "--type", t, &path])
            .assert()
            .code(0);
    }
}

#[test]
fn a_phone_call_is_a_lead_under_auto_and_not_a_chat_lead_when_chat_is_forced() {
    let path = sample("invalid/not-a-chat-lead.json");
    let out = leadcheck().args(["validate", &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = leadcheck()
        .args(["validate", "--type", "chat", &path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        format!(
            "{path}:5:16: /lead_type: not a chat lead: expected \"Chat\", found string \"Phone Call\"\n"
        )
    );
    // And a chat forced to be a phone call says so the same way.
    let out = leadcheck()
        .args([
            "validate",
            "--type",
            "phone-call",
            &sample("chat-in-progress.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains(
            "/lead_type: not a phone call lead: expected \"Phone Call\", found string \"Chat\""
        ),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn unknown_or_missing_lead_type_is_one_violation_listing_the_types() {
    let out = leadcheck()
        .args(["validate", &sample("invalid/lead-type-typo.json")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "samples/invalid/lead-type-typo.json:5:16: /lead_type: expected one of \
         \"Chat\", \"Phone Call\", \"Web Form\", \"Transaction\", \"Text Message\", \"Email\", \
         \"Event\", \"Appointment\", \"Other\", found string \"Chatt\"; did you mean \"Chat\"?\n"
    );
    let out = leadcheck()
        .args(["validate", &sample("invalid/missing-lead-type.json")])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        "samples/invalid/missing-lead-type.json:1:1: (root): missing required property \"lead_type\"\n"
    );
    let out = leadcheck()
        .args(["validate", "-"])
        .write_stdin("{\"lead_id\": 1, \"lead_type\": 7}\n")
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        "<stdin>:1:29: /lead_type: expected a string, found integer 7\n"
    );
}

#[test]
fn type_specific_fields_are_checked_per_record() {
    let path = sample("captures/typed-errors.jsonl");
    let out = leadcheck()
        .args(["validate", "--format", "json", &path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let records = json_lines(&out.stdout);
    let errors: Vec<Vec<(String, String)>> = records
        .iter()
        .map(|r| {
            r["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["pointer"].as_str().unwrap().to_string(),
                        e["schema_path"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .collect();
    assert_eq!(
        errors,
        [
            vec![
                (
                    "/call_duration_seconds".to_string(),
                    "/properties/call_duration_seconds/type".to_string()
                ),
                (
                    "/recording".to_string(),
                    "/properties/recording/pattern".to_string()
                ),
            ],
            vec![(
                "/transaction_tax".to_string(),
                "/properties/transaction_tax/type".to_string()
            )],
            vec![(
                "/lead_type".to_string(),
                "/properties/lead_type/enum".to_string()
            )],
            vec![(
                "/form_name".to_string(),
                "/properties/form_name/type".to_string()
            )],
        ]
    );
    assert!(
        records[2]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with("did you mean \"Phone Call\"?")
    );
    assert_eq!(counts(&out.stderr), (4, 0, 4, 0));
}

#[test]
fn strict_knows_each_types_fields() {
    let out = leadcheck()
        .args(["validate", "--strict", "samples/types"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // Under a forced type, another type's fields are unknown.
    let out = leadcheck()
        .args([
            "validate",
            "--strict",
            "--type",
            "web-form",
            &sample("types/phone-call.json"),
        ])
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("/call_duration_seconds: unknown field"),
        "{stdout}"
    );
}

#[test]
fn type_and_schema_conflict() {
    let out = leadcheck()
        .args([
            "validate",
            "--type",
            "chat",
            "--schema",
            "schemas/chat-lead.schema.json",
            &sample("types/chat.json"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = leadcheck()
        .args(["validate", "--type", "fax", &sample("types/chat.json")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("phone-call"));
}
