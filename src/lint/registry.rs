//! Every rule, once: its stable name, group, default level, summary, help and page.
//!
//! Names never change once released (a renamed rule would silently stop matching the
//! `leadcheck.toml` files and `--allow` flags that name it); a rule that is no longer wanted
//! stays, off by default.

use std::fmt;
use std::str::FromStr;

/// How much a finding matters, ordered by severity: `Off < Info < Warn < Error`, so
/// `level >= Level::Warn` reads as "a warning or worse".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The rule does not run.
    Off,
    /// Worth knowing, expected in some data (the WhatConverts quirks).
    Info,
    /// Probably wrong.
    Warn,
    /// Wrong: fails the run by default.
    Error,
}

impl Level {
    /// Every level, from the most to the least severe (the order `lint --list` shows them).
    pub const ALL: [Level; 4] = [Level::Error, Level::Warn, Level::Info, Level::Off];

    /// The level's name in `leadcheck.toml` and in output: `error`, `warn`, `info`, `off`.
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Off => "off",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Level {
    type Err = ();

    /// Exactly one of the four names (`warning` is not one: the config file says `warn`).
    fn from_str(s: &str) -> Result<Level, ()> {
        Level::ALL.into_iter().find(|l| l.name() == s).ok_or(())
    }
}

/// A family of rules, switched on and off together by naming the group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// Fields of a record, or records of a lead, that disagree with each other.
    Consistency,
    /// A value whose shape a receiving system will reject or misread.
    Format,
    /// WhatConverts' own habits: true of its official examples, worth knowing, not wrong.
    Quirk,
    /// Style points most integrations do not care about (off by default).
    Pedantic,
}

impl Group {
    pub const ALL: [Group; 4] = [
        Group::Consistency,
        Group::Format,
        Group::Quirk,
        Group::Pedantic,
    ];

