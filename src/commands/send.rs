//! `leadcheck send`: every record of the inputs (and the bundled samples asked for) POSTed
//! to the user's endpoint as it arrived; each answer shown, the summary on stderr.
//!
//! The deliveries are the library's ([`leadcheck::send`]): this command reads the records
//! through the scanner, plans each delivery on whichever thread is free, and hands them in
//! input order to the sender, which tells it, on this thread, what came back.
//!
//! A `--set` that cannot be made in some record stops the run with exit status 2. When
//! every input can be read twice (files, not stdin or a FIFO), the edits are first tried on
//! every record, so such a run sends nothing at all.

use std::io::Cursor;
use std::sync::Arc;

use anyhow::{Result, anyhow, bail};
use leadcheck::capture::split_lists;
use leadcheck::check::{Checked, Tally};
use leadcheck::client::Target;
use leadcheck::input::{Input, Source};
use leadcheck::reader::{Reader, io_message};
use leadcheck::record::{Item, Origin};
use leadcheck::scan::{self, Event};
use leadcheck::send::{self, Planned, Sender, plan_item};
use leadcheck::tree::{Edit, EditError};

use super::sample::SAMPLES;
use crate::cli::{OutputFormat, SendArgs};
use crate::exit::Outcome;
use crate::render::{self, Streams};

/// `leadcheck send`.
pub fn run(args: &SendArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let target = Target::parse(&args.url)?;
    let samples = sample_items(&args.sample)?;
    let (inputs, failures) = if args.input.inputs.is_empty() && !args.sample.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        super::inputs(&args.input, s, false)?
    };
    // What cannot be opened is found before anything is sent (a FIFO is not opened here:
    // that would wait for its writer).
    let mut failures = failures;
    for input in &inputs {
        if let Source::File(path) = &input.source {
            let opened = if input.size.is_some() {
                std::fs::File::open(path).map(drop)
            } else {
                std::fs::metadata(path).map(drop)
            };
            if let Err(e) = opened {
                failures.push(input.error(None, format!("cannot open: {}", io_message(&e))));
            }
        }
    }
    if !failures.is_empty() {
        for e in &failures {
            render::text::write_input_error(s.err, s.err_palette, e)?;
        }
        bail!(
            "nothing was sent: {} cannot be read",
            match failures.len() {
                1 => "an input".to_string(),
                n => format!("{n} inputs"),
            }
        );
    }
    let edits = &args.set[..];
    let scan_options = super::scan_options(&args.input, args.input.jobs);
    if !edits.is_empty()
        && inputs.iter().all(|i| i.size.is_some())
        && let Some((origin, error)) = first_bad_edit(&samples, &inputs, &scan_options, edits)?
    {
        bail!("{}: {error}; nothing was sent", place(&origin));
    }
    let options = send::Options {
        concurrency: usize::from(args.concurrency),
        rate: args.rate,
        timeout: args.timeout,
        headers: args.headers.clone(),
    };
    let mut sender = if args.dry_run {
        None
    } else {
        Some(Sender::start(target.clone(), options)?)
    };
    let mut run = Run {
        s,
        json: args.format == OutputFormat::Json,
        target,
        edits,
        noted: vec![false; edits.len()],
        tally: Tally::default(),
        planned: 0,
        bad_edit: None,
    };
    for item in samples {
        if let Err(e) = run.planned(plan_item(item, edits), sender.as_mut()) {
            if run.bad_edit.is_none() {
                return Err(e);
            }
            break;
        }
    }
    if run.bad_edit.is_none() {
        let work = |item: Item| plan_item(item, edits);
        let scanned = scan::scan(inputs, &scan_options, &work, &mut |event| {
            run.scanned(event, sender.as_mut())
        });
        if let Err(e) = scanned
            && run.bad_edit.is_none()
        {
            return Err(e);
        }
    }
    let summary = match sender {
        Some(sender) => Some(sender.finish(&mut |e| run.event(e))?),
        None => None,
    };
    let s = run.s;
    s.out.flush()?;
    let every_2xx = summary.as_ref().is_none_or(send::Summary::all_ok);
    match &summary {
        Some(summary) => {
            let line = render::send::summary(s.err_palette, summary, run.tally.unreadable);
            writeln!(s.err, "{line}")?;
        }
        None => writeln!(
            s.err,
            "{}",
            render::send::dry_run_summary(run.planned, run.tally.unreadable)
        )?,
    }
    if let Some(message) = run.bad_edit {
        bail!("{message}; nothing more was sent");
    }
    Ok(Outcome::of_deliveries(&run.tally, every_2xx))
}

/// `INPUT:LINE:COL` of a record, for messages.
fn place(origin: &Origin) -> String {
    render::location(&origin.input, Some(origin.start))
}

/// The records of the bundled samples named (`all`: every one, in order), each sample an
/// input of its own named `<sample NAME>`.
fn sample_items(names: &[String]) -> Result<Vec<Item>> {
    let mut chosen = Vec::new();
    for name in names {
        if name == "all" {
            chosen.extend(SAMPLES.iter());
            continue;
        }
        let Some(sample) = SAMPLES.iter().find(|(n, _, _)| n == name) else {
            let names: Vec<&str> = SAMPLES.iter().map(|(n, _, _)| *n).collect();
            let hint = match leadcheck::suggest::closest(name, names.iter().copied()) {
                Some(near) => format!("did you mean \"{near}\"?"),
                None => format!("the samples are {}, or all", names.join(", ")),
            };
            bail!("--sample: no sample named \"{name}\"; {hint}");
        };
        chosen.push(sample);
    }
    let mut items = Vec::new();
    for (name, _, text) in chosen {
        let input: Arc<str> = format!("<sample {name}>").into();
        let reader = Reader::new(input, Cursor::new(text.as_bytes()));
        let mut n = 0;
        for item in reader {
            let item = item.map_err(|e| anyhow!("reading the bundled sample {name}: {e}"))?;
            for mut item in split_lists(item, true) {
                n += 1;
                item.origin_mut().record = n;
                items.push(item);
            }
        }
    }
    Ok(items)
}

