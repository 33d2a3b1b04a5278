//! Replaying records to an endpoint (`leadcheck send`): what is sent for each record, in
//! which order and how fast, and what came back.
//!
//! A receiving app is best tested with what WhatConverts really sent, so [`plan`] sends a
//! record as it arrived: a record that was the whole body of a captured request goes with
//! that body's exact bytes, `Content-Type` and `Content-Encoding`; a record of a payload file
//! (one document, a line of NDJSON, an element of an API list response) with its own text,
//! as `application/json`. `--set` edits ([`tree::Edit`]) are made on the record's text,
//! keeping key order and the numbers not edited as written; the result goes as compact JSON.
//!
//! [`Sender`] posts deliveries through [`crate::client`] (no redirects followed) on as many
//! threads as deliveries may be in flight. One at a time (the default), they go in the order
//! given. With more, records of the same lead still go one after another, in the order given
//! (a lead's `new` before its `update`), while other leads go past a lead that waits. A rate
//! caps how often a delivery starts. What happens is handed back, on the caller's thread, to a callback: each
//! delivery's answer, and a notice when the endpoint stops answering (once per change, not
//! once per delivery) and when it answers again.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, unbounded};
use serde_json::Value;

use crate::client::{self, Client, Response, Target};
use crate::leads;
use crate::record::{Body, Item, Numbered, Origin, Record, Unreadable};
use crate::tree::{self, Applied, Edit, EditError};

/// The media type of a payload that is not a captured body.
pub const JSON: &str = "application/json";

/// One POST to make: a record's bytes and what is shown about it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub origin: Origin,
    /// What the records of one lead share ([`leads::lead_key`]); deliveries of the same
    /// lead are sent one after another.
    pub lead: Option<String>,
    pub lead_id: Option<Value>,
    pub lead_type: Option<String>,
    pub trigger: Option<String>,
    /// The bytes to send, with their `Content-Type` and `Content-Encoding`.
    pub body: Arc<Body>,
    /// What each `--set` edit did to this record (empty without edits).
    pub edits: Vec<Applied>,
}

/// What becomes of one item read.
#[derive(Debug, Clone)]
pub enum Planned {
    Delivery(Delivery),
    /// The record could not be read: it is not sent.
    Unreadable(Unreadable),
    /// An edit cannot be made in this record: nothing should be sent.
    BadEdit {
        origin: Origin,
        error: EditError,
    },
}

impl Numbered for Planned {
    fn set_record(&mut self, record: u64) {
        match self {
            Planned::Delivery(d) => d.origin.record = record,
            Planned::Unreadable(u) => u.origin.record = record,
            Planned::BadEdit { origin, .. } => origin.record = record,
        }
    }
}

/// The delivery of an item, or why there is none.
pub fn plan_item(item: Item, edits: &[Edit]) -> Planned {
    match item {
        Item::Unreadable(u) => Planned::Unreadable(u),
        Item::Record(r) => {
            let origin = r.origin.clone();
            match plan(r, edits) {
                Ok(d) => Planned::Delivery(d),
                Err(error) => Planned::BadEdit { origin, error },
            }
        }
    }
}

/// The delivery of a record: its captured body as it was, else its own text as
/// `application/json`; with `edits`, its text edited, as compact JSON (a captured body's
/// `Content-Type` is kept unless it was a form, whose record is JSON made from it).
pub fn plan(record: Record, edits: &[Edit]) -> Result<Delivery, EditError> {
    let text = |key: &str| {
        record
            .value
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let lead_type = text("lead_type");
    let trigger = text("trigger");
    let lead = leads::lead_key(&record.value);
    let lead_id = record.value.get("lead_id").cloned();
    let (body, applied) = if edits.is_empty() {
        let body = match record.body {
            Some(body) => body,
            None => Arc::new(Body {
                bytes: record.text,
                content_type: Some(JSON.into()),
                content_encoding: None,
            }),
        };
        (body, Vec::new())
    } else {
        let (bytes, applied) = tree::edit(&record.text, edits)?;
        let content_type = record
            .body
            .and_then(|b| b.content_type.clone())
            .filter(|t| {
                !t.trim()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            })
            .unwrap_or_else(|| JSON.into());
        let body = Body {
            bytes,
            content_type: Some(content_type),
            content_encoding: None,
        };
        (Arc::new(body), applied)
    };
    Ok(Delivery {
        origin: record.origin,
        lead,
        lead_id,
        lead_type,
        trigger,
        body,
        edits: applied,
    })
}

/// A cap on how many deliveries start per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    per_second: f64,
}

