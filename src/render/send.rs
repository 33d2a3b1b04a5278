//! `leadcheck send`'s output: one line (or JSON object) per delivery, what `--dry-run`
//! would send, the endpoint's changes of state and the closing summary.
//!
//! Everything that comes from a record or from the endpoint (lead type, ids, the answer's
//! body, error messages) is printed with its control characters escaped.

use std::io::{self, Write};
use std::time::Duration;

use leadcheck::client::{self, Target};
use leadcheck::record::{Origin, Unreadable};
use leadcheck::send::{Delivery, Notice, Sent, Summary};
use serde_json::{Value, json};

use super::text::plural;
use super::{Palette, escape, location};

/// A duration for people: `0.4 ms`, `12 ms`, `1.25 s`.
pub fn duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn lead_id(d: &Delivery) -> String {
    match &d.lead_id {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "-".into(),
    }
}

/// `INPUT:LINE:COL  Lead Type     lead 153928      new   `: what every line starts with.
fn head(p: Palette, d: &Delivery) -> String {
    format!(
        "{}  {:<12}  lead {:<10}  {:<6}",
        p.location(&location(&d.origin.input, Some(d.origin.start))),
        escape(d.lead_type.as_deref().unwrap_or("-")),
        escape(&lead_id(d)),
        escape(d.trigger.as_deref().unwrap_or("-")),
    )
}

/// One line for a delivery: the status and time, and the answer's first 200 characters
/// when it is not a 2xx; why there was no answer otherwise.
pub fn write_sent(out: &mut dyn Write, p: Palette, sent: &Sent) -> io::Result<()> {
    let head = head(p, &sent.delivery);
    let took = duration(sent.duration);
    match &sent.result {
        Ok(r) if (200..300).contains(&r.status) => {
            writeln!(out, "{head}  {}  {took}", p.good(&r.status.to_string()))
        }
        Ok(r) => {
            let body = r.body.trim();
            let status = if r.status < 400 {
                p.warn(&r.status.to_string())
            } else {
                p.error(&r.status.to_string())
            };
            if body.is_empty() {
                writeln!(out, "{head}  {status}  {took}")
            } else {
                writeln!(out, "{head}  {status}  {took}: {}", escape(body))
            }
        }
        // The endpoint's state is told once on stderr; a failure of its own kind is told here.
        Err(client::Error::Other { message, .. }) => writeln!(
            out,
            "{head}  {}  {took}: {}",
            p.error("failed"),
            escape(message)
        ),
        Err(e) => writeln!(out, "{head}  {}  {took}", p.error(e.kind())),
    }
}

