//! `--redact` on show and fmt: no personal value survives, placeholders are stable within a
//! run, and the redacted payloads still validate.

mod common;

use common::{json_lines, leadcheck, sample, text};

/// Personal values of samples/chat-in-progress.json and samples/redact/visitors.jsonl,
/// and pieces of them.
const PERSONAL: &[&str] = &[
    // the official example
    "Jeremy",
    "Helms",
    "Call Tracking Company",
    "hello@whatconverts.com",
    "+17044695324",
    "7044695324",
    "469-5324",
    "107.210.21.188",
    "28226",
    "John Doe",
    "Hello, I like your service!",
    "This is a new lead!",
    "af17340d-62b8-3044-423f-3dc754e621c2",
    "CLibmtmqpNICFcSfGwodQbUAvg",
    "25d83debf85f146b8f1d66a754c6a56c",
    "1565955056416071",
    "15228103840",
    "wqeOuWjfeIUQdd122casdLK",
    "5a72d290d2d21865a693f14bcf710fed",
    "1621529626600.927228660",
    "IwAR1yDeb6",
    "1017418163.1594157791",
    "D4A14C3EFD6DB2A51749E1A931BE96B44",
    "looking to purchase call tracking",
    "wanted to purchase services",
    // visitors.jsonl
    "Maria",
    "Gonzalez",
    "gonzalez",
    "GONZALEZ",
    "3125550199",
    "555-0199",
    "203.0.113.77",
    "60614",
    "Larch",
    "Tom Baker",
    "5pm",
    "Cj0KCQiA",
    "secret",
    "Wei",
    "Chen",
    "4155550123",
    "8a2e:370:7334",
    "94110",
    "solar panels",
    "8f1d66a754c6a56c25d83debf85f146b",
    "C4A14C3EFD6DB2A51749E1A931BE96B44",
    "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
    "ffeeddcc-bbaa-9988-7766-554433221100",
];

fn redacted_outputs() -> Vec<(String, String)> {
    let inputs = [
        sample("chat-in-progress.json"),
        sample("redact/visitors.jsonl"),
    ];
    let mut outputs = Vec::new();
    for args in [
        &["show", "--redact"][..],
        &["show", "--redact", "--format", "json"],
        &["show", "--redact", "--table"],
        &["fmt", "--redact"],
        &["fmt", "--redact", "--compact"],
    ] {
        let out = leadcheck().args(args).args(&inputs).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        outputs.push((format!("{args:?}"), text(&out.stdout) + &text(&out.stderr)));
    }
    outputs
}

#[test]
fn no_personal_value_survives() {
    for (args, output) in redacted_outputs() {
        for value in PERSONAL {
            assert!(
                !output.contains(value),
                "{args}: {value:?} survived in\n{output}"
            );
        }
        // What is not personal is kept (the table has only some of it).
        let kept: &[&str] = if args.contains("--table") {
            &["google / cpc", "Chat", "In Progress", "300002"]
        } else {
            &[
                "google",
                "cpc",
                "roof repair",
                "My Profile",
                "Chicago",
                "Neutral",
            ]
        };
        for kept in kept {
            assert!(output.contains(kept), "{args}: {kept:?} lost");
        }
    }
    // Without --redact the same values are there (the list is not vacuous).
    let out = leadcheck()
        .args([
            "fmt",
            &sample("chat-in-progress.json"),
            &sample("redact/visitors.jsonl"),
        ])
        .output()
        .unwrap();
    let plain = text(&out.stdout);
    for value in PERSONAL {
        assert!(plain.contains(value), "{value:?} is not in the samples");
    }
}

