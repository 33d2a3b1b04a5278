//! The rules about one record.
//!
//! A record's fields are found in one pass over its keys ([`Node::pick`]), each looked up
//! by its hash among the fields the rules read ([`FIELDS`]), instead of a B-tree lookup (a
//! dozen string comparisons) per field and rule; on a tape, the parser's hashes are used.
//! The rules then read those slots, and allocate only when they have something to say: a
//! valid record costs no regex and no heap allocation. Values of the wrong JSON type are
//! left to the schema.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use jiff::Timestamp;
use serde_json::{Number, Value};

use super::{Context, Delivery, Finding, Rule, quote};
use crate::position::escape_token;
use crate::tape::{NameSet, same_bytes};

macro_rules! fields {
    ($($field:ident = $name:literal,)*) => {
        /// The top-level fields the rules read, sorted.
        const FIELDS: &[&str] = &[$($name),*];

        /// The JSON Pointer of each of [`FIELDS`] (no name needs escaping).
        const POINTERS: &[&str] = &[$(concat!("/", $name)),*];

        /// A field of [`FIELDS`], by its index.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum F {
            $($field),*
        }
    };
}

fields! {
    CallDuration = "call_duration",
    CallDurationSeconds = "call_duration_seconds",
    CallStatus = "call_status",
    CallerNumber = "caller_number",
    ContactCompanyName = "contact_company_name",
    ContactEmailAddress = "contact_email_address",
    ContactName = "contact_name",
    ContactPhoneNumber = "contact_phone_number",
    DateCreated = "date_created",
    DestinationNumber = "destination_number",
    Duplicate = "duplicate",
    EmailAddress = "email_address",
    FieldMappings = "field_mappings",
    IpAddress = "ip_address",
    LandingUrl = "landing_url",
    LastUpdated = "last_updated",
    LeadId = "lead_id",
    LeadState = "lead_state",
    LeadUrl = "lead_url",
    MappedFields = "mapped_fields",
    PhoneNumber = "phone_number",
    PlayRecording = "play_recording",
    PlayVoicemail = "play_voicemail",
    ProfileId = "profile_id",
    QuoteValue = "quote_value",
    Recording = "recording",
    SalesValue = "sales_value",
    Spam = "spam",
    TrackingNumber = "tracking_number",
    UserId = "user_id",
    Voicemail = "voicemail",
}

impl F {
    fn name(self) -> &'static str {
        FIELDS[self as usize]
    }

    /// The field's JSON Pointer.
    fn pointer(self) -> Cow<'static, str> {
        Cow::Borrowed(POINTERS[self as usize])
    }
}

/// A JSON value as the rules read it: a serde_json [`Value`] or a node of a
/// [`crate::tape::Tape`], so that a record read onto a tape is checked where it lies, with
/// no `Value` built.
pub trait Node<'a>: Copy {
    /// The string, when the value is one.
    fn as_str(self) -> Option<&'a str>;
    /// The integer, when the value is one from 0 to `u64::MAX`.
    fn as_u64(self) -> Option<u64>;
    /// The number, when the value is one.
    fn as_number(self) -> Option<Number>;
    /// Whether the value is `true`.
    fn is_true(self) -> bool;
    /// The members of an object (`None` for any other value).
    fn members(self) -> Option<impl Iterator<Item = (&'a str, Self)>>;
    /// Where the value starts in the text it was read from, when the representation knows.
    fn offset(self) -> Option<usize> {
        None
    }
    /// Each member whose name is in `set`, with the name's index there; `false` when the
    /// value is not an object. A representation may know faster ways than
    /// [`Node::members`] (a tape has a hash of every name of the record at hand).
    fn pick(self, set: &NameSet, mut found: impl FnMut(usize, Self)) -> bool {
        let Some(members) = self.members() else {
            return false;
        };
        for (key, value) in members {
            if let Some(i) = set.index(key) {
                found(i, value);
            }
        }
        true
    }
}

impl<'a> Node<'a> for &'a Value {
    fn as_str(self) -> Option<&'a str> {
        Value::as_str(self)
    }

    fn as_u64(self) -> Option<u64> {
        Value::as_u64(self)
    }

    fn as_number(self) -> Option<Number> {
        match self {
            Value::Number(n) => Some(n.clone()),
            _ => None,
        }
    }

    fn is_true(self) -> bool {
        matches!(self, Value::Bool(true))
    }

    fn members(self) -> Option<impl Iterator<Item = (&'a str, Self)>> {
        Some(self.as_object()?.iter().map(|(k, v)| (k.as_str(), v)))
    }
}

/// The values of [`FIELDS`] in one record.
struct Record<N> {
    slots: [Option<N>; FIELDS.len()],
}

/// [`FIELDS`], to find among a record's members in one pass.
static FIELD_SET: LazyLock<NameSet> = LazyLock::new(|| NameSet::new(FIELDS));

impl<N: Copy> Record<N> {
    /// The values of [`FIELDS`] of `record`, found in one pass over its members; `None`
    /// when it is not an object.
    #[inline(always)]
    fn new<'a>(record: N) -> Option<Record<N>>
    where
        N: Node<'a>,
    {
        let mut slots = [None; FIELDS.len()];
        record
            .pick(&FIELD_SET, |i, value| slots[i] = Some(value))
            .then_some(Record { slots })
    }

    fn get(&self, field: F) -> Option<N> {
        self.slots[field as usize]
    }

    /// Where a finding about `field` is.
    fn spot<'a>(&self, field: F) -> Spot
    where
        N: Node<'a>,
    {
        (field.pointer(), self.get(field).and_then(N::offset))
    }

    fn str<'a>(&self, field: F) -> Option<&'a str>
    where
        N: Node<'a>,
    {
        self.get(field)?.as_str()
    }

    /// What the rules about a lead's records read of it.
    fn delivery<'a>(&self) -> Option<Delivery>
    where
        N: Node<'a>,
    {
        Delivery::new(
            self.get(F::LeadId),
            self.get(F::LeadState),
            self.get(F::LastUpdated),
        )
    }

    /// The field's string when it has more than white space.
    fn text<'a>(&self, field: F) -> Option<&'a str>
    where
        N: Node<'a>,
    {
        self.str(field).filter(|s| has_text(s))
    }
}

/// The findings of every rule of `ctx.rules` about `record` (a `&Value`, or a record in
/// any representation, see [`Node`]), in the order of [`super::rules()`], and within a rule
/// in the order of the fields it checks (the members of a map, `field_mappings`, in the
/// representation's order of them). A value that is not an object has no findings (the
/// schema reports it).
pub fn check<'a, N: Node<'a>>(record: N, ctx: &Context) -> Vec<Finding> {
    check_record(record, ctx).0
}

/// [`check`], and with it, when the rules about a lead's records are among
/// `ctx.rules`, what they read of the record ([`Delivery::of`]): one pass over its members
/// for both.
pub fn check_record<'a, N: Node<'a>>(record: N, ctx: &Context) -> (Vec<Finding>, Option<Delivery>) {
    let mut findings = Vec::new();
    let delivery = check_record_into(record, ctx, &mut findings);
    (findings, delivery)
}

/// [`check_record`], the findings appended to `findings` (a list kept from record to
/// record: no allocation a record with findings).
pub(crate) fn check_record_into<'a, N: Node<'a>>(
    record: N,
    ctx: &Context,
    findings: &mut Vec<Finding>,
) -> Option<Delivery> {
    run(record, ctx, findings)
}

/// [`check_record`] when only how many findings each rule has is wanted: the same rules,
/// no finding written (no pointer or message is made).
pub fn count_record<'a, N: Node<'a>>(record: N, ctx: &Context) -> (RuleCounts, Option<Delivery>) {
    let mut counts = RuleCounts::default();
    let delivery = run(record, ctx, &mut counts);
    (counts, delivery)
}

/// How many findings each rule has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleCounts([u32; Rule::ALL.len()]);

impl RuleCounts {
    /// Whether no rule found anything, as of most records.
    pub fn is_empty(&self) -> bool {
        self.0.iter().fold(0, |any, &n| any | n) == 0
    }

    /// Each rule with findings, and how many.
    pub fn iter(&self) -> impl Iterator<Item = (Rule, u32)> + '_ {
        Rule::ALL.into_iter().zip(self.0).filter(|&(_, n)| n > 0)
    }
}

/// Where the rules put what they find: the findings, or only how many each rule found.
trait Out {
    /// A finding of `rule` at `spot` saying `message`, both made only when it is kept.
    fn push<M: Into<Cow<'static, str>>>(
        &mut self,
        rule: Rule,
        spot: impl FnOnce() -> Spot,
        message: impl FnOnce() -> M,
    );
}

/// Where a finding is: the value's JSON Pointer, and where the value starts in the record's
/// text when the representation knows ([`Node::offset`]).
type Spot = (Cow<'static, str>, Option<usize>);

impl Out for Vec<Finding> {
    // Out of line: most fields have no finding, and a finding's pointer and message, made
    // here, would otherwise sit in the rules' common path and crowd the instruction cache.
    #[cold]
    #[inline(never)]
    fn push<M: Into<Cow<'static, str>>>(
        &mut self,
        rule: Rule,
        spot: impl FnOnce() -> Spot,
        message: impl FnOnce() -> M,
    ) {
        let (pointer, offset) = spot();
        Vec::push(
            self,
            Finding {
                offset,
                ..Finding::new(rule, pointer, message())
            },
        );
    }
}

impl Out for RuleCounts {
    #[inline]
    fn push<M: Into<Cow<'static, str>>>(
        &mut self,
        rule: Rule,
        _: impl FnOnce() -> Spot,
        _: impl FnOnce() -> M,
    ) {
        self.0[rule as usize] += 1;
    }
}

/// [`Delivery::of`]: the record's fields found as the rules find them.
pub(super) fn delivery<'a, N: Node<'a>>(record: N) -> Option<Delivery> {
    Record::new(record)?.delivery()
}

