//! Checking records against a schema, as data: every violation of a record with its JSON
//! Pointer, its position in the input, the schema keyword and a message that names the
//! expectation and the value found. Nothing here prints.
//!
//! Cost: a valid record costs one `is_valid` pass. An invalid one costs its errors, one
//! pass over its text for the positions of all of them ([`Record::positions`]), and one
//! message each; with [`Detail::Verdict`] (`-q`), only the `is_valid` pass.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde::Serialize;
use serde_json::Value;

use crate::lint;
use crate::position::{LineCol, escape_token};
use crate::record::{Item, Lost, Numbered, Origin, Position, Record, Unreadable};
use crate::scan::{HeldText, LineText};
use crate::schema::{Schema, SchemaError, Schemas};
use crate::suggest;
use crate::tape::{Tape, TapeNode};

/// How much a check finds out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Detail {
    /// Every violation, positioned and described.
    #[default]
    Full,
    /// Only whether the record is valid (`-q`): no violation is built.
    Verdict,
}

/// How records are checked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Also report top-level fields the schema does not describe.
    pub strict: bool,
    /// Keep at most this many violations of a record (in input order); count the rest.
    pub max_violations: Option<usize>,
    pub detail: Detail,
    /// Also apply these lint rules (their findings are violations with a rule and a level).
    pub lint: Option<Arc<Lint>>,
}

/// Lint rules checked with the schema: which rules, at which levels, with the exceptions of
/// a `leadcheck.toml`. The rules about the records of a lead ([`lint::Tracker`]) need the
/// records in order: the caller runs them.
#[derive(Debug, Clone)]
pub struct Lint {
    context: lint::Context,
    levels: lint::Levels,
    config: Option<Arc<lint::Config>>,
    /// Tells this lint's (and its clones') exceptions of an input, kept by each thread,
    /// from another lint's ([`Lint::input_exceptions`]).
    id: u64,
}

/// The next [`Lint::id`].
static NEXT_LINT: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The exceptions of the input this thread last leveled findings of, for the lint of
    /// that id (where they are in its config's `except`).
    static LAST_EXCEPTIONS: RefCell<Option<(u64, String, Vec<usize>)>> =
        const { RefCell::new(None) };
}

impl Lint {
    /// Rules at `levels` (those at `off` are not run), checked at the current time.
    pub fn new(levels: lint::Levels, config: Option<Arc<lint::Config>>) -> Lint {
        Lint {
            context: lint::Context::current().with_rules(levels.enabled()),
            levels,
            config,
            id: NEXT_LINT.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The same, checked as at `now` (for rules about the time of checking).
    pub fn at(mut self, now: jiff::Timestamp) -> Lint {
        self.context = lint::Context::at(now).with_rules(self.levels.enabled());
        self
    }

    pub fn levels(&self) -> &lint::Levels {
        &self.levels
    }

    /// The findings of one record of `input`, each at its level; exempted ones left out.
    pub fn findings(&self, value: &Value, input: &str) -> Vec<lint::Finding> {
        let findings = lint::check(value, &self.context);
        self.leveled(findings, input)
    }

    /// How many findings at each level `counts` (of the record rules) make, when no
    /// exception by location applies ([`Lint::has_exceptions`]).
    fn counted(&self, counts: lint::RuleCounts) -> LintCounts {
        let mut out = LintCounts::default();
        if counts.is_empty() {
            return out;
        }
        for (rule, n) in counts.iter() {
            match self.levels.get(rule).0 {
                lint::Level::Error => out.errors += u64::from(n),
                lint::Level::Warn => out.warnings += u64::from(n),
                lint::Level::Info => out.infos += u64::from(n),
                lint::Level::Off => {}
            }
        }
        out
    }

    /// Whether findings need their pointers to be counted: when `[lint.except]` names any
    /// location.
    fn has_exceptions(&self) -> bool {
        self.excepting().is_some()
    }

    /// The config, when its `[lint.except]` names any location.
    fn excepting(&self) -> Option<&lint::Config> {
        self.config.as_deref().filter(|c| !c.except.is_empty())
    }

    /// The exceptions of `config` that apply to `input`: worked out when a thread meets the
    /// input, not for each record with findings (the input's path is made absolute, which
    /// asks the system for the current directory). Each thread keeps its last input's, with
    /// no lock and nothing kept per input; a thread moves to another input a chunk at a
    /// time, not a record at a time.
    fn input_exceptions<'c>(
        &self,
        config: &'c lint::Config,
        input: &str,
    ) -> lint::InputExceptions<'c> {
        LAST_EXCEPTIONS.with_borrow_mut(|last| match last {
            Some((id, name, indices)) if *id == self.id && name == input => {
                config.exceptions_at(indices)
            }
            _ => {
                let indices = config.exception_indices(std::path::Path::new(input));
                let exceptions = config.exceptions_at(&indices);
                *last = Some((self.id, input.to_owned(), indices));
                exceptions
            }
        })
    }

    /// Findings (of the record rules or of a [`lint::Tracker`]) at their levels
    /// ([`lint::Finding::level`]), those at `off` and those exempted for `input` left out:
    /// in place, in the list the rules made.
    pub fn leveled(&self, mut findings: Vec<lint::Finding>, input: &str) -> Vec<lint::Finding> {
        self.level_in_place(&mut findings, input);
        findings
    }

    /// [`Lint::leveled`] of a list kept from record to record.
    fn level_in_place(&self, findings: &mut Vec<lint::Finding>, input: &str) {
        if findings.is_empty() {
            return;
        }
        let exceptions = self.excepting().map(|c| self.input_exceptions(c, input));
        findings.retain_mut(|f| {
            let (level, _) = self.levels.get(f.id());
            f.set_level(level);
            level != lint::Level::Off
                && !exceptions
                    .as_ref()
                    .is_some_and(|e| e.exempt(&f.pointer, f.rule))
        });
    }
}

/// One violation of the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// JSON Pointer of the offending value (of the parent object for a missing property);
    /// borrowed when static (a lint finding's about a top-level field). Borrowed text is
    /// leadcheck's own, never the payload's: the text output writes it unescaped.
    pub pointer: Cow<'static, str>,
    /// Where that value is in the input.
    #[serde(flatten)]
    pub at: LineCol,
    /// The schema keyword that failed (`type`, `enum`, `required`, ...), or `unknown-field`
    /// for `--strict`.
    pub keyword: Cow<'static, str>,
    /// What was expected and what was found (borrowed when static: leadcheck's own text,
    /// never the payload's, as for `pointer`).
    pub message: Cow<'static, str>,
    /// Where the failing keyword is in the schema (a JSON Pointer through `$ref`s); empty
    /// for `--strict`'s unknown fields and lint findings.
    pub schema_path: String,
    /// How much it matters: `error` for the schema; a lint rule's level for its findings.
    #[serde(skip)]
    pub level: lint::Level,
    /// The lint rule that found it (`keyword` is then the rule's name too).
    #[serde(skip)]
    pub rule: Option<&'static str>,
}

