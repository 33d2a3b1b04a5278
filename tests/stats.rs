//! `leadcheck stats`: a mixed capture by snapshot, JSON parsed, stdin.

mod common;

use common::{leadcheck, sample, text};

const CAPTURE_STATS: &str = r#"8 records: 5 valid, 1 invalid, 2 unreadable (1 input)
distinct lead ids: 4
date_created: 2016-02-01T14:09:01Z to 2016-02-01T14:09:01Z

lead_type
  Chat      6

lead_state
  In Progess      3
  Completed       2
  (absent)        1

trigger
  new         4
  update      2

source / medium
  google / cpc      5
  (absent)          1

spam
  false         5
  (absent)      1

duplicate
  false         5
  (absent)      1

fields (share of the 6 readable object records)
  account                         5   83%  string
  account_id                      5   83%  integer
  additional_fields               5   83%  object 4, [] 1
  browser                         5   83%  string
  city                            5   83%  string
  contact_company_name            5   83%  string
  contact_email_address           5   83%  string
  contact_name                    5   83%  string 4, "" 1
  contact_phone_number            5   83%  string
  country                         5   83%  string
  date_created                    5   83%  string
  device_make                     5   83%  string
  device_type                     5   83%  string
  duplicate                       5   83%  boolean
  email_address                   5   83%  string
  facebook_browser_id             5   83%  string
  facebook_click_id               5   83%  string
  field_mappings                  5   83%  object
  gclid                           5   83%  string
  google_analytics_client_id      5   83%  string
  hubspot_visitor_id              5   83%  string
  ip_address                      5   83%  string
  landing_url                     5   83%  string
  last_updated                    5   83%  string
  lead_analysis                   5   83%  object 4, [] 1
  lead_campaign                   5   83%  string
  lead_content                    5   83%  string
  lead_id                         6  100%  integer
  lead_keyword                    5   83%  string
  lead_medium                     5   83%  string
  lead_score                      5   83%  integer
  lead_source                     5   83%  string
  lead_state                      5   83%  string
  lead_status                     5   83%  string
  lead_type                       6  100%  string
  lead_url                        5   83%  string
  msclkid                         5   83%  string
  notes                           5   83%  string
  operating_system                5   83%  string
  phone_number                    5   83%  string
  profile                         5   83%  string
  profile_id                      5   83%  integer
  quotable                        6  100%  string
  quote_value                     6  100%  null 4, number 1, string 1
  roistat_visit_id                5   83%  string
  sales_value                     5   83%  null
  salesforce_user_id              5   83%  string
  spam                            5   83%  boolean
  spotted_keywords                5   83%  string
  state                           5   83%  string
  trigger                         6  100%  string
  unbounce_page_id                5   83%  string
  unbounce_variant_id             5   83%  string
  unbounce_visitor_id             5   83%  string
  user_id                         5   83%  string
  vwo_account_id                  5   83%  string
  vwo_experiment_id               5   83%  string
  vwo_user_id                     5   83%  string
  vwo_variant_id                  5   83%  string
  zip                             5   83%  string
"#;

#[test]
fn stats_of_a_mixed_capture() {
    let out = leadcheck()
        .args(["stats", &sample("captures/webhooks.jsonl")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), CAPTURE_STATS);
    assert_eq!(
        text(&out.stderr),
        "samples/captures/webhooks.jsonl:5:72: unreadable: invalid literal (expected true, false or null)
samples/captures/webhooks.jsonl:7:701: unreadable: unterminated string: the line ends inside it (a truncated record?)
"
    );
}

#[test]
fn stats_as_json_from_stdin() {
    let mut input = std::fs::read(common::root().join("samples/captures/webhooks.jsonl")).unwrap();
    input.extend(std::fs::read(common::root().join("samples/captures/pretty-log.json")).unwrap());
    let out = leadcheck()
        .args(["stats", "--format", "json"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines = common::json_lines(&out.stdout);
    assert_eq!(lines.len(), 1);
    let s = &lines[0];
    assert_eq!(s["records"], 11);
    assert_eq!(
        (
            s["valid"].as_u64(),
            s["invalid"].as_u64(),
            s["unreadable"].as_u64()
        ),
        (Some(7), Some(2), Some(2))
    );
    assert_eq!(s["inputs"], 1);
    assert_eq!(s["objects"], 9);
    assert_eq!(s["distinct_lead_ids"], 6);
    assert_eq!(s["by"]["lead_type"]["Chat"], 9);
    assert_eq!(s["by"]["spam"]["no"], 1);
    assert_eq!(s["by"]["source / medium"]["google / cpc"], 7);
    assert_eq!(s["fields"]["lead_id"]["present"], 9);
    assert_eq!(s["fields"]["lead_analysis"]["types"]["[]"], 1);
    assert_eq!(s["fields"]["quote_value"]["types"]["string"], 1);
    assert!(text(&out.stderr).contains("<stdin>:5:72: unreadable"));
}

#[test]
fn stats_of_the_valid_samples_are_all_valid() {
    let out = leadcheck()
        .args(["stats", "samples/valid"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let files = std::fs::read_dir(common::root().join("samples/valid"))
        .unwrap()
        .count();
    assert!(text(&out.stdout).starts_with(&format!(
        "{files} records: {files} valid, 0 invalid, 0 unreadable ({files} inputs)\n"
    )));
    // The empty-string and empty-map shapes show up in the field types.
    let stdout = text(&out.stdout);
    let analysis = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("lead_analysis "))
        .unwrap();
    assert!(analysis.contains("[]"), "{analysis}");
}

#[test]
fn inputs_that_could_not_be_read_are_counted() {
    let out = leadcheck()
        .args(["stats", "samples/valid/completed.json", "no/such/file.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with(
            "1 record: 1 valid, 0 invalid, 0 unreadable (2 inputs, 1 could not be read)\n"
        ),
        "{stdout}"
    );
}