impl Rate {
    /// `50/s`, `50` (per second), `600/min` (also `/m`).
    pub fn parse(text: &str) -> Result<Rate, String> {
        let (number, unit) = text.trim().split_once('/').unwrap_or((text.trim(), "s"));
        let scale = match unit.trim() {
            "s" | "sec" | "second" => 1.0,
            "m" | "min" | "minute" => 60.0,
            _ => return Err(format!("{text:?}: expected a rate such as 50/s or 600/min")),
        };
        match number.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && n > 0.0 && n / scale >= 1e-3 => Ok(Rate {
                per_second: n / scale,
            }),
            _ => Err(format!(
                "{text:?}: expected a positive rate such as 50/s or 600/min"
            )),
        }
    }

    pub fn per_second(&self) -> f64 {
        self.per_second
    }

    /// The time between two starts.
    pub fn interval(&self) -> Duration {
        Duration::from_secs_f64(1.0 / self.per_second)
    }
}

/// How deliveries are sent.
#[derive(Debug, Clone)]
pub struct Options {
    /// Deliveries in flight at most (at least 1).
    pub concurrency: usize,
    pub rate: Option<Rate>,
    /// Time for one delivery's answer.
    pub timeout: Duration,
    /// Headers added to every delivery. A `Content-Type` here replaces each delivery's own.
    pub headers: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            concurrency: 1,
            rate: None,
            timeout: client::DEFAULT_TIMEOUT,
            headers: Vec::new(),
        }
    }
}

/// A delivery made, and its answer (or why there was none).
#[derive(Debug)]
pub struct Sent {
    pub delivery: Delivery,
    pub result: Result<Response, client::Error>,
    /// From the start of the request to its answer (or failure).
    pub duration: Duration,
}

impl Sent {
    /// Whether the endpoint answered with a 2xx.
    pub fn ok(&self) -> bool {
        matches!(&self.result, Ok(r) if (200..300).contains(&r.status))
    }
}

/// What the callback is told.
#[derive(Debug)]
pub enum Event {
    Sent(Sent),
    Notice(Notice),
}

/// A change in the endpoint's state, told once per change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Deliveries get no answer: the first such failure, or one of another kind than the
    /// last (refused, then timing out).
    Down(client::Error),
    /// The endpoint answers again.
    Up,
}

/// Latencies, in buckets about 0.1 % wide: bounded memory however many deliveries.
#[derive(Debug, Clone, Default)]
pub struct Latency {
    counts: Vec<u64>,
    total: u64,
}

impl Latency {
    pub fn record(&mut self, d: Duration) {
        let i = bucket(u64::try_from(d.as_micros()).unwrap_or(u64::MAX));
        if self.counts.len() <= i {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += 1;
        self.total += 1;
    }

    /// How many latencies were recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The latency under which `p` percent of them are (nearest rank), within 0.1 %.
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        if self.total == 0 {
            return None;
        }
        let rank = ((p / 100.0 * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (i, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Some(Duration::from_micros(bucket_value(i)));
            }
        }
        None
    }
}

/// Microseconds below 1024 have a bucket each; above, 512 buckets per power of two.
fn bucket(us: u64) -> usize {
    if us < 1024 {
        return us as usize;
    }
    let shift = 64 - us.leading_zeros() - 10;
    let mantissa = (us >> shift) as usize;
    1024 + (shift as usize - 1) * 512 + (mantissa - 512)
}

/// The middle of a bucket, in microseconds.
fn bucket_value(i: usize) -> u64 {
    if i < 1024 {
        return i as u64;
    }
    let shift = ((i - 1024) / 512 + 1) as u32;
    let mantissa = ((i - 1024) % 512 + 512) as u64;
    (mantissa << shift) + (1 << (shift - 1))
}

/// What a run of deliveries came to.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Deliveries made (answered or not).
    pub sent: u64,
    /// Answers by status class: `classes[1]` counts the 2xx (index 0: 1xx, 4: 5xx and
    /// anything above).
    pub classes: [u64; 5],
    /// Deliveries without an answer, by kind of failure ([`client::Error::kind`]), in the
    /// order first seen.
    pub failures: Vec<(&'static str, u64)>,
    /// Latencies of the deliveries that got an answer.
    pub latency: Latency,
    /// From the first delivery's start to the last one's end.
    pub elapsed: Duration,
}

impl Summary {
    /// Whether every delivery got a 2xx.
    pub fn all_ok(&self) -> bool {
        self.classes[1] == self.sent
    }

