//! `leadcheck listen`'s output: one line per delivery (and its violations under it, as
//! `validate` writes them), one per forward, notices and the closing counts.
//!
//! Everything that comes from a request (lead type, ids, messages that quote values, the
//! app's answer) is printed with its control characters escaped.

use std::borrow::Cow;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::SystemTime;

use leadcheck::check::{Checked, Status};
use leadcheck::client::{self, Response};
use leadcheck::listen::{Config, Counts, Fsync, Notice, Place};
use serde_json::{Value, json};

use super::Palette;

/// What the line of one delivery shows.
#[derive(Debug)]
pub struct Shown<'a> {
    pub seq: u64,
    pub received: SystemTime,
    pub peer: SocketAddr,
    pub content_type: Option<&'a str>,
    pub body_len: usize,
    pub place: Place,
    pub lead_type: Option<&'a str>,
    pub lead_id: Option<&'a Value>,
    pub trigger: Option<&'a str>,
    /// The records of the body, checked (one for a webhook).
    pub records: &'a [Checked],
}

impl Shown<'_> {
    fn status(&self) -> Status {
        let statuses = || self.records.iter().map(Checked::status);
        if self.records.is_empty() || statuses().any(|s| s == Status::Unreadable) {
            Status::Unreadable
        } else if statuses().any(|s| s == Status::Invalid) {
            Status::Invalid
        } else {
            Status::Valid
        }
    }
}

/// Text from a request, made safe for a terminal (see [`super::escape`]).
fn clean(text: &str) -> Cow<'_, str> {
    super::escape(text)
}

/// `14:03:07Z`: the time of day a delivery arrived, UTC.
fn time_of_day(t: SystemTime) -> String {
    let stamp = humantime::format_rfc3339_seconds(t).to_string();
    stamp
        .split_once('T')
        .map_or(stamp.clone(), |(_, time)| time.to_string())
}

fn seq_label(seq: u64) -> String {
    format!("#{seq:<5}")
}

/// The first line on stderr: where it listens, where it stores, where it forwards.
pub fn listening(p: Palette, addr: SocketAddr, config: &Config, records_before: u64) -> String {
    let fsync = match config.fsync {
        Fsync::Batch => "batch",
        Fsync::Always => "always",
        Fsync::Never => "never",
    };
    let mut line = format!(
        "listening on http://{addr}{}, storing deliveries in {} (fsync {fsync}",
        clean(&config.path),
        clean(&config.out.display().to_string()),
    );
    if records_before > 0 {
        line.push_str(&format!(
            ", after its {records_before} record{}",
            if records_before == 1 { "" } else { "s" }
        ));
    }
    line.push(')');
    if let Some(target) = &config.forward {
        line.push_str(&format!(", forwarding to {}", clean(target.url())));
    }
    line.push_str("; Ctrl-C stops");
    p.heading(&line)
}

/// One line for a delivery, and its violations (or what made it unreadable) under it.
pub fn write_delivery(out: &mut dyn Write, p: Palette, d: &Shown<'_>) -> io::Result<()> {
    let lead_id = d
        .lead_id
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_else(|| "-".into());
    let status = d.status();
    let verdict = match status {
        Status::Valid => p.good("valid"),
        Status::Invalid => p.error("invalid"),
        Status::Unreadable => p.warn("unreadable"),
    };
    writeln!(
        out,
        "{} {}  {:<12}  lead {:<10}  {:<6}  {verdict}",
        p.dim(&seq_label(d.seq)),
        time_of_day(d.received),
        clean(d.lead_type.unwrap_or("-")),
        clean(&lead_id),
        clean(d.trigger.unwrap_or("-")),
    )?;
    // A record's violations, one line each, as `validate` writes them, under the line.
    for checked in d.records {
        super::text::write_checked_indented(out, p, checked, "       ")?;
    }
    Ok(())
}

/// One JSON object for a delivery: where it is in the capture, its verdict, and its
/// records as `validate --format json` writes them.
pub fn write_delivery_json(out: &mut dyn Write, d: &Shown<'_>) -> io::Result<()> {
    let records: Vec<super::json::RecordJson<'_>> = d.records.iter().map(Into::into).collect();
    let object = json!({
        "event": "delivery",
        "seq": d.seq,
        "received": leadcheck::listen::store::timestamp(d.received),
        "peer": d.peer.to_string(),
        "content_type": d.content_type,
        "bytes": d.body_len,
        "line": d.place.body_at.line,
        "column": d.place.body_at.column,
        "offset": d.place.body_offset,
        "status": d.status(),
        "lead_type": d.lead_type,
        "lead_id": d.lead_id,
        "trigger": d.trigger,
        "records": records,
    });
    serde_json::to_writer(&mut *out, &object)?;
    out.write_all(b"\n")
}

