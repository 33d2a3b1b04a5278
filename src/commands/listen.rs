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
use leadcheck::capture::{self, Unit};
use leadcheck::check::{self, Checked, Options, Status};
use leadcheck::client::Target;
use leadcheck::listen::{self, Config, Delivery, Event, Judgement, Verdict};
use leadcheck::position::{LineCol, Mark};
use leadcheck::record::{Item, Origin, Unreadable};
use leadcheck::redact::Redactor;
use leadcheck::schema::Schemas;
use serde_json::Value;

use crate::cli::{ListenArgs, OutputFormat};
use crate::exit::Outcome;
use crate::render::{self, Streams};

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
        let worst = self.records.iter().map(Checked::status).fold(None, |w, s| {
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
    let schemas = Arc::new(Schemas::by_type());
    let redactor = args.redact.then(|| Mutex::new((0u64, Redactor::new())));
    let check = {
        let capture_name = capture_name.clone();
        move |d: &Delivery<'_>| judge(&schemas, &capture_name, d, redactor.as_ref())
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
    schemas: &Schemas,
    capture: &Arc<str>,
    d: &Delivery<'_>,
    redactor: Option<&Mutex<(u64, Redactor)>>,
) -> Judged {
    // The delivery as a one-request capture with the headers that decide how its body is
    // read; the body found in it is then placed where it is in the real capture.
    let mut request = format!("POST {} HTTP/1.1\r\n", d.target).into_bytes();
    for name in ["Content-Type", "Content-Encoding"] {
        if let Some(value) = d.header(name) {
            request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
    }
    request.extend_from_slice(format!("Content-Length: {}\r\n\r\n", d.body.len()).as_bytes());
    let from = Mark {
        offset: request.len() as u64,
        at: LineCol::START.advance(&request),
    };
    let to = Mark {
        offset: d.place.body_offset,
        at: d.place.body_at,
    };
    request.extend_from_slice(d.body);
    let mut items = Vec::new();
    for unit in capture::http::Units::new(Box::new(Cursor::new(request))) {
        match unit {
            Ok(unit) => items.extend(capture::read_unit(capture, moved(unit, from, to), true)),
            // Reading from memory does not fail; should it, the body is unreadable.
            Err(e) => items.push(Item::Unreadable(Unreadable {
                origin: Origin::at(capture.clone(), to),
                at: to.at,
                message: leadcheck::reader::io_message(&e),
            })),
        }
    }
    let mut judged = Judged {
        records: Vec::new(),
        lead_type: None,
        lead_id: None,
        trigger: None,
    };
    for mut item in items {
        match &mut item {
            Item::Record(record) => {
                record.origin.record = d.seq;
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
            Item::Unreadable(u) => u.origin.record = d.seq,
        }
        let origin = item.origin().clone();
        let checked = check::check_item(schemas, item, &Options::default()).unwrap_or_else(|e| {
            Checked::unreadable(Unreadable {
                at: origin.start,
                origin,
                message: e.to_string(),
            })
        });
        judged.records.push(checked);
    }
    judged
}

/// A unit read from the one-request capture, placed where its body is in the real capture:
/// `from` is the body's place in the one-request capture, `to` in the real one.
fn moved(unit: Unit, from: Mark, to: Mark) -> Unit {
    match unit {
        Unit::Body(mut body) => {
            body.start = shift(body.start, from, to);
            Unit::Body(body)
        }
        Unit::Bad { mark, message } => Unit::Bad {
            mark: shift(mark, from, to),
            message,
        },
    }
}

fn shift(m: Mark, from: Mark, to: Mark) -> Mark {
    let at = if m.at.line <= from.at.line {
        LineCol {
            line: to.at.line,
            column: to.at.column + m.at.column.saturating_sub(from.at.column),
        }
    } else {
        LineCol {
            line: to.at.line + (m.at.line - from.at.line),
            column: m.at.column,
        }
    };
    Mark {
        offset: to.offset + m.offset.saturating_sub(from.offset),
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_move_into_the_capture() {
        let from = Mark {
            offset: 80,
            at: LineCol { line: 5, column: 1 },
        };
        let to = Mark {
            offset: 2000,
            at: LineCol {
                line: 40,
                column: 1,
            },
        };
        let inside = Mark {
            offset: 95,
            at: LineCol { line: 7, column: 3 },
        };
        assert_eq!(
            shift(inside, from, to),
            Mark {
                offset: 2015,
                at: LineCol {
                    line: 42,
                    column: 3
                }
            }
        );
        assert_eq!(shift(from, from, to), to);
    }
}
