//! `leadcheck validate`: every record of every input checked against the schema.
//!
//! Text, JSON and GitHub output stream, one record at a time. JUnit and SARIF are one
//! document per run whose totals come first, so their records are kept (without their
//! text) until the end.

use std::time::{Instant, SystemTime};

use anyhow::Result;
use std::sync::Arc;

use leadcheck::check::{self, Checked, Delivered, Detail, Lint, Status, Tally};
use leadcheck::input::InputError;
use leadcheck::lint::{self, Level, Levels, Rule, Tracker};
use leadcheck::record::{Item, Numbered, Origin};
use leadcheck::redact::Redactor;
use leadcheck::scan::{self, Event, LineText, Work};
use leadcheck::schema::{LeadType, Schema, SchemaError, Schemas};

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::exit::Outcome;
use crate::render::progress::Progress;
use crate::render::{self, Entry, InputReport, Streams};

/// `leadcheck validate`: the schema, and the lint rules with `--lint` (at the levels of
/// leadcheck.toml, if there is one).
pub fn run(args: &ValidateArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let config = super::config(None)?;
    let lint = if args.lint {
        let levels = Levels::resolve(config.as_deref(), &[]).map_err(anyhow::Error::msg)?;
        Some(Arc::new(Lint::new(levels, config.clone())))
    } else {
        None
    };
    let (outcome, _) = check(args, config.as_deref(), lint, s)?;
    Ok(outcome)
}

/// What a run found, for the exit status of `lint`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Found {
    pub warnings: u64,
    pub infos: u64,
}