/// The rules of `ctx.rules` on a record, into `out`; what the rules about a lead's records
/// read of it when they are among them.
fn run<'a, N: Node<'a>>(record: N, ctx: &Context, out: &mut impl Out) -> Option<Delivery> {
    // Every rule off (`--allow` of each group): nothing to find the fields for.
    if ctx.rules.is_empty() {
        return None;
    }
    let rec = Record::new(record)?;
    let mut per_field = ctx.rules;
    per_field.remove(Rule::EmptyString);
    per_field.remove(Rule::StateRegression);
    per_field.remove(Rule::DuplicateDelivery);
    if !per_field.is_empty() {
        fields_rules(&rec, ctx, out);
    }
    if ctx.rules.contains(Rule::EmptyString) {
        let mut keys: Vec<(&str, Option<usize>)> = record
            .members()
            .into_iter()
            .flatten()
            .filter(|&(_, v)| v.as_str() == Some(""))
            .map(|(k, v)| (k, v.offset()))
            .collect();
        // In the order of a `Value`'s keys.
        keys.sort_unstable();
        empty_string(&keys, out);
    }
    (ctx.rules.contains(Rule::StateRegression) || ctx.rules.contains(Rule::DuplicateDelivery))
        .then(|| rec.delivery())
        .flatten()
}

fn fields_rules<'a, N: Node<'a>>(rec: &Record<N>, ctx: &Context, out: &mut impl Out) {
    let on = |rule| ctx.rules.contains(rule);
    if on(Rule::UserIdProfile) {
        user_id_profile(rec, out);
    }
    if on(Rule::MappingMismatch) {
        mapping_mismatch(rec, out);
    }
    if on(Rule::SpamWithValue) {
        spam_with_value(rec, out);
    }
    if on(Rule::CallDurationMismatch) {
        call_duration_mismatch(rec, out);
    }
    if on(Rule::PhoneE164) {
        phone_e164(rec, out);
    }
    if on(Rule::EmailSyntax) {
        email_syntax(rec, out);
    }
    if on(Rule::UrlSyntax) {
        url_syntax(rec, out);
    }
    if on(Rule::PrivateIp) {
        private_ip(rec, out);
    }
    let (future, order) = (on(Rule::FutureDate), on(Rule::TimestampsOrder));
    if future || order {
        let created = Stamp::of(rec, F::DateCreated);
        let updated = Stamp::of(rec, F::LastUpdated);
        if future {
            future_date(
                [(F::DateCreated, created), (F::LastUpdated, updated)],
                ctx,
                out,
            );
        }
        if order {
            timestamps_order(created, updated, out);
        }
    }
    if on(Rule::LeadStateSpelling) {
        lead_state_spelling(rec, out);
    }
}

/// Whether `s` holds more than white space: at once when it starts with a printable ASCII
/// character, as nearly every value does.
fn has_text(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_graphic) || !s.trim().is_empty()
}