    /// Deliveries that got no answer.
    pub fn failed(&self) -> u64 {
        self.failures.iter().map(|(_, n)| n).sum()
    }

    fn add(&mut self, sent: &Sent) {
        self.sent += 1;
        match &sent.result {
            Ok(r) => {
                let class = usize::from(r.status / 100).clamp(1, 5) - 1;
                self.classes[class] += 1;
                self.latency.record(sent.duration);
            }
            Err(e) => {
                let kind = e.kind();
                match self.failures.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, n)) => *n += 1,
                    None => self.failures.push((kind, 1)),
                }
            }
        }
    }
}

/// What the sending threads share.
struct Shared {
    target: Target,
    headers: Vec<(String, String)>,
    /// A `Content-Type` given in the options' headers, replacing each delivery's.
    content_type: Option<String>,
    /// The options' headers name a `Content-Encoding` themselves.
    encoding_given: bool,
    timeout: Duration,
}

/// One sending thread's mailbox: the delivery it is to make next.
///
/// A thread waits for its next delivery parked on a condition variable. (On a channel shared
/// by all of them, each thread spins and yields a while before it sleeps: with fifty threads
/// on two cores, that alone took a tenth of the CPU time.)
struct Mailbox {
    slot: Mutex<Slot>,
    ready: Condvar,
}

enum Slot {
    Empty,
    Job(Delivery),
    Closed,
}

impl Mailbox {
    fn put(&self, slot: Slot) {
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) = slot;
        self.ready.notify_one();
    }

    /// The next delivery; `None` once closed.
    fn take(&self) -> Option<Delivery> {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            match std::mem::replace(&mut *slot, Slot::Empty) {
                Slot::Job(delivery) => return Some(delivery),
                Slot::Closed => {
                    *slot = Slot::Closed;
                    return None;
                }
                Slot::Empty => {
                    slot = self.ready.wait(slot).unwrap_or_else(|p| p.into_inner());
                }
            }
        }
    }
}

/// Sends deliveries: see the module's documentation.
pub struct Sender {
    mailboxes: Vec<Arc<Mailbox>>,
    /// The threads without a delivery, by their mailbox.
    idle: Vec<usize>,
    results: Receiver<(usize, Sent)>,
    threads: Vec<JoinHandle<()>>,
    concurrency: usize,
    interval: Option<Duration>,
    /// When the next delivery may start (with a rate).
    next_start: Option<Instant>,
    in_flight: usize,
    /// Deliveries free to go, in order.
    ready: VecDeque<Delivery>,
    /// Leads with a delivery in flight or ready, and the deliveries waiting behind it.
    busy: HashMap<String, VecDeque<Delivery>>,
    waiting: usize,
    /// The kind of failure of the last delivery, while the endpoint does not answer.
    down: Option<&'static str>,
    summary: Summary,
    first_start: Option<Instant>,
}