    /// The group's name in `leadcheck.toml` and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Group::Consistency => "consistency",
            Group::Format => "format",
            Group::Quirk => "quirk",
            Group::Pedantic => "pedantic",
        }
    }

    /// The group with this exact name.
    pub fn from_name(name: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.name() == name)
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A rule, as an index into [`rules()`]: cheap to copy, test and keep in a [`RuleSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    UserIdProfile,
    MappingMismatch,
    SpamWithValue,
    CallDurationMismatch,
    StateRegression,
    DuplicateDelivery,
    PhoneE164,
    EmailSyntax,
    UrlSyntax,
    PrivateIp,
    FutureDate,
    TimestampsOrder,
    LeadStateSpelling,
    EmptyString,
}

impl Rule {
    /// Every rule, in the order of [`rules()`].
    pub const ALL: [Rule; 14] = [
        Rule::UserIdProfile,
        Rule::MappingMismatch,
        Rule::SpamWithValue,
        Rule::CallDurationMismatch,
        Rule::StateRegression,
        Rule::DuplicateDelivery,
        Rule::PhoneE164,
        Rule::EmailSyntax,
        Rule::UrlSyntax,
        Rule::PrivateIp,
        Rule::FutureDate,
        Rule::TimestampsOrder,
        Rule::LeadStateSpelling,
        Rule::EmptyString,
    ];

    /// Everything about the rule.
    pub fn info(self) -> &'static RuleInfo {
        &RULES[self as usize]
    }

    /// The rule's stable kebab-case name (`phone-e164`).
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The rule with this exact name.
    pub fn from_name(name: &str) -> Option<Rule> {
        RULES.iter().find(|r| r.name == name).map(|r| r.rule)
    }
}

/// What the linter knows about a rule.
#[derive(Debug)]
pub struct RuleInfo {
    pub rule: Rule,
    /// Stable kebab-case name, as in findings, flags and `leadcheck.toml`.
    pub name: &'static str,
    pub group: Group,
    /// The level when neither `leadcheck.toml` nor a flag says otherwise.
    pub default: Level,
    /// Whether the rule needs the earlier records of a lead ([`crate::lint::Tracker`]) rather
    /// than one record ([`crate::lint::check`]).
    pub cross_record: bool,
    /// One line, no trailing period: `lint --list`, SARIF `shortDescription`.
    pub summary: &'static str,
    /// A few plain-text sentences: what to do about a finding (SARIF `fullDescription` and
    /// `help.text`).
    pub help: &'static str,
    /// The rule's documentation page (Markdown, `docs/rules/<name>.md`).
    pub page: &'static str,
}

/// Every rule, in a stable order (consistency, format, quirk, pedantic; the order findings
/// of one record come in).
pub fn rules() -> &'static [RuleInfo] {
    &RULES
}

/// The rule with this exact name.
pub fn rule(name: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.name == name)
}

/// The documentation page of the rule with this exact name (what `leadcheck explain RULE`
/// prints).
pub fn page(name: &str) -> Option<&'static str> {
    rule(name).map(|r| r.page)
}

/// The table of every rule (`docs/rules/README.md`).
pub const INDEX: &str = include_str!("../../docs/rules/README.md");

macro_rules! page {
    ($name:literal) => {
        include_str!(concat!("../../docs/rules/", $name, ".md"))
    };
}

static RULES: [RuleInfo; 14] = [
    RuleInfo {
        rule: Rule::UserIdProfile,
        name: "user-id-profile",
        group: Group::Consistency,
        default: Level::Error,
        cross_record: false,
        summary: "user_id does not start with the record's profile_id",
        help: "WhatConverts builds user_id as the profile_id, a dash and 32 hex digits. A \
               user_id whose prefix is another profile's id was copied from another lead or \
               profile, or the payload was assembled by hand: check where the record came from.",
        page: page!("user-id-profile"),
    },
    RuleInfo {
        rule: Rule::MappingMismatch,
        name: "mapping-mismatch",
        group: Group::Consistency,
        default: Level::Warn,
        cross_record: false,
        summary: "field_mappings/mapped_fields disagree with the contact_* fields",
        help: "The Email, Phone Number, Contact Person and Company Name mappings are the form's \
               own fields; contact_* are what WhatConverts stored on the lead. When both are \
               filled in and differ (phone numbers compared by their digits, names and emails \
               without regard to case), the lead's contact was edited or the mapping points at \
               the wrong form field: decide which one your integration should trust.",
        page: page!("mapping-mismatch"),
    },
    RuleInfo {
        rule: Rule::SpamWithValue,
        name: "spam-with-value",
        group: Group::Consistency,
        default: Level::Warn,
        cross_record: false,
        summary: "a lead marked spam or duplicate carries a quote or sales value",
        help: "A spam or duplicate lead with quote_value or sales_value above 0 counts money \
               twice, or counts money that never came in, in every report that sums values. \
               Clear the value or the flag in WhatConverts.",
        page: page!("spam-with-value"),
    },
    RuleInfo {
        rule: Rule::CallDurationMismatch,
        name: "call-duration-mismatch",
        group: Group::Consistency,
        default: Level::Warn,
        cross_record: false,
        summary: "call_duration's text and call_duration_seconds give different durations",
        help: "A phone call's call_duration (\"2 minutes 5 seconds\") and call_duration_seconds \
               (125) describe the same call. When they differ, one of them was edited or \
               computed elsewhere: reports that read one and dashboards that read the other \
               will disagree.",
        page: page!("call-duration-mismatch"),
    },
    RuleInfo {
        rule: Rule::StateRegression,
        name: "state-regression",
        group: Group::Consistency,
        default: Level::Warn,
        cross_record: true,
        summary: "a lead goes from Completed back to In Progress",
        help: "Deliveries of a lead normally go In Progress, then Completed, then updates. A \
               Completed lead that arrives In Progress again was delivered out of order (a \
               retry of an older delivery) or reopened: an integration that keeps the last \
               state it received now holds the older one.",
        page: page!("state-regression"),
    },
    RuleInfo {
        rule: Rule::DuplicateDelivery,
        name: "duplicate-delivery",
        group: Group::Consistency,
        default: Level::Info,
        cross_record: true,
        summary: "the same lead was delivered twice with the same last_updated",
        help: "Two deliveries of one lead_id with the same last_updated are the same version of \
               the lead sent twice (a webhook retry). Make the receiver idempotent on \
               (lead_id, last_updated) so the lead is not counted or processed twice.",
        page: page!("duplicate-delivery"),
    },
    RuleInfo {
        rule: Rule::PhoneE164,
        name: "phone-e164",
        group: Group::Format,
        default: Level::Warn,
        cross_record: false,
        summary: "a phone number is not in E.164 form (+ and 8 to 15 digits)",
        help: "WhatConverts sends the top-level phone fields in E.164 (+17044695324), the form \
               CRMs and SMS gateways expect. A number with spaces, brackets or no country code \
               will be rejected or misdialled downstream: normalise it before it is stored.",
        page: page!("phone-e164"),
    },
    RuleInfo {
        rule: Rule::EmailSyntax,
        name: "email-syntax",
        group: Group::Format,
        default: Level::Warn,
        cross_record: false,
        summary: "an email address is not a plausible address",
        help: "email_address and contact_email_address should be a bare address \
               (name@example.com): no display name, no spaces, a dot in the domain. Anything \
               else bounces or is rejected by the CRM or mailer that receives it.",
        page: page!("email-syntax"),
    },
    RuleInfo {
        rule: Rule::UrlSyntax,
        name: "url-syntax",
        group: Group::Format,
        default: Level::Warn,
        cross_record: false,
        summary: "a URL is not http(s) with a host",
        help: "lead_url, landing_url and the recording links should be http or https URLs with \
               a host. Anything else (a relative path, javascript:, a bare host) will not open, \
               and a javascript: URL shown as a link is a script injection.",
        page: page!("url-syntax"),
    },
    RuleInfo {
        rule: Rule::PrivateIp,
        name: "private-ip",
        group: Group::Format,
        default: Level::Warn,
        cross_record: false,
        summary: "ip_address is a private, loopback or link-local address",
        help: "ip_address should be the visitor's public address. A private, loopback, \
               link-local or unspecified one is the address of a proxy, a load balancer or the \
               server that submitted the lead, so the geolocation (city, state, country) and any \
               fraud check based on it are wrong: pass the client's address through.",
        page: page!("private-ip"),
    },
    RuleInfo {
        rule: Rule::FutureDate,
        name: "future-date",
        group: Group::Format,
        default: Level::Warn,
        cross_record: false,
        summary: "date_created or last_updated is later than the time of checking",
        help: "A lead cannot be created or updated in the future. A timestamp more than five \
               minutes ahead of the checking clock points at a wrong clock or a local time \
               labelled as UTC upstream; reports by day will file the lead under the wrong day.",
        page: page!("future-date"),
    },
    RuleInfo {
        rule: Rule::TimestampsOrder,
        name: "timestamps-order",
        group: Group::Quirk,
        default: Level::Info,
        cross_record: false,
        summary: "last_updated is earlier than date_created",
        help: "Every official WhatConverts example has a last_updated earlier than its \
               date_created, so real payloads may too. Do not reject such a lead; do not use \
               last_updated to decide which of two deliveries is newer without a fallback.",
        page: page!("timestamps-order"),
    },
    RuleInfo {
        rule: Rule::LeadStateSpelling,
        name: "lead-state-spelling",
        group: Group::Quirk,
        default: Level::Info,
        cross_record: false,
        summary: "lead_state or call_status is spelled In Progess",
        help: "WhatConverts' official examples spell the state \"In Progess\". Code that \
               compares with \"In Progress\" alone misses those leads: match both spellings.",
        page: page!("lead-state-spelling"),
    },
    RuleInfo {
        rule: Rule::EmptyString,
        name: "empty-string",
        group: Group::Pedantic,
        default: Level::Off,
        cross_record: false,
        summary: "a top-level key is present as \"\" rather than left out",
        help: "WhatConverts sends \"\" for some unknown values and leaves other keys out. Code \
               that tests for a key's presence treats \"\" as a value: test for a non-empty \
               string instead.",
        page: page!("empty-string"),
    },
];

/// A set of rules (a bit per rule): the rules to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleSet(u32);

impl RuleSet {
    /// Every rule.
    pub const ALL: RuleSet = RuleSet((1 << Rule::ALL.len()) - 1);
    /// No rule.
    pub const EMPTY: RuleSet = RuleSet(0);

    pub fn contains(self, rule: Rule) -> bool {
        self.0 & (1 << rule as u32) != 0
    }

    pub fn insert(&mut self, rule: Rule) {
        self.0 |= 1 << rule as u32;
    }

    pub fn remove(&mut self, rule: Rule) {
        self.0 &= !(1 << rule as u32);
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The rules of the set, in the order of [`rules()`].
    pub fn iter(self) -> impl Iterator<Item = Rule> {
        Rule::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

impl Default for RuleSet {
    fn default() -> RuleSet {
        RuleSet::ALL
    }
}

impl FromIterator<Rule> for RuleSet {
    fn from_iter<I: IntoIterator<Item = Rule>>(iter: I) -> RuleSet {
        let mut set = RuleSet::EMPTY;
        for rule in iter {
            set.insert(rule);
        }
        set
    }
}

/// A rule or a group, as named on the command line or in `leadcheck.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Rule(Rule),
    Group(Group),
}