/// `s` split around the first `byte` (ASCII): a plain loop, which on the short strings of a
/// payload beats the setup of a `str` pattern search.
fn split_byte(s: &str, byte: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == byte)?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s` split around the last `byte` (ASCII).
fn rsplit_byte(s: &str, byte: u8) -> Option<(&str, &str)> {
    let i = s.bytes().rposition(|b| b == byte)?;
    Some((&s[..i], &s[i + 1..]))
}

fn has_double_dot(s: &str) -> bool {
    s.as_bytes().windows(2).any(|w| w == b"..")
}

// ---------------------------------------------------------------------------------------
// consistency

fn user_id_profile<'a, N: Node<'a>>(rec: &Record<N>, out: &mut impl Out) {
    let (Some(user_id), Some(profile_id)) = (
        rec.text(F::UserId),
        rec.get(F::ProfileId).and_then(N::as_u64),
    ) else {
        return;
    };
    let prefix = split_byte(user_id, b'-').map_or(user_id, |(p, _)| p);
    let same = decimal(prefix.as_bytes()) == Some(profile_id);
    if !same {
        out.push(
            Rule::UserIdProfile,
            || rec.spot(F::UserId),
            || {
                format!(
                    "{} starts with {}, expected profile_id {profile_id}",
                    quote(user_id),
                    quote(prefix)
                )
            },
        );
    }
}

/// The number `s` writes in decimal digits alone, with no leading zero but in `0`; `None`
/// for anything else and past `u64::MAX`.
fn decimal(s: &[u8]) -> Option<u64> {
    if s.is_empty() || (s.len() > 1 && s[0] == b'0') {
        return None;
    }
    s.iter().try_fold(0u64, |value, &b| {
        let digit = b.checked_sub(b'0').filter(|&d| d < 10)?;
        value.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

#[derive(Clone, Copy)]
enum Compare {
    Email,
    Phone,
    Name,
}

/// The contact field a standard mapping should agree with, and how they are compared.
fn mapped_contact(label: &str) -> Option<(F, Compare)> {
    // Compared a few bytes at a time, inline (a `match` on strings calls `memcmp`).
    let is = |name: &str| same_text(label, name);
    Some(if is("Company Name") {
        (F::ContactCompanyName, Compare::Name)
    } else if is("Contact Name") || is("Contact Person") {
        (F::ContactName, Compare::Name)
    } else if is("Email") {
        (F::ContactEmailAddress, Compare::Email)
    } else if is("Phone Number") {
        (F::ContactPhoneNumber, Compare::Phone)
    } else {
        return None;
    })
}

/// Whether two strings are equal, compared inline a few bytes at a time: the strings the
/// rules compare are short, and a call to `memcmp` costs more than such a comparison.
#[inline(always)]
pub(super) fn same_text(a: &str, b: &str) -> bool {
    same_bytes(a.as_bytes(), b.as_bytes())
}

fn mapping_mismatch<'a, N: Node<'a>>(rec: &Record<N>, out: &mut impl Out) {
    for map_field in [F::FieldMappings, F::MappedFields] {
        // `[]` (an empty PHP array) and other non-objects have nothing to compare.
        let Some(map) = rec.get(map_field).and_then(N::members) else {
            continue;
        };
        // One pass over the (small) map, in its key order.
        for (label, node) in map {
            let Some((contact_field, compare)) = mapped_contact(label) else {
                continue;
            };
            let (Some(mapped), Some(contact)) = (
                node.as_str().filter(|s| has_text(s)),
                rec.text(contact_field),
            ) else {
                continue;
            };
            let same = match compare {
                Compare::Email => {
                    same_text(mapped, contact) || mapped.trim().eq_ignore_ascii_case(contact.trim())
                }
                Compare::Phone => same_phone(mapped, contact),
                Compare::Name => same_name(mapped, contact),
            };
            if !same {
                let how = match compare {
                    Compare::Phone => " (digits compared)",
                    _ => "",
                };
                out.push(
                    Rule::MappingMismatch,
                    || {
                        let pointer = format!("/{}/{}", map_field.name(), escape_token(label));
                        (pointer.into(), node.offset())
                    },
                    || {
                        format!(
                            "{} disagrees with {} {}{how}",
                            quote(mapped),
                            contact_field.name(),
                            quote(contact)
                        )
                    },
                );
            }
        }
    }
}

/// Whether two phone numbers are the same number, comparing digits only: equal, or one is
/// the other with a country code of 1 to 3 digits in front (`+17044695324` and
/// `(704) 469-5324`), leading zeros (a national trunk prefix) left out.
fn same_phone(a: &str, b: &str) -> bool {
    let (mut buf_a, mut buf_b) = ([0u8; 64], [0u8; 64]);
    match (digits(a, &mut buf_a), digits(b, &mut buf_b)) {
        (Some(da), Some(db)) => same_digits(da, db),
        _ => same_phone_any(a, b),
    }
}

/// The digits of `s` when it has at most 64 bytes, gathered without a branch on each byte.
fn digits<'b>(s: &str, buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
    if s.len() > buf.len() {
        return None;
    }
    let mut n = 0;
    for &b in s.as_bytes() {
        buf[n & 63] = b;
        n += usize::from(b.is_ascii_digit());
    }
    Some(&buf[..n])
}

/// [`same_phone`] on the numbers' digits.
fn same_digits(a: &[u8], b: &[u8]) -> bool {
    let significant = |d: &[u8]| d.len() - d.iter().take_while(|&&x| x == b'0').count();
    let Some(shared) = digits_to_compare(significant(a), significant(b)) else {
        return false;
    };
    a[a.len() - shared..] == b[b.len() - shared..]
}

/// How many last digits two numbers with `na` and `nb` significant digits (leading zeros
/// left out) must share to be the same number: all of them, or one of at least 7 digits
/// with a country code of 1 to 3 digits in front of it. `None` when they cannot be.
fn digits_to_compare(na: usize, nb: usize) -> Option<usize> {
    let shorter = na.min(nb);
    (na == nb || (shorter >= 7 && na.abs_diff(nb) <= 3)).then_some(shorter)
}

/// [`same_phone`] for numbers of any length.
fn same_phone_any(a: &str, b: &str) -> bool {
    fn significant(s: &str) -> usize {
        s.bytes()
            .filter(u8::is_ascii_digit)
            .skip_while(|&d| d == b'0')
            .count()
    }
    fn digits_backwards(s: &str) -> impl Iterator<Item = u8> + '_ {
        s.bytes().rev().filter(u8::is_ascii_digit)
    }
    let Some(shared) = digits_to_compare(significant(a), significant(b)) else {
        return false;
    };
    digits_backwards(a)
        .take(shared)
        .eq(digits_backwards(b).take(shared))
}

/// Whether two names are the same, ignoring case and runs of white space.
fn same_name(a: &str, b: &str) -> bool {
    fn normal(s: &str) -> impl Iterator<Item = char> + '_ {
        s.split_whitespace().enumerate().flat_map(|(i, word)| {
            (i > 0)
                .then_some(' ')
                .into_iter()
                .chain(word.chars().flat_map(char::to_lowercase))
        })
    }
    same_text(a, b) || normal(a).eq(normal(b))
}

fn spam_with_value<'a, N: Node<'a>>(rec: &Record<N>, out: &mut impl Out) {
    let flag = |field| rec.get(field).is_some_and(N::is_true);
    let marked = match (flag(F::Spam), flag(F::Duplicate)) {
        (false, false) => return,
        (true, false) => "spam",
        (false, true) => "duplicate",
        (true, true) => "spam and duplicate",
    };
    for field in [F::QuoteValue, F::SalesValue] {
        let Some(n) = rec.get(field).and_then(N::as_number) else {
            continue;
        };
        if n.as_f64().is_some_and(|v| v > 0.0) {
            out.push(
                Rule::SpamWithValue,
                || rec.spot(field),
                || format!("{n} on a lead marked {marked}; expected null or 0"),
            );
        }
    }
}

fn call_duration_mismatch<'a, N: Node<'a>>(rec: &Record<N>, out: &mut impl Out) {
    let (Some(text), Some(seconds)) = (
        rec.text(F::CallDuration),
        rec.get(F::CallDurationSeconds).and_then(N::as_u64),
    ) else {
        return;
    };
    let Some(parsed) = parse_duration(text) else {
        // A wording we do not know is no evidence of a mismatch.
        return;
    };
    if parsed != seconds {
        out.push(
            Rule::CallDurationMismatch,
            || rec.spot(F::CallDuration),
            || {
                format!(
                    "{} is {parsed} seconds, but call_duration_seconds is {seconds}",
                    quote(text)
                )
            },
        );
    }
}

/// Units of [`parse_duration`] and their length in seconds.
const UNITS: [(&str, u64); 15] = [
    ("h", 3600),
    ("hr", 3600),
    ("hrs", 3600),
    ("hour", 3600),
    ("hours", 3600),
    ("m", 60),
    ("min", 60),
    ("mins", 60),
    ("minute", 60),
    ("minutes", 60),
    ("s", 1),
    ("sec", 1),
    ("secs", 1),
    ("second", 1),
    ("seconds", 1),
];

/// Seconds in a duration written as WhatConverts writes `call_duration` (`13 seconds`,
/// `2 minutes 5 seconds`, `1 hour 2 minutes`), with abbreviations (`2 min 5 sec`, `2m 5s`),
/// commas and `and`, or as a clock (`2:05`, `1:02:05`). `None` for anything else.
fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.contains(':') {
        let mut total: u64 = 0;
        let mut parts = 0;
        for part in text.split(':') {
            if part.is_empty() || part.len() > 6 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // Below the leading part, minutes and seconds have two digits and stay under 60.
            let n: u64 = part.parse().ok()?;
            if parts > 0 && (part.len() != 2 || n >= 60) {
                return None;
            }
            total = total.checked_mul(60)?.checked_add(n)?;
            parts += 1;
        }
        return (2..=3).contains(&parts).then_some(total);
    }
    let mut total: u64 = 0;
    let mut pending: Option<u64> = None;
    let mut units = 0;
    for word in text.split(|c: char| c.is_whitespace() || c == ',') {
        if word.is_empty() || (word == "and" && pending.is_none()) {
            continue;
        }
        // A number and its unit may be written together (`5s`).
        let split = word
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(word.len());
        let (number, unit) = word.split_at(split);
        if !number.is_empty() {
            if pending.is_some() || number.len() > 9 {
                return None;
            }
            pending = Some(number.parse().ok()?);
        }
        if unit.is_empty() {
            continue;
        }
        let (_, factor) = UNITS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(unit))?;
        total = total.checked_add(pending.take()?.checked_mul(*factor)?)?;
        units += 1;
    }
    (pending.is_none() && units > 0).then_some(total)
}

// ---------------------------------------------------------------------------------------
// format

const PHONES: [F; 5] = [
    F::PhoneNumber,
    F::ContactPhoneNumber,
    F::CallerNumber,
    F::TrackingNumber,
    F::DestinationNumber,
];

fn phone_e164<'a, N: Node<'a>>(rec: &Record<N>, out: &mut impl Out) {
    for field in PHONES {
        let Some(phone) = rec.str(field) else {
            continue;
        };
        if phone.is_empty() || is_e164(phone) {
            continue;
        }
        out.push(
            Rule::PhoneE164,
            || rec.spot(field),
            || {
                format!(
                    "{} is not an E.164 phone number (+ and 8 to 15 digits)",
                    quote(phone)
                )
            },
        );
    }
}

fn is_e164(s: &str) -> bool {
    s.strip_prefix('+')
        .is_some_and(|d| (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

fn email_syntax<'a, N: Node<'a>>(rec: &Record<N>, out: &mut impl Out) {
    // The contact's address is most often the lead's: the same text is checked once.
    let mut checked: Option<(&str, bool)> = None;
    for field in [F::EmailAddress, F::ContactEmailAddress] {
        let Some(email) = rec.str(field) else {
            continue;
        };
        if email.is_empty() {
            continue;
        }
        let plausible = match checked {
            Some((text, plausible)) if same_text(text, email) => plausible,
            _ => is_plausible_email(email),
        };
        checked = Some((email, plausible));
        if plausible {
            continue;
        }
        out.push(
            Rule::EmailSyntax,
            || rec.spot(field),
            || {
                format!(
                    "{} is not a plausible email address (name@example.com: no display name or \
                 spaces, a dot in the domain)",
                    quote(email)
                )
            },
        );
    }
}

/// `local@domain`: one `@`; a local part of 1 to 64 bytes without spaces, controls,
/// brackets or quotes, and no leading, trailing or doubled dot; a domain of two or more
/// labels of letters, digits and inner hyphens (any script), the last one not all digits.
fn is_plausible_email(s: &str) -> bool {
    // The ASCII check says no to any text with a byte past ASCII (no class has one), so
    // the usual address is read once, and other text also by the general check.
    is_plausible_ascii_email(s.as_bytes()) || (!s.is_ascii() && is_plausible_any_email(s))
}

/// Classes of ASCII bytes in an email address, for [`is_plausible_ascii_email`]: what a
/// local part may hold (printable, not a space, a bracket, a quote or a separator of
/// addresses), and what a domain may hold (a letter, a digit, a dot or a hyphen).
const IN_LOCAL: u8 = 1;
const IN_DOMAIN: u8 = 2;
const EMAIL_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let local = c.is_ascii_graphic()
            && !matches!(
                c,
                b'<' | b'>' | b'(' | b')' | b'[' | b']' | b'\\' | b',' | b';' | b':' | b'"'
            );
        let domain = c.is_ascii_alphanumeric() || c == b'.' || c == b'-';
        table[b] = if local { IN_LOCAL } else { 0 } | if domain { IN_DOMAIN } else { 0 };
        b += 1;
    }
    table
};

/// [`is_plausible_email`] for ASCII text. Each byte is looked up in a table and the
/// classes are and-ed, with no branch on what the byte is; the dots are then found to
/// check the labels they separate (an address has one to three of them).
fn is_plausible_ascii_email(s: &[u8]) -> bool {
    let Some(at) = s.iter().position(|&b| b == b'@') else {
        return false;
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    if local.is_empty() || local.len() > 64 || domain.is_empty() || domain.len() > 253 {
        return false;
    }
    // Every byte one that a local part may hold, no dot at either end or after a dot.
    let (mut classes, mut doubled, mut after_dot) = (IN_LOCAL, 0u8, 0u8);
    for &b in local {
        classes &= EMAIL_BYTES[usize::from(b)];
        let dot = u8::from(b == b'.');
        doubled |= dot & after_dot;
        after_dot = dot;
    }
    if classes == 0 || doubled != 0 || local[0] == b'.' || after_dot != 0 {
        return false;
    }
    // Every byte a letter, digit, dot or hyphen; then labels of them between dots, none
    // empty, over 63 bytes or starting or ending with a hyphen, at least two, the last not
    // all digits.
    let mut classes = IN_DOMAIN;
    for &b in domain {
        classes &= EMAIL_BYTES[usize::from(b)];
    }
    if classes == 0 {
        return false;
    }
    let mut rest = domain;
    let mut labels = 0;
    loop {
        let end = rest.iter().position(|&b| b == b'.').unwrap_or(rest.len());
        let label = &rest[..end];
        match label {
            [] | [b'-', ..] | [.., b'-'] => return false,
            _ if label.len() > 63 => return false,
            _ => {}
        }
        labels += 1;
        if end == rest.len() {
            return labels > 1 && !label.iter().all(u8::is_ascii_digit);
        }
        rest = &rest[end + 1..];
    }
}

/// [`is_plausible_email`] for any text.
fn is_plausible_any_email(s: &str) -> bool {
    let Some((local, domain)) = split_byte(s, b'@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !has_double_dot(local)
        && local.bytes().all(|b| {
            b.is_ascii_graphic()
                && !matches!(
                    b,
                    b'<' | b'>' | b'(' | b')' | b'[' | b']' | b'\\' | b',' | b';' | b':' | b'"'
                )
                || !b.is_ascii()
        })
        && (local.is_ascii() || local.chars().all(|c| !c.is_whitespace() && !c.is_control()));
    if !local_ok || domain.is_empty() || domain.len() > 253 {
        return false;
    }
    let mut labels = 0;
    let mut last = "";
    let mut rest = Some(domain);
    while let Some(part) = rest {
        let label = match split_byte(part, b'.') {
            Some((label, more)) => {
                rest = Some(more);
                label
            }
            None => {
                rest = None;
                part
            }
        };
        let ok = !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || !b.is_ascii())
            && (label.is_ascii() || label.chars().all(|c| c.is_alphanumeric() || c == '-'));
        if !ok {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && !last.bytes().all(|b| b.is_ascii_digit())
}

const URLS: [F; 6] = [
    F::LeadUrl,
    F::LandingUrl,
    F::Recording,
    F::PlayRecording,
    F::Voicemail,
    F::PlayVoicemail,
];

fn url_syntax<'a, N: Node<'a>>(rec: &Record<N>, out: &mut impl Out) {
    for field in URLS {
        let Some(url) = rec.str(field) else {
            continue;
        };
        if url.is_empty() || is_http_url(url) {
            continue;
        }
        out.push(
            Rule::UrlSyntax,
            || rec.spot(field),
            || {
                format!(
                    "{} is not an http(s) URL with a host (https://example.com/…)",
                    quote(url)
                )
            },
        );
    }
}

/// What a byte of a URL's authority is to [`is_http_url`]'s one pass over the usual URL:
/// flags, so that a pass ors them together.
const HOST_OTHER: u8 = 1;
const HOST_DOT: u8 = 2;
const HOST_END: u8 = 4;

/// No flag for letters, digits, `-` and `_`; [`HOST_DOT`]; [`HOST_END`] for what ends the
/// authority (`/`, `?`, `#`); [`HOST_OTHER`] for anything else (a user, a port, a bracket,
/// non-ASCII text: the full check decides).
const HOST_BYTES: [u8; 256] = {
    let mut table = [HOST_OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_alphanumeric() || c == b'-' || c == b'_' {
            0
        } else if c == b'.' {
            HOST_DOT
        } else if c == b'/' || c == b'?' || c == b'#' {
            HOST_END
        } else {
            HOST_OTHER
        };
        b += 1;
    }
    table
};

