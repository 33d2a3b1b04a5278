//! `leadcheck show`: the card (snapshot), the table, the JSON, stdin, and a mixed capture.

mod common;

use common::{json_lines, leadcheck, sample, text};

const OFFICIAL_CARD: &str = r#"samples/chat-in-progress.json:1:1: lead 153928
  valid
  warning: last_updated is earlier than date_created
identity
  lead id                153928
  type                   Chat
  state                  In Progess
  trigger                new
  status                 Unique
  created                2016-02-01T14:09:01Z
  updated                2016-01-25T17:18:20Z  (warning: last_updated is earlier than date_created)
  profile                My Profile
  profile id             51497
  account                My Account
  account id             27313
  visitor id             51497-af17340d-62b8-3044-423f-3dc754e621c2
contact
  name                   Jeremy Helms
  company                Call Tracking Company
  email                  hello@whatconverts.com
  phone                  +17044695324
  lead email             hello@whatconverts.com
  lead phone             +17044695324
  mapped Company Name    Call Tracking Company
  mapped Contact Person  Jeremy Helms
  mapped Email           hello@whatconverts.com
  mapped Phone Number    (704) 469-5324
location
  city                   Charlotte
  state                  NC
  zip                    28226
  country                US
  ip address             107.210.21.188
attribution
  source                 google
  medium                 cpc
  campaign               lead generation
  content                new ad
  keyword                generating leads
  landing url            https://www.whatconverts.com/
  lead url               https://www.whatconverts.com/contact
  click ids              gclid, msclkid, facebook_click_id
  tracking ids           facebook_browser_id, google_analytics_client_id, hubspot_visitor_id,
                         roistat_visit_id, salesforce_user_id, unbounce_page_id,
                         unbounce_variant_id, unbounce_visitor_id, vwo_account_id,
                         vwo_experiment_id, vwo_variant_id, vwo_user_id
device
  type                   Smartphone
  make                   Apple iPhone
  os                     iOS 12
  browser                Chrome Mobile 71
lead analysis
  summary                The customer was looking to purchase call tracking services. The agent
                         assisted them with setting up an account.
  intent                 The customer wanted to purchase services.
  sentiment              Positive
  topics                 call tracking,purchase,sign up
  keywords               buy,quote,test
  spotted keywords       buy,quote
submitted by the visitor
  full_name              John Doe
  email_address          hello@whatconverts.com
  subject                WhatConverts
  message                Hello, I like your service!
  notes                  This is a new lead!
value
  quotable               Not Set
  quote                  null
  sales                  null
  score                  50
flags
  spam                   false
  duplicate              false

"#;

#[test]
fn official_example_card() {
    let out = leadcheck()
        .args(["show", &sample("chat-in-progress.json")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), OFFICIAL_CARD);
    assert!(out.stderr.is_empty());
}

#[test]
fn card_from_stdin_leaves_out_empty_sections() {
    let out = leadcheck()
        .args(["show", "-"])
        .write_stdin(
            std::fs::read(common::root().join("samples/valid/update-partial.json")).unwrap(),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out.stdout),
        "<stdin>:1:1: lead 153928
  valid
identity
  lead id     153928
  type        Chat
  state       Completed
  trigger     update
  updated     2016-02-01T14:31:44Z
submitted by the visitor
  notes       Quoted after the chat.
value
  quotable    Yes
  quote       1250.0

"
    );
}