impl Sender {
    /// Starts the sending threads.
    pub fn start(target: Target, options: Options) -> std::io::Result<Sender> {
        let concurrency = options.concurrency.max(1);
        let named = |name: &str| {
            options
                .headers
                .iter()
                .rev()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let shared = Arc::new(Shared {
            content_type: named("content-type"),
            encoding_given: named("content-encoding").is_some(),
            headers: options.headers.clone(),
            target,
            timeout: options.timeout,
        });
        let (result_tx, result_rx) = unbounded::<(usize, Sent)>();
        let mut threads = Vec::with_capacity(concurrency);
        let mut mailboxes = Vec::with_capacity(concurrency);
        for i in 0..concurrency {
            let shared = Arc::clone(&shared);
            let mailbox = Arc::new(Mailbox {
                slot: Mutex::new(Slot::Empty),
                ready: Condvar::new(),
            });
            mailboxes.push(Arc::clone(&mailbox));
            let results = result_tx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("leadcheck-send-{i}"))
                .spawn(move || {
                    // A client (and a connection) per thread: no pool shared by all of them
                    // to lock and search on every request.
                    let client = Client::with_pool(1, shared.timeout);
                    while let Some(delivery) = mailbox.take() {
                        let sent = deliver(&client, &shared, delivery);
                        if results.send((i, sent)).is_err() {
                            return;
                        }
                    }
                });
            match spawned {
                Ok(thread) => threads.push(thread),
                Err(e) => {
                    mailboxes.iter().for_each(|m| m.put(Slot::Closed));
                    return Err(e);
                }
            }
        }
        Ok(Sender {
            idle: (0..concurrency).rev().collect(),
            mailboxes,
            results: result_rx,
            threads,
            concurrency,
            interval: options.rate.map(|r| r.interval()),
            next_start: None,
            in_flight: 0,
            ready: VecDeque::new(),
            busy: HashMap::new(),
            waiting: 0,
            down: None,
            summary: Summary::default(),
            first_start: None,
        })
    }

    /// Queues a delivery and starts what may start. Waits (telling `on` what happens
    /// meanwhile) while too many deliveries are queued, so memory stays bounded whatever
    /// the input. An error from `on` is returned at once.
    pub fn send<E>(
        &mut self,
        delivery: Delivery,
        on: &mut dyn FnMut(Event) -> Result<(), E>,
    ) -> Result<(), E> {
        while let Ok(sent) = self.results.try_recv() {
            self.handle(sent, on)?;
        }
        // One at a time, input order is kept as it is; with more, a lead waits for its
        // previous delivery while others go past it.
        let lead = delivery.lead.clone().filter(|_| self.concurrency > 1);
        match lead {
            Some(lead) => match self.busy.get_mut(&lead) {
                Some(behind) => {
                    behind.push_back(delivery);
                    self.waiting += 1;
                }
                None => {
                    self.busy.insert(lead, VecDeque::new());
                    self.ready.push_back(delivery);
                }
            },
            None => self.ready.push_back(delivery),
        }
        self.pump(on)?;
        while self.ready.len() + self.waiting > self.backlog() {
            self.wait_one(on)?;
            self.pump(on)?;
        }
        Ok(())
    }

    /// Sends everything queued and waits for every answer (when the input pauses: its
    /// answers are shown before more comes).
    pub fn drain<E>(&mut self, on: &mut dyn FnMut(Event) -> Result<(), E>) -> Result<(), E> {
        loop {
            self.pump(on)?;
            if self.in_flight == 0 && self.ready.is_empty() {
                return Ok(());
            }
            self.wait_one(on)?;
        }
    }

    /// Sends everything queued, waits for every answer, stops the threads, and returns
    /// the summary.
    pub fn finish<E>(mut self, on: &mut dyn FnMut(Event) -> Result<(), E>) -> Result<Summary, E> {
        self.drain(on)?;
        self.close();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        Ok(self.summary.clone())
    }

    /// The summary so far.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// Deliveries queued (ready or waiting behind their lead) before `send` waits.
    fn backlog(&self) -> usize {
        4 * self.concurrency + 64
    }

    /// Starts ready deliveries while fewer than `concurrency` are in flight, each no
    /// sooner than the rate allows.
    fn pump<E>(&mut self, on: &mut dyn FnMut(Event) -> Result<(), E>) -> Result<(), E> {
        while self.in_flight < self.concurrency && !self.ready.is_empty() {
            self.pace(on)?;
            let Some(delivery) = self.ready.pop_front() else {
                break;
            };
            let now = Instant::now();
            self.first_start.get_or_insert(now);
            if let Some(interval) = self.interval {
                self.next_start = Some(now + interval);
            }
            self.in_flight += 1;
            // Fewer than `concurrency` in flight: a thread is idle.
            if let Some(i) = self.idle.pop() {
                self.mailboxes[i].put(Slot::Job(delivery));
            }
        }
        Ok(())
    }

