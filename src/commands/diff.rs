//! `leadcheck diff OLD NEW`: what changed between two payloads, or between two captures
//! lead by lead.
//!
//! Both inputs are read whole before anything is compared (one payload, or one state per
//! lead). An unreadable record makes the comparison meaningless, so it is reported, as
//! `validate` reports it, and nothing is compared (exit status 2).

use std::path::Path;

use anyhow::{Result, bail};
use serde_json::Value;

use crate::capture::{self, Format, Reading};
use crate::cli::{DiffArgs, DiffFormat};
use crate::diff::{self, Change, Diff, Ignore, Kind, Options};
use crate::error::Outcome;
use crate::input::{Input, Item, Origin};
use crate::leads::{self, Pairing, States};
use crate::render::{self, diff as out};
use crate::run::Streams;

/// What one side holds once read.
struct Side {
    name: String,
    records: u64,
    /// The first record while it is the only one (then `states` is empty).
    first: Option<(Value, Origin)>,
    states: States,
    /// Records of a capture without a lead_id (not compared).
    without_id: Vec<Origin>,
    /// Unreadable records, or the input could not be opened or read.
    failed: bool,
}

impl Side {
    /// Takes a record of a capture into account.
    fn add(&mut self, value: Value, origin: Origin, literal: bool) {
        let at = origin.clone();
        if self.states.add(value, origin, literal).is_err() {
            self.without_id.push(at);
        }
    }
}