impl Violation {
    /// A lint finding, at its level ([`lint::Finding::level`]), placed `at`.
    fn of_finding(finding: lint::Finding, at: LineCol) -> Violation {
        let level = finding.level();
        Violation {
            pointer: finding.pointer,
            at,
            keyword: Cow::Borrowed(finding.rule),
            message: finding.message,
            schema_path: String::new(),
            level,
            rule: Some(finding.rule),
        }
    }
}

/// A record's verdict, with what it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No violation at level `error`; `findings` holds the lint findings below it
    /// (warnings, notes), in input order.
    Valid { findings: Vec<Violation> },
    /// The violations kept, in input order (none when only the verdict was asked for), and
    /// how many more there were ([`Options::max_violations`]).
    Invalid {
        violations: Vec<Violation>,
        omitted: usize,
    },
    /// The record could not be read: what is wrong and where.
    Unreadable { at: LineCol, message: String },
}

impl Verdict {
    /// The verdict alone, when only it is asked for ([`Detail::Verdict`]).
    fn bare(valid: bool) -> Verdict {
        if valid {
            Verdict::Valid {
                findings: Vec::new(),
            }
        } else {
            Verdict::Invalid {
                violations: Vec::new(),
                omitted: 0,
            }
        }
    }
}

/// The verdict's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Valid,
    Invalid,
    Unreadable,
}

/// The result of checking one record.
#[derive(Debug, Clone)]
pub struct Checked {
    pub origin: Origin,
    /// The record's `lead_id`, when it has one.
    pub lead_id: Option<Value>,
    pub verdict: Verdict,
    /// How many lint findings the record has at each level: counted also when only the
    /// verdict is asked for (no finding is then kept) and before `max_violations` cuts the
    /// list.
    pub lint: LintCounts,
}

/// Lint findings by level (exempted ones and those at `off` are not findings).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LintCounts {
    pub errors: u64,
    pub warnings: u64,
    pub infos: u64,
}

impl LintCounts {
    /// Counts one finding at `level`.
    pub fn add(&mut self, level: lint::Level) {
        match level {
            lint::Level::Error => self.errors += 1,
            lint::Level::Warn => self.warnings += 1,
            lint::Level::Info => self.infos += 1,
            lint::Level::Off => {}
        }
    }

    /// The findings of `levels`, counted.
    pub fn of(levels: impl IntoIterator<Item = lint::Level>) -> LintCounts {
        let mut counts = LintCounts::default();
        levels.into_iter().for_each(|level| counts.add(level));
        counts
    }

    /// Both counts added.
    pub fn plus(self, other: LintCounts) -> LintCounts {
        LintCounts {
            errors: self.errors + other.errors,
            warnings: self.warnings + other.warnings,
            infos: self.infos + other.infos,
        }
    }
}

impl Checked {
    pub fn status(&self) -> Status {
        match self.verdict {
            Verdict::Valid { .. } => Status::Valid,
            Verdict::Invalid { .. } => Status::Invalid,
            Verdict::Unreadable { .. } => Status::Unreadable,
        }
    }

    /// The violations kept, lint findings below `error` included (none for an unreadable
    /// record).
    pub fn violations(&self) -> &[Violation] {
        match &self.verdict {
            Verdict::Invalid { violations, .. } => violations,
            Verdict::Valid { findings } => findings,
            Verdict::Unreadable { .. } => &[],
        }
    }

    /// Adds findings found later (the rules about the records of a lead), levelled by
    /// [`Lint::leveled`] (a finding's level is its rule's default until then), each placed
    /// by `at` (where the value its pointer names is); one at level `error` makes the
    /// record invalid. With `detail` [`Detail::Verdict`] they are counted, not placed nor
    /// kept.
    pub fn add_findings(
        &mut self,
        findings: Vec<lint::Finding>,
        detail: Detail,
        at: impl Fn(&str) -> LineCol,
    ) {
        if findings.is_empty() || matches!(self.verdict, Verdict::Unreadable { .. }) {
            return;
        }
        let counts = LintCounts::of(findings.iter().map(lint::Finding::level));
        self.lint = self.lint.plus(counts);
        let mut more: Vec<Violation> = match detail {
            Detail::Verdict => Vec::new(),
            Detail::Full => findings
                .into_iter()
                .map(|f| {
                    let place = at(&f.pointer);
                    Violation::of_finding(f, place)
                })
                .collect(),
        };
        match &mut self.verdict {
            Verdict::Unreadable { .. } => {}
            Verdict::Invalid { violations, .. } => {
                violations.append(&mut more);
                violations.sort_by_key(|v| v.at);
            }
            Verdict::Valid { findings } => {
                findings.append(&mut more);
                findings.sort_by_key(|v| v.at);
                if counts.errors > 0 {
                    let violations = std::mem::take(findings);
                    self.verdict = Verdict::Invalid {
                        violations,
                        omitted: 0,
                    };
                }
            }
        }
    }

    /// Violations left out by [`Options::max_violations`].
    pub fn omitted(&self) -> usize {
        match &self.verdict {
            Verdict::Invalid { omitted, .. } => *omitted,
            _ => 0,
        }
    }

    /// The verdict on a record that could not be read.
    pub fn unreadable(u: Unreadable) -> Checked {
        Checked {
            origin: u.origin,
            lead_id: None,
            verdict: Verdict::Unreadable {
                at: u.at,
                message: u.message,
            },
            lint: LintCounts::default(),
        }
    }
}

impl Numbered for Checked {
    fn set_record(&mut self, record: u64) {
        self.origin.record = record;
    }
}

/// Counts of a run. `records == valid + invalid + unreadable`, always.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub records: u64,
    pub valid: u64,
    pub invalid: u64,
    pub unreadable: u64,
    /// Inputs read (files and stdin).
    pub inputs: u64,
    /// Inputs that could not be opened or read to the end.
    pub failed_inputs: u64,
}

impl Tally {
    pub fn add(&mut self, status: Status) {
        self.records += 1;
        match status {
            Status::Valid => self.valid += 1,
            Status::Invalid => self.invalid += 1,
            Status::Unreadable => self.unreadable += 1,
        }
    }

    /// No record is invalid or unreadable, and no input failed.
    pub fn all_good(&self) -> bool {
        self.invalid + self.unreadable + self.failed_inputs == 0
    }
}