/// The app's answer to a forwarded delivery, or why there was none.
pub fn write_forwarded(
    out: &mut dyn Write,
    p: Palette,
    seq: u64,
    result: &Result<Response, client::Error>,
) -> io::Result<()> {
    let label = p.dim(&seq_label(seq));
    match result {
        Ok(r) if (200..300).contains(&r.status) => writeln!(
            out,
            "{label} → {} from the app in {}",
            p.good(&r.status.to_string()),
            client::seconds(r.duration)
        ),
        Ok(r) => writeln!(
            out,
            "{label} → {} from the app in {}: {}",
            p.error(&r.status.to_string()),
            client::seconds(r.duration),
            clean(r.body.trim())
        ),
        Err(e) => writeln!(
            out,
            "{label} → {}: {}",
            p.error("not forwarded"),
            clean(&e.to_string())
        ),
    }
}

pub fn write_forwarded_json(
    out: &mut dyn Write,
    seq: u64,
    result: &Result<Response, client::Error>,
) -> io::Result<()> {
    let object = match result {
        Ok(r) => json!({
            "event": "forward",
            "seq": seq,
            "status": r.status,
            "ms": r.duration.as_millis() as u64,
            "body": r.body,
        }),
        Err(e) => json!({
            "event": "forward",
            "seq": seq,
            "error": e.kind(),
            "message": e.to_string(),
        }),
    };
    serde_json::to_writer(&mut *out, &object)?;
    out.write_all(b"\n")
}

/// A notice, for stderr.
pub fn notice(p: Palette, n: &Notice) -> String {
    match n {
        Notice::TornTail {
            moved_to,
            bytes,
            at,
            reason,
        } => format!(
            "{}: the capture ended with a torn record at line {} ({reason}, a crash while writing it?): its {bytes} bytes were moved to {}",
            p.warn("warning"),
            at.line,
            clean(&moved_to.display().to_string())
        ),
        Notice::StoreFailing { error } => format!(
            "{}: {}; deliveries are answered 503 (Retry-After) until it works again",
            p.error("error"),
            clean(error)
        ),
        Notice::StoreRecovered => format!("{}: the capture is written again", p.good("recovered")),
        Notice::TargetDown { error } => format!(
            "{}: {}; deliveries are still stored (said again only once the app answers)",
            p.warn("forwarding"),
            clean(&error.to_string())
        ),
        Notice::TargetUp => format!("{}: the app answers again", p.good("forwarding")),
        Notice::ForwardQueueFull { capacity } => format!(
            "{}: {capacity} deliveries are waiting for the app; more are stored but not forwarded until the queue drains",
            p.warn("forwarding")
        ),
        Notice::ForwardQueueDrained { dropped } => format!(
            "{}: the queue takes deliveries again; {dropped} were not forwarded (they are in the capture)",
            p.warn("forwarding")
        ),
    }
}

/// Deliveries whose lines were dropped because the output lagged behind.
pub fn not_shown(p: Palette, events: u64) -> String {
    p.dim(&format!(
        "… {events} more deliveries and forwards not shown (the output lagged behind; every delivery is in the capture)"
    ))
}

/// The closing counts, for stderr.
pub fn counts(p: Palette, c: &Counts) -> String {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "stopped: {} received: {} valid, {} invalid, {} unreadable",
        plural(c.received, "delivery", "deliveries"),
        c.valid,
        c.invalid,
        c.unreadable
    );
    if c.forwarded + c.forward_failures + c.not_forwarded > 0 {
        line.push_str(&format!(
            "; {} forwarded, {}",
            c.forwarded,
            plural(c.forward_failures, "forward failure", "forward failures")
        ));
        if c.not_forwarded > 0 {
            line.push_str(&format!(", {} not forwarded", c.not_forwarded));
        }
    }
    if c.rejected > 0 {
        line.push_str(&format!(
            "; {} rejected (4xx)",
            plural(c.rejected, "request", "requests")
        ));
    }
    if c.store_failures > 0 {
        line.push_str(&format!("; {} not stored (503)", c.store_failures));
    }
    p.heading(&line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(clean("Chat"), "Chat");
        assert_eq!(clean("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\\u{a}c");
    }

    #[test]
    fn counts_read_naturally() {
        let c = Counts {
            received: 3,
            valid: 1,
            invalid: 1,
            unreadable: 1,
            forwarded: 2,
            forward_failures: 1,
            ..Counts::default()
        };
        assert_eq!(
            counts(Palette::PLAIN, &c),
            "stopped: 3 deliveries received: 1 valid, 1 invalid, 1 unreadable; 2 forwarded, 1 forward failure"
        );
        assert_eq!(
            counts(Palette::PLAIN, &Counts::default()),
            "stopped: 0 deliveries received: 0 valid, 0 invalid, 0 unreadable"
        );
    }

    #[test]
    fn times_are_utc_times_of_day() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_454_335_741);
        assert_eq!(time_of_day(t), "14:09:01Z");
    }
}
