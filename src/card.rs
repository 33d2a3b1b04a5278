//! The lead card as data: a record's fields grouped into the sections a person debugging a
//! lead reads (identity, contact, location, attribution, device, analysis, submitted,
//! value, flags), with warnings and the record's validity. Renderers turn it into a card,
//! a table row or JSON; nothing here prints.
//!
//! Every top-level field appears somewhere: the fields the card knows in their section, any
//! other in the last one, `other`, so nothing is hidden. Missing fields are left out, and so
//! are sections left empty.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::check::{Checked, Status, Violation};
use crate::position::escape_token;
use crate::record::Origin;

/// The sections of a card, in order, with their titles.
pub const SECTIONS: [(&str, &str); 11] = [
    ("identity", "identity"),
    ("type", "lead type details"),
    ("contact", "contact"),
    ("location", "location"),
    ("attribution", "attribution"),
    ("device", "device"),
    ("analysis", "lead analysis"),
    ("submitted", "submitted by the visitor"),
    ("value", "value"),
    ("flags", "flags"),
    ("other", "other fields"),
];

/// The top-level fields the card knows: `(field, section, label)`, in card order.
pub const FIELDS: &[(&str, &str, &str)] = &[
    ("lead_id", "identity", "lead id"),
    ("lead_type", "identity", "type"),
    ("lead_state", "identity", "state"),
    ("trigger", "identity", "trigger"),
    ("lead_status", "identity", "status"),
    ("date_created", "identity", "created"),
    ("last_updated", "identity", "updated"),
    ("profile", "identity", "profile"),
    ("profile_id", "identity", "profile id"),
    ("account", "identity", "account"),
    ("account_id", "identity", "account id"),
    ("user_id", "identity", "visitor id"),
    ("contact_name", "contact", "name"),
    ("contact_company_name", "contact", "company"),
    ("contact_email_address", "contact", "email"),
    ("contact_phone_number", "contact", "phone"),
    ("email_address", "contact", "lead email"),
    ("phone_number", "contact", "lead phone"),
    ("field_mappings", "contact", "mapped"),
    ("mapped_fields", "contact", "mapped"),
    ("city", "location", "city"),
    ("state", "location", "state"),
    ("zip", "location", "zip"),
    ("country", "location", "country"),
    ("ip_address", "location", "ip address"),
    ("lead_source", "attribution", "source"),
    ("lead_medium", "attribution", "medium"),
    ("lead_campaign", "attribution", "campaign"),
    ("lead_content", "attribution", "content"),
    ("lead_keyword", "attribution", "keyword"),
    ("landing_url", "attribution", "landing url"),
    ("lead_url", "attribution", "lead url"),
    ("gclid", "attribution", "click ids"),
    ("msclkid", "attribution", "click ids"),
    ("facebook_click_id", "attribution", "click ids"),
    ("facebook_browser_id", "attribution", "tracking ids"),
    ("google_analytics_client_id", "attribution", "tracking ids"),
    ("hubspot_visitor_id", "attribution", "tracking ids"),
    ("roistat_visit_id", "attribution", "tracking ids"),
    ("salesforce_user_id", "attribution", "tracking ids"),
    ("unbounce_page_id", "attribution", "tracking ids"),
    ("unbounce_variant_id", "attribution", "tracking ids"),
    ("unbounce_visitor_id", "attribution", "tracking ids"),
    ("vwo_account_id", "attribution", "tracking ids"),
    ("vwo_experiment_id", "attribution", "tracking ids"),
    ("vwo_variant_id", "attribution", "tracking ids"),
    ("vwo_user_id", "attribution", "tracking ids"),
    ("device_type", "device", "type"),
    ("device_make", "device", "make"),
    ("operating_system", "device", "os"),
    ("browser", "device", "browser"),
    ("lead_analysis", "analysis", "analysis"),
    ("spotted_keywords", "analysis", "spotted keywords"),
    ("additional_fields", "submitted", "fields"),
    ("notes", "submitted", "notes"),
    ("quotable", "value", "quotable"),
    ("quote_value", "value", "quote"),
    ("sales_value", "value", "sales"),
    ("lead_score", "value", "score"),
    ("spam", "flags", "spam"),
    ("duplicate", "flags", "duplicate"),
    // The fields of one lead type (see schemas/<type>-lead.schema.json).
    ("chat_status", "type", "chat status"),
    ("call_status", "type", "call status"),
    ("answer_status", "type", "answer"),
    ("call_duration", "type", "duration"),
    ("call_duration_seconds", "type", "seconds"),
    ("phone_name", "type", "tracking line"),
    ("tracking_number", "type", "tracking number"),
    ("destination_number", "type", "rings to"),
    ("line_type", "type", "line type"),
    ("caller_name", "type", "caller"),
    ("caller_number", "type", "caller number"),
    ("caller_city", "type", "caller city"),
    ("caller_state", "type", "caller state"),
    ("caller_zip", "type", "caller zip"),
    ("caller_country", "type", "caller country"),
    ("recording", "type", "recording"),
    ("play_recording", "type", "play recording"),
    ("voicemail", "type", "voicemail"),
    ("play_voicemail", "type", "play voicemail"),
    ("call_transcription", "type", "transcription"),
    ("voicemail_transcription", "type", "voicemail text"),
    ("form_name", "type", "form"),
    ("transaction_id", "type", "transaction"),
    ("transaction_tax", "type", "tax"),
    ("transaction_shipping", "type", "shipping"),
    ("message", "type", "message"),
    ("sender_name", "type", "sender"),
    ("email_subject", "type", "subject"),
    ("email_message", "type", "email"),
    ("event_category", "type", "event category"),
    ("event_action", "type", "event action"),
    ("event_label", "type", "event label"),
];

