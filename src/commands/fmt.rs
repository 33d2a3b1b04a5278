//! `leadcheck fmt`: every record pretty-printed (or compacted) from its own text.

use anyhow::Result;
use leadcheck::check::{Checked, Tally};
use leadcheck::record::{Item, Numbered, Record};
use leadcheck::redact::Redactor;
use leadcheck::scan::{self, Event};
use leadcheck::tree;

use crate::cli::FmtArgs;
use crate::exit::Outcome;
use crate::render::pretty::Layout;
use crate::render::{self, Palette, Streams};

/// A record formatted (on a worker), or one that could not be read.
enum Formatted {
    Text(Vec<u8>),
    Unreadable(Checked),
}

impl Numbered for Formatted {
    fn set_record(&mut self, record: u64) {
        if let Formatted::Unreadable(c) = self {
            c.set_record(record);
        }
    }
}

/// A record's own text keeps key order and numbers as written (a form body's text is the
/// JSON made from it, keys in the order received).
fn format(
    record: &Record,
    redactor: Option<&mut Redactor>,
    sort_keys: bool,
    palette: Palette,
    layout: Layout,
) -> std::io::Result<Vec<u8>> {
    let mut node = tree::parse(&record.text);
    if let Some(r) = redactor {
        r.node(&mut node);
    }
    if sort_keys {
        tree::sort_keys(&mut node);
    }
    let mut out = Vec::with_capacity(record.text.len() * 2);
    render::pretty::write_node(&mut out, palette, &node, layout)?;
    Ok(out)
}

/// `leadcheck fmt`. Exit status 1 only for unreadable records: fmt does not validate.
pub fn run(args: &FmtArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let mut tally = Tally::default();
    let layout = Layout {
        compact: args.compact,
        indent: usize::from(args.indent),
    };
    let palette = s.out_palette;
    let (inputs, failures) = super::inputs(&args.input, s, false)?;
    for e in &failures {
        super::failed(s, &mut tally, e)?;
    }
    let options = super::scan_options(&args.input, args.input.jobs);
    let mut sink = |s: &mut Streams<'_>, event: Event<std::io::Result<Formatted>>| -> Result<()> {
        match event {
            Event::Input { .. } => tally.inputs += 1,
            Event::Failed(e) => super::failed(s, &mut tally, &e)?,
            Event::Idle => s.out.flush()?,
            Event::Item(formatted) => match formatted? {
                Formatted::Text(text) => {
                    tally.valid += 1;
                    tally.records += 1;
                    s.out.write_all(&text)?;
                    if s.flush_each {
                        s.out.flush()?;
                    }
                }
                Formatted::Unreadable(checked) => {
                    tally.add(checked.status());
                    render::text::write_checked(s.err, s.err_palette, &checked)?;
                }
            },
        }
        Ok(())
    };
    if args.redact {
        // Placeholders are numbered in input order: records are parsed in parallel, and
        // redacted and written in order.
        let mut redactor = Redactor::new();
        let work = |item: Item| item;
        scan::scan(inputs, &options, &work, &mut |event| {
            let event = event.map(|item| match item {
                Item::Record(r) => format(&r, Some(&mut redactor), args.sort_keys, palette, layout)
                    .map(Formatted::Text),
                Item::Unreadable(u) => Ok(Formatted::Unreadable(Checked::unreadable(u))),
            });
            sink(s, event)
        })?;
    } else {
        let work = |item: Item| match item {
            Item::Record(r) => {
                format(&r, None, args.sort_keys, palette, layout).map(Formatted::Text)
            }
            Item::Unreadable(u) => Ok(Formatted::Unreadable(Checked::unreadable(u))),
        };
        scan::scan(inputs, &options, &work, &mut |event| sink(s, event))?;
    }
    s.out.flush()?;
    Ok(Outcome::of(&tally))
}