/// The origin of a record as the fields of a JSON object.
fn origin_fields(o: &Origin) -> serde_json::Map<String, Value> {
    match serde_json::to_value(o) {
        Ok(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

/// The fields every JSON object about a delivery starts with: the event, the record's
/// place, what it is and what goes out.
fn delivery_object(event: &str, d: &Delivery) -> serde_json::Map<String, Value> {
    let mut object = serde_json::Map::new();
    object.insert("event".into(), event.into());
    object.extend(origin_fields(&d.origin));
    if let Value::Object(fields) = json!({
        "lead_id": d.lead_id,
        "lead_type": d.lead_type,
        "trigger": d.trigger,
        "bytes": d.body.bytes.len(),
        "content_type": d.body.content_type,
        "content_encoding": d.body.content_encoding,
    }) {
        object.extend(fields);
    }
    object
}

/// One JSON object for a delivery.
pub fn write_sent_json(out: &mut dyn Write, sent: &Sent) -> io::Result<()> {
    let mut object = delivery_object("delivery", &sent.delivery);
    object.insert("ok".into(), sent.ok().into());
    let ms = (sent.duration.as_secs_f64() * 1e6).round() / 1e3;
    object.insert("ms".into(), ms.into());
    match &sent.result {
        Ok(r) => {
            object.insert("status".into(), r.status.into());
            object.insert("response".into(), r.body.clone().into());
        }
        Err(e) => {
            object.insert("status".into(), Value::Null);
            object.insert("error".into(), e.kind().into());
            object.insert("message".into(), e.to_string().into());
        }
    }
    serde_json::to_writer(&mut *out, &Value::Object(object))?;
    out.write_all(b"\n")
}

/// What `--dry-run` would send, one line per delivery.
pub fn write_planned(out: &mut dyn Write, p: Palette, d: &Delivery) -> io::Result<()> {
    let mut media =
        escape(d.body.content_type.as_deref().unwrap_or("no Content-Type")).into_owned();
    if let Some(encoding) = &d.body.content_encoding {
        media.push_str(&format!(", Content-Encoding {}", escape(encoding)));
    }
    writeln!(
        out,
        "{}  {}",
        head(p, d),
        p.dim(&format!(
            "would send {} ({media})",
            plural(d.body.bytes.len() as u64, "byte")
        ))
    )
}

/// What `--dry-run --format json` would send: the body too, when it is text.
pub fn write_planned_json(out: &mut dyn Write, d: &Delivery) -> io::Result<()> {
    let mut object = delivery_object("dry-run", d);
    let body = std::str::from_utf8(&d.body.bytes).ok();
    object.insert("body".into(), body.into());
    serde_json::to_writer(&mut *out, &Value::Object(object))?;
    out.write_all(b"\n")
}

/// An unreadable record (not sent), as one JSON object: where it starts, and where and
/// why it could not be read.
pub fn write_unreadable_json(out: &mut dyn Write, u: &Unreadable) -> io::Result<()> {
    let mut object = serde_json::Map::new();
    object.insert("event".into(), "unreadable".into());
    object.extend(origin_fields(&u.origin));
    object.insert(
        "error".into(),
        json!({"line": u.at.line, "column": u.at.column, "message": u.message}),
    );
    serde_json::to_writer(&mut *out, &Value::Object(object))?;
    out.write_all(b"\n")
}

/// A change in the endpoint's state, for stderr.
pub fn notice(p: Palette, target: &Target, n: &Notice) -> String {
    match n {
        Notice::Down(e) => format!(
            "{}: {} (said again only when that changes)",
            p.warn("send"),
            escape(&e.to_string())
        ),
        Notice::Up => format!(
            "{}: {} answers again",
            p.good("send"),
            escape(target.authority())
        ),
    }
}

/// `note: --set /lead_ib adds a field …; did you mean /lead_id?`, for stderr.
pub fn near_miss(p: Palette, pointer: &str, near: &str) -> String {
    format!(
        "{}: --set {}: the record has no such field, so it is added; did you mean {}?",
        p.warn("note"),
        escape(pointer),
        escape(near)
    )
}

/// The closing line, for stderr: deliveries by status class, those without an answer by
/// kind, latency percentiles, and the records not sent.
pub fn summary(p: Palette, s: &Summary, unreadable: u64) -> String {
    let mut line = format!(
        "{} in {}",
        plural(s.sent, "delivery").replace("deliverys", "deliveries"),
        duration(s.elapsed)
    );
    if s.sent > 0 && s.elapsed > Duration::ZERO {
        line.push_str(&format!(
            " ({:.0}/s)",
            s.sent as f64 / s.elapsed.as_secs_f64()
        ));
    }
    let ok = format!("{} 2xx", s.classes[1]);
    let mut parts = vec![if s.classes[1] > 0 { p.good(&ok) } else { ok }];
    for (i, class) in [(2, "3xx"), (3, "4xx"), (4, "5xx"), (0, "1xx")] {
        if s.classes[i] > 0 {
            parts.push(p.error(&format!("{} {class}", s.classes[i])));
        }
    }
    line.push_str(": ");
    line.push_str(&parts.join(", "));
    let failed = s.failed();
    if failed > 0 {
        let kinds: Vec<String> = s
            .failures
            .iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect();
        line.push_str(&format!(
            ", {} ({})",
            p.error(&format!("{failed} without an answer")),
            kinds.join(", ")
        ));
    }
    if let (Some(p50), Some(p99)) = (s.latency.percentile(50.0), s.latency.percentile(99.0)) {
        line.push_str(&format!("; p50 {}, p99 {}", duration(p50), duration(p99)));
    }
    if unreadable > 0 {
        line.push_str(&format!(
            "; {}",
            p.warn(&format!(
                "{} not sent",
                plural(unreadable, "unreadable record")
            ))
        ));
    }
    line
}

/// The closing line of `--dry-run`, for stderr.
pub fn dry_run_summary(planned: u64, unreadable: u64) -> String {
    let mut line = format!(
        "dry run: {} would be sent; nothing was sent",
        plural(planned, "delivery").replace("deliverys", "deliveries")
    );
    if unreadable > 0 {
        line.push_str(&format!(
            " ({} would not be)",
            plural(unreadable, "unreadable record")
        ));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use leadcheck::send::Latency;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::from_micros(420)), "0.4 ms");
        assert_eq!(duration(Duration::from_millis(12)), "12 ms");
        assert_eq!(duration(Duration::from_millis(1250)), "1.25 s");
    }

    #[test]
    fn the_summary_counts_classes_and_failures() {
        let mut latency = Latency::default();
        for ms in [2, 4, 40] {
            latency.record(Duration::from_millis(ms));
        }
        let s = Summary {
            sent: 5,
            classes: [0, 2, 0, 0, 1],
            failures: vec![("refused", 2)],
            latency,
            elapsed: Duration::from_millis(500),
        };
        assert_eq!(
            summary(Palette::PLAIN, &s, 1),
            "5 deliveries in 500 ms (10/s): 2 2xx, 1 5xx, 2 without an answer (refused 2); p50 4.0 ms, p99 40 ms; 1 unreadable record not sent"
        );
        assert_eq!(
            summary(Palette::PLAIN, &Summary::default(), 0),
            "0 deliveries in 0.0 ms: 0 2xx"
        );
        assert_eq!(
            dry_run_summary(1, 0),
            "dry run: 1 delivery would be sent; nothing was sent"
        );
    }
}
