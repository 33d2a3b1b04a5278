//! Leads across records: WhatConverts sends the same lead several times (`new` while a chat
//! or call is in progress, again when it completes, `update` when someone edits it), and
//! `lead_id` is what ties those records together.
//!
//! A lead's *state* after a record: a record whose `trigger` is `"update"` carries only the
//! fields that changed (plus some common ones), so its top-level fields are laid over the
//! state the lead had; any other record is the whole lead and replaces it. `literal` turns
//! the overlay off (every record is taken as it is).
//!
//! Memory: [`States`] keeps one value per distinct lead (its latest state), whatever the
//! number of records.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use crate::diff::{self, Change, Diff, Fallback};
use crate::record::Origin;

/// The key records are grouped by: the `lead_id` as text (a number's digits, a string's
/// content), so `153928` and `"153928"` are the same lead.
pub fn lead_key(value: &Value) -> Option<String> {
    match value.get("lead_id")? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// Whether a record is a partial `update` payload.
pub fn is_update(record: &Value) -> bool {
    record.get("trigger").and_then(Value::as_str) == Some("update")
}

/// `update`'s top-level fields laid over `base` (both objects); otherwise `update` itself.
pub fn overlay(base: &Value, update: &Value) -> Value {
    match (base, update) {
        (Value::Object(b), Value::Object(u)) => {
            let mut merged = b.clone();
            for (k, v) in u {
                merged.insert(k.clone(), v.clone());
            }
            Value::Object(merged)
        }
        _ => update.clone(),
    }
}

/// The state of one lead in one input.
#[derive(Debug, Clone)]
pub struct State {
    /// The `lead_id` value as it appeared.
    pub id: Value,
    pub value: Value,
    /// Only `update` payloads have been seen for this lead (so fields may be missing).
    pub partial: bool,
    /// Where the lead's last record is.
    pub last: Origin,
    /// How many records of the lead were seen.
    pub records: u64,
}

impl State {
    /// Moves to the state after `record` (see the module docs); returns the state before.
    pub fn advance(&mut self, record: Value, origin: Origin, literal: bool) -> Value {
        let next = if !literal && is_update(&record) {
            overlay(&self.value, &record)
        } else {
            self.partial = false;
            record
        };
        self.last = origin;
        self.records += 1;
        std::mem::replace(&mut self.value, next)
    }
}

/// The leads of one input, in order of first arrival, with their latest state.
#[derive(Debug, Default)]
pub struct States {
    order: Vec<String>,
    by_key: HashMap<String, State>,
}

impl States {
    /// Takes one record into account; gives back the previous state of its lead (its
    /// value before this record), or `None` for a lead seen for the first time. A record
    /// without a `lead_id` is handed back as `Err`.
    pub fn add(
        &mut self,
        record: Value,
        origin: Origin,
        literal: bool,
    ) -> Result<(&State, Option<Value>), Value> {
        let Some(key) = lead_key(&record) else {
            return Err(record);
        };
        if self.by_key.contains_key(&key) {
            let state = self.by_key.get_mut(&key).expect("the lead is known");
            let before = state.advance(record, origin, literal);
            return Ok((&*state, Some(before)));
        }
        let state = State {
            id: record["lead_id"].clone(),
            partial: !literal && is_update(&record),
            value: record,
            last: origin,
            records: 1,
        };
        self.order.push(key.clone());
        Ok((&*self.by_key.entry(key).or_insert(state), None))
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The leads in order of first arrival, with their keys.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &State)> {
        self.order.iter().map(|k| (k.as_str(), &self.by_key[k]))
    }

    pub fn get(&self, key: &str) -> Option<&State> {
        self.by_key.get(key)
    }
}

/// How the leads of two inputs pair up.
#[derive(Debug)]
pub enum Pairing<'a> {
    OnlyOld(&'a State),
    OnlyNew(&'a State),
    /// In both: the OLD state, the NEW state, and what NEW's state is to be compared as
    /// (a partial NEW laid over OLD unless `literal`).
    Both(&'a State, &'a State, Cow<'a, Value>),
}

/// Pairs the leads of OLD and NEW: OLD's leads in their order (each only in OLD, or in
/// both), then the leads only in NEW, in NEW's order.
pub fn pair<'a>(old: &'a States, new: &'a States, literal: bool) -> Vec<Pairing<'a>> {
    let mut out = Vec::with_capacity(old.len().max(new.len()));
    for (key, o) in old.iter() {
        match new.get(key) {
            Some(n) => {
                let compared = if n.partial && !literal {
                    Cow::Owned(overlay(&o.value, &n.value))
                } else {
                    Cow::Borrowed(&n.value)
                };
                out.push(Pairing::Both(o, n, compared));
            }
            None => out.push(Pairing::OnlyOld(o)),
        }
    }
    for (key, n) in new.iter() {
        if old.get(key).is_none() {
            out.push(Pairing::OnlyNew(n));
        }
    }
    out
}

/// One record of a lead, as `history` shows it.
#[derive(Debug, Clone)]
pub struct Version {
    pub origin: Origin,
    /// The record's own `trigger`, `lead_state` and `last_updated`, when it has them.
    pub trigger: Option<Value>,
    pub lead_state: Option<Value>,
    pub last_updated: Option<Value>,
    /// The changes from the lead's state before this record (empty for the first).
    pub changes: Vec<Change>,
    /// Arrays compared index by index (see [`crate::diff::Fallback`]).
    pub fallbacks: Vec<Fallback>,
}

/// The leads of a capture and their versions, in order of first arrival. Only the latest
/// state of each lead is kept whole; each version keeps its summary and its changes.
#[derive(Debug, Default)]
pub struct History {
    states: States,
    versions: HashMap<String, Vec<Version>>,
}

impl History {
    /// Takes one record into account. A record without a `lead_id` is handed back as `Err`.
    pub fn add(
        &mut self,
        record: Value,
        origin: Origin,
        options: &diff::Options,
        literal: bool,
    ) -> Result<(), Value> {
        let field = |name: &str| record.get(name).cloned();
        let (trigger, lead_state, last_updated) =
            (field("trigger"), field("lead_state"), field("last_updated"));
        let key = lead_key(&record);
        let (state, before) = self.states.add(record, origin.clone(), literal)?;
        let found = match before {
            Some(before) => diff::diff(&before, &state.value, options),
            None => Diff::default(),
        };
        let key = key.expect("a record with a lead_id");
        self.versions.entry(key).or_default().push(Version {
            origin,
            trigger,
            lead_state,
            last_updated,
            changes: found.changes,
            fallbacks: found.fallbacks,
        });
        Ok(())
    }

    /// The leads, in order of first arrival: key, state, versions.
    pub fn leads(&self) -> impl Iterator<Item = (&str, &State, &[Version])> {
        self.states
            .iter()
            .map(|(k, s)| (k, s, self.versions[k].as_slice()))
    }

    pub fn len(&self) -> usize {
        self.states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::position::LineCol;
    use serde_json::json;

    fn origin(record: u64) -> Origin {
        Origin {
            input: "t".into(),
            record,
            start: LineCol::START,
            offset: 0,
        }
    }

    #[test]
    fn keys_and_overlay() {
        assert_eq!(lead_key(&json!({"lead_id": 7})).as_deref(), Some("7"));
        assert_eq!(lead_key(&json!({"lead_id": "7"})).as_deref(), Some("7"));
        assert_eq!(lead_key(&json!({"lead_id": null})), None);
        assert_eq!(lead_key(&json!([1])), None);
        assert_eq!(
            overlay(&json!({"a": 1, "b": 2}), &json!({"b": 3, "c": 4})),
            json!({"a": 1, "b": 3, "c": 4})
        );
    }

    #[test]
    fn updates_are_laid_over_the_state() {
        let mut states = States::default();
        let full = json!({"lead_id": 1, "trigger": "new", "a": 1, "b": 1});
        let upd = json!({"lead_id": 1, "trigger": "update", "b": 2});
        assert!(
            states
                .add(full.clone(), origin(1), false)
                .unwrap()
                .1
                .is_none()
        );
        let (state, before) = states.add(upd.clone(), origin(2), false).unwrap();
        assert_eq!(before, Some(full.clone()));
        assert_eq!(
            state.value,
            json!({"lead_id": 1, "trigger": "update", "a": 1, "b": 2})
        );
        assert_eq!(state.records, 2);
        assert!(!state.partial);
        assert!(states.add(json!({"x": 1}), origin(3), false).is_err());
        assert_eq!(states.len(), 1);

        let mut literal = States::default();
        literal.add(full, origin(1), true).unwrap();
        let (state, _) = literal.add(upd.clone(), origin(2), true).unwrap();
        assert_eq!(state.value, upd);
    }

    #[test]
    fn pairing_lays_a_partial_new_over_old() {
        let mut old = States::default();
        let mut new = States::default();
        old.add(json!({"lead_id": 1, "a": 1, "b": 1}), origin(1), false)
            .unwrap();
        old.add(json!({"lead_id": 2}), origin(2), false).unwrap();
        new.add(json!({"lead_id": 3}), origin(1), false).unwrap();
        new.add(
            json!({"lead_id": 1, "trigger": "update", "b": 2}),
            origin(2),
            false,
        )
        .unwrap();
        let pairs = pair(&old, &new, false);
        assert_eq!(pairs.len(), 3);
        match &pairs[0] {
            Pairing::Both(_, n, compared) => {
                assert!(n.partial);
                assert_eq!(
                    compared.as_ref(),
                    &json!({"lead_id": 1, "trigger": "update", "a": 1, "b": 2})
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&pairs[1], Pairing::OnlyOld(s) if s.id == json!(2)));
        assert!(matches!(&pairs[2], Pairing::OnlyNew(s) if s.id == json!(3)));
    }
}