/// The first record (of the samples, then the inputs) in which an edit cannot be made.
fn first_bad_edit(
    samples: &[Item],
    inputs: &[Input],
    options: &scan::Options,
    edits: &[Edit],
) -> Result<Option<(Origin, EditError)>> {
    for item in samples {
        if let Planned::BadEdit { origin, error } = plan_item(item.clone(), edits) {
            return Ok(Some((origin, error)));
        }
    }
    let mut found = None;
    let work = |item: Item| match item {
        Item::Record(record) => match leadcheck::tree::edit(&record.text, edits) {
            Ok(_) => Check(None),
            Err(error) => Check(Some((record.origin, error))),
        },
        Item::Unreadable(_) => Check(None),
    };
    let scanned = scan::scan(inputs.to_vec(), options, &work, &mut |event| {
        if let Event::Item(Check(Some(bad))) = event {
            found = Some(bad);
            // Stops the scan: one is enough.
            return Err(anyhow!("stop"));
        }
        Ok(())
    });
    match (scanned, found) {
        (_, Some(bad)) => Ok(Some(bad)),
        (Err(e), None) => Err(e),
        (Ok(()), None) => Ok(None),
    }
}

/// A record in which an edit cannot be made, if it is one.
struct Check(Option<(Origin, EditError)>);

impl leadcheck::record::Numbered for Check {
    fn set_record(&mut self, record: u64) {
        if let Some((origin, _)) = &mut self.0 {
            origin.record = record;
        }
    }
}

/// The state of a run of `send`.
struct Run<'r, 's> {
    s: &'r mut Streams<'s>,
    json: bool,
    target: Target,
    edits: &'r [Edit],
    /// Edits whose near miss has been noted (once each).
    noted: Vec<bool>,
    tally: Tally,
    /// Deliveries planned (shown by `--dry-run`).
    planned: u64,
    /// Why the run stopped: an edit that cannot be made.
    bad_edit: Option<String>,
}

impl Run<'_, '_> {
    fn scanned(&mut self, event: Event<Planned>, sender: Option<&mut Sender>) -> Result<()> {
        match event {
            Event::Input { .. } => self.tally.inputs += 1,
            Event::Failed(e) => super::failed(self.s, &mut self.tally, &e)?,
            Event::Idle => {
                // The input paused: its answers are shown before more comes.
                if let Some(sender) = sender {
                    sender.drain(&mut |e| self.event(e))?;
                }
                self.s.out.flush()?;
            }
            Event::Item(planned) => self.planned(planned, sender)?,
        }
        Ok(())
    }

    fn planned(&mut self, planned: Planned, sender: Option<&mut Sender>) -> Result<()> {
        match planned {
            Planned::Delivery(d) => {
                self.tally.records += 1;
                for (i, applied) in d.edits.iter().enumerate() {
                    if let Some(near) = &applied.near_miss
                        && !self.noted[i]
                    {
                        self.noted[i] = true;
                        let note = render::send::near_miss(
                            self.s.err_palette,
                            self.edits[i].pointer(),
                            near,
                        );
                        writeln!(self.s.err, "{note}")?;
                    }
                }
                match sender {
                    Some(sender) => sender.send(d, &mut |e| self.event(e))?,
                    None => {
                        self.planned += 1;
                        if self.json {
                            render::send::write_planned_json(self.s.out, &d)?;
                        } else {
                            render::send::write_planned(self.s.out, self.s.out_palette, &d)?;
                        }
                        self.flush_each()?;
                    }
                }
            }
            Planned::Unreadable(u) => {
                self.tally.records += 1;
                self.tally.unreadable += 1;
                if self.json {
                    render::send::write_unreadable_json(self.s.out, &u)?;
                } else {
                    let checked = Checked::unreadable(u);
                    render::text::write_checked(self.s.out, self.s.out_palette, &checked)?;
                }
                self.flush_each()?;
            }
            Planned::BadEdit { origin, error } => {
                let message = format!("{}: {error}", place(&origin));
                self.bad_edit = Some(message);
                // Stops the scan; the deliveries in flight are still waited for.
                return Err(anyhow!("stopped by --set"));
            }
        }
        Ok(())
    }

    /// What the sender tells: an answer (stdout), a change of the endpoint's state (stderr).
    fn event(&mut self, event: send::Event) -> Result<()> {
        match event {
            send::Event::Sent(sent) => {
                if self.json {
                    render::send::write_sent_json(self.s.out, &sent)?;
                } else {
                    render::send::write_sent(self.s.out, self.s.out_palette, &sent)?;
                }
                self.flush_each()?;
            }
            send::Event::Notice(notice) => {
                let line = render::send::notice(self.s.err_palette, &self.target, &notice);
                writeln!(self.s.err, "{line}")?;
            }
        }
        Ok(())
    }

    fn flush_each(&mut self) -> Result<()> {
        if self.s.flush_each {
            self.s.out.flush()?;
        }
        Ok(())
    }
}