/// `http://` or `https://` (any case), then a host (a name of letters, digits, `-`, `_` and
/// inner dots, or a bracketed IPv6 address), an optional port, and anything after a `/`,
/// `?` or `#`.
fn is_http_url(s: &str) -> bool {
    fn strip<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
        // As written most often, then in any case.
        s.strip_prefix(prefix).or_else(|| {
            let head = s.get(..prefix.len())?;
            head.eq_ignore_ascii_case(prefix)
                .then(|| &s[prefix.len()..])
        })
    }
    let Some(rest) = strip(s, "https://").or_else(|| strip(s, "http://")) else {
        return false;
    };
    // The usual URL, a host name alone, in one pass with no branch on the bytes but at its
    // end; anything else (another byte, a dot after a dot or at either end, no host)
    // takes the full check. The first byte counts as after a dot.
    let (mut seen, mut doubled, mut previous) = (0u8, 0u8, HOST_DOT);
    for &b in rest.as_bytes() {
        let class = HOST_BYTES[usize::from(b)];
        if class == HOST_END {
            break;
        }
        seen |= class;
        doubled |= class & previous;
        previous = class;
    }
    (seen & HOST_OTHER) | ((doubled | previous) & HOST_DOT) == 0 || is_http_authority(rest)
}

/// [`is_http_url`] for what follows the scheme, whatever its authority.
fn is_http_authority(rest: &str) -> bool {
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = rsplit_byte(authority, b'@').map_or(authority, |(_, h)| h);
    let (host_ok, port) = if let Some(bracketed) = host_port.strip_prefix('[') {
        let Some((ip, port)) = split_byte(bracketed, b']') else {
            return false;
        };
        (ip.parse::<Ipv6Addr>().is_ok(), port)
    } else {
        let (host, port) = match host_port.bytes().position(|b| b == b':') {
            Some(i) => host_port.split_at(i),
            None => (host_port, ""),
        };
        let ok = if host.is_ascii() {
            is_ascii_host(host.as_bytes())
        } else {
            !host.starts_with('.')
                && !has_double_dot(host)
                && host
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '.' | '_'))
        };
        (ok, port)
    };
    let port_ok = match port.strip_prefix(':') {
        None => port.is_empty(),
        Some(digits) => {
            digits.len() <= 5
                && digits.bytes().all(|b| b.is_ascii_digit())
                && digits
                    .parse::<u32>()
                    .map_or(digits.is_empty(), |p| p <= 65535)
        }
    };
    host_ok && port_ok
}

/// An ASCII host name of letters, digits, `-`, `_` and dots, not empty, not starting with a
/// dot, with no two dots in a row: one pass.
fn is_ascii_host(host: &[u8]) -> bool {
    let mut previous = b'.'; // a leading dot counts as doubled
    for &b in host {
        let ok = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_')
            || (b == b'.' && previous != b'.');
        if !ok {
            return false;
        }
        previous = b;
    }
    !host.is_empty()
}

fn private_ip<'a, N: Node<'a>>(rec: &Record<N>, out: &mut impl Out) {
    let Some(text) = rec.str(F::IpAddress) else {
        return;
    };
    // An address that does not parse is the schema's to report.
    let trimmed = match text.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    };
    let Some(ip) = parse_ip(trimmed) else {
        return;
    };
    if let Some(kind) = non_public(ip) {
        out.push(
            Rule::PrivateIp,
            || rec.spot(F::IpAddress),
            || {
                format!(
                    "{} is a {kind} address, not a visitor's public address",
                    quote(text)
                )
            },
        );
    }
}

/// The address `text` is, as `IpAddr`'s parser reads it: the usual dotted quad at once,
/// anything else by that parser.
fn parse_ip(text: &str) -> Option<IpAddr> {
    parse_dotted_quad(text.as_bytes()).or_else(|| text.parse().ok())
}

/// Four decimal octets of 1 to 3 digits (no leading zero but in `0`, none over 255) between
/// dots: what the standard parser accepts of an IPv4 address; `None` for anything else,
/// which is left to it.
fn parse_dotted_quad(text: &[u8]) -> Option<IpAddr> {
    let mut octets = [0u8; 4];
    let mut parts = text.split(|&b| b == b'.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || (part.len() > 1 && part[0] == b'0') {
            return None;
        }
        let mut value = 0u16;
        for &b in part {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u16::from(b - b'0');
        }
        *octet = u8::try_from(value).ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(IpAddr::V4(Ipv4Addr::from(octets)))
}

/// What kind of address `ip` is when no visitor on the internet can have it. Documentation
/// ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are left alone:
/// they are what examples and test fixtures use.
fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => non_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return non_public_v4(v4);
            }
            let first = v6.segments()[0];
            if v6.is_unspecified() {
                Some("unspecified")
            } else if v6.is_loopback() {
                Some("loopback")
            } else if first & 0xfe00 == 0xfc00 {
                Some("private (unique local, RFC 4193)")
            } else if first & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else if v6.is_multicast() {
                Some("multicast")
            } else {
                None
            }
        }
    }
}

fn non_public_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_private() {
        Some("private (RFC 1918)")
    } else if ip.is_loopback() {
        Some("loopback")
    } else if ip.is_link_local() {
        Some("link-local")
    } else if a == 0 {
        Some("unspecified")
    } else if a == 100 && (64..128).contains(&b) {
        Some("carrier-grade NAT (RFC 6598)")
    } else if ip.is_broadcast() {
        Some("broadcast")
    } else if ip.is_multicast() {
        Some("multicast")
    } else {
        None
    }
}

/// Leeway for clocks that are a little apart, in seconds: a timestamp this far ahead of
/// the time of checking is not reported.
pub(super) const FUTURE_LEEWAY: i64 = 300;

/// `at` written as WhatConverts writes timestamps, `YYYY-MM-DDTHH:MM:SSZ` (years 0 to 9999).
pub(super) fn canonical_text(at: Timestamp) -> Option<[u8; 20]> {
    let text = Timestamp::from_second(at.as_second()).ok()?.to_string();
    let bytes: [u8; 20] = text.as_bytes().try_into().ok()?;
    is_canonical(&bytes).then_some(bytes)
}

/// Whether `s` is `YYYY-MM-DDTHH:MM:SSZ`. Two such strings order as text as the times
/// they name do (when they name real times: otherwise they do not parse, and no rule about
/// them fires).
fn is_canonical(s: &[u8]) -> bool {
    let Ok(
        &[
            y1,
            y2,
            y3,
            y4,
            b'-',
            m1,
            m2,
            b'-',
            d1,
            d2,
            b'T',
            h1,
            h2,
            b':',
            i1,
            i2,
            b':',
            s1,
            s2,
            b'Z',
        ],
    ) = <&[u8; 20]>::try_from(s)
    else {
        return false;
    };
    [y1, y2, y3, y4, m1, m2, d1, d2, h1, h2, i1, i2, s1, s2]
        .iter()
        .fold(true, |all, b| all & b.is_ascii_digit())
}

/// Whether canonical timestamp `a` is not after `b` (see [`is_canonical`]): compared as
/// text, as three big-endian words, inline.
#[inline(always)]
fn in_order(a: &[u8], b: &[u8]) -> bool {
    let words = |s: &[u8]| {
        let word = |at: usize| u64::from_be_bytes(s[at..at + 8].try_into().unwrap_or_default());
        (word(0), word(8), word(12))
    };
    match (a.len(), b.len()) {
        (20, 20) => words(a) <= words(b),
        _ => a <= b,
    }
}

/// A `date_created` or `last_updated` value, whether it is in the canonical form, and where
/// it is (see [`Record::spot`]).
#[derive(Clone, Copy)]
struct Stamp<'a> {
    text: &'a str,
    canonical: bool,
    offset: Option<usize>,
}

impl<'a> Stamp<'a> {
    fn of<N: Node<'a>>(rec: &Record<N>, field: F) -> Option<Stamp<'a>> {
        let node = rec.get(field)?;
        let text = node.as_str()?;
        Some(Stamp {
            text,
            canonical: is_canonical(text.as_bytes()),
            offset: node.offset(),
        })
    }
}

fn parse_time(text: &str) -> Option<Timestamp> {
    text.parse().ok()
}

