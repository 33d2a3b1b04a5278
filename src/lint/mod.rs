//! Lint: the rules a schema cannot say.
//!
//! A payload can satisfy its schema and still be wrong for the integration that receives it:
//! a phone number a CRM rejects, a `user_id` of another profile, a contact email that
//! disagrees with the form's own Email field. Each rule has a stable kebab-case name, a group
//! and a default level ([`registry`]), and a page of documentation (`docs/rules/<name>.md`,
//! embedded: [`page`]).
//!
//! - [`check`]: the rules about one record, over its parsed value (any thread, any order),
//!   or over any representation of it ([`Node`]: a record on a tape);
//! - [`Tracker`]: the rules about the records of a lead (`state-regression`,
//!   `duplicate-delivery`), fed the records in arrival order;
//! - [`Levels`]: each rule's level from its default, `leadcheck.toml` and the command line,
//!   and where it came from;
//! - [`Config`]: `leadcheck.toml`, found upward from a directory: levels, exceptions by
//!   location, and defaults of other commands.
//!
//! Findings are data: the rule, the JSON Pointer of the offending value and a message that
//! quotes values as JSON strings (control characters escaped). Levels and exceptions are
//! applied by the caller, which knows the input and the configuration.
//!
//! ```
//! use leadcheck::lint::{self, Context, Levels, Tracker};
//! use serde_json::json;
//!
//! let record = json!({"lead_id": 1, "contact_phone_number": "(704) 469-5324"});
//! let levels = Levels::defaults();
//! let ctx = Context::at("2026-01-01T00:00:00Z".parse().unwrap()).with_rules(levels.enabled());
//! let mut tracker = Tracker::with_rules(levels.enabled());
//! let mut findings = lint::check(&record, &ctx);
//! findings.extend(tracker.observe(&record));
//! let f = &findings[0];
//! assert_eq!((f.rule, &*f.pointer), ("phone-e164", "/contact_phone_number"));
//! assert_eq!(levels.level(f.rule), lint::Level::Warn);
//! assert_eq!(
//!     f.message,
//!     r#""(704) 469-5324" is not an E.164 phone number (+ and 8 to 15 digits)"#
//! );
//! ```

mod config;
mod levels;
pub mod registry;
mod rules;
mod tracker;

pub use config::{
    Config, ConfigError, DiffDefaults, Exception, FILE_NAME, InputExceptions, Problem, Setting,
    ValidateDefaults,
};
pub use levels::{Action, Flag, Levels, Source, UnknownName};
pub use registry::{Group, Level, Rule, RuleInfo, RuleSet, Target, page, rule, rules};
pub(crate) use rules::check_record_into;
pub use rules::{Node, RuleCounts, check, check_record, count_record};
pub use tracker::{Delivery, Tracker};

use std::borrow::Cow;

use jiff::Timestamp;

/// One rule's complaint about one value of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's stable name (`phone-e164`).
    pub rule: &'static str,
    /// The rule itself ([`Finding::id`]), set with `rule` by the rules that find it.
    id: Rule,
    /// RFC 6901 JSON Pointer of the offending value within the record (borrowed for a
    /// top-level field: most findings are about one). Borrowed text is leadcheck's own,
    /// never the payload's: the text output writes it unescaped.
    pub pointer: Cow<'static, str>,
    /// What is wrong, naming the value (as a JSON string) and what was expected (borrowed
    /// when it says the same of every record, as `lead-state-spelling`'s does: never text
    /// of the payload, as for `pointer`).
    pub message: Cow<'static, str>,
    /// Where the value starts in the text the record was read from, when the record's
    /// representation knows (a tape does, a `Value` does not; the rules about a lead's
    /// records, [`Tracker`], leave it to the pointer): what places the finding without
    /// resolving its pointer again. The same finding made on a tape and on a `Value`
    /// differs in it alone.
    pub offset: Option<usize>,
    /// Its level ([`Finding::level`]): the rule's default as the rules make it, then the
    /// level the lint's configuration gives the rule (`crate::check::Lint::leveled`).
    level: Level,
}

impl Finding {
    pub(crate) fn new(
        rule: Rule,
        pointer: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Finding {
        Finding {
            rule: rule.name(),
            id: rule,
            pointer: pointer.into(),
            message: message.into(),
            offset: None,
            level: rule.info().default,
        }
    }

    /// Its level: the rule's default level, or the one the lint's configuration gave it.
    pub fn level(&self) -> Level {
        self.level
    }

    pub(crate) fn set_level(&mut self, level: Level) {
        self.level = level;
    }

    /// The rule that found it, as [`Rule`]: what its level is looked up by, with no name
    /// compared (`rule` is its name).
    pub fn id(&self) -> Rule {
        self.id
    }

    /// Everything about the rule that found it.
    pub fn info(&self) -> &'static RuleInfo {
        self.id.info()
    }
}

