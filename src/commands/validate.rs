//! `leadcheck validate`: every record of every input checked against the schema.
//!
//! Text, JSON and GitHub output stream, one record at a time. JUnit and SARIF are one
//! document per run whose totals come first, so their records are kept (without their
//! text) until the end.

use std::time::{Instant, SystemTime};

use anyhow::Result;

use crate::cli::{ValidateArgs, ValidateFormat};
use crate::error::Outcome;
use crate::input::{self, Input};
use crate::pipeline::{self, Event};
use crate::position::LineCol;
use crate::render::progress::Progress;
use crate::render::{self, Entry, InputFailure, InputReport};
use crate::run::Streams;
use crate::schema::{Choice, Schema};
use crate::validate::{Options, Tally};

/// `leadcheck validate`.
pub fn run(args: &ValidateArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let quiet = args.quiet;
    let started = SystemTime::now();
    let choice = match (&args.schema, args.lead_type.lead_type()) {
        (Some(path), _) => Schema::from_path(path).map(Choice::Fixed),
        (None, Some(lead_type)) => Schema::for_type(lead_type).map(Choice::Fixed),
        (None, None) => Ok(Choice::Auto(Box::default())),
    };
    let choice = match choice {
        Ok(choice) => choice,
        Err(e) if quiet => {
            let _ = e;
            return Ok(Outcome::Error);
        }
        Err(e) => return Err(e.into()),
    };
    let options = Options {
        strict: args.strict,
    };
    let format = args.format;
    let collect = !quiet && matches!(format, ValidateFormat::Junit | ValidateFormat::Sarif);
    let mut reports: Vec<InputReport> = Vec::new();
    let mut tally = Tally::default();

    // An input that cannot be read: a note on stderr, and its place in the format.
    let input_error = |s: &mut Streams<'_>,
                       report: Option<&mut InputReport>,
                       name: &str,
                       at: Option<LineCol>,
                       message: String|
     -> Result<()> {
        if quiet {
            return Ok(());
        }
        render::text::write_input_error(s.err, s.err_palette, name, at, &message)?;
        if format == ValidateFormat::Github {
            render::github::write_input_error(s.out, name, at, &message)?;
        }
        if let Some(report) = report {
            report.failure = Some(InputFailure { at, message });
        }
        Ok(())
    };

    let (inputs, errors) = input::expand(&args.input.inputs);
    for e in errors {
        tally.failed_inputs += 1;
        let mut report = InputReport::new(e.name.clone().into());
        input_error(s, Some(&mut report), &e.name, None, e.message)?;
        if collect {
            reports.push(report);
        }
    }
    let jobs = args.jobs.map(usize::from);
    let sizes = inputs.iter().map(Input::size).collect();
    let mut progress = Progress::new(s.progress && !quiet, sizes);
    let mut clock = Instant::now();
    let mut last = clock;
    let mut report: Option<InputReport> = None;
    let input_format = args.input.input_format;
    pipeline::check_inputs(inputs, &choice, options, input_format, jobs, &mut |event| {
        match event {
            Event::Input(name) => {
                tally.inputs += 1;
                progress.input();
                if let Some(mut done) = report.take() {
                    done.elapsed = clock.elapsed();
                    reports.push(done);
                }
                clock = Instant::now();
                last = clock;
                if collect {
                    report = Some(InputReport::new(name));
                }
            }
            Event::InputError { name, at, message } => {
                tally.failed_inputs += 1;
                progress.suspend(|| input_error(s, report.as_mut(), &name, at, message))?;
            }
            Event::Checked(mut checked) => {
                if let Some(max) = args.max_errors {
                    checked.limit(usize::try_from(max).unwrap_or(usize::MAX));
                }
                tally.add(&checked);
                progress.record(checked.origin.offset);
                if quiet {
                    return Ok(());
                }
                match format {
                    ValidateFormat::Text => progress
                        .suspend(|| render::text::write_checked(s.out, s.out_palette, &checked))?,
                    ValidateFormat::Json => render::json::write_checked(s.out, &checked)?,
                    ValidateFormat::Github => render::github::write_checked(s.out, &checked)?,
                    ValidateFormat::Junit | ValidateFormat::Sarif => {
                        let now = Instant::now();
                        if let Some(report) = report.as_mut() {
                            report.records.push(Entry {
                                checked,
                                elapsed: now - last,
                            });
                        }
                        last = now;
                        return Ok(());
                    }
                }
                if s.flush_each {
                    s.out.flush()?;
                }
            }
        }
        Ok(())
    })?;
    progress.finish();
    if let Some(mut done) = report.take() {
        done.elapsed = clock.elapsed();
        reports.push(done);
    }
    if !quiet {
        match format {
            ValidateFormat::Text | ValidateFormat::Json => {}
            ValidateFormat::Github => render::github::write_summary(s.out, &tally)?,
            ValidateFormat::Junit => {
                let meta = render::junit::Meta {
                    timestamp: render::junit::timestamp(started),
                    hostname: hostname(),
                };
                render::junit::write(s.out, &reports, &meta)?
            }
            ValidateFormat::Sarif => render::sarif::write(s.out, &reports)?,
        }
    }
    s.out.flush()?;
    if !quiet {
        writeln!(s.err, "{}", render::text::summary(s.err_palette, &tally))?;
    }
    Ok(tally.outcome())
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