// Inlined into `fields_rules` (where findings are written the compiler kept it out of
// line): a call would pass the stamps through memory on every record.
#[inline(always)]
fn future_date(stamps: [(F, Option<Stamp>); 2], ctx: &Context, out: &mut impl Out) {
    for (field, stamp) in stamps {
        let Some(Stamp {
            text,
            canonical,
            offset,
        }) = stamp
        else {
            continue;
        };
        // Not after the latest acceptable time, as text: no need to parse.
        if canonical && ctx.latest.is_some_and(|l| in_order(text.as_bytes(), &l)) {
            continue;
        }
        let Some(at) = parse_time(text) else {
            continue;
        };
        let now = ctx.now();
        if at.as_second() > now.as_second().saturating_add(FUTURE_LEEWAY) {
            let now = Timestamp::from_second(now.as_second()).unwrap_or(now);
            out.push(Rule::FutureDate, || (field.pointer(), offset), || format!(
                    "{} is later than the time of checking ({now}); expected a time in the past",
                    quote(text)
                ));
        }
    }
}

// ---------------------------------------------------------------------------------------
// quirk

// Inlined into `fields_rules`, as `future_date` is.
#[inline(always)]
fn timestamps_order(created: Option<Stamp>, updated: Option<Stamp>, out: &mut impl Out) {
    let (Some(created), Some(updated)) = (created, updated) else {
        return;
    };
    // In order as text: no need to parse.
    if created.canonical
        && updated.canonical
        && in_order(created.text.as_bytes(), updated.text.as_bytes())
    {
        return;
    }
    let (created_text, updated_text, offset) = (created.text, updated.text, updated.offset);
    let (Some(created), Some(updated)) = (parse_time(created_text), parse_time(updated_text))
    else {
        return;
    };
    if updated < created {
        out.push(
            Rule::TimestampsOrder,
            || (F::LastUpdated.pointer(), offset),
            || {
                format!(
                    "{} is earlier than date_created {}, as in every official WhatConverts example",
                    quote(updated_text),
                    quote(created_text)
                )
            },
        );
    }
}