    /// Waits until the rate lets the next delivery start, handling answers meanwhile.
    fn pace<E>(&mut self, on: &mut dyn FnMut(Event) -> Result<(), E>) -> Result<(), E> {
        let Some(next) = self.next_start else {
            return Ok(());
        };
        loop {
            let now = Instant::now();
            if now >= next {
                return Ok(());
            }
            match self.results.recv_timeout(next - now) {
                Ok(sent) => self.handle(sent, on)?,
                Err(RecvTimeoutError::Timeout) => return Ok(()),
                Err(RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(next - now);
                    return Ok(());
                }
            }
        }
    }

    /// Waits for one answer.
    fn wait_one<E>(&mut self, on: &mut dyn FnMut(Event) -> Result<(), E>) -> Result<(), E> {
        if self.in_flight == 0 {
            return Ok(());
        }
        match self.results.recv() {
            Ok(sent) => self.handle(sent, on),
            // Every thread is gone (it cannot happen while deliveries are in flight).
            Err(_) => {
                self.in_flight = 0;
                Ok(())
            }
        }
    }

    /// A delivery done: the lead's next one may go, the endpoint's state is updated, and
    /// the callback told.
    fn handle<E>(
        &mut self,
        (thread, sent): (usize, Sent),
        on: &mut dyn FnMut(Event) -> Result<(), E>,
    ) -> Result<(), E> {
        self.in_flight -= 1;
        self.idle.push(thread);
        if let Some(lead) = sent.delivery.lead.as_ref().filter(|_| self.concurrency > 1) {
            match self.busy.get_mut(lead).and_then(VecDeque::pop_front) {
                Some(next) => {
                    self.waiting -= 1;
                    self.ready.push_back(next);
                }
                None => {
                    self.busy.remove(lead);
                }
            }
        }
        self.summary.add(&sent);
        if let Some(first) = self.first_start {
            self.summary.elapsed = first.elapsed();
        }
        let notice = match &sent.result {
            Ok(_) => self.down.take().map(|_| Notice::Up),
            Err(e) if self.down != Some(e.kind()) => {
                self.down = Some(e.kind());
                Some(Notice::Down(e.clone()))
            }
            Err(_) => None,
        };
        if let Some(notice) = notice {
            on(Event::Notice(notice))?;
        }
        on(Event::Sent(sent))
    }
}

impl Sender {
    /// Tells the threads to stop once their delivery is made.
    fn close(&mut self) {
        for mailbox in &self.mailboxes {
            mailbox.put(Slot::Closed);
        }
    }
}

impl Drop for Sender {
    /// A sender dropped before `finish` (its caller stopped): the threads stop after the
    /// deliveries in flight, and are not waited for.
    fn drop(&mut self) {
        self.close();
    }
}

