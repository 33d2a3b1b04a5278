//! `leadcheck fmt`: every record pretty-printed (or compacted) from its own text.

use anyhow::Result;

use crate::cli::FmtArgs;
use crate::error::Outcome;
use crate::fmt;
use crate::input::Item;
use crate::redact::Redactor;
use crate::render;
use crate::render::pretty::Layout;
use crate::run::Streams;
use crate::validate::Tally;

/// `leadcheck fmt`. Exit status 1 only for unreadable records: fmt does not validate.
pub fn run(args: &FmtArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let mut tally = Tally::default();
    let mut redactor = args.redact.then(Redactor::new);
    let layout = Layout {
        compact: args.compact,
        indent: usize::from(args.indent),
    };
    let inputs = super::each_item(&args.input.inputs, args.input.input_format, s, |s, item| {
        tally.records += 1;
        match item {
            Item::Record(record) => {
                tally.valid += 1;
                // A record's own text keeps key order and numbers as written; a form
                // body's text is not JSON, so that record is printed from its value.
                let raw_is_json =
                    serde_json::from_slice::<serde::de::IgnoredAny>(&record.raw).is_ok();
                let text;
                let mut node = if raw_is_json {
                    fmt::parse(&record.raw)
                } else {
                    text = serde_json::to_vec(&record.value)?;
                    fmt::parse(&text)
                };
                if let Some(r) = &mut redactor {
                    r.node(&mut node);
                }
                if args.sort_keys {
                    fmt::sort_keys(&mut node);
                }
                render::pretty::write_node(s.out, s.out_palette, &node, layout)?;
            }
            Item::Unreadable(u) => {
                tally.unreadable += 1;
                let checked = crate::validate::unreadable(u);
                render::text::write_checked(s.err, s.err_palette, &checked)?;
            }
        }
        Ok(())
    })?;
    tally.inputs = inputs.inputs;
    tally.failed_inputs = inputs.failed_inputs;
    Ok(tally.outcome())
}
