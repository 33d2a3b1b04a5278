//! `leadcheck diff OLD NEW`: what changed between two payloads, or between two captures
//! lead by lead.
//!
//! Both inputs are read whole before anything is compared (one payload, or one state per
//! lead). A record that cannot be read makes the comparison meaningless: it is reported,
//! as `validate` reports it, and nothing is compared (exit status 1, as for an unreadable
//! record in every command).

use std::path::Path;

use anyhow::{Result, bail};
use leadcheck::capture::ReadOptions;
use leadcheck::check::Checked;
use leadcheck::diff::{self, Change, Diff, Kind};
use leadcheck::input::{Input, InputError};
use leadcheck::leads::{self, Pairing, States};
use leadcheck::record::{Item, Origin, Record};
use leadcheck::scan::{self, Event};
use serde_json::Value;

use crate::cli::{DiffArgs, DiffFormat};
use crate::exit::Outcome;
use crate::render::diff::{self as out, DiffCounts};
use crate::render::{self, Streams};

/// What one side holds once read.
struct Side {
    name: String,
    records: u64,
    /// The first record while it is the only one (then `states` is empty).
    first: Option<Record>,
    states: States,
    /// Records of a capture without a lead_id (not compared).
    without_id: Vec<Origin>,
    /// Unreadable records.
    unreadable: u64,
    /// The input could not be opened or read.
    failed: bool,
}

impl Side {
    /// Takes a record of a capture into account.
    fn add(&mut self, record: Record, literal: bool) {
        let at = record.origin.clone();
        if self
            .states
            .add(&record.value, &record.text, record.origin, literal)
            .is_err()
        {
            self.without_id.push(at);
        }
    }
}

/// `leadcheck diff`.
pub fn run(args: &DiffArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let options = super::diff_options(&args.compare)?;
    let literal = args.compare.literal;
    if is_stdin(&args.old) && is_stdin(&args.new) {
        bail!("OLD and NEW cannot both be `-`: stdin can be read only once");
    }
    let mut old = read_side(&args.old, literal, args.quiet, s)?;
    let mut new = read_side(&args.new, literal, args.quiet, s)?;
    if old.failed || new.failed {
        return Ok(Outcome::Error);
    }
    // A comparison with a record left out would say things that are not so (a lead only
    // in NEW that is in OLD's unreadable record): nothing is compared.
    if old.unreadable + new.unreadable > 0 {
        return Ok(Outcome::Found);
    }
    if old.records == 1 && new.records == 1 {
        let (Some(o), Some(n)) = (&old.first, &new.first) else {
            unreachable!("a side with one record keeps it");
        };
        // An update carries only what changed: it is laid over OLD (unless --literal).
        let compared = if !literal && leads::is_update(&n.value) {
            leads::overlay_text(&o.text, &n.text)
        } else {
            n.text.clone()
        };
        // Numbers compared exactly as the two records wrote them.
        let found = leads::diff_texts(&o.text, &compared, &options);
        if !args.quiet {
            write_direct(args.format, &found, &n.origin, s)?;
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
            render::escape(&old.name),
            render::text::plural(old.records, "record"),
            render::escape(&new.name),
            render::text::plural(new.records, "record")
        );
    }
    // A side with a lone record is a capture of one lead, then.
    for side in [&mut old, &mut new] {
        if let Some(record) = side.first.take() {
            side.add(record, literal);
        }
    }
    if !args.quiet {
        for origin in old.without_id.iter().chain(&new.without_id) {
            render::text::write_note(
                s.err,
                s.err_palette,
                &origin.input,
                Some(origin.start),
                "no lead_id: record left out of the comparison",
            )?;
        }
    }
    let pairs = leads::pair(&old.states, &new.states);
    let mut differ = false;
    let mut json: Vec<(Value, Change)> = Vec::new();
    let mut counts = DiffCounts::default();
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
                    _ => out::write_lead_only(s.out, s.out_palette, state, false)?,
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
                    _ => out::write_lead_only(s.out, s.out_palette, state, true)?,
                }
            }
            Pairing::Both(o, n) => {
                counts.both += 1;
                let found = leads::compare(o, n, literal, &options);
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
                    out::write_fallback(s.err, s.err_palette, &n.last, f)?;
                }
                match args.format {
                    DiffFormat::Json => {
                        json.extend(found.changes.into_iter().map(|c| (o.id.clone(), c)));
                    }
                    _ => {
                        out::write_lead_changed(s.out, s.out_palette, o, n)?;
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
            _ => out::write_diff_counts(s.err, &counts)?,
        }
    }
    s.out.flush()?;
    Ok(if differ { Outcome::Found } else { Outcome::Ok })
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A lead only on one side, as one change of the whole lead.
fn whole(kind: Kind, state: &leads::State) -> Change {
    let (old, new) = match kind {
        Kind::Removed => (Some(state.value()), None),
        _ => (None, Some(state.value())),
    };
    Change {
        pointer: String::new(),
        kind,
        old,
        new,
        path: String::new(),
        old_text: None,
        new_text: None,
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
        out::write_fallback(s.err, s.err_palette, new_origin, f)?;
    }
    match format {
        DiffFormat::Text => {
            out::write_changes(s.out, s.out_palette, &found.changes, "")?;
            out::write_change_counts(s.err, found.counts())?;
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

/// Reads one side whole, reporting what cannot be read on stderr. API lists stay one
/// record: documents are compared as they are.
fn read_side(path: &Path, literal: bool, quiet: bool, s: &mut Streams<'_>) -> Result<Side> {
    let input = if is_stdin(path) {
        Input::stdin()
    } else {
        let mut input = Input::file(path.to_path_buf());
        input.size = std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        input
    };
    let mut side = Side {
        name: input.name.to_string(),
        records: 0,
        first: None,
        states: States::default(),
        without_id: Vec::new(),
        unreadable: 0,
        failed: false,
    };
    let options = scan::Options {
        read: ReadOptions {
            lists: false,
            ..ReadOptions::default()
        },
        ..scan::Options::default()
    };
    let work = |item: Item| item;
    let report = |s: &mut Streams<'_>, e: &InputError| -> Result<()> {
        if !quiet {
            render::text::write_input_error(s.err, s.err_palette, e)?;
        }
        Ok(())
    };
    scan::scan(vec![input], &options, &work, &mut |event| -> Result<()> {
        match event {
            Event::Input { .. } | Event::Idle => {}
            Event::Failed(e) => {
                side.failed = true;
                report(s, &e)?;
            }
            Event::Item(Item::Unreadable(u)) => {
                side.unreadable += 1;
                if !quiet {
                    let checked = Checked::unreadable(u);
                    render::text::write_checked(s.err, s.err_palette, &checked)?;
                }
            }
            Event::Item(Item::Record(record)) => {
                side.records += 1;
                // The first record is kept as it is until a second one shows the input is
                // a capture: a payload is never held twice.
                if side.records == 1 {
                    side.first = Some(record);
                    return Ok(());
                }
                if let Some(first) = side.first.take() {
                    side.add(first, literal);
                }
                side.add(record, literal);
            }
        }
        Ok(())
    })?;
    Ok(side)
}