#[test]
fn invalid_record_card_says_so_and_numbers_stay_as_written() {
    let out = leadcheck()
        .args(["show", &sample("invalid/quote-value-string.json")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let card = text(&out.stdout);
    assert!(
        card.starts_with(
            "samples/invalid/quote-value-string.json:1:1: lead 153928
  invalid (1 error)
    /quote_value: expected a number or null, found string \"1,250.00\"
  warning: last_updated is earlier than date_created
identity
"
        ),
        "{card}"
    );
    let out = leadcheck()
        .args(["show", &sample("valid/exact-numbers.json")])
        .output()
        .unwrap();
    let card = text(&out.stdout);
    for line in [
        "  quote            1.50\n",
        "  sales            156.87\n",
        "  Budget           1e3\n",
    ] {
        assert!(card.contains(line), "{line:?} in {card}");
    }
}

#[test]
fn unknown_fields_are_listed_last() {
    let out = leadcheck()
        .args(["show", &sample("valid/unknown-fields.json")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let card = text(&out.stdout);
    let other = card.find("\nother fields\n").expect(&card);
    assert!(card[other..].lines().count() > 2, "{card}");
}

const CAPTURE_TABLE: &str = r#"time                  lead id  type  state       trigger  source / medi…  contact        valid
2016-02-01T14:09:01Z  153928   Chat  In Progess  new      google / cpc    Jeremy Helms   valid
2016-02-01T14:09:01Z  153928   Chat  Completed   new      google / cpc    Jeremy Helms   valid
                      153928   Chat              update                                  valid
2016-02-01T14:09:01Z  153931   Chat  In Progess  new      google / cpc    Jeremy Helms   invalid (1)
                                                                                         unreadable
2016-02-01T14:09:01Z  153933   Chat  In Progess  new      google / cpc    hello@whatco…  valid
                                                                                         unreadable
2016-02-01T14:09:01Z  153935   Chat  Completed   update   google / cpc    Jeremy Helms   valid
"#;

#[test]
fn table_of_a_mixed_capture() {
    let out = leadcheck()
        .args(["show", "--table", &sample("captures/webhooks.jsonl")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), CAPTURE_TABLE);
    assert_eq!(
        text(&out.stderr),
        "samples/captures/webhooks.jsonl:5:72: unreadable: invalid literal (expected true, false or null)
samples/captures/webhooks.jsonl:7:701: unreadable: unterminated string: the line ends inside it (a truncated record?)
"
    );
}

#[test]
fn table_fits_columns() {
    for width in [60usize, 80, 140] {
        let out = leadcheck()
            .env("COLUMNS", width.to_string())
            .args(["show", "--table", &sample("captures/webhooks.jsonl")])
            .output()
            .unwrap();
        let table = text(&out.stdout);
        assert_eq!(table.lines().count(), 9);
        for line in table.lines() {
            assert!(line.chars().count() <= width, "{width}: {line:?}");
        }
        // Timestamps are cut last.
        if width >= 80 {
            assert!(table.contains("2016-02-01T14:09:01Z"), "{table}");
        }
    }
}

#[test]
fn json_cards_one_per_record() {
    let out = leadcheck()
        .args([
            "show",
            "--format",
            "json",
            &sample("captures/webhooks.jsonl"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let cards = json_lines(&out.stdout);
    assert_eq!(cards.len(), 8);
    let statuses: Vec<&str> = cards
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "valid",
            "valid",
            "valid",
            "invalid",
            "unreadable",
            "valid",
            "unreadable",
            "valid"
        ]
    );
    let first = &cards[0];
    assert_eq!(first["input"], "samples/captures/webhooks.jsonl");
    assert_eq!(first["lead_id"], 153928);
    assert_eq!(first["valid"], true);
    assert_eq!(
        first["warnings"][0],
        "last_updated is earlier than date_created"
    );
    let sections: Vec<&str> = first["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        sections,
        [
            "identity",
            "contact",
            "location",
            "attribution",
            "device",
            "analysis",
            "submitted",
            "value",
            "flags"
        ]
    );
    let identity = &first["sections"][0]["fields"];
    assert_eq!(identity[0]["label"], "lead id");
    assert_eq!(identity[0]["pointer"], "/lead_id");
    assert_eq!(identity[0]["value"], 153928);
    let invalid = &cards[3];
    assert_eq!(invalid["errors"][0]["pointer"], "/quote_value");
    assert_eq!(invalid["errors"][0]["line"], 4);
    let unreadable = &cards[4];
    assert_eq!(unreadable["errors"][0]["keyword"], "unreadable");
    assert_eq!(unreadable["sections"], serde_json::json!([]));
}

#[test]
fn a_directory_and_a_missing_file() {
    let out = leadcheck()
        .args(["show", "--table", "samples/valid", "no-such-file.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("no-such-file.json: error: cannot open"),
        "{}",
        text(&out.stderr)
    );
    let files = std::fs::read_dir(common::root().join("samples/valid"))
        .unwrap()
        .count();
    assert_eq!(text(&out.stdout).lines().count(), files + 1);
}

#[test]
fn every_sample_gets_a_card_or_a_report() {
    // The whole samples tree, broken files included: one JSON card per record validate sees.
    let validate = leadcheck()
        .args(["validate", "--format", "json", "samples"])
        .output()
        .unwrap();
    let expected = json_lines(&validate.stdout);
    let out = leadcheck()
        .args(["show", "--format", "json", "samples"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let cards = json_lines(&out.stdout);
    assert_eq!(cards.len(), expected.len());
    for (card, v) in cards.iter().zip(&expected) {
        for key in ["input", "record", "line", "status", "lead_id"] {
            assert_eq!(card[key], v[key], "{key}: {card}");
        }
    }
    // The text cards and the table of the same tree: one per record, nothing lost.
    let text_out = leadcheck().args(["show", "samples"]).output().unwrap();
    let heads = text(&text_out.stdout)
        .lines()
        .filter(|l| l.starts_with("samples/"))
        .count();
    let unreadable = text(&text_out.stderr).lines().count();
    assert_eq!(heads + unreadable, expected.len());
    let table = leadcheck()
        .args(["show", "--table", "samples"])
        .output()
        .unwrap();
    assert_eq!(text(&table.stdout).lines().count(), expected.len() + 1);
}

#[test]
fn nothing_from_a_payload_controls_the_terminal() {
    // An OSC title change ended by BEL, a CR, a colour, a bidi override: in the card, the
    // table and stats, all written visibly (\u{1b}…), none raw.
    let payload = r#"{"lead_id": 1, "lead_type": "Chat", "contact_name": "\u001b]0;pwned\u0007Jo\rX", "lead_source": "\u001b[31mred\u202e", "additional_fields": {"\u001b[2JName": "\u009b2J"}}"#;
    for args in [
        &["show", "-"][..],
        &["show", "--table", "-"],
        &["stats", "-"],
    ] {
        let out = leadcheck()
            .args(args)
            .write_stdin(format!("{payload}\n"))
            .output()
            .unwrap();
        let stdout = text(&out.stdout);
        assert!(out.status.code().is_some(), "{args:?}");
        for c in stdout.chars() {
            let acts = c.is_control() && c != '\n'
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            assert!(!acts, "{args:?}: {c:?} in {stdout}");
        }
        assert!(stdout.contains("\\u{1b}"), "{args:?}: {stdout}");
    }
}
