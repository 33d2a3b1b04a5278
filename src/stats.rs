//! `leadcheck stats`: a whole capture summarised while it streams by. Each record is folded
//! into counters and dropped, so memory grows with the number of distinct values (lead ids,
//! sources, field names), never with the number of records.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::check::{Checked, Tally};
use crate::time::Instant;

/// The summary of a capture.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Records by verdict, and inputs (the fields come first in the JSON object).
    #[serde(flatten)]
    pub tally: Tally,
    /// Distinct `lead_id` values (as JSON text, so `1` and `"1"` stay apart).
    pub distinct_lead_ids: u64,
    /// The earliest and latest `date_created`, as written (compared as instants, so
    /// offsets may differ; values that are not timestamps are skipped).
    pub first_created: Option<String>,
    pub last_created: Option<String>,
    /// Counts by value, for the fields people group leads by; a field that is absent
    /// counts under `(absent)`.
    pub by: BTreeMap<&'static str, BTreeMap<String, u64>>,
    /// For each top-level field, in how many readable object records it appears, and
    /// with which JSON types (`""`, `[]` and `{}` are told apart from other strings,
    /// arrays and objects).
    pub fields: BTreeMap<String, FieldStats>,
    /// Readable records that are JSON objects (the base of the field shares).
    pub objects: u64,
    #[serde(skip)]
    lead_ids: HashSet<String>,
    #[serde(skip)]
    first_instant: Option<Instant>,
    #[serde(skip)]
    last_instant: Option<Instant>,
}

/// Presence of one field.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldStats {
    pub present: u64,
    pub types: BTreeMap<&'static str, u64>,
}

/// The fields counted by value, in output order.
pub const GROUPS: [&str; 6] = [
    "lead_type",
    "lead_state",
    "trigger",
    "source / medium",
    "spam",
    "duplicate",
];

impl Stats {
    pub fn new() -> Stats {
        Stats::default()
    }

    /// Folds one checked record (and its value, when it was readable) in.
    pub fn add(&mut self, checked: &Checked, value: Option<&Value>) {
        self.tally.add(checked.status());
        let Some(Value::Object(object)) = value else {
            return;
        };
        self.objects += 1;
        if let Some(id) = object.get("lead_id")
            && self.lead_ids.insert(id.to_string())
        {
            self.distinct_lead_ids += 1;
        }
        if let Some(created) = object.get("date_created").and_then(Value::as_str)
            && let Some(instant) = Instant::parse(created)
        {
            if self.first_instant.is_none_or(|f| instant < f) {
                self.first_instant = Some(instant);
                self.first_created = Some(created.to_string());
            }
            if self.last_instant.is_none_or(|l| instant > l) {
                self.last_instant = Some(instant);
                self.last_created = Some(created.to_string());
            }
        }
        let text = |key: &str| -> String {
            match object.get(key) {
                None => "(absent)".into(),
                Some(Value::String(s)) if s.is_empty() => "\"\"".into(),
                // A string that reads like another JSON value keeps its quotes ("false").
                Some(Value::String(s)) if serde_json::from_str::<Value>(s).is_ok() => {
                    Value::from(s.as_str()).to_string()
                }
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
            }
        };
        for group in GROUPS {
            let key = if group == "source / medium" {
                if !object.contains_key("lead_source") && !object.contains_key("lead_medium") {
                    "(absent)".to_string()
                } else {
                    format!("{} / {}", text("lead_source"), text("lead_medium"))
                }
            } else {
                text(group)
            };
            *self.by.entry(group).or_default().entry(key).or_default() += 1;
        }
        for (key, v) in object {
            let field = self.fields.entry(key.clone()).or_default();
            field.present += 1;
            *field.types.entry(json_type(v)).or_default() += 1;
        }
    }

    /// Takes the input counts of the run.
    pub fn set_inputs(&mut self, tally: &Tally) {
        self.tally.inputs = tally.inputs;
        self.tally.failed_inputs = tally.failed_inputs;
    }

    /// The lead ids seen (for tests).
    pub fn lead_ids(&self) -> BTreeSet<&str> {
        self.lead_ids.iter().map(String::as_str).collect()
    }
}

/// The JSON type of a value, with the empty string, array and object told apart.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(s) if s.is_empty() => "\"\"",
        Value::String(_) => "string",
        Value::Array(a) if a.is_empty() => "[]",
        Value::Array(_) => "array",
        Value::Object(o) if o.is_empty() => "{}",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Options, check_item};
    use crate::reader::Reader;
    use crate::record::Item;
    use crate::schema::{LeadType, Schema, Schemas};

    #[test]
    fn created_span_compares_instants_and_skips_what_is_not_a_time() {
        let schemas = Schemas::One(Schema::for_type(LeadType::Chat).unwrap());
        let mut stats = Stats::new();
        for created in [
            "2016-02-01T10:00:00Z",
            "garbage",
            // 09:09:01Z: the earliest, though its text sorts after 10:00:00Z.
            "2016-02-01T14:09:01+05:00",
            "",
            // 03:00:00Z on the 2nd: the latest, though its text sorts before 2016-02-01T…+05.
            "2016-02-01T23:00:00-04:00",
            "2016-02-01T23:30:00Z",
            "2099-99-99T99:99:99Z",
        ] {
            let text =
                format!(r#"{{"lead_id": 1, "lead_type": "Chat", "date_created": "{created}"}}"#);
            let item = Reader::new("t".into(), text.as_bytes())
                .next()
                .unwrap()
                .unwrap();
            let value = match &item {
                Item::Record(r) => r.value.clone(),
                Item::Unreadable(u) => panic!("{u:?}"),
            };
            let checked = check_item(&schemas, item, &Options::default()).unwrap();
            stats.add(&checked, Some(&value));
        }
        assert_eq!(
            stats.first_created.as_deref(),
            Some("2016-02-01T14:09:01+05:00")
        );
        assert_eq!(
            stats.last_created.as_deref(),
            Some("2016-02-01T23:00:00-04:00")
        );
    }

    #[test]
    fn counts_groups_and_field_types() {
        let schemas = Schemas::One(Schema::for_type(LeadType::Chat).unwrap());
        let text = concat!(
            r#"{"lead_id": 1, "lead_type": "Chat", "lead_analysis": [], "date_created": "2016-02-01T14:09:01Z"}"#,
            "\n",
            r#"{"lead_id": 1, "lead_type": "Chat", "lead_analysis": {"a": "b"}, "lead_source": "google", "date_created": "2016-01-01T00:00:00Z"}"#,
            "\n{bad\n"
        );
        let mut stats = Stats::new();
        for item in Reader::new("t".into(), text.as_bytes()) {
            let item = item.unwrap();
            let value = match &item {
                Item::Record(r) => Some(r.value.clone()),
                Item::Unreadable(_) => None,
            };
            let checked = check_item(&schemas, item, &Options::default()).unwrap();
            stats.add(&checked, value.as_ref());
        }
        let t = stats.tally;
        assert_eq!((t.records, t.valid, t.unreadable), (3, 2, 1));
        assert_eq!(stats.distinct_lead_ids, 1);
        assert_eq!(stats.first_created.as_deref(), Some("2016-01-01T00:00:00Z"));
        let analysis = &stats.fields["lead_analysis"];
        assert_eq!(analysis.present, 2);
        assert_eq!(analysis.types["[]"], 1);
        assert_eq!(analysis.types["object"], 1);
        assert_eq!(stats.by["source / medium"]["google / (absent)"], 1);
        assert_eq!(stats.by["source / medium"]["(absent)"], 1);
    }
}