/// `leadcheck diff`.
pub fn run(args: &DiffArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let ignore = Ignore::new(&args.compare.ignore).map_err(anyhow::Error::msg)?;
    let options = Options {
        ignore,
        ..Options::default()
    };
    let literal = args.compare.literal;
    if is_stdin(&args.old) && is_stdin(&args.new) {
        bail!("OLD and NEW cannot both be `-`: stdin can be read only once");
    }
    let mut old = read_side(&args.old, Format::Auto, literal, args.quiet, s)?;
    let mut new = read_side(&args.new, Format::Auto, literal, args.quiet, s)?;
    if old.failed || new.failed {
        return Ok(Outcome::Error);
    }
    if old.records == 1 && new.records == 1 {
        let (Some((old_value, _)), Some((new_value, new_origin))) = (&old.first, &new.first) else {
            unreachable!("a side with one record keeps it");
        };
        let overlaid;
        let compared = if !literal && leads::is_update(new_value) {
            overlaid = leads::overlay(old_value, new_value);
            &overlaid
        } else {
            new_value
        };
        let found = diff::diff(old_value, compared, &options);
        if !args.quiet {
            write_direct(args.format, &found, new_origin, s)?;
        }
        return Ok(if found.is_empty() {
            Outcome::Ok
        } else {
            Outcome::Found
        });
    }
    if args.format == DiffFormat::Patch {
        bail!(
            "--format patch turns one payload into another, but {} holds {} and {} holds {} \
             (--format json lists the changes of captures lead by lead)",
            old.name,
            records(old.records),
            new.name,
            records(new.records)
        );
    }
    // A side with a lone record is a capture of one lead, then.
    for side in [&mut old, &mut new] {
        if let Some((value, origin)) = side.first.take() {
            side.add(value, origin, literal);
        }
    }
    if !args.quiet {
        for origin in old.without_id.iter().chain(&new.without_id) {
            out::write_note(
                s.err,
                s.err_palette,
                origin,
                "no lead_id: record left out of the comparison",
            )?;
        }
    }
    let pairs = leads::pair(&old.states, &new.states, literal);
    let mut differ = false;
    let mut json: Vec<(Value, Change)> = Vec::new();
    let mut counts = Counts::default();
    for pairing in &pairs {
        match pairing {
            Pairing::OnlyOld(state) => {
                differ = true;
                counts.only_old += 1;
                if args.quiet {
                    continue;
                }
                match args.format {
                    DiffFormat::Json => json.push((state.id.clone(), whole(Kind::Removed, state))),
                    _ => write_lead_line(
                        s,
                        "-",
                        state,
                        &format!("only in OLD ({})", at(&state.last)),
                    )?,
                }
            }
            Pairing::OnlyNew(state) => {
                differ = true;
                counts.only_new += 1;
                if args.quiet {
                    continue;
                }
                match args.format {
                    DiffFormat::Json => json.push((state.id.clone(), whole(Kind::Added, state))),
                    _ => write_lead_line(
                        s,
                        "+",
                        state,
                        &format!("only in NEW ({})", at(&state.last)),
                    )?,
                }
            }
            Pairing::Both(o, n, compared) => {
                counts.both += 1;
                let found = diff::diff(&o.value, compared, &options);
                if found.is_empty() {
                    continue;
                }
                differ = true;
                counts.changed += 1;
                let (a, r, c) = found.counts();
                counts.changes = (
                    counts.changes.0 + a,
                    counts.changes.1 + r,
                    counts.changes.2 + c,
                );
                if args.quiet {
                    continue;
                }
                for f in &found.fallbacks {
                    out::write_note(s.err, s.err_palette, &n.last, &out::fallback_message(f))?;
                }
                match args.format {
                    DiffFormat::Json => {
                        json.extend(found.changes.into_iter().map(|c| (o.id.clone(), c)));
                    }
                    _ => {
                        let detail = format!("({} → {})", at(&o.last), at(&n.last));
                        write_lead_line(s, "~", o, &detail)?;
                        out::write_changes(s.out, s.out_palette, &found.changes, "    ")?;
                    }
                }
            }
        }
        if s.flush_each {
            s.out.flush()?;
        }
    }
    if !args.quiet {
        match args.format {
            DiffFormat::Json => {
                let list: Vec<_> = json
                    .iter()
                    .map(|(id, c)| out::ChangeJson::new(Some(id), c))
                    .collect();
                out::write_json(s.out, &list)?;
            }
            _ => writeln!(s.err, "{}", counts.summary())?,
        }
    }
    s.out.flush()?;
    Ok(if differ { Outcome::Found } else { Outcome::Ok })
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn records(n: u64) -> String {
    format!("{n} record{}", if n == 1 { "" } else { "s" })
}

fn at(origin: &Origin) -> String {
    format!("{}:{}", origin.input, origin.start)
}

/// A lead only on one side, as one change of the whole lead.
fn whole(kind: Kind, state: &leads::State) -> Change {
    let (old, new) = match kind {
        Kind::Removed => (Some(state.value.clone()), None),
        _ => (None, Some(state.value.clone())),
    };
    Change {
        pointer: String::new(),
        kind,
        old,
        new,
        path: String::new(),
    }
}

fn write_lead_line(
    s: &mut Streams<'_>,
    mark: &str,
    state: &leads::State,
    detail: &str,
) -> Result<()> {
    let p = s.out_palette;
    let mark = match mark {
        "+" => p.good(mark),
        "-" => p.error(mark),
        _ => p.warn(mark),
    };
    let id = match &state.id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    writeln!(
        s.out,
        "{mark} {} {detail}",
        p.location(&format!("lead {id}"))
    )?;
    Ok(())
}

#[derive(Debug, Default)]
struct Counts {
    both: usize,
    changed: usize,
    only_old: usize,
    only_new: usize,
    changes: (usize, usize, usize),
}

impl Counts {
    fn summary(&self) -> String {
        format!(
            "{} in both ({} changed), {} only in OLD, {} only in NEW; {}",
            match self.both {
                1 => "1 lead".to_string(),
                n => format!("{n} leads"),
            },
            self.changed,
            self.only_old,
            self.only_new,
            out::change_counts(self.changes)
        )
    }
}

/// One payload against another.
fn write_direct(
    format: DiffFormat,
    found: &Diff,
    new_origin: &Origin,
    s: &mut Streams<'_>,
) -> Result<()> {
    for f in &found.fallbacks {
        out::write_note(s.err, s.err_palette, new_origin, &out::fallback_message(f))?;
    }
    match format {
        DiffFormat::Text => {
            out::write_changes(s.out, s.out_palette, &found.changes, "")?;
            writeln!(s.err, "{}", out::change_counts(found.counts()))?;
        }
        DiffFormat::Json => {
            let list: Vec<_> = found
                .changes
                .iter()
                .map(|c| out::ChangeJson::new(None, c))
                .collect();
            out::write_json(s.out, &list)?;
        }
        DiffFormat::Patch => out::write_json(s.out, &diff::patch(&found.changes))?,
    }
    s.out.flush()?;
    Ok(())
}

/// Reads one side whole, reporting what cannot be read on stderr.
fn read_side(
    path: &Path,
    format: Format,
    literal: bool,
    quiet: bool,
    s: &mut Streams<'_>,
) -> Result<Side> {
    let input = if is_stdin(path) {
        Input::stdin()
    } else {
        Input::file(path.to_path_buf())
    };
    let mut side = Side {
        name: input.name.to_string(),
        records: 0,
        first: None,
        states: States::default(),
        without_id: Vec::new(),
        failed: false,
    };
    capture::read_input_whole(&input, format, &mut |read| {
        match read {
            Reading::Failed { at, message } => {
                side.failed = true;
                if !quiet {
                    render::text::write_input_error(
                        s.err,
                        s.err_palette,
                        &input.name,
                        at,
                        &message,
                    )?;
                }
            }
            Reading::Item(Item::Unreadable(u)) => {
                side.failed = true;
                if !quiet {
                    out::write_unreadable(s.err, s.err_palette, &u)?;
                }
            }
            Reading::Item(Item::Record(record)) => {
                side.records += 1;
                // The first record is kept as it is until a second one shows the input is
                // a capture: a payload is never held twice.
                if side.records == 1 {
                    side.first = Some((record.value, record.origin));
                    return Ok(());
                }
                if let Some((value, origin)) = side.first.take() {
                    side.add(value, origin, literal);
                }
                side.add(record.value, record.origin, literal);
            }
        }
        Ok(())
    })?;
    Ok(side)
}
