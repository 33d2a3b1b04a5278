//! `--redact`: personal values replaced by placeholders that keep the type and the shape of
//! the value, are stable within a run (the same email always becomes the same placeholder,
//! so it is still visible that two records share a visitor), and keep the payload valid
//! against the schema.
//!
//! What is redacted (top-level fields; `""`, `null` and booleans are always kept):
//!
//! | fields | placeholder |
//! |---|---|
//! | `contact_name` (and `caller_name`, `sender_name`) | `Person N` |
//! | `contact_company_name` | `Company N` |
//! | `contact_email_address`, `email_address` | `personN@example.com` |
//! | `contact_phone_number`, `phone_number` (and `caller_number`) | the same layout, digits from `1555000000N` (one placeholder per phone, whatever its format) |
//! | `ip_address` | `10.0.0.N` or `2001:db8::N` (an invalid address stays invalid: `invalid-ip-N`) |
//! | `zip` (and `caller_zip`) | the same length, digits from `N`, letters as `X` |
//! | `notes` (and `message`, `email_subject`, `email_message`, `call_transcription`, `voicemail_transcription`) | `redacted text N` |
//! | `user_id`, `gclid`, `msclkid`, `facebook_click_id`, `facebook_browser_id`, `google_analytics_client_id`, `hubspot_visitor_id`, `roistat_visit_id`, `salesforce_user_id`, `unbounce_visitor_id`, `vwo_user_id` | the same length and punctuation, each digit, hex letter and other letter replaced by one of its kind |
//! | `additional_fields`, `field_mappings`, `mapped_fields`: every value | by its label and content: an email, a phone, a company, a name, a zip, else free text; numbers become 0 |
//! | `lead_analysis`: `Lead Summary`, `Intent Detection` and any unknown key | `redacted text N` |
//! | `lead_url`, `landing_url`: query values and fragment; `recording`, `play_recording`, `voicemail`, `play_voicemail`: the path | `x` / `redacted-N` |
//! | any other field, at any depth: a string that looks like an email | `personN@example.com` |
//!
//! Kept: ids of the lead, profile and account, lead type, state, status and trigger, times,
//! source, medium, campaign, content, keyword, profile and account names, city, state,
//! country, device and browser, the analysis' sentiment, topics and keywords, spotted
//! keywords, money, score and flags, and the labels of the submitted fields.

use std::collections::HashMap;
use std::net::IpAddr;

use serde_json::Value;

use crate::tree::{Node, key_text};

/// What a value is, for choosing its placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Name,
    Company,
    Email,
    Phone,
    Ip,
    Zip,
    Text,
    Id,
    Url,
    RecordingUrl,
}

/// How a top-level field is redacted.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Kept, unless a string in it looks like an email.
    Keep,
    /// Every string in it, as this kind.
    All(Kind),
    /// A map of submitted values: each by its label and content.
    Submitted,
    /// `lead_analysis`: free text redacted, categories kept.
    Analysis,
}

fn rule(field: &str) -> Rule {
    use Kind::*;
    match field {
        "contact_name" | "caller_name" | "sender_name" => Rule::All(Name),
        "contact_company_name" => Rule::All(Company),
        "contact_email_address" | "email_address" => Rule::All(Email),
        "contact_phone_number" | "phone_number" | "caller_number" => Rule::All(Phone),
        "ip_address" => Rule::All(Ip),
        "zip" | "caller_zip" => Rule::All(Zip),
        "notes"
        | "message"
        | "email_subject"
        | "email_message"
        | "call_transcription"
        | "voicemail_transcription" => Rule::All(Text),
        "user_id"
        | "gclid"
        | "msclkid"
        | "facebook_click_id"
        | "facebook_browser_id"
        | "google_analytics_client_id"
        | "hubspot_visitor_id"
        | "roistat_visit_id"
        | "salesforce_user_id"
        | "unbounce_visitor_id"
        | "vwo_user_id" => Rule::All(Id),
        "lead_url" | "landing_url" => Rule::All(Url),
        "recording" | "play_recording" | "voicemail" | "play_voicemail" => Rule::All(RecordingUrl),
        "additional_fields" | "field_mappings" | "mapped_fields" => Rule::Submitted,
        "lead_analysis" => Rule::Analysis,
        _ => Rule::Keep,
    }
}

