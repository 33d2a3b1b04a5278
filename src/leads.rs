//! Leads across records: WhatConverts sends the same lead several times (`new` while a chat
//! or call is in progress, again when it completes, `update` when someone edits it), and
//! `lead_id` is what ties those records together.
//!
//! A lead's *state* after a record: a record whose `trigger` is `"update"` carries only the
//! fields that changed (plus some common ones), so its top-level fields are laid over the
//! state the lead had; any other record is the whole lead and replaces it. `literal` turns
//! the overlay off (every record is taken as it is).
//!
//! Memory: [`States`] keeps, per distinct lead, its latest state as JSON text (about the
//! size of one of its records: a parsed `Value` takes about four times as much), whatever
//! the number of records; it is parsed again only when the lead's next record comes.
//! Numbers stay as written, so they are compared exactly ([`crate::diff::diff_exact`]).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::diff::{self, Change, Diff, Fallback, Literals};
use crate::record::Origin;
use crate::tree::{self, Node, key_text};

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

/// `update`'s top-level fields laid over `base` (the JSON texts of two objects; otherwise
/// `update` itself), numbers kept as written: `base`'s members that `update` does not
/// have, then `update`'s.
pub fn overlay_text(base: &[u8], update: &[u8]) -> Vec<u8> {
    match (tree::parse(base), tree::parse(update)) {
        (Node::Object(b), Node::Object(u)) => {
            let replaced: HashSet<String> = u.iter().map(|(k, _)| key_text(k)).collect();
            let mut members: Vec<_> = b
                .into_iter()
                .filter(|(k, _)| !replaced.contains(&key_text(k)))
                .collect();
            members.extend(u);
            tree::to_compact(&Node::Object(members))
        }
        _ => update.to_vec(),
    }
}

/// The state of one lead in one input.
#[derive(Debug, Clone)]
pub struct State {
    /// The `lead_id` value as it appeared.
    pub id: Value,
    /// The lead's state as JSON text: its last whole record, with the `update`s after it
    /// laid over it.
    text: Vec<u8>,
    /// Only `update` payloads have been seen for this lead (so fields may be missing).
    pub partial: bool,
    /// Where the lead's last record is.
    pub last: Origin,
    /// How many records of the lead were seen.
    pub records: u64,
}

impl State {
    /// The state's JSON text.
    pub fn text(&self) -> &[u8] {
        &self.text
    }

    /// The state, parsed.
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.text).unwrap_or(Value::Null)
    }
}

/// The leads of one input, in order of first arrival, with their latest state.
#[derive(Debug, Default)]
pub struct States {
    order: Vec<String>,
    by_key: HashMap<String, State>,
}