/// What the per-record rules need besides the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The time of checking (`future-date`).
    now: Timestamp,
    /// The latest `date_created`/`last_updated` that is not in the future, written as
    /// WhatConverts writes timestamps (`YYYY-MM-DDTHH:MM:SSZ`), so that most of them are
    /// checked by comparing text, without parsing; `None` past the year 9999.
    latest: Option<[u8; 20]>,
    /// The rules to run; others are skipped at no cost. Default: all.
    pub rules: RuleSet,
}

impl Context {
    /// Checking at `now` (injectable, so tests and replays are repeatable), every rule.
    pub fn at(now: Timestamp) -> Context {
        let latest = Timestamp::from_second(now.as_second().saturating_add(rules::FUTURE_LEEWAY))
            .ok()
            .and_then(rules::canonical_text);
        Context {
            now,
            latest,
            rules: RuleSet::ALL,
        }
    }

    /// Checking at the system clock's current time, every rule.
    pub fn current() -> Context {
        Context::at(Timestamp::now())
    }

    /// Running only `rules` (e.g. [`Levels::enabled`]).
    pub fn with_rules(self, rules: RuleSet) -> Context {
        Context { rules, ..self }
    }

    /// The time of checking.
    pub fn now(&self) -> Timestamp {
        self.now
    }
}

/// `s` as a JSON string, cut after 60 characters with `…` after the closing quote, so a
/// huge value does not flood a message. Besides what JSON must escape, every control
/// character (DEL and C1 included), the line and paragraph separators and the bidirectional
/// controls are escaped as `\uXXXX`, so a value cannot move a terminal's cursor, colour it
/// or reorder the text around it. Written straight into the message being formatted: no
/// allocation of its own.
pub(crate) fn quote(s: &str) -> Quoted<'_> {
    Quoted(s)
}

/// See [`quote`].
pub(crate) struct Quoted<'a>(&'a str);

/// Characters shown as `\uXXXX` although JSON allows them raw.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

impl std::fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        const MAX: usize = 60;
        let (text, cut) = match self.0.char_indices().nth(MAX) {
            None => (self.0, false),
            Some((end, _)) => {
                let end = self.0[..end]
                    .char_indices()
                    .nth(MAX - 1)
                    .map_or(end, |(i, _)| i);
                (&self.0[..end], true)
            }
        };
        f.write_char('"')?;
        let mut start = 0;
        for (i, c) in text.char_indices() {
            let escape = match c {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u{8}' => "\\b",
                '\u{c}' => "\\f",
                c if invisible(c) => "",
                _ => continue,
            };
            f.write_str(&text[start..i])?;
            if escape.is_empty() {
                write!(f, "\\u{:04x}", u32::from(c))?;
            } else {
                f.write_str(escape)?;
            }
            start = i + c.len_utf8();
        }
        f.write_str(&text[start..])?;
        f.write_char('"')?;
        if cut {
            f.write_char('…')?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_escape_and_cut() {
        let q = |s: &str| quote(s).to_string();
        assert_eq!(q("a\"b"), r#""a\"b""#);
        assert_eq!(q("a\nb\u{1b}"), r#""a\nb\u001b""#);
        assert_eq!(q(&"x".repeat(60)), format!("\"{}\"", "x".repeat(60)));
        assert_eq!(q(&"é".repeat(61)), format!("\"{}\"…", "é".repeat(59)));
        // The same escapes as serde_json for every ASCII character but DEL, and for other
        // text; the result is JSON that means the same text.
        for c in (0u8..127).map(char::from).chain("é€😀".chars()) {
            let s = format!("a{c}b");
            assert_eq!(q(&s), serde_json::Value::from(s.as_str()).to_string());
        }
        let hidden = "a\u{7f}b\u{85}c\u{9b}d\u{2028}e\u{202e}f\u{2066}g\u{200f}h";
        assert_eq!(
            q(hidden),
            r#""a\u007fb\u0085c\u009bd\u2028e\u202ef\u2066g\u200fh""#
        );
        assert_eq!(serde_json::from_str::<String>(&q(hidden)).unwrap(), hidden);
    }

    #[test]
    fn finding_knows_its_rule() {
        let f = Finding::new(Rule::PhoneE164, "/x", String::new());
        assert_eq!(f.info().group, Group::Format);
    }
}