/// Checks every record of the inputs against the schema (and `lint`'s rules), writes what
/// it finds, and tells the outcome and how many findings below `error` there were.
pub fn check(
    args: &ValidateArgs,
    config: Option<&lint::Config>,
    lint: Option<Arc<Lint>>,
    s: &mut Streams<'_>,
) -> Result<(Outcome, Found)> {
    let quiet = args.quiet;
    let started = SystemTime::now();
    let defaults = config.map(|c| &c.validate);
    // The command line first, then leadcheck.toml's [validate] defaults.
    let lead_type = match args.lead_type {
        Some(t) => t.lead_type(),
        None => defaults
            .and_then(|d| d.lead_type.as_deref())
            .and_then(|slug| LeadType::ALL.into_iter().find(|t| t.slug() == slug)),
    };
    let strict = args.strict || defaults.and_then(|d| d.strict).unwrap_or(false);
    let schemas = match (&args.schema, lead_type) {
        (Some(path), _) => Schema::from_path(path).map(Schemas::One),
        (None, Some(lead_type)) => Schema::for_type(lead_type).map(Schemas::One),
        (None, None) => Ok(Schemas::by_type()),
    };
    let schemas = match schemas {
        Ok(schemas) => schemas,
        Err(_) if quiet => return Ok((Outcome::Error, Found::default())),
        Err(e) => return Err(e.into()),
    };
    // The rules about the records of a lead run in input order, here.
    let mut tracker = lint
        .as_ref()
        .map(|l| Tracker::with_rules(l.levels().enabled()))
        .filter(|_| {
            lint.as_ref().is_some_and(|l| {
                l.levels().level(Rule::StateRegression.name()) != Level::Off
                    || l.levels().level(Rule::DuplicateDelivery.name()) != Level::Off
            })
        });
    let options = check::Options {
        strict,
        max_violations: args
            .max_errors
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        detail: if quiet { Detail::Verdict } else { Detail::Full },
        lint: lint.clone(),
    };
    let (inputs, failures) = super::inputs(&args.input, s, quiet)?;
    if let Some(tracker) = &mut tracker {
        tracker.reserve_for_input(inputs.iter().filter_map(|i| i.size).sum());
    }
    let mut run = Run {
        format: args.format,
        quiet,
        collect: !quiet && matches!(args.format, ValidateFormat::Junit | ValidateFormat::Sarif),
        reports: Vec::new(),
        report: None,
        tally: Tally::default(),
        progress: Progress::new(
            s.progress && !quiet,
            inputs.iter().map(|i| i.size).collect(),
            s.width,
        ),
        clock: Instant::now(),
        last: Instant::now(),
        found: Found::default(),
    };
    for e in &failures {
        run.failed(s, e)?;
        run.close_report();
    }
    let scan_options = super::scan_options(&args.input, args.input.jobs);
    let keep_facts = tracker.is_some();
    // The lead rules' findings, placed in the record, added to its verdict.
    let mut follow = |checked: Result<Checked, SchemaError>, delivered: Option<Delivered>| {
        let mut checked = checked?;
        if let (Some(tracker), Some(delivered), Some(lint)) = (&mut tracker, delivered, &lint) {
            let findings = tracker.deliver(&delivered.delivery);
            let findings = lint.leveled(findings, &checked.origin.input);
            checked.add_findings(findings, options.detail, |p| delivered.at(p));
        }
        Ok::<Checked, SchemaError>(checked)
    };
    if args.redact {
        // Placeholders are numbered in input order: records are parsed in parallel, and
        // redacted and checked in order.
        let mut redactor = Redactor::new();
        let work = |item: Item| item;
        scan::scan(inputs, &scan_options, &work, &mut |event| {
            let event = event.map(|mut item| {
                if let Item::Record(r) = &mut item {
                    redactor.value(&mut r.value);
                }
                let delivered = keep_facts.then(|| delivered(&item)).flatten();
                follow(check::check_item(&schemas, item, &options), delivered)
            });
            run.event(s, event)
        })?;
    } else {
        let work = Validating {
            schemas: &schemas,
            options: &options,
            keep_facts,
        };
        scan::scan(inputs, &scan_options, &work, &mut |event| {
            let event = event.map(|Checking(checked, delivered)| follow(checked, delivered));
            run.event(s, event)
        })?;
    }
    run.progress.finish(s.err)?;
    run.close_report();
    if !quiet {
        match run.format {
            ValidateFormat::Text | ValidateFormat::Json => {}
            ValidateFormat::Github => render::github::write_summary(s.out, &run.tally)?,
            ValidateFormat::Junit => {
                let meta = render::junit::Meta {
                    timestamp: render::junit::timestamp(started),
                    hostname: hostname(),
                };
                render::junit::write(s.out, &run.reports, &meta)?
            }
            ValidateFormat::Sarif => render::sarif::write(s.out, &run.reports)?,
        }
    }
    s.out.flush()?;
    if !quiet {
        if lint.is_some() {
            render::text::write_counts_and_findings(
                s.err,
                s.err_palette,
                &run.tally,
                run.found.warnings,
                run.found.infos,
            )?;
        } else {
            render::text::write_counts(s.err, s.err_palette, &run.tally)?;
        }
    }
    Ok((Outcome::of(&run.tally), run.found))
}

/// A record checked on a worker, with what the rules about its lead need (when they run).
struct Checking(Result<Checked, SchemaError>, Option<Delivered>);

impl Numbered for Checking {
    fn set_record(&mut self, record: u64) {
        self.0.set_record(record);
    }
}

/// `validate`'s work on a record, on whichever thread is free: checked, with what the
/// rules about its lead need when they run.
struct Validating<'a> {
    schemas: &'a Schemas,
    options: &'a check::Options,
    keep_facts: bool,
}

