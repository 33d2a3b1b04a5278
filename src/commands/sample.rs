//! `leadcheck sample [NAME]`: the bundled sample payloads, compiled into the binary.

use anyhow::{Result, bail};

use crate::cli::SampleArgs;
use crate::exit::Outcome;
use crate::render::Streams;

/// `(name, description, text)` of every bundled sample; the first is the default.
pub const SAMPLES: [(&str, &str, &str); 4] = [
    (
        "chat-in-progress",
        "the official Chat (In Progress) webhook example, exactly as published",
        include_str!("../../samples/chat-in-progress.json"),
    ),
    (
        "chat-completed",
        "the same chat once completed",
        include_str!("../../samples/valid/completed.json"),
    ),
    (
        "chat-update",
        "a partial `update` payload: the changed fields and a few common ones",
        include_str!("../../samples/valid/update-partial.json"),
    ),
    (
        "api-object",
        "a lead object as the API returns it (no `trigger`)",
        include_str!("../../samples/valid/api-object.json"),
    ),
];

/// `leadcheck sample`. An unknown name is a usage error (exit status 2).
pub fn run(args: &SampleArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    if args.list {
        let width = SAMPLES.iter().map(|(n, _, _)| n.len()).max().unwrap_or(0);
        for (name, description, _) in SAMPLES {
            writeln!(s.out, "{name:width$}  {description}")?;
        }
    } else {
        let Some((_, _, text)) = SAMPLES.iter().find(|(n, _, _)| *n == args.name) else {
            let names: Vec<&str> = SAMPLES.iter().map(|(n, _, _)| *n).collect();
            let hint = match leadcheck::suggest::closest(&args.name, names.iter().copied()) {
                Some(name) => format!("did you mean \"{name}\"?"),
                None => format!("the samples are {}", names.join(", ")),
            };
            bail!("no sample named \"{}\"; {hint}", args.name);
        };
        s.out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            writeln!(s.out)?;
        }
    }
    s.out.flush()?;
    Ok(Outcome::Ok)
}