/// Checks one item against the schema `schemas` picks for it (an unreadable record is
/// checked against nothing).
pub fn check_item(
    schemas: &Schemas,
    item: Item,
    options: &Options,
) -> Result<Checked, SchemaError> {
    Ok(match item {
        Item::Record(record) => check(schemas.for_record(&record.value)?, &record, options),
        Item::Unreadable(u) => Checked::unreadable(u),
    })
}

/// The fast path of [`check_item`] for a record that is a whole line of JSON text, at
/// `origin`: the text is read onto a [`Tape`] (no `Value` of the whole record is built),
/// validated there, the lint rules run there too ([`lint::Node`]; only counted when only the
/// verdict is asked for and no exception by location applies), and the violations are
/// explained from the tape's errors and the text. With the verdict
/// comes, when the rules about a lead's records are on, what they read of the record.
///
/// `None` for what the tape leaves to serde_json (text it rejects, which the caller
/// reports with serde_json's own message; a duplicated key, where serde_json keeps the
/// last), for an API list response (its leads are records of their own), with `--strict`,
/// and when the schema cannot be compiled for the tape: the caller then parses the text
/// and checks it with [`check_item`].
pub fn check_line(
    schemas: &Schemas,
    line: LineText<'_>,
    origin: &Origin,
    options: &Options,
) -> Option<(Checked, Option<Delivered>)> {
    thread_local! {
        /// One tape per thread, its buffers kept from record to record.
        static TAPE: RefCell<Tape> = RefCell::new(Tape::new());
    }
    TAPE.with(|cell| {
        let mut tape = cell.try_borrow_mut().ok()?;
        let read = read_line(schemas, &mut tape, line.bytes(), options)?;
        judge_line(&read, line, origin, options, &mut Vec::new())
    })
}

/// How long a line [`check_lines`] reads in a batch may be: the tapes of a batch are kept
/// from batch to batch, and a longer line would keep a batch's worth of large buffers
/// alive on every thread. A longer one is checked alone by [`check_line`].
pub const BATCHED_LINE_BYTES: usize = 16 << 10;

/// How many lines [`check_lines`] reads before it judges them.
pub const LINE_BATCH: usize = 16;

/// [`check_line`] on a batch of lines, in two passes: every line is read and validated,
/// then every one's rules run and its verdict is made. Each pass's code stays in the
/// instruction cache from one record to the next (the rules', the parser's and the
/// validator's would not fit it together), which is most of what the rules cost beyond
/// their instructions. Gives, for each line in order, what [`check_line`] gives; a line
/// longer than [`BATCHED_LINE_BYTES`] is handed to it.
pub fn check_lines(
    schemas: &Schemas,
    lines: &[(LineText<'_>, Origin)],
    options: &Options,
    out: &mut Vec<Option<(Checked, Option<Delivered>)>>,
) {
    thread_local! {
        /// A batch's tapes per thread, their buffers kept from batch to batch.
        static TAPES: RefCell<Vec<Tape>> = const { RefCell::new(Vec::new()) };
    }
    // The rules' findings of a record, in a list kept from record to record.
    let mut findings = Vec::new();
    for batch in lines.chunks(LINE_BATCH) {
        let batched = TAPES.with(|cell| {
            let mut tapes = cell.try_borrow_mut().ok()?;
            if tapes.len() < batch.len() {
                tapes.resize_with(batch.len(), Tape::new);
            }
            // `None`: too long to batch; `Some(None)`: left to serde_json, as by
            // `check_line` (not read again by it).
            let read: Vec<Option<Option<ReadLine<'_>>>> = tapes
                .iter_mut()
                .zip(batch)
                .map(|(tape, (line, _))| {
                    let text = line.bytes();
                    (text.len() <= BATCHED_LINE_BYTES)
                        .then(|| read_line(schemas, tape, text, options))
                })
                .collect();
            for ((line, origin), read) in batch.iter().zip(&read) {
                out.push(match read {
                    Some(Some(read)) => judge_line(read, *line, origin, options, &mut findings),
                    Some(None) => None,
                    None => check_line(schemas, *line, origin, options),
                });
            }
            Some(())
        });
        if batched.is_none() {
            // The thread's tapes are in use (not by this code, which never nests).
            for (line, origin) in batch {
                out.push(check_line(schemas, *line, origin, options));
            }
        }
    }
}

/// A line read onto a tape and validated: the first pass of [`check_lines`].
struct ReadLine<'t> {
    doc: crate::tape::Doc<'t>,
    schema: &'t Schema,
    validator: &'t jsonschema::Validator<crate::tape::TapeJson>,
    valid: bool,
}

/// `text` read onto `tape` and validated against the schema `schemas` picks for it; `None`
/// for what [`check_line`] leaves to serde_json.
fn read_line<'t>(
    schemas: &'t Schemas,
    tape: &'t mut Tape,
    text: &'t [u8],
    options: &Options,
) -> Option<ReadLine<'t>> {
    if options.strict {
        return None;
    }
    let doc = tape.parse(text).ok()?;
    if doc.is_list() {
        return None;
    }
    let root = doc.root();
    let schema = match schemas {
        Schemas::One(schema) => schema,
        Schemas::ByType(bundled) => bundled
            .for_lead_type(root.field("lead_type").and_then(|t| t.as_str()))
            .ok()?,
    };
    let validator = schema.tape_validator().ok()?;
    let valid = validator.is_valid(root);
    Some(ReadLine {
        doc,
        schema,
        validator,
        valid,
    })
}

/// The rest of [`check_line`] on a line read: the rules, and the verdict. `findings` is a
/// list to make the rules' findings in (emptied first, and left empty).
fn judge_line(
    read: &ReadLine<'_>,
    line: LineText<'_>,
    origin: &Origin,
    options: &Options,
    findings: &mut Vec<lint::Finding>,
) -> Option<(Checked, Option<Delivered>)> {
    let text = line.bytes();
    let root = read.doc.root();
    let (schema, validator, valid) = (read.schema, read.validator, read.valid);
    let checked = |verdict, lint| Checked {
        origin: origin.clone(),
        lead_id: root.field("lead_id").map(|id| id.value()),
        verdict,
        lint,
    };
    let place = |delivery: lint::Delivery| Delivered {
        place: match options.detail {
            // Placed only when a finding asks (the lead rules find little): the line
            // is kept, not copied, and no character of it is counted before then.
            Detail::Full => Place::OnLine {
                text: line.hold(),
                start: origin.start,
                root: root.offset(),
                flat: line.is_flat(),
            },
            Detail::Verdict => Place::Counted(origin.start),
        },
        delivery,
    };
    findings.clear();
    let (delivered, lint) = match &options.lint {
        Some(lint) if options.detail == Detail::Verdict && !lint.has_exceptions() => {
            // Only the verdict and the counts: no finding is written.
            let (counts, delivery) = lint::count_record(root, &lint.context);
            let counts = lint.counted(counts);
            let verdict = Verdict::bare(valid && counts.errors == 0);
            return Some((checked(verdict, counts), delivery.map(place)));
        }
        Some(lint) => {
            let delivery = lint::check_record_into(root, &lint.context, findings);
            lint.level_in_place(findings, &origin.input);
            (delivery.map(place), findings)
        }
        None => (None, findings),
    };
    let (verdict, lint) = if valid && lint.is_empty() {
        let findings = Vec::new();
        (Verdict::Valid { findings }, LintCounts::default())
    } else {
        // The same errors as on a Value (in another order: members are met in the
        // text's order here), placed on the tape.
        let record = OnTape {
            root,
            text,
            start: origin.start,
            flat: line.is_flat(),
        };
        judge(schema, &record, valid, Vec::new(), lint, options, || {
            validator.iter_errors(root).map(Found::schema).collect()
        })
    };
    Some((checked(verdict, lint), delivered))
}

