//! `leadcheck sample [NAME]`: the bundled sample payloads, compiled into the binary.

use anyhow::{Result, bail};

use crate::cli::SampleArgs;
use crate::exit::Outcome;
use crate::render::Streams;

/// `(name, description, text)` of every bundled sample; the first is the default. One of
/// each lead type WhatConverts sends, an `update` of each (partial: the changed fields and
/// the common ones, as the update trigger sends them), the in-progress states, and an API
/// object. Each is valid against its type's bundled schema (tests/explain.rs checks it).
pub const SAMPLES: [(&str, &str, &str); 21] = [
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
        "a partial `update` of the chat: the changed fields and a few common ones",
        include_str!("../../samples/valid/update-partial.json"),
    ),
    (
        "phone-call",
        "a completed phone call: recording, transcription, lead analysis",
        include_str!("../../samples/types/phone-call.json"),
    ),
    (
        "phone-call-in-progress",
        "a phone call still in progress (no duration or recording yet)",
        include_str!("../../samples/types/phone-call-in-progress.json"),
    ),
    (
        "phone-call-update",
        "an `update` of the phone call: quoted, scored, analysed",
        include_str!("../../samples/updates/phone-call-update.json"),
    ),
    (
        "web-form",
        "a web form: additional fields (case-variant twins too), field mappings",
        include_str!("../../samples/types/web-form.json"),
    ),
    (
        "web-form-update",
        "an `update` of the web form: quoted, sold, mappings edited",
        include_str!("../../samples/updates/web-form-update.json"),
    ),
    (
        "transaction",
        "a transaction: order id, tax, shipping",
        include_str!("../../samples/types/transaction.json"),
    ),
    (
        "transaction-update",
        "an `update` of the transaction: a partial refund",
        include_str!("../../samples/updates/transaction-update.json"),
    ),
    (
        "text-message",
        "a text message from a mobile visitor",
        include_str!("../../samples/types/text-message.json"),
    ),
    (
        "text-message-update",
        "an `update` of the text message: a repeat lead, answered",
        include_str!("../../samples/updates/text-message-update.json"),
    ),
    (
        "email",
        "an email lead: sender, subject, message",
        include_str!("../../samples/types/email.json"),
    ),
    (
        "email-update",
        "an `update` of the email: quoted",
        include_str!("../../samples/updates/email-update.json"),
    ),
    (
        "event",
        "an event: category, action, label",
        include_str!("../../samples/types/event.json"),
    ),
    (
        "event-update",
        "an `update` of the event: marked as spam",
        include_str!("../../samples/updates/event-update.json"),
    ),
    (
        "appointment",
        "an appointment booked online",
        include_str!("../../samples/types/appointment.json"),
    ),
    (
        "appointment-update",
        "an `update` of the appointment: sold",
        include_str!("../../samples/updates/appointment-update.json"),
    ),
    (
        "other",
        "an Other lead entered by hand",
        include_str!("../../samples/types/other.json"),
    ),
    (
        "other-update",
        "an `update` of the Other lead: quote pending",
        include_str!("../../samples/updates/other-update.json"),
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
