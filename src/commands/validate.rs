//! `leadcheck validate`: every record of every input checked against the schema.
//!
//! Text, JSON and GitHub output stream, one record at a time. JUnit and SARIF are one
//! document per run whose totals come first, so their records are kept (without their
//! text) until the end.

use std::time::{Instant, SystemTime};

use anyhow::Result;
use leadcheck::check::{self, Checked, Detail, Tally};
use leadcheck::input::InputError;
use leadcheck::record::Item;
use leadcheck::redact::Redactor;
use leadcheck::scan::{self, Event};
use leadcheck::schema::{Choice, Schema, SchemaError};

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::exit::Outcome;
use crate::render::progress::Progress;
use crate::render::{self, Entry, InputReport, Streams};

/// `leadcheck validate`.
pub fn run(args: &ValidateArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let quiet = args.quiet;
    let started = SystemTime::now();
    let choice = match (&args.schema, args.lead_type.lead_type()) {
        (Some(path), _) => Schema::from_path(path).map(Choice::Fixed),
        (None, Some(lead_type)) => Schema::for_type(lead_type).map(Choice::Fixed),
        (None, None) => Ok(Choice::auto()),
    };
    let choice = match choice {
        Ok(choice) => choice,
        Err(_) if quiet => return Ok(Outcome::Error),
        Err(e) => return Err(e.into()),
    };
    let options = check::Options {
        strict: args.strict,
        max_violations: args
            .max_errors
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        detail: if quiet { Detail::Verdict } else { Detail::Full },
    };
    let (inputs, failures) = super::inputs(&args.input, s, quiet)?;
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
        ),
        clock: Instant::now(),
        last: Instant::now(),
    };
    for e in &failures {
        run.failed(s, e)?;
        run.close_report();
    }
    let scan_options = super::scan_options(&args.input, args.input.jobs);
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
                check::check_item(&choice, item, &options)
            });
            run.event(s, event)
        })?;
    } else {
        let work = |item: Item| check::check_item(&choice, item, &options);
        scan::scan(inputs, &scan_options, &work, &mut |event| {
            run.event(s, event)
        })?;
    }
    run.progress.finish();
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
        render::text::write_counts(s.err, s.err_palette, &run.tally)?;
    }
    Ok(Outcome::of(&run.tally))
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
        self.progress
            .suspend(|| render::text::write_input_error(s.err, s.err_palette, e))?;
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
                self.progress.record(checked.origin.offset);
                if self.quiet {
                    return Ok(());
                }
                match self.format {
                    ValidateFormat::Text => self
                        .progress
                        .suspend(|| render::text::write_checked(s.out, s.out_palette, &checked))?,
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