/// What the rules about a lead's records ([`lint::Tracker`]) read of a record, and where
/// their findings go in it.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub delivery: lint::Delivery,
    place: Place,
}

#[derive(Debug, Clone)]
enum Place {
    /// The record's line (`text`, starting at `start`) and where the record's value starts
    /// in it, to place the values of [`DELIVERY_POINTERS`] in (the record's place for a
    /// value it does not have) when a finding is about one of them.
    OnLine {
        text: HeldText,
        start: LineCol,
        root: usize,
        /// The text holds no line break ([`LineText::is_flat`]).
        flat: bool,
    },
    /// The record (its text, without its value), to find them in.
    In(Box<Record>),
    /// Where the text of the record starts, for every value: only the verdict is wanted
    /// ([`Detail::Verdict`]), so findings are counted and never placed, and the places are
    /// not worked out.
    Counted(LineCol),
}

/// The record and the values the rules about a lead's records name, in the order of
/// [`line_places`].
const DELIVERY_POINTERS: [&str; 3] = ["", "/lead_state", "/last_updated"];

impl Delivered {
    /// What the rules read of `record`; `None` when it has nothing for them (see
    /// [`lint::Delivery::of`]).
    pub fn of(record: &Record) -> Option<Delivered> {
        Some(Delivered {
            delivery: lint::Delivery::of(&record.value)?,
            place: Place::In(Box::new(record.clone_without_value())),
        })
    }

    /// Where the value `pointer` names is in the record (the record's start for one that
    /// the rules about a lead's records do not name, and for every value of a record read
    /// by [`check_line`] for the verdict alone, [`Detail::Verdict`]: its findings are
    /// counted, never placed).
    pub fn at(&self, pointer: &str) -> LineCol {
        match &self.place {
            Place::OnLine {
                text,
                start,
                root,
                flat,
            } => {
                let places = line_places(text, *start, *flat, *root, self.delivery.offsets());
                DELIVERY_POINTERS
                    .iter()
                    .position(|p| *p == pointer)
                    .map_or(places[0], |i| places[i])
            }
            Place::In(record) => record.position_of(pointer).at,
            Place::Counted(start) => *start,
        }
    }
}

/// Where a record read from `text` (which starts at `start`) is, given the offset of the
/// record's value and of its values of [`DELIVERY_POINTERS`] (`None`: one it does not have,
/// placed where the record is).
fn line_places(
    text: &[u8],
    start: LineCol,
    flat: bool,
    root: usize,
    offsets: [Option<usize>; 2],
) -> [LineCol; 3] {
    let targets = [root, offsets[0].unwrap_or(root), offsets[1].unwrap_or(root)];
    crate::position::line_cols_of_known(text, start, targets, flat)
}

/// Checks one record against a schema.
pub fn check(schema: &Schema, record: &Record, options: &Options) -> Checked {
    let value = &record.value;
    let (verdict, lint) = verdict(schema, record, options);
    Checked {
        origin: record.origin.clone(),
        lead_id: value.get("lead_id").cloned(),
        verdict,
        lint,
    }
}

/// A violation before it is positioned and described.
struct Found<'v> {
    pointer: Cow<'static, str>,
    keyword: Cow<'static, str>,
    what: What<'v>,
}

