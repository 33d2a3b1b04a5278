//! `leadcheck explain`, `leadcheck schema` and `leadcheck sample`.

mod common;

use common::{leadcheck, sample, text};

#[test]
fn explain_a_field() {
    let out = leadcheck()
        .args(["explain", "lead_state"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        r#"lead_state: one of "Completed", "In Progress", "In Progess"
  type: string
  `In Progress` while a chat or call is still going on, then `Completed`. The official examples
  spell it `In Progess`, so that spelling is accepted too.
  example: "In Progess"
  card section: identity
  schema: common-lead.schema.json
"#
    );
}

#[test]
fn explain_an_unknown_field_suggests() {
    let out = leadcheck()
        .args(["explain", "lead_sorce"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "leadcheck: error: no field or lint rule \"lead_sorce\"; did you mean \"lead_source\"?\n"
    );
    let out = leadcheck().args(["explain", "zzz"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`leadcheck explain` lists the fields"));
}

#[test]
fn explain_lists_every_schema_field_by_section() {
    let out = leadcheck().arg("explain").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let listing = text(&out.stdout);
    assert!(listing.starts_with("identity\n  lead_id "), "{listing}");
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../schemas/common-lead.schema.json")).unwrap();
    for field in schema["properties"].as_object().unwrap().keys() {
        let n = listing
            .lines()
            .filter(|l| l.split_whitespace().next() == Some(field))
            .count();
        assert_eq!(n, 1, "{field}");
    }
    // The lead types' own fields have a section of their own.
    assert!(
        listing.contains("\nlead type details\n  chat_status "),
        "{listing}"
    );
    assert!(
        listing.contains("\n  call_duration_seconds       integer\n"),
        "{listing}"
    );
}

/// The printed schema, compiled on its own (no registry: it must be self-contained).
fn printed_schema() -> jsonschema::Validator {
    let out = leadcheck().arg("schema").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!text(&out.stdout).contains(r#""$ref": "common-lead"#));
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the printed schema compiles alone")
}

#[test]
fn printed_schema_judges_the_samples_like_the_bundled_one() {
    let validator = printed_schema();
    let mut checked = 0;
    for (dir, expected) in [
        ("samples/valid", true),
        ("samples/invalid", false),
        ("samples/redact", true),
    ] {
        for entry in std::fs::read_dir(common::root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            for line in
                serde_json::Deserializer::from_slice(&bytes).into_iter::<serde_json::Value>()
            {
                let value = line.unwrap();
                assert_eq!(validator.is_valid(&value), expected, "{}", path.display());
                checked += 1;
            }
        }
    }
    let official: serde_json::Value =
        serde_json::from_str(include_str!("../samples/chat-in-progress.json")).unwrap();
    assert!(validator.is_valid(&official));
    assert!(checked > 30);
    // And through leadcheck itself.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundled.json");
    std::fs::write(&path, leadcheck().arg("schema").output().unwrap().stdout).unwrap();
    let out = leadcheck()
        .args(["validate", "--schema"])
        .arg(&path)
        .args(["samples/invalid/many-errors.json"])
        .output()
        .unwrap();
    let bundled = leadcheck()
        .args([
            "validate",
            "--type",
            "chat",
            "samples/invalid/many-errors.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let messages = |o: &[u8]| {
        text(o)
            .lines()
            .map(|l| l.split(": ").skip(1).collect::<Vec<_>>().join(": "))
            .collect::<Vec<_>>()
    };
    assert_eq!(messages(&out.stdout), messages(&bundled.stdout));
}

#[test]
fn sample_prints_the_official_example() {
    let out = leadcheck().arg("sample").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        out.stdout,
        std::fs::read(common::root().join(sample("chat-in-progress.json"))).unwrap()
    );
    // Piped back in, it validates.
    let check = leadcheck()
        .args(["validate", "-"])
        .write_stdin(out.stdout)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0));
}

/// Every lead type WhatConverts sends, by the name of its schema (`--type`).
const TYPES: [&str; 9] = [
    "chat",
    "phone-call",
    "web-form",
    "transaction",
    "text-message",
    "email",
    "event",
    "appointment",
    "other",
];

#[test]
fn sample_list_and_names() {
    let out = leadcheck().args(["sample", "--list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let names: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(names[0], "chat-in-progress", "the default comes first");
    // One of every lead type, an update of each, the in-progress states, an API object.
    let mut expected: Vec<String> = vec!["chat-in-progress".into(), "api-object".into()];
    expected.push("phone-call-in-progress".into());
    for t in TYPES {
        expected.push(if t == "chat" {
            "chat-completed".into()
        } else {
            t.into()
        });
        expected.push(format!("{t}-update"));
    }
    let mut listed = names.clone();
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected);

    for name in &names {
        let out = leadcheck().args(["sample", name]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}");
        let payload: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // Its type, by name (the API object and the chats are chats), is the one it says.
        let t = TYPES
            .iter()
            .filter(|t| name.starts_with(*t))
            .max_by_key(|t| t.len())
            .copied()
            .unwrap_or("chat");
        let lead_type = payload["lead_type"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .replace(' ', "-");
        assert_eq!(lead_type, t, "{name}");
        assert_eq!(
            payload["trigger"].as_str(),
            match name.as_str() {
                "api-object" => None,
                n if n.ends_with("-update") => Some("update"),
                _ => Some("new"),
            },
            "{name}"
        );
        // Valid against its own type's schema, and it uses no field that schema does not
        // know.
        let check = leadcheck()
            .args(["validate", "--strict", "--type", t, "-"])
            .write_stdin(out.stdout)
            .output()
            .unwrap();
        assert_eq!(
            check.status.code(),
            Some(0),
            "{name}: {}",
            text(&check.stdout)
        );
    }
    let out = leadcheck().args(["sample", "chat-updat"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "leadcheck: error: no sample named \"chat-updat\"; did you mean \"chat-update\"?\n"
    );
}