impl States {
    /// Takes one record (its value and its JSON text) into account; gives back the text of
    /// its lead's previous state, or `None` for a lead seen for the first time. A record
    /// without a `lead_id` is refused.
    pub fn add(
        &mut self,
        value: &Value,
        text: &[u8],
        origin: Origin,
        literal: bool,
    ) -> Result<(&State, Option<Vec<u8>>), NoLeadId> {
        let key = lead_key(value).ok_or(NoLeadId)?;
        let update = !literal && is_update(value);
        if self.by_key.contains_key(&key) {
            let state = self.by_key.get_mut(&key).expect("the lead is known");
            let next = if update {
                overlay_text(&state.text, text)
            } else {
                state.partial = false;
                text.to_vec()
            };
            state.last = origin;
            state.records += 1;
            let before = std::mem::replace(&mut state.text, next);
            return Ok((&*state, Some(before)));
        }
        let state = State {
            id: value["lead_id"].clone(),
            partial: update,
            text: text.to_vec(),
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

/// A record without a `lead_id`: it belongs to no lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoLeadId;

/// How the leads of two inputs pair up.
#[derive(Debug)]
pub enum Pairing<'a> {
    OnlyOld(&'a State),
    OnlyNew(&'a State),
    /// In both: the OLD state and the NEW state.
    Both(&'a State, &'a State),
}

/// Pairs the leads of OLD and NEW: OLD's leads in their order (each only in OLD, or in
/// both), then the leads only in NEW, in NEW's order.
pub fn pair<'a>(old: &'a States, new: &'a States) -> Vec<Pairing<'a>> {
    let mut out = Vec::with_capacity(old.len().max(new.len()));
    for (key, o) in old.iter() {
        match new.get(key) {
            Some(n) => out.push(Pairing::Both(o, n)),
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

/// The changes from a lead's OLD state to its NEW one, numbers compared as written. A NEW
/// state made of updates only is laid over OLD (unless `literal`).
pub fn compare(old: &State, new: &State, literal: bool, options: &diff::Options) -> Diff {
    let compared = if new.partial && !literal {
        overlay_text(&old.text, &new.text)
    } else {
        new.text.clone()
    };
    diff_texts(&old.text, &compared, options)
}

/// The changes from one JSON text to another, numbers compared as written.
pub fn diff_texts(old: &[u8], new: &[u8], options: &diff::Options) -> Diff {
    let parse = |t: &[u8]| serde_json::from_slice::<Value>(t).unwrap_or(Value::Null);
    diff::diff_exact(
        &parse(old),
        &Literals::of(old),
        &parse(new),
        &Literals::of(new),
        options,
    )
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
/// state of each lead is kept whole (as text); each version keeps its summary and its
/// changes.
#[derive(Debug, Default)]
pub struct History {
    states: States,
    versions: HashMap<String, Vec<Version>>,
}

impl History {
    /// Takes one record (its value and its JSON text) into account. A record without a
    /// `lead_id` is refused.
    pub fn add(
        &mut self,
        value: &Value,
        text: &[u8],
        origin: Origin,
        options: &diff::Options,
        literal: bool,
    ) -> Result<(), NoLeadId> {
        let field = |name: &str| value.get(name).cloned();
        let (trigger, lead_state, last_updated) =
            (field("trigger"), field("lead_state"), field("last_updated"));
        let key = lead_key(value).ok_or(NoLeadId)?;
        let (state, before) = self.states.add(value, text, origin.clone(), literal)?;
        let found = match before {
            Some(before) => diff_texts(&before, state.text(), options),
            None => Diff::default(),
        };
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
    }

    fn add(
        states: &mut States,
        v: Value,
        o: u64,
        literal: bool,
    ) -> Result<Option<Value>, NoLeadId> {
        let text = serde_json::to_vec(&v).unwrap();
        let (_, before) = states.add(&v, &text, origin(o), literal)?;
        Ok(before.map(|t| serde_json::from_slice(&t).unwrap()))
    }

    #[test]
    fn updates_are_laid_over_the_state() {
        let mut states = States::default();
        let full = json!({"lead_id": 1, "trigger": "new", "a": 1, "b": 1});
        let upd = json!({"lead_id": 1, "trigger": "update", "b": 2});
        assert!(add(&mut states, full.clone(), 1, false).unwrap().is_none());
        let before = add(&mut states, upd.clone(), 2, false).unwrap();
        assert_eq!(before, Some(full.clone()));
        let state = states.get("1").unwrap();
        assert_eq!(
            state.value(),
            json!({"lead_id": 1, "trigger": "update", "a": 1, "b": 2})
        );
        assert_eq!(state.records, 2);
        assert!(!state.partial);
        assert_eq!(add(&mut states, json!({"x": 1}), 3, false), Err(NoLeadId));
        assert_eq!(states.len(), 1);

        let mut literal = States::default();
        add(&mut literal, full, 1, true).unwrap();
        add(&mut literal, upd.clone(), 2, true).unwrap();
        assert_eq!(literal.get("1").unwrap().value(), upd);
    }

    #[test]
    fn the_overlay_of_texts_keeps_numbers_as_written() {
        let merged = overlay_text(
            br#"{"lead_id": 1, "quote_value": 100000000000000000000000000001, "a": 1.50}"#,
            br#"{"lead_id": 1, "a": 2.50, "trigger": "update"}"#,
        );
        assert_eq!(
            String::from_utf8(merged).unwrap(),
            r#"{"quote_value":100000000000000000000000000001,"lead_id":1,"a":2.50,"trigger":"update"}"#
        );
        assert_eq!(overlay_text(b"[1]", b"{}"), b"{}");
    }

    #[test]
    fn pairing_and_a_partial_new_laid_over_old() {
        let mut old = States::default();
        let mut new = States::default();
        add(&mut old, json!({"lead_id": 1, "a": 1, "b": 1}), 1, false).unwrap();
        add(&mut old, json!({"lead_id": 2}), 2, false).unwrap();
        add(&mut new, json!({"lead_id": 3}), 1, false).unwrap();
        add(
            &mut new,
            json!({"lead_id": 1, "trigger": "update", "b": 2}),
            2,
            false,
        )
        .unwrap();
        let pairs = pair(&old, &new);
        assert_eq!(pairs.len(), 3);
        match &pairs[0] {
            Pairing::Both(o, n) => {
                assert!(n.partial);
                let found = compare(o, n, false, &diff::Options::default());
                let pointers: Vec<&str> =
                    found.changes.iter().map(|c| c.pointer.as_str()).collect();
                assert_eq!(pointers, ["/b", "/trigger"]);
                let literal = compare(o, n, true, &diff::Options::default());
                assert_eq!(literal.changes.len(), 3, "{:?}", literal.changes);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&pairs[1], Pairing::OnlyOld(s) if s.id == json!(2)));
        assert!(matches!(&pairs[2], Pairing::OnlyNew(s) if s.id == json!(3)));
    }
}