impl<'v> Found<'v> {
    fn schema(error: ValidationError<'v>) -> Found<'v> {
        Found {
            pointer: error.instance_path().as_str().to_string().into(),
            keyword: Cow::Owned(error.kind().keyword().to_string()),
            what: What::Schema(error),
        }
    }
}

enum What<'v> {
    Schema(ValidationError<'v>),
    Unknown(&'v str),
    /// Data of the input the record does not hold (placed where it is in the input).
    Lost(&'v Lost),
    /// A lint rule's finding, at its level.
    Lint(lint::Finding),
}

fn verdict(schema: &Schema, record: &Record, options: &Options) -> (Verdict, LintCounts) {
    let value = &record.value;
    let unknown: Vec<&str> = match (options.strict, value.as_object()) {
        (true, Some(object)) => {
            let known = schema.known_fields();
            object
                .keys()
                .filter(|k| !known.contains(k.as_str()))
                .map(String::as_str)
                .collect()
        }
        _ => Vec::new(),
    };
    let valid = schema.validator().is_valid(value);
    let mut lint = match &options.lint {
        Some(lint) => lint.findings(value, &record.origin.input),
        None => Vec::new(),
    };
    judge(schema, record, valid, unknown, &mut lint, options, || {
        schema
            .validator()
            .iter_errors(value)
            .map(Found::schema)
            .collect()
    })
}

/// Where the values of a record are, for the violations found in it.
trait Locate {
    /// Data of the input the record does not hold.
    fn lost(&self) -> &[Lost];
    /// Where the values `pointers` name are (see [`Record::positions`]); `offsets` holds,
    /// for each, where the value starts in the record's text when that is already known
    /// (a lint finding made on the tape, see [`lint::Finding::offset`]).
    fn positions(&self, pointers: &[&str], offsets: &[Option<usize>]) -> Vec<Position>;
    /// Where the value that starts at `offset` in the record's text is, when the record
    /// is placed by offsets (`None`: by pointers alone, see [`Locate::positions`]).
    fn place(&self, offset: usize) -> Option<LineCol>;
}

impl Locate for Record {
    fn lost(&self) -> &[Lost] {
        &self.lost
    }

    // A record read into a `Value` is read by its own text's positions, which place a
    // value inside a decoded body too; no finding made on a `Value` knows an offset.
    fn positions(&self, pointers: &[&str], _: &[Option<usize>]) -> Vec<Position> {
        Record::positions(self, pointers)
    }

    fn place(&self, _: usize) -> Option<LineCol> {
        None
    }
}

/// A record that is a line of text (starting at `start`) read onto a tape: its values are
/// found on the tape, or, for many of them at once, in one walk over the text.
struct OnTape<'t> {
    root: TapeNode<'t>,
    text: &'t [u8],
    start: LineCol,
    /// The text holds no line break ([`LineText::is_flat`]): places are counted in
    /// characters alone.
    flat: bool,
}

/// Up to this many values not already placed are found on the tape (each a few member
/// lookups), more in one walk over the text: time stays linear in the record's size
/// whatever the pointers.
const FEW_POINTERS: usize = 16;

impl Locate for OnTape<'_> {
    fn lost(&self) -> &[Lost] {
        &[]
    }

    fn positions(&self, pointers: &[&str], known: &[Option<usize>]) -> Vec<Position> {
        let offsets: Vec<usize> = if known.iter().filter(|o| o.is_none()).count() <= FEW_POINTERS {
            pointers
                .iter()
                .zip(known)
                .map(|(p, o)| o.unwrap_or_else(|| self.root.deepest(p).offset()))
                .collect()
        } else {
            let unknown: Vec<&str> = pointers
                .iter()
                .zip(known)
                .filter_map(|(p, o)| o.is_none().then_some(*p))
                .collect();
            let mut found = crate::position::locate_all(self.text, &unknown).into_iter();
            known
                .iter()
                .map(|o| o.or_else(|| found.next()).unwrap_or(0))
                .collect()
        };
        crate::position::line_cols_known(self.text, self.start, &offsets, self.flat)
            .into_iter()
            .map(|at| Position { at, inside: None })
            .collect()
    }

    fn place(&self, offset: usize) -> Option<LineCol> {
        let [at] = crate::position::line_cols_of_known(self.text, self.start, [offset], self.flat);
        Some(at)
    }
}

/// The verdict on `record` from what was found: whether the schema holds (`valid`), the
/// unknown fields, the lint findings (taken from `lint`, left empty); `errors` gives the
/// schema's errors, asked for only when they are to be explained.
fn judge<'v>(
    schema: &Schema,
    record: &'v impl Locate,
    valid: bool,
    unknown: Vec<&'v str>,
    lint: &mut Vec<lint::Finding>,
    options: &Options,
    errors: impl FnOnce() -> Vec<Found<'v>>,
) -> (Verdict, LintCounts) {
    if valid && unknown.is_empty() && record.lost().is_empty() && lint.is_empty() {
        let findings = Vec::new();
        return (Verdict::Valid { findings }, LintCounts::default());
    }
    if options.detail == Detail::Verdict {
        let counts = LintCounts::of(lint.drain(..).map(|f| f.level()));
        let valid = valid && unknown.is_empty() && record.lost().is_empty() && counts.errors == 0;
        return (Verdict::bare(valid), counts);
    }
    // One lint finding whose place the rules already know, on a record with nothing else
    // to say (the usual record with a finding): placed alone, with nothing to sort, narrow
    // or look up.
    if valid
        && unknown.is_empty()
        && record.lost().is_empty()
        && lint.len() == 1
        && let Some(at) = lint[0].offset.and_then(|offset| record.place(offset))
        && let Some(finding) = lint.pop()
    {
        return settle(vec![Violation::of_finding(finding, at)], options);
    }
    let mut found: Vec<Found<'v>> = if valid { Vec::new() } else { errors() };
    for key in unknown {
        found.push(Found {
            pointer: format!("/{}", escape_token(key)).into(),
            keyword: Cow::Borrowed("unknown-field"),
            what: What::Unknown(key),
        });
    }
    for lost in record.lost() {
        found.push(Found {
            pointer: lost.pointer.clone().into(),
            keyword: Cow::Borrowed("form"),
            what: What::Lost(lost),
        });
    }
    for mut finding in lint.drain(..) {
        found.push(Found {
            pointer: std::mem::take(&mut finding.pointer),
            keyword: Cow::Borrowed(finding.rule),
            what: What::Lint(finding),
        });
    }
    explain(schema, record, found, options)
}

/// The violations of a record, from what was found wrong with it: the narrower statement
/// of two about one value, positioned (all in one pass over the record's text), in input
/// order, described, at most `max_violations`.
fn explain(
    schema: &Schema,
    record: &impl Locate,
    found: Vec<Found<'_>>,
    options: &Options,
) -> (Verdict, LintCounts) {
    // Only beside the schema's errors is anything left out (a record with lint findings
    // alone, the usual one, skips this).
    let mut found = if found.iter().any(|f| matches!(f.what, What::Schema(_))) {
        narrowest(found)
    } else {
        found
    };
    // Positions of all of them in one pass over the record's text.
    let pointers: Vec<&str> = found.iter().map(|f| f.pointer.as_ref()).collect();
    let offsets: Vec<Option<usize>> = found
        .iter()
        .map(|f| match &f.what {
            What::Lint(finding) => finding.offset,
            _ => None,
        })
        .collect();
    let mut positions = record.positions(&pointers, &offsets);
    for (f, p) in found.iter().zip(positions.iter_mut()) {
        if let What::Lost(lost) = f.what {
            *p = Position {
                at: lost.at,
                inside: None,
            };
        }
    }
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by(|&a, &b| {
        positions[a]
            .at
            .cmp(&positions[b].at)
            .then_with(|| found[a].pointer.cmp(&found[b].pointer))
    });
    let mut violations: Vec<Violation> = Vec::with_capacity(found.len());
    for i in order {
        let f = &mut found[i];
        let position = positions[i];
        let mut message: Cow<'static, str> = match &mut f.what {
            What::Schema(error) => message(schema, error).into(),
            What::Unknown(key) => unknown_message(key, schema).into(),
            What::Lost(lost) => lost.message.clone().into(),
            What::Lint(finding) => std::mem::take(&mut finding.message),
        };
        if let Some(inside) = position.inside {
            message
                .to_mut()
                .push_str(&format!(" (at {inside} of the decoded body)"));
        }
        // The same statement about the same value once (a timestamp that fails both
        // `pattern` and `format` is one problem); same pointers are neighbours here.
        if violations
            .iter()
            .rev()
            .take_while(|v| v.pointer == f.pointer)
            .any(|v| v.message == message)
        {
            continue;
        }
        let schema_path = match &f.what {
            What::Schema(error) => error.evaluation_path().as_str().to_string(),
            What::Unknown(_) | What::Lost(_) | What::Lint(..) => String::new(),
        };
        let (level, rule) = match &f.what {
            What::Lint(finding) => (finding.level(), Some(finding.rule)),
            _ => (lint::Level::Error, None),
        };
        violations.push(Violation {
            pointer: std::mem::take(&mut f.pointer),
            at: position.at,
            keyword: std::mem::take(&mut f.keyword),
            message,
            schema_path,
            level,
            rule,
        });
    }
    settle(violations, options)
}