/// The keys of `lead_analysis`, with the card's short labels.
const ANALYSIS: [(&str, &str); 5] = [
    ("Lead Summary", "summary"),
    ("Intent Detection", "intent"),
    ("Sentiment Detection", "sentiment"),
    ("Topic Detection", "topics"),
    ("Keyword Detection", "keywords"),
];

/// The section a top-level field belongs to (`other` for a field the card does not know).
pub fn section_of(field: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|(f, _, _)| *f == field)
        .map_or("other", |(_, s, _)| s)
}

/// One lead, as a card.
#[derive(Debug, Clone, Serialize)]
pub struct Card {
    #[serde(skip)]
    pub origin: Origin,
    pub status: Status,
    /// The record's violations, in input order (empty when valid).
    #[serde(skip)]
    pub violations: Vec<Violation>,
    pub lead_id: Option<Value>,
    /// Things a reader should notice (a last_updated earlier than date_created, ...).
    pub warnings: Vec<String>,
    pub sections: Vec<Section>,
}

/// A group of fields.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub name: &'static str,
    pub title: &'static str,
    pub fields: Vec<Field>,
}

/// One line of a card.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub label: String,
    /// The JSON Pointer of the value; null for a line the card puts together from several
    /// fields (the click ids present).
    pub pointer: Option<String>,
    /// The value as received (for a put-together line: the names of the fields present).
    pub value: Value,
    /// A warning about this value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// A number as it was written (`1.50`, `1e3`), for the text card.
    #[serde(skip)]
    pub written: Option<String>,
}

impl Field {
    fn new(label: impl Into<String>, pointer: String, value: &Value) -> Field {
        Field {
            label: label.into(),
            pointer: Some(pointer),
            value: value.clone(),
            warning: None,
            written: None,
        }
    }

    /// The value as a person reads it; a number as it was written.
    pub fn text(&self) -> String {
        match &self.written {
            Some(w) => w.clone(),
            None => plain(&self.value),
        }
    }
}

/// The card of an unreadable record: its verdict and nothing else (a table row).
pub fn unreadable(checked: &Checked) -> Card {
    Card {
        origin: checked.origin.clone(),
        status: checked.status(),
        violations: Vec::new(),
        lead_id: None,
        warnings: Vec::new(),
        sections: Vec::new(),
    }
}