/// Makes one delivery.
fn deliver(client: &Client, shared: &Shared, delivery: Delivery) -> Sent {
    let started = Instant::now();
    let body = &delivery.body;
    let content_type = shared
        .content_type
        .as_deref()
        .or(body.content_type.as_deref());
    let mut extra;
    let headers = match (&body.content_encoding, shared.encoding_given) {
        (Some(encoding), false) => {
            extra = shared.headers.clone();
            extra.push(("Content-Encoding".into(), encoding.clone()));
            &extra[..]
        }
        _ => &shared.headers[..],
    };
    let result = client.post(
        &shared.target,
        &body.bytes,
        content_type,
        headers,
        shared.timeout,
    );
    let duration = match &result {
        Ok(r) => r.duration,
        Err(_) => started.elapsed(),
    };
    Sent {
        delivery,
        result,
        duration,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::position::LineCol;

    fn record(text: &str, body: Option<Body>) -> Record {
        let origin = Origin {
            input: "t".into(),
            record: 1,
            start: LineCol::START,
            offset: 0,
        };
        let mut r = Record::verbatim(
            origin,
            serde_json::from_str(text).unwrap(),
            text.as_bytes().to_vec(),
        );
        r.body = body.map(Arc::new);
        r
    }

    #[test]
    fn a_captured_body_goes_as_it_came_and_a_payload_as_json() {
        let captured = Body {
            bytes: b"{\"lead_id\": 7,  \"lead_type\": \"Chat\"}\r\n".to_vec(),
            content_type: Some("application/json; charset=utf-8".into()),
            content_encoding: None,
        };
        let d = plan(
            record(
                r#"{"lead_id": 7,  "lead_type": "Chat"}"#,
                Some(captured.clone()),
            ),
            &[],
        )
        .unwrap();
        assert_eq!(*d.body, captured);
        assert_eq!(d.lead.as_deref(), Some("7"));
        assert_eq!(d.lead_type.as_deref(), Some("Chat"));
        let d = plan(
            record(r#"{"lead_id": "8", "trigger": "update"}"#, None),
            &[],
        )
        .unwrap();
        assert_eq!(d.body.bytes, br#"{"lead_id": "8", "trigger": "update"}"#);
        assert_eq!(d.body.content_type.as_deref(), Some(JSON));
        assert_eq!(
            (d.lead.as_deref(), d.trigger.as_deref()),
            (Some("8"), Some("update"))
        );
    }

    #[test]
    fn an_edited_record_goes_as_compact_json() {
        let form = Body {
            bytes: b"lead_id=7&quote_value=1".to_vec(),
            content_type: Some("application/x-www-form-urlencoded".into()),
            content_encoding: None,
        };
        let edits = [Edit::parse("/quote_value=1250.50").unwrap()];
        let d = plan(
            record(r#"{"lead_id": 7, "quote_value": 1}"#, Some(form)),
            &edits,
        )
        .unwrap();
        assert_eq!(d.body.bytes, br#"{"lead_id":7,"quote_value":1250.50}"#);
        assert_eq!(d.body.content_type.as_deref(), Some(JSON));
        let gzip = Body {
            bytes: vec![0x1f, 0x8b],
            content_type: Some("application/json".into()),
            content_encoding: Some("gzip".into()),
        };
        let d = plan(record(r#"{"a": 1}"#, Some(gzip)), &edits).unwrap();
        assert_eq!(d.body.content_encoding, None);
        let bad = [Edit::parse("/nope/x=1").unwrap()];
        assert!(matches!(
            plan_item(Item::Record(record("{}", None)), &bad),
            Planned::BadEdit { .. }
        ));
    }

    #[test]
    fn rates_parse() {
        assert_eq!(Rate::parse("50/s").unwrap().per_second(), 50.0);
        assert_eq!(
            Rate::parse("20").unwrap().interval(),
            Duration::from_millis(50)
        );
        assert_eq!(Rate::parse("600/min").unwrap().per_second(), 10.0);
        for bad in ["0/s", "-1", "x/s", "5/h", "inf", "NaN"] {
            assert!(Rate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn percentiles_are_within_a_tenth_of_a_percent() {
        let mut l = Latency::default();
        assert_eq!(l.percentile(50.0), None);
        for ms in 1..=100u64 {
            l.record(Duration::from_millis(ms));
        }
        let p50 = l.percentile(50.0).unwrap().as_micros() as f64;
        let p99 = l.percentile(99.0).unwrap().as_micros() as f64;
        assert!((p50 - 50_000.0).abs() / 50_000.0 < 0.001, "{p50}");
        assert!((p99 - 99_000.0).abs() / 99_000.0 < 0.001, "{p99}");
        assert_eq!(l.count(), 100);
        // Buckets are contiguous: every value lands in a bucket whose middle is near it.
        for us in [
            0u64,
            1023,
            1024,
            2047,
            2048,
            1 << 20,
            10_000_000,
            u64::MAX >> 1,
        ] {
            let v = bucket_value(bucket(us));
            assert!(v.abs_diff(us) <= us / 1000 + 1, "{us} -> {v}");
        }
    }
}