#[test]
fn placeholders_are_stable_and_keep_relationships() {
    let out = leadcheck()
        .args([
            "fmt",
            "--redact",
            "--compact",
            &sample("redact/visitors.jsonl"),
        ])
        .output()
        .unwrap();
    let r = json_lines(&out.stdout);
    // Maria, written four ways, is one placeholder everywhere; Wei is another.
    let maria = &r[0]["contact_email_address"];
    assert_eq!(maria, "person1@example.com");
    for v in [
        &r[0]["email_address"],
        &r[0]["field_mappings"]["Email"],
        &r[1]["contact_email_address"],
        &r[1]["hubspot_contact_email"],
    ] {
        assert_eq!(v, maria);
    }
    assert_eq!(r[2]["contact_email_address"], "person2@example.com");
    assert_eq!(
        r[2]["additional_fields"]["Email Address*"],
        "person2@example.com"
    );
    // A phone keeps its layout and its identity across layouts.
    assert_eq!(r[0]["contact_phone_number"], "+15550000001");
    assert_eq!(r[0]["additional_fields"]["Phone:"], "(555) 000-0001");
    assert_eq!(r[1]["contact_phone_number"], "+15550000001");
    assert_eq!(r[2]["contact_phone_number"], "+15550000002");
    // Names, ids and addresses keep their type and shape.
    assert_eq!(
        r[0]["contact_name"],
        r[0]["additional_fields"]["Your Name*"]
    );
    assert_eq!(r[0]["ip_address"], "10.0.0.1");
    assert_eq!(r[2]["ip_address"], "2001:db8::2");
    assert_eq!(r[0]["zip"], r[0]["additional_fields"]["Zip"]);
    assert_eq!(
        r[0]["landing_url"],
        "https://roofs.example.net/quote?gclid=x&email=x"
    );
    let gclid = r[0]["gclid"].as_str().unwrap();
    assert_eq!((gclid.len(), &gclid[8..9]), (15, "-"));
    // Money, numbers as written, and attribution are kept.
    assert!(text(&out.stdout).contains(r#""quote_value":4250.00"#));
    assert_eq!(r[0]["lead_analysis"]["Topic Detection"], "roof repair");
}

#[test]
fn redacted_output_still_validates() {
    for input in [
        sample("chat-in-progress.json"),
        sample("redact/visitors.jsonl"),
        "samples/valid".to_string(),
    ] {
        let out = leadcheck()
            .args(["fmt", "--redact", "--compact", &input])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{input}");
        let check = leadcheck()
            .args(["validate", "-"])
            .write_stdin(out.stdout)
            .output()
            .unwrap();
        assert_eq!(
            check.status.code(),
            Some(0),
            "{input}: {}",
            text(&check.stdout)
        );
    }
    // An invalid record stays invalid, for the same reason.
    let out = leadcheck()
        .args(["fmt", "--redact", &sample("invalid/bad-ip.json")])
        .output()
        .unwrap();
    let check = leadcheck()
        .args(["validate", "-"])
        .write_stdin(out.stdout)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("/ip_address: expected an IPv4 or IPv6 address"));
    assert!(!text(&check.stdout).contains("107.210.21.388"));
}

#[test]
fn redacted_card_messages_quote_no_personal_value() {
    let out = leadcheck()
        .args(["show", "--redact", &sample("invalid/bad-ip.json")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let card = text(&out.stdout);
    assert!(card.contains("invalid (1 error)"), "{card}");
    assert!(!card.contains("107.210.21"), "{card}");
}

/// `validate --redact`: the values violations quote (often personal data, written into CI
/// logs) are the placeholders', in every output format; without it they are the values.
#[test]
fn validate_quotes_no_personal_value_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("leads.jsonl");
    // The official lead with its email and phone in the wrong shape, so the messages quote
    // them.
    let mut lead: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample("chat-in-progress.json")).unwrap())
            .unwrap();
    lead["contact_email_address"] = serde_json::json!(["hello@whatconverts.com"]);
    lead["contact_phone_number"] = serde_json::json!(["+17044695324"]);
    std::fs::write(&path, format!("{lead}\n")).unwrap();
    let path = path.to_str().unwrap();
    for format in ["text", "json", "github", "junit", "sarif"] {
        let run = |redact: bool| {
            let mut cmd = leadcheck();
            cmd.args(["validate", "--format", format, path]);
            if redact {
                cmd.arg("--redact");
            }
            let out = cmd.output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(1),
                "{format}: {}",
                text(&out.stderr)
            );
            text(&out.stdout) + &text(&out.stderr)
        };
        let plain = run(false);
        let redacted = run(true);
        for value in ["hello@whatconverts.com", "+17044695324"] {
            assert!(
                plain.contains(value),
                "{format}: {value} not quoted\n{plain}"
            );
            assert!(
                !redacted.contains(value),
                "{format}: {value} survived\n{redacted}"
            );
        }
        // The violations are still there, at the same places.
        assert!(
            redacted.contains("contact_email_address") && redacted.contains("contact_phone_number"),
            "{format}: {redacted}"
        );
    }
}