/// Builds the card of a checked record. `value` is the record's value (possibly redacted)
/// and `raw` its text, which gives the order the keys were written in (a `Value` sorts
/// them).
pub fn card(checked: &Checked, value: &Value, raw: &[u8]) -> Card {
    let tree = crate::tree::parse(raw);
    let ordered = |map: &Map<String, Value>, field: Option<&str>| -> Vec<(String, Value)> {
        let mut keys = crate::tree::keys_in_order(&tree, field);
        keys.retain(|k| map.contains_key(k));
        let listed: std::collections::HashSet<&String> = keys.iter().collect();
        let missing: Vec<String> = map
            .keys()
            .filter(|k| !listed.contains(k))
            .cloned()
            .collect();
        keys.extend(missing);
        keys.into_iter()
            .map(|k| {
                let v = map[&k].clone();
                (k, v)
            })
            .collect()
    };
    let mut card = Card {
        origin: checked.origin.clone(),
        status: checked.status(),
        violations: checked.violations().to_vec(),
        lead_id: value.get("lead_id").cloned(),
        warnings: Vec::new(),
        sections: Vec::new(),
    };
    let Some(object) = value.as_object() else {
        // Not an object: the whole value is the one thing to show.
        card.sections.push(Section {
            name: "other",
            title: title_of("other"),
            fields: vec![Field::new("(root)", String::new(), value)],
        });
        return card;
    };
    let mut fields: Vec<(&'static str, Field)> = Vec::new();
    for &(key, section, label) in FIELDS {
        let Some(v) = object.get(key) else { continue };
        let pointer = format!("/{key}");
        match key {
            "field_mappings" | "mapped_fields" | "additional_fields" => {
                let prefix = if key == "additional_fields" {
                    ""
                } else {
                    "mapped "
                };
                match v.as_object() {
                    Some(map) => {
                        for (k, item) in ordered(map, Some(key)) {
                            let label = format!("{prefix}{k}");
                            let p = format!("{pointer}/{}", escape_token(&k));
                            fields.push((section, Field::new(label, p, &item)));
                        }
                    }
                    None if is_empty(v) => {}
                    None => fields.push((section, Field::new(label, pointer, v))),
                }
            }
            "lead_analysis" => match v.as_object() {
                Some(map) => analysis(&ordered(map, Some(key)), &mut fields),
                None if is_empty(v) => {}
                None => fields.push((section, Field::new(label, pointer, v))),
            },
            "gclid" | "msclkid" | "facebook_click_id" => {}
            _ if label == "tracking ids" => {}
            "last_updated" => {
                let mut field = Field::new(label, pointer, v);
                if let (Some(updated), Some(created)) = (
                    v.as_str(),
                    object.get("date_created").and_then(Value::as_str),
                ) && is_timestamp(updated)
                    && is_timestamp(created)
                    && updated < created
                {
                    let warning = "last_updated is earlier than date_created".to_string();
                    card.warnings.push(warning.clone());
                    field.warning = Some(warning);
                }
                fields.push((section, field));
            }
            _ => fields.push((section, Field::new(label, pointer, v))),
        }
    }
    // The ids present, at the end of the attribution section.
    for (label, list) in [("click ids", CLICK_IDS), ("tracking ids", TRACKING_IDS)] {
        let present: Vec<Value> = list
            .iter()
            .filter(|k| object.get(**k).is_some_and(|v| !is_empty(v)))
            .map(|k| Value::from(*k))
            .collect();
        if !present.is_empty() {
            let field = Field {
                label: label.into(),
                pointer: None,
                value: Value::Array(present),
                warning: None,
                written: None,
            };
            fields.push(("attribution", field));
        }
    }
    for (key, v) in ordered(object, None) {
        if section_of(&key) == "other" {
            let p = format!("/{}", escape_token(&key));
            fields.push(("other", Field::new(key.clone(), p, &v)));
        }
    }
    // Numbers as written (`1.50`), found in one walk: fields are at most two levels down.
    let numbers = crate::tree::numbers(&tree, 2);
    for (_, field) in &mut fields {
        if field.value.is_number()
            && let Some(p) = &field.pointer
            && let Some(raw) = numbers.get(p.as_str())
            && serde_json::from_slice::<Value>(raw).is_ok_and(|v| v == field.value)
        {
            field.written = Some(String::from_utf8_lossy(raw).into_owned());
        }
    }
    let mut by_section: std::collections::HashMap<&str, Vec<Field>> = Default::default();
    for (section, field) in fields {
        by_section.entry(section).or_default().push(field);
    }
    for (name, title) in SECTIONS {
        let in_section = by_section.remove(name).unwrap_or_default();
        if !in_section.is_empty() {
            card.sections.push(Section {
                name,
                title,
                fields: in_section,
            });
        }
    }
    card
}

const CLICK_IDS: &[&str] = &["gclid", "msclkid", "facebook_click_id"];
const TRACKING_IDS: &[&str] = &[
    "facebook_browser_id",
    "google_analytics_client_id",
    "hubspot_visitor_id",
    "roistat_visit_id",
    "salesforce_user_id",
    "unbounce_page_id",
    "unbounce_variant_id",
    "unbounce_visitor_id",
    "vwo_account_id",
    "vwo_experiment_id",
    "vwo_variant_id",
    "vwo_user_id",
];

fn analysis(map: &[(String, Value)], fields: &mut Vec<(&'static str, Field)>) {
    for (key, label) in ANALYSIS {
        if let Some((_, v)) = map.iter().find(|(k, _)| k == key) {
            let p = format!("/lead_analysis/{}", escape_token(key));
            fields.push(("analysis", Field::new(label, p, v)));
        }
    }
    for (key, v) in map {
        if !ANALYSIS.iter().any(|(k, _)| k == key) {
            let p = format!("/lead_analysis/{}", escape_token(key));
            fields.push(("analysis", Field::new(key.clone(), p, v)));
        }
    }
}

fn title_of(name: &str) -> &'static str {
    SECTIONS
        .iter()
        .find(|(n, _)| *n == name)
        .map_or("other fields", |(_, t)| t)
}

/// Whether `s` starts like a `YYYY-MM-DDTHH:MM:SS` timestamp (so that two of them, both in
/// UTC as WhatConverts writes them, compare as text).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 19
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[10].eq_ignore_ascii_case(&b'T')
}