/// Replaces personal values; remembers the placeholders it gave, for the whole run.
#[derive(Debug, Default)]
pub struct Redactor {
    /// The number of the placeholder given to each value (normalised: an email in lower
    /// case, a phone as its last ten digits), by kind.
    given: HashMap<(Kind, String), u64>,
    counts: HashMap<Kind, u64>,
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// Redacts a record's value in place.
    pub fn value(&mut self, value: &mut Value) {
        let mut path = Vec::new();
        self.walk_value(&mut path, value);
    }

    fn walk_value(&mut self, path: &mut Vec<String>, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    path.push(k.clone());
                    self.walk_value(path, v);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    path.push(i.to_string());
                    self.walk_value(path, v);
                    path.pop();
                }
            }
            scalar => {
                if let Some(new) = self.scalar(path, scalar) {
                    *scalar = new;
                }
            }
        }
    }

    /// Redacts a record's tree (for `fmt`) in place: only the redacted scalars change.
    pub fn node(&mut self, node: &mut Node<'_>) {
        let mut path = Vec::new();
        self.walk_node(&mut path, node);
    }

    fn walk_node(&mut self, path: &mut Vec<String>, node: &mut Node<'_>) {
        match node {
            Node::Object(members) => {
                for (k, v) in members.iter_mut() {
                    path.push(key_text(k));
                    self.walk_node(path, v);
                    path.pop();
                }
            }
            Node::Array(items) => {
                for (i, v) in items.iter_mut().enumerate() {
                    path.push(i.to_string());
                    self.walk_node(path, v);
                    path.pop();
                }
            }
            Node::Scalar(_) => {
                if let Some(old) = node.scalar_value()
                    && let Some(new) = self.scalar(path, &old)
                {
                    *node = Node::from_value(&new);
                }
            }
        }
    }

    /// The replacement of the scalar at `path` (top-level field first), if it is redacted.
    fn scalar(&mut self, path: &[String], v: &Value) -> Option<Value> {
        let [field, rest @ ..] = path else {
            return None;
        };
        let kind = match rule(field) {
            Rule::All(kind) => kind,
            Rule::Submitted => classify(rest.first().map_or("", String::as_str), v),
            Rule::Analysis => match rest.first().map(String::as_str) {
                Some("Sentiment Detection" | "Topic Detection" | "Keyword Detection") => {
                    return None;
                }
                _ => Kind::Text,
            },
            Rule::Keep => match v.as_str() {
                Some(s) if looks_like_email(s) => Kind::Email,
                _ => return None,
            },
        };
        self.replace(kind, v)
    }

    fn replace(&mut self, kind: Kind, v: &Value) -> Option<Value> {
        let s = match v {
            Value::String(s) if !s.is_empty() => s,
            Value::Number(_) => return Some(Value::from(0)),
            _ => return None,
        };
        let key = match kind {
            Kind::Email => s.trim().to_lowercase(),
            Kind::Phone => {
                let digits: String = s.chars().filter(char::is_ascii_digit).collect();
                digits[digits.len().saturating_sub(10)..].to_string()
            }
            _ => s.clone(),
        };
        let n = match self.given.get(&(kind, key.clone())) {
            Some(&n) => n,
            None => {
                let count = self.counts.entry(kind).or_default();
                *count += 1;
                self.given.insert((kind, key), *count);
                *count
            }
        };
        // The same value in another layout (a phone written two ways) keeps its layout.
        Some(Value::from(placeholder(kind, s, n)))
    }
}

/// The kind of a submitted value, from its label and its content.
fn classify(label: &str, v: &Value) -> Kind {
    let label = label.to_lowercase();
    let s = v.as_str().unwrap_or_default();
    let has = |words: &[&str]| words.iter().any(|w| label.contains(w));
    if looks_like_email(s) {
        Kind::Email
    } else if has(&["phone", "tel", "mobile", "cell"]) || looks_like_phone(s) {
        Kind::Phone
    } else if has(&["company", "business", "organi"]) {
        Kind::Company
    } else if has(&["name", "person"]) {
        Kind::Name
    } else if has(&["zip", "postal", "postcode"]) {
        Kind::Zip
    } else {
        Kind::Text
    }
}

fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn looks_like_phone(s: &str) -> bool {
    let digits = s.chars().filter(char::is_ascii_digit).count();
    digits >= 7
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

fn placeholder(kind: Kind, original: &str, n: u64) -> String {
    match kind {
        Kind::Name => format!("Person {n}"),
        Kind::Company => format!("Company {n}"),
        Kind::Email => format!("person{n}@example.com"),
        Kind::Text => format!("redacted text {n}"),
        Kind::Phone => {
            let template = format!("1555{n:07}");
            replace_digits(original, &template, '0')
        }
        Kind::Zip => {
            let digits = replace_digits(original, &n.to_string(), '0');
            digits
                .chars()
                .map(|c| if c.is_alphabetic() { 'X' } else { c })
                .collect()
        }
        Kind::Ip => match original.trim().parse::<IpAddr>() {
            Ok(IpAddr::V4(_)) => format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255),
            Ok(IpAddr::V6(_)) => format!("2001:db8::{n:x}"),
            Err(_) => format!("invalid-ip-{n}"),
        },
        Kind::Id => scramble(original, n),
        Kind::Url => redact_query(original),
        Kind::RecordingUrl => {
            let after_scheme = original.find("://").map_or(0, |i| i + 3);
            let host_end = original[after_scheme..]
                .find('/')
                .map_or(original.len(), |i| after_scheme + i);
            format!("{}/redacted-{n}", &original[..host_end])
        }
    }
}

/// `original` with its digits replaced, from the right, by those of `digits` (then `fill`).
fn replace_digits(original: &str, digits: &str, fill: char) -> String {
    let mut new = digits.chars().rev();
    let mut out: Vec<char> = original
        .chars()
        .rev()
        .map(|c| {
            if c.is_ascii_digit() {
                new.next().unwrap_or(fill)
            } else {
                c
            }
        })
        .collect();
    out.reverse();
    out.into_iter().collect()
}

/// Each digit, hex letter (a-f) and other letter replaced by a pseudo-random one of its own
/// kind and case, from a generator seeded with the placeholder's number (not the value).
fn scramble(original: &str, n: u64) -> String {
    let mut state = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut next = |m: u64| {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % m
    };
    original
        .chars()
        .map(|c| match c {
            '0'..='9' => (b'0' + next(10) as u8) as char,
            'a'..='f' => (b'a' + next(6) as u8) as char,
            'A'..='F' => (b'A' + next(6) as u8) as char,
            'g'..='z' => (b'g' + next(20) as u8) as char,
            'G'..='Z' => (b'G' + next(20) as u8) as char,
            other => other,
        })
        .collect()
}

/// A URL with its query values replaced by `x` and its fragment dropped.
fn redact_query(url: &str) -> String {
    let url = url.split('#').next().unwrap_or_default();
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let params: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) => format!("{k}=x"),
            None => p.to_string(),
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_are_stable_and_keep_shape() {
        let mut r = Redactor::new();
        let mut v = json!({
            "contact_email_address": "Hello@WhatConverts.com",
            "email_address": "hello@whatconverts.com",
            "contact_phone_number": "+17044695324",
            "field_mappings": {"Phone Number": "(704) 469-5324", "Email": "x@y.org"},
            "ip_address": "107.210.21.188",
            "zip": "28226",
            "user_id": "51497-af17340d-62b8-3044-423f-3dc754e621c2",
            "lead_source": "google",
            "spam": false,
            "notes": "",
            "landing_url": "https://x.com/a?gclid=abc&utm_source=g#top"
        });
        r.value(&mut v);
        assert_eq!(v["contact_email_address"], "person1@example.com");
        assert_eq!(v["email_address"], "person1@example.com");
        assert_eq!(v["field_mappings"]["Email"], "person2@example.com");
        assert_eq!(v["contact_phone_number"], "+15550000001");
        assert_eq!(v["field_mappings"]["Phone Number"], "(555) 000-0001");
        assert_eq!(v["ip_address"], "10.0.0.1");
        assert_eq!(v["zip"], "00001");
        assert_eq!(v["lead_source"], "google");
        assert_eq!(v["notes"], "");
        assert_eq!(v["landing_url"], "https://x.com/a?gclid=x&utm_source=x");
        let id = v["user_id"].as_str().unwrap();
        assert_eq!(id.len(), 42);
        assert_ne!(id, "51497-af17340d-62b8-3044-423f-3dc754e621c2");
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
        );
    }

    #[test]
    fn tree_and_value_agree() {
        let raw = br#"{"contact_name": "Jo", "additional_fields": {"Your name": "Jo", "n": 5}}"#;
        let mut node = crate::tree::parse(raw);
        Redactor::new().node(&mut node);
        let mut value: Value = serde_json::from_slice(raw).unwrap();
        Redactor::new().value(&mut value);
        let out = crate::tree::to_compact(&node);
        let from_tree: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(from_tree, value);
        assert_eq!(value["additional_fields"]["Your name"], "Person 1");
        assert_eq!(value["additional_fields"]["n"], 0);
    }
}