impl Work for Validating<'_> {
    type Output = Checking;

    fn work(&self, item: Item) -> Checking {
        let delivered = self.keep_facts.then(|| delivered(&item)).flatten();
        Checking(
            check::check_item(self.schemas, item, self.options),
            delivered,
        )
    }

    /// A line of NDJSON validated in place (see [`check::check_line`]).
    fn line(&self, line: LineText<'_>, origin: &Origin) -> Option<Checking> {
        let (checked, delivered) = check::check_line(self.schemas, line, origin, self.options)?;
        Some(Checking(Ok(checked), delivered))
    }

    /// Lines validated in place, a batch at a time (see [`check::check_lines`]).
    fn lines(&self, lines: &[(LineText<'_>, Origin)], out: &mut Vec<Option<Checking>>) {
        let mut done = Vec::with_capacity(lines.len());
        check::check_lines(self.schemas, lines, self.options, &mut done);
        out.extend(
            done.into_iter()
                .map(|d| d.map(|(checked, delivered)| Checking(Ok(checked), delivered))),
        );
    }
}

/// What the rules about a lead's records read of a record, with where it is.
fn delivered(item: &Item) -> Option<Delivered> {
    match item {
        Item::Record(record) => Delivered::of(record),
        Item::Unreadable(_) => None,
    }
}

/// The state of a run of `validate`.
struct Run {
    format: ValidateFormat,
    quiet: bool,
    /// Records are kept for a document written at the end (JUnit, SARIF).
    collect: bool,
    reports: Vec<InputReport>,
    report: Option<InputReport>,
    tally: Tally,
    progress: Progress,
    /// When the current input started, and when its last record was done.
    clock: Instant,
    last: Instant,
    /// Lint findings below `error`.
    found: Found,
}

impl Run {
    fn close_report(&mut self) {
        if let Some(mut done) = self.report.take() {
            done.elapsed = self.clock.elapsed();
            self.reports.push(done);
        }
    }

    /// An input that cannot be read: a note on stderr, and its place in the format.
    fn failed(&mut self, s: &mut Streams<'_>, e: &InputError) -> Result<()> {
        self.tally.failed_inputs += 1;
        if self.quiet {
            return Ok(());
        }
        self.progress.hide(s.err)?;
        render::text::write_input_error(s.err, s.err_palette, e)?;
        if self.format == ValidateFormat::Github {
            render::github::write_input_error(s.out, e)?;
        }
        if self.collect {
            let report = self
                .report
                .get_or_insert_with(|| InputReport::new(e.input.clone()));
            report.failure = Some(e.clone());
        }
        Ok(())
    }

    fn event(
        &mut self,
        s: &mut Streams<'_>,
        event: Event<Result<Checked, SchemaError>>,
    ) -> Result<()> {
        match event {
            Event::Input { name, .. } => {
                self.tally.inputs += 1;
                self.progress.input();
                self.close_report();
                self.clock = Instant::now();
                self.last = self.clock;
                if self.collect {
                    self.report = Some(InputReport::new(name));
                }
            }
            Event::Failed(e) => self.failed(s, &e)?,
            Event::Idle => s.out.flush()?,
            Event::Item(checked) => {
                let checked = checked?;
                self.tally.add(checked.status());
                self.found.warnings += checked.lint.warnings;
                self.found.infos += checked.lint.infos;
                self.progress.record(checked.origin.offset, s.err)?;
                if self.quiet {
                    return Ok(());
                }
                match self.format {
                    ValidateFormat::Text => {
                        // Only what prints clears the bar (it is drawn again at its next
                        // update, not at once).
                        if checked.status() != Status::Valid {
                            self.progress.hide(s.err)?;
                        }
                        render::text::write_checked(s.out, s.out_palette, &checked)?
                    }
                    ValidateFormat::Json => render::json::write_checked(s.out, &checked)?,
                    ValidateFormat::Github => render::github::write_checked(s.out, &checked)?,
                    ValidateFormat::Junit | ValidateFormat::Sarif => {
                        let now = Instant::now();
                        if let Some(report) = self.report.as_mut() {
                            report.records.push(Entry {
                                checked,
                                elapsed: now - self.last,
                            });
                        }
                        self.last = now;
                        return Ok(());
                    }
                }
                if s.flush_each {
                    s.out.flush()?;
                }
            }
        }
        Ok(())
    }
}

/// This machine's name for the JUnit report, `localhost` when it cannot be told.
fn hostname() -> String {
    let from_env = ["HOSTNAME", "COMPUTERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok());
    from_env
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}