/// The verdict on a record's violations (in input order, each said once): invalid when
/// one is at level `error`, the lint findings counted, at most `max_violations` kept.
fn settle(mut violations: Vec<Violation>, options: &Options) -> (Verdict, LintCounts) {
    // Those shown, before `max_violations` keeps the first.
    let counts = LintCounts::of(
        violations
            .iter()
            .filter(|v| v.rule.is_some())
            .map(|v| v.level),
    );
    // The verdict is on all of them, also those `max_violations` leaves out.
    let invalid = violations.iter().any(|v| v.level == lint::Level::Error);
    let mut omitted = 0;
    if let Some(max) = options.max_violations
        && violations.len() > max
    {
        omitted = violations.len() - max;
        violations.truncate(max);
    }
    if !invalid {
        // Lint findings below `error` only (warnings, notes).
        let findings = violations;
        return (Verdict::Valid { findings }, counts);
    }
    let verdict = Verdict::Invalid {
        violations,
        omitted,
    };
    (verdict, counts)
}

/// What was found, without what another statement says better: of a value that fails a
/// `const` (the chat schema's "Chat") and an `enum` that holds it (the common schema's
/// list of lead types), the narrower statement; likewise of a value of the wrong type
/// outside an enumeration (a number for lead_type), its type. A value the schema rejects
/// is reported once, by the schema: a lint rule's finding about the same value adds
/// nothing (a recording URL that is not a URL).
fn narrowest(found: Vec<Found<'_>>) -> Vec<Found<'_>> {
    let narrower: HashSet<&str> = found
        .iter()
        .filter(|f| matches!(&*f.keyword, "const" | "type"))
        .map(|f| f.pointer.as_ref())
        .collect();
    let rejected: HashSet<&str> = found
        .iter()
        .filter(|f| matches!(f.what, What::Schema(_)))
        .map(|f| f.pointer.as_ref())
        .collect();
    let keep: Vec<bool> = found
        .iter()
        .map(|f| match f.what {
            What::Lint(..) => !rejected.contains(f.pointer.as_ref()),
            _ => f.keyword != "enum" || !narrower.contains(f.pointer.as_ref()),
        })
        .collect();
    drop(narrower);
    drop(rejected);
    found
        .into_iter()
        .zip(keep)
        .filter_map(|(f, keep)| keep.then_some(f))
        .collect()
}

fn unknown_message(key: &str, schema: &Schema) -> String {
    let mut message = format!("unknown field {}", quote(key));
    if let Some(s) = suggest::closest(key, schema.known_fields().iter().map(String::as_str)) {
        message.push_str(&format!("; did you mean {}?", quote(s)));
    }
    message
}

/// The message of one violation: the expectation and the value found.
fn message(schema: &Schema, error: &ValidationError<'_>) -> String {
    // Only the messages that quote the value pay for its preview (not `required`).
    let found = || describe(error.instance());
    let notes = error
        .absolute_keyword_location()
        .and_then(|uri| schema.annotations(uri.as_str()));
    let expected_note = notes.and_then(|n| n.expected.as_deref());
    let summary = notes.and_then(|n| n.summary.as_deref());
    let mut text = match error.kind() {
        ValidationErrorKind::Required { property } => {
            format!("missing required property {property}")
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match expected_note {
                Some(note) => note.to_string(),
                None => match kind {
                    TypeKind::Single(t) => article(&t.to_string()),
                    TypeKind::Multiple(set) => {
                        let mut names: Vec<String> = set.iter().map(|t| t.to_string()).collect();
                        // "a number or null" reads better than "null or a number".
                        names.sort_by_key(|n| n == "null");
                        names
                            .iter()
                            .map(|n| article(n))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    }
                },
            };
            let mut text = format!("expected {expected}, found {}", found());
            // A payload serialised twice arrives as a string that holds the object.
            if let Some(inner) = error.instance().as_str()
                && inner.trim_start().starts_with('{')
                && serde_json::from_str::<Value>(inner).is_ok_and(|v| v.is_object())
            {
                text.push_str(" that holds a JSON object (serialised twice?)");
            }
            text
        }
        ValidationErrorKind::Enum { options } => {
            let list = match options.as_array() {
                Some(items) => items
                    .iter()
                    .map(Value::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                None => options.to_string(),
            };
            let mut text = format!("expected one of {list}, found {}", found());
            push_suggestion(
                &mut text,
                error.instance(),
                options.as_array().map(Vec::as_slice),
            );
            text
        }
        ValidationErrorKind::Constant { expected_value } => {
            let mut text = format!("expected {expected_value}, found {}", found());
            push_suggestion(
                &mut text,
                error.instance(),
                Some(std::slice::from_ref(expected_value.as_ref())),
            );
            text
        }
        ValidationErrorKind::Minimum { limit } => {
            format!("expected a number >= {limit}, found {}", found())
        }
        ValidationErrorKind::Maximum { limit } => {
            format!("expected a number <= {limit}, found {}", found())
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let names: Vec<String> = unexpected.iter().map(|n| quote(n)).collect();
            format!(
                "unexpected propert{} {}",
                if names.len() == 1 { "y" } else { "ies" },
                names.join(", ")
            )
        }
        _ => match expected_note {
            Some(note) => format!("expected {note}, found {}", found()),
            None => error.to_string(),
        },
    };
    if let Some(summary) = summary {
        text = format!("{summary}: {text}");
    }
    text
}

fn push_suggestion(text: &mut String, found: &Value, options: Option<&[Value]>) {
    let (Some(word), Some(options)) = (found.as_str(), options) else {
        return;
    };
    if let Some(s) = suggest::closest(word, options.iter().filter_map(Value::as_str)) {
        text.push_str(&format!("; did you mean {}?", quote(s)));
    }
}

fn article(noun: &str) -> String {
    match noun {
        "null" => "null".into(),
        n if n.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {n}"),
        n => format!("a {n}"),
    }
}

fn quote(s: &str) -> String {
    Value::from(s).to_string()
}

/// A short description of a found value: its JSON type and (a preview of) the value, as
/// JSON (so control characters in it are escaped).
pub fn describe(value: &Value) -> String {
    const MAX: usize = 60;
    let kind = match value {
        Value::Null => return "null".into(),
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(a) if a.is_empty() => return "an empty array []".into(),
        Value::Array(_) => "array",
        Value::Object(o) if o.is_empty() => return "an empty object {}".into(),
        Value::Object(_) => "object",
    };
    let text = preview(value, MAX);
    format!("{kind} {text}")
}

/// A value as compact JSON, cut to `max` characters (without writing out the whole of a
/// large value).
fn preview(value: &Value, max: usize) -> String {
    struct Cut {
        out: Vec<u8>,
        limit: usize,
    }
    impl std::io::Write for Cut {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let room = self.limit.saturating_sub(self.out.len());
            self.out.extend_from_slice(&buf[..buf.len().min(room)]);
            if buf.len() > room {
                return Err(std::io::Error::other("cut"));
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // Characters are at most 4 bytes (escapes 6): this many bytes hold `max` characters.
    let mut cut = Cut {
        out: Vec::new(),
        limit: max * 6 + 8,
    };
    let whole = serde_json::to_writer(&mut cut, value).is_ok();
    let text = String::from_utf8_lossy(&cut.out);
    if whole && text.chars().count() <= max {
        return text.into_owned();
    }
    text.chars().take(max - 1).collect::<String>() + "…"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::Reader;
    use crate::schema::LeadType;

    fn record(text: &str) -> Record {
        match Reader::new("t".into(), text.as_bytes()).next() {
            Some(Ok(Item::Record(r))) => r,
            other => panic!("{other:?}"),
        }
    }

    /// A record's violations as lines: place, pointer, keyword and message.
    fn show(checked: &Checked) -> Vec<String> {
        checked
            .violations()
            .iter()
            .map(|v| format!("{} {} {}: {}", v.at, v.pointer, v.keyword, v.message))
            .collect()
    }

    /// The violations of a record, the same whether it is read whole or (without
    /// `strict`) as a line onto a tape.
    fn violations(text: &str, strict: bool) -> Vec<String> {
        let schema = Schema::for_type(LeadType::Chat).unwrap();
        let options = Options {
            strict,
            ..Options::default()
        };
        let record = record(text);
        let shown = show(&check(&schema, &record, &options));
        if !strict {
            let schemas = Schemas::One(schema);
            let text = HeldText::new(record.text.clone());
            let (on_tape, _) = check_line(&schemas, text.line(), &record.origin, &options)
                .expect("the tape reads it");
            assert_eq!(show(&on_tape), shown);
        }
        shown
    }

    #[test]
    fn messages_name_expectation_and_value() {
        let v = violations(
            r#"{"lead_id": "153928", "lead_type": "Chatt", "spam": "no"}"#,
            false,
        );
        assert_eq!(
            v,
            [
                r#"1:13 /lead_id type: expected an integer, found string "153928""#,
                r#"1:36 /lead_type const: not a chat lead: expected "Chat", found string "Chatt"; did you mean "Chat"?"#,
                r#"1:53 /spam type: expected a boolean, found string "no""#,
            ]
        );
    }

    #[test]
    fn missing_property_points_at_the_parent() {
        let v = violations("\n  {\"lead_type\": \"Chat\"}", false);
        assert_eq!(v, [r#"2:3  required: missing required property "lead_id""#]);
    }

    #[test]
    fn timestamp_problem_reported_once_with_the_expectation() {
        let v = violations(
            r#"{"lead_id": 1, "lead_type": "Chat", "date_created": "2016-02-01 14:09:01"}"#,
            false,
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("expected an RFC 3339 timestamp"), "{v:?}");
    }

    #[test]
    fn strict_reports_unknown_fields_with_suggestions() {
        let v = violations(
            r#"{"lead_id": 1, "lead_type": "Chat", "lead_sorce": "g", "zz_new_id": 1}"#,
            true,
        );
        assert_eq!(
            v,
            [
                r#"1:51 /lead_sorce unknown-field: unknown field "lead_sorce"; did you mean "lead_source"?"#,
                r#"1:69 /zz_new_id unknown-field: unknown field "zz_new_id""#,
            ]
        );
        assert!(
            violations(
                r#"{"lead_id": 1, "lead_type": "Chat", "zz_new_id": 1}"#,
                false
            )
            .is_empty()
        );
    }

    #[test]
    fn max_violations_keeps_the_first_and_counts_the_rest() {
        let schema = Schema::for_type(LeadType::Chat).unwrap();
        let r = record(r#"{"lead_id": "1", "lead_type": "Chatt", "spam": "no"}"#);
        let options = |max| Options {
            max_violations: Some(max),
            ..Options::default()
        };
        let checked = check(&schema, &r, &options(5));
        assert_eq!((checked.violations().len(), checked.omitted()), (3, 0));
        let checked = check(&schema, &r, &options(1));
        assert_eq!((checked.violations().len(), checked.omitted()), (1, 2));
        assert_eq!(checked.violations()[0].pointer, "/lead_id");
        assert_eq!(checked.status(), Status::Invalid);
        let verdict = Options {
            detail: Detail::Verdict,
            ..Options::default()
        };
        let checked = check(&schema, &r, &verdict);
        assert_eq!(
            (checked.status(), checked.violations().len()),
            (Status::Invalid, 0)
        );
    }

    #[test]
    fn many_violations_are_positioned_in_linear_time() {
        // 20,000 additional fields whose values are objects: each one a violation.
        let mut text =
            String::from(r#"{"lead_id": 1, "lead_type": "Chat", "additional_fields": {"#);
        for i in 0..20_000 {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!("\"f{i}\": {{\"x\": {i}}}"));
        }
        text.push_str("}}");
        let v = violations(&text, false);
        assert_eq!(v.len(), 20_000);
        assert!(v[19_999].starts_with("1:"), "{}", v[19_999]);
        assert!(
            v[19_999].contains("/additional_fields/f19999"),
            "{}",
            v[19_999]
        );
    }

    /// Lint findings, placed by the offsets the rules give them, beside more schema errors
    /// than are found on the tape one by one (a walk over the text places those): every
    /// violation where the check of the record's `Value` puts it.
    #[test]
    fn findings_beside_many_schema_errors_are_placed_as_on_a_value() {
        let schema = Schema::for_type(LeadType::Chat).unwrap();
        let options = Options {
            lint: Some(Arc::new(Lint::new(lint::Levels::defaults(), None))),
            ..Options::default()
        };
        let mut text = String::from(
            r#"{"lead_id": 1, "lead_type": "Chat", "phone_number": "1", "additional_fields": {"#,
        );
        for i in 0..40 {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!("\"f{i}\": {{\"x\": {i}}}"));
        }
        text.push_str(r#"}, "contact_email_address": "no", "lead_state": "In Progess"}"#);
        let record = record(&text);
        let shown = show(&check(&schema, &record, &options));
        let held = HeldText::new(record.text.clone());
        let schemas = Schemas::One(schema);
        let (on_tape, _) =
            check_line(&schemas, held.line(), &record.origin, &options).expect("the tape reads it");
        assert_eq!(show(&on_tape), shown);
        let findings = ["phone-e164", "email-syntax", "lead-state-spelling"];
        for rule in findings {
            assert!(shown.iter().any(|v| v.contains(rule)), "{rule}: {shown:#?}");
        }
        assert!(
            shown.len() > FEW_POINTERS + findings.len(),
            "{}",
            shown.len()
        );
    }

    #[test]
    fn a_lone_finding_is_judged_as_on_a_value() {
        // The usual record with a finding (one, on a record the schema accepts) is placed
        // alone by `judge`: the same place, level, verdict and counts as the general path, at
        // each level and under --max-errors 1 and 0 (which leaves the finding out and still
        // counts it), after multi-byte text and on a later line.
        let schema = Schema::for_type(LeadType::Chat).unwrap();
        let text = "\n  {\"lead_id\": 1, \"lead_type\": \"Chat\", \"notes\": \"été 😀\", \
                    \"lead_state\": \"In Progess\"}";
        let record = record(text);
        let held = HeldText::new(record.text.clone());
        let schemas = Schemas::One(Schema::for_type(LeadType::Chat).unwrap());
        for (flag, max, status) in [
            (None, None, Status::Valid),
            (Some(lint::Action::Deny), None, Status::Invalid),
            (Some(lint::Action::Deny), Some(1), Status::Invalid),
            (Some(lint::Action::Deny), Some(0), Status::Invalid),
            (Some(lint::Action::Warn), None, Status::Valid),
            (Some(lint::Action::Warn), Some(1), Status::Valid),
            (None, Some(0), Status::Valid),
        ] {
            let flags: Vec<lint::Flag> = flag
                .into_iter()
                .map(|action| lint::Flag::new(action, "lead-state-spelling"))
                .collect();
            let levels = lint::Levels::resolve(None, &flags).unwrap();
            let options = Options {
                lint: Some(Arc::new(Lint::new(levels, None))),
                max_violations: max,
                ..Options::default()
            };
            let on_value = check(&schema, &record, &options);
            let (on_tape, _) = check_line(&schemas, held.line(), &record.origin, &options)
                .expect("the tape reads it");
            assert_eq!(on_tape.verdict, on_value.verdict, "{flag:?} {max:?}");
            assert_eq!(on_tape.lint, on_value.lint, "{flag:?} {max:?}");
            assert_eq!(on_tape.status(), status, "{flag:?} {max:?}");
        }
        let options = Options {
            lint: Some(Arc::new(Lint::new(lint::Levels::defaults(), None))),
            ..Options::default()
        };
        let (on_tape, _) =
            check_line(&schemas, held.line(), &record.origin, &options).expect("the tape reads it");
        assert_eq!(
            show(&on_tape),
            [
                r#"2:71 /lead_state lead-state-spelling: "In Progess" is WhatConverts' own spelling of "In Progress"; match both"#
            ]
        );
    }

    #[test]
    fn lines_checked_in_a_batch_are_checked_as_one_by_one() {
        // `check_lines` (two passes over a batch) gives what `check_line` gives, line by
        // line and in order, across batch boundaries: valid, invalid, with findings, too
        // long to batch, and the lines the tape leaves to serde_json (`None`).
        let long = format!(
            r#"{{"lead_id": 3, "lead_type": "Chat", "lead_state": "In Progess", "notes": "{}"}}"#,
            "é".repeat(BATCHED_LINE_BYTES)
        );
        let kinds = [
            r#"{"lead_id": 1, "lead_type": "Chat", "lead_state": "In Progess"}"#,
            r#"{"lead_id": "2", "lead_type": "Chat", "spam": "no", "ip_address": "10.0.0.1"}"#,
            long.as_str(),
            r#"{"lead_id": 4, "lead_type": "Chat""#,
            r#"[{"lead_id": 5, "lead_type": "Chat"}]"#,
            r#"{"lead_id": 6, "lead_id": 6, "lead_type": "Chat"}"#,
            r#"{"lead_id": 7, "lead_type": "Chat", "user_id": "1-a", "profile_id": 2}"#,
            r#"{"lead_id": 1, "lead_type": "Chat", "lead_state": "In Progess"}"#,
        ];
        let texts: Vec<&str> = kinds
            .iter()
            .cycle()
            .take(3 * LINE_BATCH + 5)
            .copied()
            .collect();
        let held: Vec<HeldText> = texts
            .iter()
            .map(|t| HeldText::new(t.as_bytes().to_vec()))
            .collect();
        let lines: Vec<(LineText<'_>, Origin)> = held
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let origin = Origin::at(
                    "t".into(),
                    crate::position::Mark {
                        offset: 100 * i as u64,
                        at: LineCol {
                            line: i as u64 + 1,
                            column: 1,
                        },
                    },
                );
                (h.line(), origin)
            })
            .collect();
        let schemas = Schemas::ByType(Box::default());
        let lint = |levels| Some(Arc::new(Lint::new(levels, None)));
        for options in [
            Options::default(),
            Options {
                lint: lint(lint::Levels::defaults()),
                ..Options::default()
            },
            Options {
                lint: lint(lint::Levels::defaults()),
                detail: Detail::Verdict,
                ..Options::default()
            },
            Options {
                strict: true,
                ..Options::default()
            },
        ] {
            let one_by_one: Vec<String> = lines
                .iter()
                .map(|(line, origin)| {
                    format!("{:?}", check_line(&schemas, *line, origin, &options))
                })
                .collect();
            let mut batched = Vec::new();
            check_lines(&schemas, &lines, &options, &mut batched);
            let batched: Vec<String> = batched.iter().map(|c| format!("{c:?}")).collect();
            assert_eq!(batched, one_by_one);
            let read = one_by_one.iter().filter(|c| *c != "None").count();
            let expected = if options.strict {
                0
            } else {
                4 * lines.len() / kinds.len()
            };
            assert!(read >= expected, "{read} of {} read on a tape", lines.len());
        }
    }

    #[test]
    fn describe_cuts_long_values_and_escapes_control_characters() {
        assert_eq!(describe(&Value::Null), "null");
        let long = Value::from("x".repeat(200));
        assert!(describe(&long).ends_with('…'));
        assert_eq!(describe(&serde_json::json!([])), "an empty array []");
        assert_eq!(
            describe(&Value::from("\u{1b}]0;pwned\u{7}")),
            r#"string "\u001b]0;pwned\u0007""#
        );
    }
}