impl Target {
    /// The rule or group with this exact name.
    pub fn from_name(name: &str) -> Option<Target> {
        Rule::from_name(name)
            .map(Target::Rule)
            .or_else(|| Group::from_name(name).map(Target::Group))
    }

    /// The rules it names.
    pub fn rules(self) -> RuleSet {
        match self {
            Target::Rule(r) => [r].into_iter().collect(),
            Target::Group(g) => RULES
                .iter()
                .filter(|r| r.group == g)
                .map(|r| r.rule)
                .collect(),
        }
    }

    /// The closest rule or group name to `name`, for a did-you-mean.
    pub fn suggest(name: &str) -> Option<&'static str> {
        crate::suggest::closest(name, all_names())
    }
}

/// Every rule name, then every group name.
fn all_names() -> impl Iterator<Item = &'static str> {
    RULES
        .iter()
        .map(|r| r.name)
        .chain(Group::ALL.iter().map(|g| g.name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_rule_order_with_unique_kebab_case_names() {
        for (i, info) in RULES.iter().enumerate() {
            assert_eq!(info.rule as usize, i, "{}", info.name);
            assert_eq!(Rule::ALL[i], info.rule);
            assert!(
                info.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                info.name
            );
            assert_eq!(Rule::from_name(info.name), Some(info.rule));
            assert!(Group::from_name(info.name).is_none(), "{}", info.name);
            assert!(!info.summary.ends_with('.'), "{}", info.name);
            assert!(info.help.ends_with('.'), "{}", info.name);
            assert!(
                info.page.starts_with(&format!("# {}\n", info.name)),
                "{}",
                info.name
            );
        }
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len());
        // Rules come grouped, in the order of Group::ALL.
        assert!(RULES.windows(2).all(|w| w[0].group <= w[1].group));
    }

    #[test]
    fn levels_order_by_severity_and_parse_by_name() {
        assert!(Level::Off < Level::Info && Level::Info < Level::Warn);
        assert!(Level::Warn < Level::Error);
        for l in Level::ALL {
            assert_eq!(l.name().parse::<Level>(), Ok(l));
            assert_eq!(l.to_string(), l.name());
        }
        assert_eq!("warning".parse::<Level>(), Err(()));
        assert_eq!("Error".parse::<Level>(), Err(()));
    }

    #[test]
    fn lookups() {
        assert_eq!(rule("phone-e164").unwrap().group, Group::Format);
        assert!(rule("phone").is_none());
        assert!(page("email-syntax").unwrap().contains("```json"));
        assert_eq!(page("nope"), None);
        assert_eq!(
            Target::from_name("quirk"),
            Some(Target::Group(Group::Quirk))
        );
        assert_eq!(
            Target::Group(Group::Quirk)
                .rules()
                .iter()
                .collect::<Vec<_>>(),
            [Rule::TimestampsOrder, Rule::LeadStateSpelling]
        );
        assert_eq!(Target::suggest("phone-e146"), Some("phone-e164"));
        assert_eq!(Target::suggest("formats"), Some("format"));
        assert_eq!(Target::suggest("zzzzzz"), None);
    }

    #[test]
    fn rule_sets() {
        let mut set = RuleSet::EMPTY;
        assert!(set.is_empty());
        set.insert(Rule::EmptyString);
        set.insert(Rule::UserIdProfile);
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Rule::UserIdProfile, Rule::EmptyString]
        );
        set.remove(Rule::UserIdProfile);
        assert!(!set.contains(Rule::UserIdProfile));
        assert_eq!(RuleSet::ALL.iter().count(), Rule::ALL.len());
    }
}