/// `[]`, `{}`: an empty map as WhatConverts sends it.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

impl Card {
    /// The value of a top-level field shown on the card, if any.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.sections
            .iter()
            .flat_map(|s| &s.fields)
            .find(|f| f.pointer.as_deref() == Some(pointer))
            .map(|f| &f.value)
    }
}

/// One row of `show --table`: the cells as text.
#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<String>,
}

/// The columns of `show --table`.
pub const COLUMNS: [&str; 8] = [
    "time",
    "lead id",
    "type",
    "state",
    "trigger",
    "source / medium",
    "contact",
    "valid",
];

/// The table row of a card.
pub fn row(card: &Card) -> Row {
    let text = |p: &str| match card.get(p) {
        Some(Value::String(s)) => s.clone(),
        Some(v) => plain(v),
        None => String::new(),
    };
    let time = match text("/date_created") {
        t if t.is_empty() => text("/last_updated"),
        t => t,
    };
    let source = text("/lead_source");
    let medium = text("/lead_medium");
    let source_medium = match (source.is_empty(), medium.is_empty()) {
        (true, true) => String::new(),
        _ => format!("{source} / {medium}"),
    };
    let contact = [
        "/contact_name",
        "/contact_email_address",
        "/email_address",
        "/contact_phone_number",
        "/phone_number",
    ]
    .iter()
    .map(|p| text(p))
    .find(|t| !t.is_empty())
    .unwrap_or_default();
    let valid = match card.status {
        Status::Valid => "valid".to_string(),
        Status::Invalid => format!("invalid ({})", card.violations.len()),
        Status::Unreadable => "unreadable".to_string(),
    };
    Row {
        cells: vec![
            time,
            card.lead_id.as_ref().map(plain).unwrap_or_default(),
            text("/lead_type"),
            text("/lead_state"),
            text("/trigger"),
            source_medium,
            contact,
            valid,
        ],
    }
}

/// A value as a person reads it: strings without quotes (`""` for the empty string), the
/// rest as compact JSON.
pub fn plain(v: &Value) -> String {
    match v {
        Value::String(s) if s.is_empty() => "\"\"".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.iter().all(Value::is_string) && !a.is_empty() => a
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Options, check};
    use crate::reader::Reader;
    use crate::record::Item;
    use crate::schema::Schema;

    fn card_of(text: &str) -> Card {
        let schema = Schema::bundled().unwrap();
        let Some(Ok(Item::Record(r))) = Reader::new("t".into(), text.as_bytes()).next() else {
            panic!("not a record")
        };
        card(&check(&schema, &r, &Options::default()), &r.value, &r.text)
    }

    #[test]
    fn official_example_fills_every_section_but_other() {
        let c = card_of(include_str!("../samples/chat-in-progress.json"));
        let names: Vec<&str> = c.sections.iter().map(|s| s.name).collect();
        assert_eq!(
            names,
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
        assert_eq!(c.warnings, ["last_updated is earlier than date_created"]);
        assert_eq!(c.status, Status::Valid);
    }

    #[test]
    fn no_time_warning_without_two_timestamps() {
        let c = card_of(
            r#"{"lead_id": 1, "lead_type": "Chat", "last_updated": "2016-01-25T17:18:20Z", "date_created": "yesterday"}"#,
        );
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }

    #[test]
    fn unknown_fields_go_last_and_empty_maps_vanish() {
        let c = card_of(r#"{"lead_id": 1, "lead_type": "Chat", "zz": [1], "lead_analysis": []}"#);
        let last = c.sections.last().unwrap();
        assert_eq!(last.name, "other");
        assert_eq!(last.fields[0].label, "zz");
        assert!(c.sections.iter().all(|s| s.name != "analysis"));
    }

    #[test]
    fn table_row_picks_the_first_contact() {
        let c = card_of(
            r#"{"lead_id": 7, "lead_type": "Chat", "email_address": "a@b.c", "lead_source": "google"}"#,
        );
        assert_eq!(
            row(&c).cells,
            ["", "7", "Chat", "", "", "google / ", "a@b.c", "valid"]
        );
    }
}
