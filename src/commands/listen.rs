//! `leadcheck listen`: receive webhooks, keep every delivery in a capture file, check each
//! one as it arrives, show it on one line, and forward it to the user's app.
//!
//! The receiving is [`crate::listen`]'s; this command resolves the flags, gives it the
//! check (each body read as `validate` reads it in the capture, so positions point into
//! the capture file), and prints its events until Ctrl-C or SIGTERM.

use std::io::{Cursor, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use anyhow::{Result, bail};
use serde_json::Value;

use crate::capture::{self, Format};
use crate::cli::{ListenArgs, OutputFormat};
use crate::client::Target;
use crate::error::Outcome;
use crate::input::{Item, Origin, Unreadable};
use crate::listen::{self, Config, Delivery, Event, Judgement, Verdict};
use crate::position::LineCol;
use crate::redact::Redactor;
use crate::render;
use crate::run::Streams;
use crate::schema::Choice;
use crate::validate::{self, Checked, Options, Status};

/// A redactor is replaced after this many deliveries, so a long run's memory stays bounded
/// (placeholders are stable within each stretch).
const REDACTOR_RENEWAL: u64 = 10_000;

/// What the check found in one delivery's body: its records, checked, with their
/// positions in the capture file.
#[derive(Debug)]
pub struct Judged {
    pub records: Vec<Checked>,
    /// The first record's lead type, lead_id and trigger.
    pub lead_type: Option<String>,
    pub lead_id: Option<Value>,
    pub trigger: Option<String>,
}

impl Judgement for Judged {
    fn verdict(&self) -> Verdict {
        let worst = self.records.iter().map(|c| &c.status).fold(None, |w, s| {
            Some(match (w, s) {
                (Some(Status::Unreadable), _) | (_, Status::Unreadable) => Status::Unreadable,
                (Some(Status::Invalid), _) | (_, Status::Invalid) => Status::Invalid,
                _ => Status::Valid,
            })
        });
        match worst {
            Some(Status::Valid) => Verdict::Valid,
            Some(Status::Invalid) => Verdict::Invalid,
            Some(Status::Unreadable) | None => Verdict::Unreadable,
        }
    }
}

/// `leadcheck listen`: runs until stopped; exit status 0 then, 2 when it cannot start.
pub fn run(args: &ListenArgs, s: &mut Streams<'_>) -> Result<Outcome> {
    let secret = match &args.secret_env {
        None => None,
        Some(var) => match std::env::var(var) {
            Ok(value) if !value.is_empty() => Some(value),
            _ => bail!("--secret-env {var}: the environment variable {var} is not set, or empty"),
        },
    };
    let forward = args.forward.as_deref().map(Target::parse).transpose()?;
    let mut config = Config::new(SocketAddr::new(args.host, args.port), args.out.clone());
    config.path = args.path.clone();
    config.forward = forward;
    config.fsync = match args.fsync {
        crate::cli::FsyncChoice::Batch => listen::Fsync::Batch,
        crate::cli::FsyncChoice::Always => listen::Fsync::Always,
        crate::cli::FsyncChoice::Never => listen::Fsync::Never,
    };
    config.secret = secret;
    config.limits.max_body = usize::try_from(args.max_body).unwrap_or(usize::MAX);
    let capture_name: Arc<str> = args.out.display().to_string().into();
    let choice = Arc::new(Choice::Auto(Box::default()));
    let redactor = args.redact.then(|| Mutex::new((0u64, Redactor::new())));
    let check = {
        let capture_name = capture_name.clone();
        move |d: &Delivery<'_>| judge(&choice, &capture_name, d, redactor.as_ref())
    };
    let running = listen::start(config.clone(), check)?;
    writeln!(
        s.err,
        "{}",
        render::listen::listening(
            s.err_palette,
            running.local_addr(),
            &config,
            running.records_before()
        )
    )?;
    s.err.flush()?;
    let json = args.format == OutputFormat::Json;
    // Lines are written in blocks while events keep coming, and flushed as soon as none is
    // waiting: a burst costs few writes, a lone delivery shows at once.
    let mut out = std::io::BufWriter::with_capacity(64 << 10, &mut *s.out);
    loop {
        let event = match running
            .events()
            .recv_timeout(Some(std::time::Duration::ZERO))
        {
            Ok(Some(event)) => event,
            Ok(None) => break,
            Err(()) => {
                out.flush()?;
                match running.events().recv() {
                    Some(event) => event,
                    None => break,
                }
            }
        };
        match event {
            Event::Delivery(received) => {
                let j = &received.judgement;
                let shown = render::listen::Shown {
                    seq: received.seq,
                    received: received.received,
                    peer: received.peer,
                    content_type: received.content_type.as_deref(),
                    body_len: received.body_len,
                    place: received.place,
                    lead_type: j.lead_type.as_deref(),
                    lead_id: j.lead_id.as_ref(),
                    trigger: j.trigger.as_deref(),
                    records: &j.records,
                };
                if json {
                    render::listen::write_delivery_json(&mut out, &shown)?;
                } else {
                    render::listen::write_delivery(&mut out, s.out_palette, &shown)?;
                }
            }
            Event::Forwarded { seq, result } => {
                if json {
                    render::listen::write_forwarded_json(&mut out, seq, &result)?;
                } else {
                    render::listen::write_forwarded(&mut out, s.out_palette, seq, &result)?;
                }
            }
            Event::Notice(notice) => {
                writeln!(s.err, "{}", render::listen::notice(s.err_palette, &notice))?;
            }
            Event::NotShown { events } => {
                writeln!(
                    s.err,
                    "{}",
                    render::listen::not_shown(s.err_palette, events)
                )?;
            }
            Event::Stopped(counts) => {
                out.flush()?;
                writeln!(s.err, "{}", render::listen::counts(s.err_palette, &counts))?;
            }
        }
    }
    out.flush()?;
    drop(out);
    running.wait();
    Ok(Outcome::Ok)
}

/// Checks a stored delivery's body as `validate` checks it in the capture: through the
/// reader of raw HTTP captures (so form bodies and gzip are read too), with positions in
/// the capture file.
fn judge(
    choice: &Choice,
    capture: &Arc<str>,
    d: &Delivery<'_>,
    redactor: Option<&Mutex<(u64, Redactor)>>,
) -> Judged {
    // The delivery as a one-request capture with the headers that decide how its body is
    // read; its records' positions are then moved to where the body is in the capture.
    let mut request = format!("POST {} HTTP/1.1\r\n", d.target).into_bytes();
    for name in ["Content-Type", "Content-Encoding"] {
        if let Some(value) = d.header(name) {
            request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
    }
    request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", d.body.len()).as_bytes());
    let from = (LineCol::START.advance(&request), request.len() as u64);
    let to = (d.place.body_at, d.place.body_offset);
    request.extend_from_slice(d.body);
    let items = capture::records(
        capture.clone(),
        Box::new(Cursor::new(request)),
        Format::Http,
        None,
    );
    let mut judged = Judged {
        records: Vec::new(),
        lead_type: None,
        lead_id: None,
        trigger: None,
    };
    for item in items {
        let item = match item {
            Ok(item) => item,
            // Reading from memory does not fail; should it, the body is unreadable.
            Err(e) => Item::Unreadable(Unreadable {
                origin: Origin {
                    input: capture.clone(),
                    record: 0,
                    start: to.0,
                    offset: to.1,
                },
                at: to.0,
                message: crate::input::io_message(&e),
            }),
        };
        let mut item = moved(item, from, to, d.seq);
        if let Item::Record(record) = &mut item {
            if judged.records.is_empty() {
                let text = |k: &str| {
                    record
                        .value
                        .get(k)
                        .and_then(Value::as_str)
                        .map(str::to_string)
                };
                judged.lead_type = text("lead_type");
                judged.trigger = text("trigger");
                judged.lead_id = record.value.get("lead_id").cloned();
            }
            if let Some(redactor) = redactor {
                let mut r = redactor.lock().unwrap_or_else(|p| p.into_inner());
                r.0 += 1;
                if r.0 % REDACTOR_RENEWAL == 0 {
                    r.1 = Redactor::new();
                }
                r.1.value(&mut record.value);
            }
        }
        let checked =
            validate::check_choice(choice, item, Options::default()).unwrap_or_else(|e| {
                validate::unreadable(Unreadable {
                    origin: Origin {
                        input: capture.clone(),
                        record: d.seq,
                        start: to.0,
                        offset: to.1,
                    },
                    at: to.0,
                    message: e.to_string(),
                })
            });
        judged.records.push(checked);
    }
    judged
}

/// An item read from the one-request capture, moved to where its body is in the real
/// capture: `from` is the body's position and offset in the one-request capture, `to` in
/// the real one.
fn moved(item: Item, from: (LineCol, u64), to: (LineCol, u64), seq: u64) -> Item {
    let at = |p: LineCol| {
        if p.line <= from.0.line {
            LineCol {
                line: to.0.line,
                column: to.0.column + p.column.saturating_sub(from.0.column),
            }
        } else {
            LineCol {
                line: to.0.line + (p.line - from.0.line),
                column: p.column,
            }
        }
    };
    let origin = |o: Origin| Origin {
        record: seq,
        start: at(o.start),
        offset: to.1 + o.offset.saturating_sub(from.1),
        input: o.input,
    };
    match item {
        Item::Record(mut r) => {
            r.origin = origin(r.origin);
            Item::Record(r)
        }
        Item::Unreadable(u) => Item::Unreadable(Unreadable {
            at: at(u.at),
            origin: origin(u.origin),
            message: u.message,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_move_into_the_capture() {
        let from = (LineCol { line: 5, column: 1 }, 80);
        let to = (
            LineCol {
                line: 40,
                column: 1,
            },
            2000,
        );
        let item = Item::Unreadable(Unreadable {
            origin: Origin {
                input: "c".into(),
                record: 1,
                start: LineCol { line: 5, column: 1 },
                offset: 80,
            },
            at: LineCol { line: 7, column: 3 },
            message: "m".into(),
        });
        let Item::Unreadable(u) = moved(item, from, to, 9) else {
            panic!()
        };
        assert_eq!(
            u.origin.start,
            LineCol {
                line: 40,
                column: 1
            }
        );
        assert_eq!(u.origin.offset, 2000);
        assert_eq!(u.origin.record, 9);
        assert_eq!(
            u.at,
            LineCol {
                line: 42,
                column: 3
            }
        );
    }
}