fn lead_state_spelling<'a, N: Node<'a>>(rec: &Record<N>, out: &mut impl Out) {
    for field in [F::LeadState, F::CallStatus] {
        if rec.str(field).is_some_and(|s| same_text(s, "In Progess")) {
            out.push(
                Rule::LeadStateSpelling,
                || rec.spot(field),
                || r#""In Progess" is WhatConverts' own spelling of "In Progress"; match both"#,
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// pedantic

/// `keys`: each key whose value is `""`, with where that value starts (see [`Spot`]).
fn empty_string(keys: &[(&str, Option<usize>)], out: &mut impl Out) {
    for &(key, offset) in keys {
        out.push(
            Rule::EmptyString,
            || (format!("/{}", escape_token(key)).into(), offset),
            || r#""" where the key could be left out; expected a value or no key"#,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tape::Tape;
    use serde_json::{Map, json};

    const NOW: &str = "2026-03-01T12:00:00Z";

    /// Every string of 1 to `max` characters from `alphabet`, shortest first.
    fn strings_of(alphabet: &[char], max: usize) -> Vec<String> {
        let mut all = Vec::new();
        let mut frontier = vec![String::new()];
        for _ in 0..max {
            frontier = frontier
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            all.extend(frontier.iter().cloned());
        }
        all
    }

    /// The findings of [`check`] on `value`, which it finds the same on the
    /// value's text read onto a tape (compact, and pretty-printed when short: the hostile
    /// values' long strings make that slow in a debug build), there with the offset of each
    /// value it names.
    fn both(value: &Value, ctx: &Context) -> Vec<Finding> {
        let found = check(value, ctx);
        assert!(
            found.iter().all(|f| f.offset.is_none()),
            "a Value has no text"
        );
        let text = value.to_string();
        assert_eq!(placed_on_tape(&text, ctx), found, "{text}");
        if text.len() < 10_000 {
            let pretty = serde_json::to_string_pretty(value).unwrap();
            assert_eq!(placed_on_tape(&pretty, ctx), found, "{pretty}");
        }
        let mut tape = Tape::new();
        let doc = tape.parse(text.as_bytes()).expect("the tape reads it");
        // Counting alone counts the same findings, on either.
        let mut counts = RuleCounts::default();
        for finding in &found {
            assert_eq!(Rule::from_name(finding.rule), Some(finding.id()));
            counts.0[finding.id() as usize] += 1;
        }
        assert_eq!(count_record(value, ctx).0, counts, "{text}");
        assert_eq!(count_record(doc.root(), ctx).0, counts, "{text}");
        assert_eq!(counts.is_empty(), found.is_empty(), "{text}");
        found
    }

    /// The findings of [`check`] on `text` read onto a tape, each checked to carry the
    /// offset [`crate::position::locate`] gives its pointer, and returned without it.
    fn placed_on_tape(text: &str, ctx: &Context) -> Vec<Finding> {
        let mut tape = Tape::new();
        let doc = tape.parse(text.as_bytes()).expect("the tape reads it");
        let mut on_tape = check(doc.root(), ctx);
        for f in &mut on_tape {
            let expected = crate::position::locate(text.as_bytes(), &f.pointer);
            assert_eq!(f.offset.take(), Some(expected), "{text} {}", f.pointer);
        }
        on_tape
    }

    fn run(rule: Rule, value: Value) -> Vec<String> {
        let ctx = Context::at(NOW.parse().unwrap()).with_rules([rule].into_iter().collect());
        both(&value, &ctx)
            .into_iter()
            .map(|f| {
                assert_eq!(f.rule, rule.name());
                format!("{}: {}", f.pointer, f.message)
            })
            .collect()
    }

    fn none(rule: Rule, value: Value) {
        assert_eq!(run(rule, value), Vec::<String>::new());
    }

    #[test]
    fn fields_are_found_by_name_on_a_tape_and_in_a_value() {
        assert!(FIELDS.windows(2).all(|w| w[0] < w[1]), "{FIELDS:?}");
        for (i, name) in FIELDS.iter().enumerate() {
            assert_eq!(FIELD_SET.index(name), Some(i), "{name}");
        }
        assert!(FIELD_SET.is_direct());
        assert_eq!(F::CallDuration.name(), "call_duration");
        assert_eq!(F::Voicemail.name(), "voicemail");
        assert_eq!(F::LeadState.pointer(), "/lead_state");
        assert_eq!(POINTERS.len(), FIELDS.len());
        for (pointer, name) in POINTERS.iter().zip(FIELDS) {
            assert_eq!(*pointer, format!("/{}", escape_token(name)), "{name}");
        }
        let map = json!({
            "zip": 1, "ip_address": 2, "Zeta": 3, "call_status": 4, "": 5, "é": 6,
            "call_statu": 7, "call_statuss": 8, "voicemail": 9, "ip_addresS": 10,
            "caller_number": 11, "call_duration": 12, "{": 13, "x".repeat(40): 14,
            "contact_email_addresx": 15, "xontact_email_address": 16,
            // The same length, first and last eight bytes: the same hash on a tape.
            "contact_zzzzz_address": 17,
        });
        let rec = Record::new(&map).unwrap();
        let found = |rec: &Record<&Value>| -> Vec<(usize, Value)> {
            (0..FIELDS.len())
                .filter_map(|i| Some((i, rec.slots[i]?.clone())))
                .collect()
        };
        assert_eq!(rec.get(F::IpAddress), Some(&json!(2)));
        assert_eq!(rec.get(F::CallStatus), Some(&json!(4)));
        assert_eq!(rec.get(F::Voicemail), Some(&json!(9)));
        assert_eq!(rec.get(F::CallerNumber), Some(&json!(11)));
        assert_eq!(rec.get(F::CallDuration), Some(&json!(12)));
        assert_eq!(found(&rec).len(), 5);
        let mut with_email = map.clone();
        with_email["contact_email_address"] = json!(18);
        let with_email_rec = Record::new(&with_email).unwrap();
        assert_eq!(with_email_rec.get(F::ContactEmailAddress), Some(&json!(18)));
        // The same on a tape, whose root's keys were hashed by the parser, and for an
        // object inside it, whose keys are hashed when looked up; an escaped key is read
        // as what it means.
        let email_first = with_email
            .to_string()
            .replace("\"contact_email_address\":18,", "")
            .replacen('{', "{\"contact_email_address\":18,", 1);
        for (text, rec) in [
            (map.to_string(), &rec),
            (format!("[{map}]"), &rec),
            (with_email.to_string(), &with_email_rec),
            (email_first, &with_email_rec),
        ] {
            let text = text.replace("voicemail\"", "voicemai\\u006c\"");
            let mut tape = Tape::new();
            let doc = tape.parse(text.as_bytes()).unwrap();
            let node = match Node::members(doc.root()) {
                Some(_) => doc.root(),
                None => doc.root().deepest("/0"),
            };
            let mut slots = [const { None }; FIELDS.len()];
            assert!(node.pick(&FIELD_SET, |i, v| slots[i] = Some(v.value())));
            let on_tape: Vec<(usize, Value)> = (0..FIELDS.len())
                .filter_map(|i| Some((i, slots[i].clone()?)))
                .collect();
            assert_eq!(on_tape, found(rec), "{text}");
        }
        assert!(Record::new(&json!([map])).is_none());
    }

    #[test]
    fn decimals_read_as_digits_alone() {
        for (text, value) in [
            ("0", Some(0)),
            ("23749", Some(23749)),
            ("18446744073709551615", Some(u64::MAX)),
            ("18446744073709551616", None),
            ("", None),
            ("00", None),
            ("07", None),
            ("+7", None),
            ("7a", None),
            ("٣", None),
        ] {
            assert_eq!(decimal(text.as_bytes()), value, "{text:?}");
        }
    }

    #[test]
    fn user_id_profile() {
        let r = Rule::UserIdProfile;
        let uid = "51497-af17340d-62b8-3044-423f-3dc754e621c2";
        none(r, json!({"user_id": uid, "profile_id": 51497}));
        none(r, json!({"user_id": "", "profile_id": 51497}));
        none(r, json!({"user_id": uid}));
        none(r, json!({"user_id": uid, "profile_id": "51497"}));
        assert_eq!(
            run(r, json!({"user_id": uid, "profile_id": 51498})),
            [
                r#"/user_id: "51497-af17340d-62b8-3044-423f-3dc754e621c2" starts with "51497", expected profile_id 51498"#
            ]
        );
        // The digits as written: no sign, no leading zero, no space, nothing before them.
        for uid in ["+51497-a", "051497-a", " 51497-a", "x-51497"] {
            let found = run(r, json!({"user_id": uid, "profile_id": 51497}));
            assert_eq!(found.len(), 1, "{uid}");
        }
        none(r, json!({"user_id": "51497", "profile_id": 51497}));
        assert_eq!(
            run(r, json!({"user_id": "\n-x", "profile_id": 1})),
            [r#"/user_id: "\n-x" starts with "\n", expected profile_id 1"#]
        );
    }

    #[test]
    fn mapping_mismatch() {
        let r = Rule::MappingMismatch;
        let contact = json!({
            "contact_name": "Jeremy  Helms",
            "contact_company_name": "Call Tracking Company",
            "contact_email_address": "Hello@WhatConverts.com",
            "contact_phone_number": "+17044695324",
        });
        let with = |key: &str, map: Value| {
            let mut v = contact.clone();
            v[key] = map;
            v
        };
        let agreeing = json!({
            "Company Name": "call tracking company",
            "Contact Person": "JEREMY HELMS",
            "Contact Name": " Jeremy Helms ",
            "Email": "hello@whatconverts.com",
            "Phone Number": "(704) 469-5324",
        });
        none(r, with("field_mappings", agreeing.clone()));
        none(r, with("mapped_fields", agreeing));
        none(r, with("field_mappings", json!([])));
        none(r, with("field_mappings", json!("text")));
        none(
            r,
            with(
                "mapped_fields",
                json!({"Company Name": null, "Email": "", "Phone Number": null}),
            ),
        );
        // Either side empty: nothing to compare.
        none(
            r,
            json!({"contact_email_address": "", "field_mappings": {"Email": "a@b.co"}}),
        );
        assert_eq!(
            run(
                r,
                with(
                    "field_mappings",
                    json!({
                        "Company Name": "Other Co",
                        "Contact Person": "Jane Doe",
                        "Email": "jane@example.com",
                        "Phone Number": "(704) 469-5325",
                    })
                )
            ),
            [
                r#"/field_mappings/Company Name: "Other Co" disagrees with contact_company_name "Call Tracking Company""#,
                r#"/field_mappings/Contact Person: "Jane Doe" disagrees with contact_name "Jeremy  Helms""#,
                r#"/field_mappings/Email: "jane@example.com" disagrees with contact_email_address "Hello@WhatConverts.com""#,
                r#"/field_mappings/Phone Number: "(704) 469-5325" disagrees with contact_phone_number "+17044695324" (digits compared)"#,
            ]
        );
        assert_eq!(
            run(
                r,
                with("mapped_fields", json!({"Contact Name": "J. Helms"}))
            ),
            [
                r#"/mapped_fields/Contact Name: "J. Helms" disagrees with contact_name "Jeremy  Helms""#
            ]
        );
    }

    #[test]
    fn byte_splits() {
        assert_eq!(split_byte("a-b-c", b'-'), Some(("a", "b-c")));
        assert_eq!(rsplit_byte("a@b@c", b'@'), Some(("a@b", "c")));
        assert_eq!(split_byte("é-", b'-'), Some(("é", "")));
        assert_eq!(split_byte("abc", b'-'), None);
        assert!(has_double_dot("a..b") && !has_double_dot("a.b.c") && !has_double_dot("."));
    }

    #[test]
    fn phones_compare_by_digits() {
        assert!(same_phone("+17044695324", "(704) 469-5324"));
        assert!(same_phone("704.469.5324", "+1 704 469 5324"));
        assert!(same_phone("+447911123456", "07911 123456"));
        assert!(same_phone("12345", "1-2-3-4-5"));
        assert!(same_phone("n/a", "unknown"));
        assert!(!same_phone("+17044695324", "(704) 469-5325"));
        assert!(!same_phone("+17044695324", "5324"));
        assert!(!same_phone("+17044695324", "n/a"));
        assert!(!same_phone("+99997044695324", "(704) 469-5324"));
        assert!(!same_phone("(704) 469-5324 ext. 12", "+17044695324"));
    }

    #[test]
    fn phone_digits_compare_alike_at_any_length() {
        let long = format!("+1 {}", "0".repeat(70));
        let cases = [
            ("+17044695324", "(704) 469-5324"),
            ("704-469-5324", "7044695324"),
            ("+44 20 7946 0018", "020 7946 0018"),
            ("0", "00"),
            ("", ""),
            ("123456", "0123456"),
            ("1234567", "991234567"),
            ("1234567", "99991234567"),
            ("+1 704 469 5325", "704 469 5324"),
            (long.as_str(), "+1"),
            (long.as_str(), long.as_str()),
            // Numbers of 18 to 21 digits, and leading zeros.
            ("1234567890123456789", "001234567890123456789"),
            ("1234567890123456789", "91234567890123456789"),
            ("1234567890123456789", "234567890123456789"),
            ("99999999999999999999", "999999999999999999"),
            ("18446744073709551616", "8446744073709551616"),
            ("12345678901234567890", "12345678901234567890"),
            ("1-0000000", "0000000"),
        ];
        for (a, b) in cases {
            assert_eq!(same_phone(a, b), same_phone_any(a, b), "{a} {b}");
            assert_eq!(same_phone(b, a), same_phone_any(b, a), "{b} {a}");
        }
        assert!(same_phone("+17044695324", "(704) 469-5324"));
        assert!(!same_phone("+1 704 469 5325", "704 469 5324"));
        // And on every pair of strings of up to 4 characters from the ones that matter.
        let texts = strings_of(&['0', '1', '2', '-'], 4);
        for a in &texts {
            for b in &texts {
                assert_eq!(same_phone(a, b), same_phone_any(a, b), "{a} {b}");
            }
        }
    }

    #[test]
    fn spam_with_value() {
        let r = Rule::SpamWithValue;
        none(
            r,
            json!({"spam": false, "quote_value": 10, "sales_value": 5.5}),
        );
        none(
            r,
            json!({"spam": true, "quote_value": null, "sales_value": 0}),
        );
        none(r, json!({"spam": "true", "quote_value": 10}));
        none(
            r,
            json!({"duplicate": true, "quote_value": -3, "sales_value": "10"}),
        );
        assert_eq!(
            run(
                r,
                json!({"spam": true, "quote_value": 1250.0, "sales_value": 0.0})
            ),
            ["/quote_value: 1250.0 on a lead marked spam; expected null or 0"]
        );
        assert_eq!(
            run(
                r,
                json!({"spam": true, "duplicate": true, "quote_value": 1, "sales_value": 156.87})
            ),
            [
                "/quote_value: 1 on a lead marked spam and duplicate; expected null or 0",
                "/sales_value: 156.87 on a lead marked spam and duplicate; expected null or 0",
            ]
        );
        assert_eq!(
            run(r, json!({"duplicate": true, "sales_value": 99})),
            ["/sales_value: 99 on a lead marked duplicate; expected null or 0"]
        );
    }

    #[test]
    fn call_duration_mismatch() {
        let r = Rule::CallDurationMismatch;
        let call = |text: &str, seconds: Value| json!({"call_duration": text, "call_duration_seconds": seconds});
        none(r, call("2 minutes 5 seconds", json!(125)));
        none(r, call("13 seconds", json!(13)));
        none(r, call("1 hour, 2 minutes and 3 seconds", json!(3723)));
        none(r, call("2:05", json!(125)));
        none(r, call("about two minutes", json!(1)));
        none(r, call("2 minutes", json!("130")));
        none(r, call("", json!(130)));
        assert_eq!(
            run(r, call("2 minutes 5 seconds", json!(130))),
            [
                r#"/call_duration: "2 minutes 5 seconds" is 125 seconds, but call_duration_seconds is 130"#
            ]
        );
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("13 seconds"), Some(13));
        assert_eq!(parse_duration("1 second"), Some(1));
        assert_eq!(parse_duration("2 minutes 5 seconds"), Some(125));
        assert_eq!(parse_duration("2 Minutes, 5 Seconds"), Some(125));
        assert_eq!(parse_duration("1 hour 2 minutes"), Some(3720));
        assert_eq!(parse_duration("2m 5s"), Some(125));
        assert_eq!(parse_duration("2 min 5 sec"), Some(125));
        assert_eq!(parse_duration("0 seconds"), Some(0));
        assert_eq!(parse_duration("1:02:05"), Some(3725));
        assert_eq!(parse_duration("02:05"), Some(125));
        assert_eq!(parse_duration("2:5"), None);
        assert_eq!(parse_duration("2:75"), None);
        assert_eq!(parse_duration("1:2:3:4"), None);
        assert_eq!(parse_duration("5"), None);
        assert_eq!(parse_duration("seconds"), None);
        assert_eq!(parse_duration("2 minutes 5"), None);
        assert_eq!(parse_duration("5 5 seconds"), None);
        assert_eq!(parse_duration("2 fortnights"), None);
        assert_eq!(parse_duration("and"), None);
        assert_eq!(parse_duration(&"9".repeat(30)), None);
        assert_eq!(
            parse_duration("999999999 hours 999999999 hours"),
            Some(7_199_999_992_800)
        );
    }

    #[test]
    fn phone_e164() {
        let r = Rule::PhoneE164;
        none(
            r,
            json!({
                "phone_number": "+17044695324", "contact_phone_number": "",
                "caller_number": "+442079460000", "tracking_number": "+12345678",
                "destination_number": "+123456789012345", "other_phone": "123",
            }),
        );
        assert_eq!(
            run(
                r,
                json!({
                    "phone_number": "17044695324", "contact_phone_number": "(704) 469-5324",
                    "caller_number": "+1234567", "tracking_number": "+1234567890123456",
                    "destination_number": "+1 704 469 5324",
                })
            ),
            [
                r#"/phone_number: "17044695324" is not an E.164 phone number (+ and 8 to 15 digits)"#,
                r#"/contact_phone_number: "(704) 469-5324" is not an E.164 phone number (+ and 8 to 15 digits)"#,
                r#"/caller_number: "+1234567" is not an E.164 phone number (+ and 8 to 15 digits)"#,
                r#"/tracking_number: "+1234567890123456" is not an E.164 phone number (+ and 8 to 15 digits)"#,
                r#"/destination_number: "+1 704 469 5324" is not an E.164 phone number (+ and 8 to 15 digits)"#,
            ]
        );
        assert_eq!(
            run(r, json!({"phone_number": "+1704\u{0}4695324"})),
            [
                r#"/phone_number: "+1704\u00004695324" is not an E.164 phone number (+ and 8 to 15 digits)"#
            ]
        );
    }

    #[test]
    fn email_syntax() {
        let r = Rule::EmailSyntax;
        for good in [
            "hello@whatconverts.com",
            "first.last+tag@mail.example.co.uk",
            "zoë@bücher.de",
            "a@b-c.io",
        ] {
            none(
                r,
                json!({"email_address": good, "contact_email_address": ""}),
            );
        }
        for bad in [
            "John Doe <john@example.com>",
            "john@localhost",
            "john@@example.com",
            "john@example..com",
            "john@-example.com",
            "john@example.com.",
            "john.@example.com",
            "jo hn@example.com",
            "john@example.123",
            "@example.com",
            "john",
            "john@exa_mple.com",
            "jo\u{a0}hn@example.com",
            "john\u{7f}@example.com",
            "john@exa\u{2028}mple.com",
        ] {
            assert_eq!(
                run(r, json!({"contact_email_address": bad})),
                [format!(
                    "/contact_email_address: {} is not a plausible email address \
                     (name@example.com: no display name or spaces, a dot in the domain)",
                    quote(bad)
                )],
                "{bad}"
            );
        }
        // The same address in both fields (checked once) is reported in both; a good one
        // beside a bad one is not.
        let same = json!({"email_address": "jo hn@x.com", "contact_email_address": "jo hn@x.com"});
        assert_eq!(
            run(r, same)
                .iter()
                .map(|f| f.split(':').next().unwrap())
                .collect::<Vec<_>>(),
            ["/email_address", "/contact_email_address"]
        );
        for (first, second) in [("a@b.co", "jo hn@x.com"), ("jo hn@x.com", "a@b.co")] {
            let pair = json!({"email_address": first, "contact_email_address": second});
            assert_eq!(run(r, pair).len(), 1, "{first} {second}");
        }
    }

    #[test]
    fn email_paths_agree() {
        // The one-pass ASCII check says what the general one says.
        let cases = [
            "a@b.co",
            "a.b@c.d.e",
            "a..b@c.de",
            ".a@b.co",
            "a.@b.co",
            "a@b",
            "a@.b.co",
            "a@b..co",
            "a@-b.co",
            "a@b-.co",
            "a@b.c-o",
            "a@b.123",
            "a@1.b2",
            "@b.co",
            "a@",
            "a b@c.de",
            "a<b@c.de",
            "a@b@c.de",
            "a\"b@c.de",
            "a@b_c.de",
            "a@b.co.",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm@b.co",
        ];
        for case in cases {
            assert_eq!(
                is_plausible_ascii_email(case.as_bytes()),
                is_plausible_any_email(case),
                "{case}"
            );
        }
        let long = |n: usize| format!("a@{}.co", "b".repeat(n));
        for case in [long(63), long(64), format!("a@b.{}", "c".repeat(64))] {
            assert_eq!(
                is_plausible_ascii_email(case.as_bytes()),
                is_plausible_any_email(&case),
                "{case}"
            );
        }
        // And on every string of up to 7 bytes from the ones that matter.
        for text in strings_of(&['a', '1', '.', '-', '@', ' ', '_'], 7) {
            assert_eq!(
                is_plausible_ascii_email(text.as_bytes()),
                is_plausible_any_email(&text),
                "{text}"
            );
        }
        // Text past ASCII is the general check's: the ASCII check never accepts it, so
        // `is_plausible_email` may ask it first.
        for text in strings_of(&['a', '.', '@', 'é', '-'], 6) {
            let expected = if text.is_ascii() {
                is_plausible_ascii_email(text.as_bytes())
            } else {
                assert!(!is_plausible_ascii_email(text.as_bytes()), "{text}");
                is_plausible_any_email(&text)
            };
            assert_eq!(is_plausible_email(&text), expected, "{text}");
        }
        assert!(is_plausible_email("a@b.co") && !is_plausible_email("a@b..co"));
        assert!(is_ascii_host(b"a-b.c_d") && !is_ascii_host(b"") && !is_ascii_host(b".a"));
        assert!(!is_ascii_host(b"a..b") && !is_ascii_host(b"a b") && is_ascii_host(b"a."));
    }

    #[test]
    fn url_syntax() {
        let r = Rule::UrlSyntax;
        for good in [
            "https://www.whatconverts.com/contact",
            "HTTP://Example.com",
            "https://user:pw@example.com:8443/a?b#c",
            "https://[2001:db8::1]/x",
            "http://localhost",
            "https://bücher.de/",
            "https://example.com?x=1",
        ] {
            none(r, json!({"landing_url": good, "recording": ""}));
        }
        for bad in [
            "javascript:alert(1)",
            "www.whatconverts.com/contact",
            "/contact",
            "https://",
            "https:///path",
            "ftp://example.com/",
            "https://exa mple.com/",
            "https://example.com:99999/",
            "https://example.com:80a/",
            "https://[not-ip]/",
            "https://.example.com/",
            "https://@/",
            "https://exa\u{a0}mple.com/",
            "h",
        ] {
            assert_eq!(
                run(r, json!({"lead_url": bad})),
                [format!(
                    "/lead_url: {} is not an http(s) URL with a host (https://example.com/…)",
                    quote(bad)
                )],
                "{bad}"
            );
        }
        assert_eq!(
            run(
                r,
                json!({"play_recording": "recording-153929.mp3", "lead_url": 5, "voicemail": ""})
            )
            .len(),
            1
        );
    }

    #[test]
    fn the_usual_url_takes_one_pass_and_says_what_the_full_check_says() {
        let full = |s: &str| {
            ["https://", "http://"].iter().any(|scheme| {
                s.get(..scheme.len())
                    .is_some_and(|h| h.eq_ignore_ascii_case(scheme))
                    && is_http_authority(&s[scheme.len()..])
            })
        };
        let hosts = [
            "",
            ".",
            "a",
            "a.",
            ".a",
            "a..b",
            "a.b",
            "a-b_c.d",
            "a..b@host.com",
            "x@y",
            "a:1",
            "a:",
            "[::1]",
            "é.fr",
            "a b",
            "a\u{0}b",
            "-",
            "_.-",
        ];
        let tails = ["", "/", "/x..y", "?q=a..b", "#f", "/a@b:c"];
        for host in hosts {
            for tail in tails {
                for scheme in ["https://", "HTTP://", "ftp://", ""] {
                    let url = format!("{scheme}{host}{tail}");
                    assert_eq!(is_http_url(&url), full(&url), "{url:?}");
                }
            }
        }
    }

    #[test]
    fn private_ip() {
        let r = Rule::PrivateIp;
        for public in [
            "107.210.21.188",
            "203.0.113.77",
            "2001:db8:85a3::8a2e:370:7334",
            "2606:4700::1111",
            "",
            "107.210.21.388",
            "100.128.0.1",
            "172.32.0.1",
        ] {
            none(r, json!({"ip_address": public}));
        }
        for (ip, kind) in [
            ("10.1.2.3", "private (RFC 1918)"),
            ("172.16.0.1", "private (RFC 1918)"),
            ("192.168.1.20", "private (RFC 1918)"),
            ("127.0.0.1", "loopback"),
            ("169.254.1.1", "link-local"),
            ("0.0.0.0", "unspecified"),
            ("100.64.0.1", "carrier-grade NAT (RFC 6598)"),
            ("255.255.255.255", "broadcast"),
            ("224.0.0.1", "multicast"),
            ("::1", "loopback"),
            ("::", "unspecified"),
            ("fd12:3456::1", "private (unique local, RFC 4193)"),
            ("fe80::1", "link-local"),
            ("ff02::1", "multicast"),
            ("::ffff:192.168.0.1", "private (RFC 1918)"),
        ] {
            assert_eq!(
                run(r, json!({"ip_address": ip})),
                [format!(
                    "/ip_address: \"{ip}\" is a {kind} address, not a visitor's public address"
                )]
            );
        }
    }

    #[test]
    fn dotted_quads_parse_as_the_standard_parser_reads_them() {
        let mut texts: Vec<String> = [
            "192.36.253.173",
            "0.0.0.0",
            "255.255.255.255",
            "256.1.1.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.02.3.4",
            "1.2.3.04",
            "0.0.0.00",
            "1..2.3",
            ".1.2.3",
            "1.2.3.",
            "",
            "1.2.3.4 ",
            " 1.2.3.4",
            "1.2.3.+4",
            "1.2.3.-4",
            "1.2.3.4a",
            "1.2.3.1000",
            "999.1.1.1",
            "::1",
            "::ffff:10.0.0.1",
            "fe80::1",
            "1.2.3.٤",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        // Every string of up to 7 characters from the ones that matter.
        texts.extend(strings_of(&['0', '1', '2', '5', '9', '.', 'x'], 7));
        // And three to five parts of octets, right and wrong, between dots: up to 19
        // characters.
        let parts = [
            "", "0", "00", "1", "9", "25", "255", "256", "099", "1000", "x", "2x",
        ];
        let mut joined = vec![String::new()];
        for n in 1..=5 {
            joined = joined
                .iter()
                .flat_map(|s| {
                    parts.iter().map(move |p| match n {
                        1 => p.to_string(),
                        _ => format!("{s}.{p}"),
                    })
                })
                .collect();
            if n >= 3 {
                texts.extend(joined.iter().cloned());
            }
        }
        for text in &texts {
            assert_eq!(parse_ip(text), text.parse::<IpAddr>().ok(), "{text:?}");
        }
    }

    #[test]
    fn timestamps_order_as_text_does() {
        let base = *b"2024-07-31T23:59:36Z";
        let mut texts = vec![base.to_vec()];
        for i in 0..base.len() {
            for delta in [1u8, 2] {
                let mut up = base;
                up[i] = up[i].wrapping_add(delta);
                let mut down = base;
                down[i] = down[i].wrapping_sub(delta);
                texts.extend([up.to_vec(), down.to_vec()]);
            }
        }
        texts.push(b"2024".to_vec());
        for a in &texts {
            for b in &texts {
                assert_eq!(in_order(a, b), a <= b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn future_date() {
        let r = Rule::FutureDate;
        none(
            r,
            json!({"date_created": "2026-03-01T12:05:00Z", "last_updated": "2016-01-25T17:18:20Z"}),
        );
        none(r, json!({"date_created": "tomorrow", "last_updated": 5}));
        assert_eq!(
            run(
                r,
                json!({"date_created": "2026-03-01T12:05:01Z", "last_updated": "2026-03-01T17:00:00+05:00"})
            ),
            [
                r#"/date_created: "2026-03-01T12:05:01Z" is later than the time of checking (2026-03-01T12:00:00Z); expected a time in the past"#
            ]
        );
        // The time of checking shows to the second.
        let ctx = Context::at("2026-03-01T12:00:00.75Z".parse().unwrap());
        assert_eq!(ctx.now().to_string(), "2026-03-01T12:00:00.75Z");
        let found = check(&json!({"last_updated": "2030-01-01T00:00:00Z"}), &ctx);
        assert!(found[0].message.contains("(2026-03-01T12:00:00Z)"));
    }

    #[test]
    fn timestamps_compare_as_text_only_in_the_canonical_form() {
        assert!(is_canonical(b"2016-02-01T14:09:01Z"));
        for not in [
            "2016-02-01T14:09:01+00:00",
            "2016-02-01T14:09:01.5Z",
            "2016-02-01 14:09:01Z",
            "2016-2-01T14:09:01Z",
            "",
        ] {
            assert!(!is_canonical(not.as_bytes()), "{not}");
        }
        let at = |s: &str| {
            canonical_text(s.parse().unwrap()).map(|b| String::from_utf8(b.to_vec()).unwrap())
        };
        assert_eq!(
            at("2026-03-01T12:00:00.9Z").as_deref(),
            Some("2026-03-01T12:00:00Z")
        );
        assert_eq!(
            at("9999-12-30T00:00:00Z").as_deref(),
            Some("9999-12-30T00:00:00Z")
        );
        assert_eq!(at("-000001-01-01T00:00:00Z"), None);
        // Offsets and fractions are parsed, not compared as text.
        let r = Rule::FutureDate;
        assert_eq!(
            run(r, json!({"last_updated": "2026-03-01T13:05:01+01:00"})).len(),
            1
        );
        none(r, json!({"last_updated": "2026-03-01T13:05:00+01:00"}));
        assert_eq!(
            run(r, json!({"last_updated": "2026-03-01T12:05:01.5Z"})).len(),
            1
        );
        // Whole seconds are compared.
        none(r, json!({"last_updated": "2026-03-01T12:05:00.5Z"}));
        // An impossible time of the canonical shape never fires.
        none(r, json!({"last_updated": "2026-13-01T12:05:00Z"}));
        none(
            Rule::TimestampsOrder,
            json!({"date_created": "2016-02-31T00:00:00Z", "last_updated": "2016-01-01T00:00:00Z"}),
        );
        // Past the year 9999, the time of checking has no canonical text: everything parses.
        let late = Context::at(jiff::Timestamp::MAX).with_rules([r].into_iter().collect());
        assert!(check(&json!({"date_created": "9999-01-01T00:00:00Z"}), &late).is_empty());
    }

    #[test]
    fn timestamps_order() {
        let r = Rule::TimestampsOrder;
        none(
            r,
            json!({"date_created": "2016-02-01T14:09:01Z", "last_updated": "2016-02-01T14:09:01Z"}),
        );
        none(r, json!({"last_updated": "2016-01-25T17:18:20Z"}));
        assert_eq!(
            run(
                r,
                json!({"date_created": "2016-02-01T14:09:01Z", "last_updated": "2016-01-25T17:18:20Z"})
            ),
            [
                r#"/last_updated: "2016-01-25T17:18:20Z" is earlier than date_created "2016-02-01T14:09:01Z", as in every official WhatConverts example"#
            ]
        );
    }

    #[test]
    fn lead_state_spelling() {
        let r = Rule::LeadStateSpelling;
        none(
            r,
            json!({"lead_state": "In Progress", "call_status": "Completed"}),
        );
        assert_eq!(
            run(
                r,
                json!({"lead_state": "In Progess", "call_status": "In Progess"})
            ),
            [
                r#"/lead_state: "In Progess" is WhatConverts' own spelling of "In Progress"; match both"#,
                r#"/call_status: "In Progess" is WhatConverts' own spelling of "In Progress"; match both"#,
            ]
        );
    }

    #[test]
    fn empty_string() {
        let r = Rule::EmptyString;
        none(
            r,
            json!({"notes": " ", "lead_content": null, "x": {"y": ""}}),
        );
        assert_eq!(
            run(r, json!({"notes": "", "a/b~c": "", "zip": "28226"})),
            [
                r#"/a~1b~0c: "" where the key could be left out; expected a value or no key"#,
                r#"/notes: "" where the key could be left out; expected a value or no key"#,
            ]
        );
    }

    #[test]
    fn hostile_values_never_panic_and_messages_escape_controls() {
        let long = "9".repeat(100_000);
        let pool: Vec<Value> = vec![
            json!(""),
            json!(" "),
            json!("\u{0}\n\u{1b}[31m\u{7f}"),
            json!("é"),
            json!("@"),
            json!("https://"),
            json!("[::1]"),
            json!("http://[::1"),
            json!("-"),
            json!("+"),
            json!(":"),
            json!("1:2:3"),
            json!("9999-99-99T99:99:99Z"),
            json!("0000-01-01T00:00:00Z"),
            json!(long.clone()),
            json!(format!("{long}@{long}.com")),
            json!(format!("https://{long}")),
            json!(format!("{long} seconds")),
            json!(u64::MAX),
            json!(-1),
            json!(1e308),
            json!(null),
            json!(true),
            json!([]),
            json!({"Email": "x", "Phone Number": "1", "Company Name": ""}),
        ];
        let ctx = Context::at(NOW.parse().unwrap());
        let mut state: u64 = 7;
        for round in 0..400 {
            let mut record = Map::new();
            for (i, name) in FIELDS.iter().enumerate() {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                if (state >> 40) % 3 != 0 || round % 50 == 0 {
                    let pick = ((state >> 20) as usize + i) % pool.len();
                    record.insert((*name).to_string(), pool[pick].clone());
                }
            }
            record.insert("spam".into(), json!(round % 2 == 0));
            for f in both(&Value::Object(record), &ctx) {
                assert!(
                    !f.message.chars().any(|c| c.is_control()),
                    "{}: {}",
                    f.rule,
                    f.message
                );
                assert!(f.message.chars().count() < 400, "{}", f.rule);
            }
        }
    }

    /// Offsets carried by findings on the tape are where the pointers lead in text written
    /// by hand: escaped keys (found by their decoded names), blanks around the colons,
    /// values on lines of their own, a key that needs escaping in the pointer.
    #[test]
    fn findings_on_the_tape_carry_the_offsets_of_their_values() {
        let text = "{ \"contact_phone_number\" :\n  \"704-469-5324\" ,\r\n\
                    \t\"field_mappings\": {\"Em\\u0061il\" :  \"x@y.co\",\n\
                    \"Phone Number\":\"1\", \"a/b~c\": \"\"},\n\
                    \"contact_email_\\u0061ddress\" : \"a@b.co\", \"lead_url\":\n\
                    \"javascript:alert(1)\", \"lead_state\" :\"In Progess\",\n\
                    \"ip_address\":  \"10.0.0.1\", \"user_id\": \"9-x\", \"profile_id\": 8,\n\
                    \"n/o~te\" : \"\" }";
        let value: Value = serde_json::from_str(text).unwrap();
        let ctx = Context::at(NOW.parse().unwrap());
        let found = check(&value, &ctx);
        let rules: Vec<&str> = found.iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            [
                "user-id-profile",
                "mapping-mismatch",
                "mapping-mismatch",
                "phone-e164",
                "url-syntax",
                "private-ip",
                "lead-state-spelling",
                "empty-string",
            ],
            "{found:#?}"
        );
        assert_eq!(placed_on_tape(text, &ctx), found);
    }

    #[test]
    fn only_chosen_rules_run_and_non_objects_have_no_findings() {
        let value = json!({"phone_number": "1", "email_address": "x", "notes": ""});
        let ctx = Context::at(NOW.parse().unwrap());
        let all: Vec<_> = both(&value, &ctx).into_iter().map(|f| f.rule).collect();
        assert_eq!(all, ["phone-e164", "email-syntax", "empty-string"]);
        let some = ctx.with_rules([Rule::EmailSyntax].into_iter().collect());
        assert_eq!(both(&value, &some).len(), 1);
        assert!(both(&json!([value]), &ctx).is_empty());
        assert!(both(&json!("x"), &ctx).is_empty());
    }
}
