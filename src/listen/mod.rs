//! A webhook receiver: every delivery stored durably in a capture file, checked, answered,
//! reported, and optionally forwarded to the user's own app.
//!
//! Per POST, in this order: the body is read within limits; the request is appended to the
//! capture by the one writer thread and synced (per [`Fsync`]); the caller's check runs on
//! the body (knowing where it sits in the capture); `200 {"ok":true,"seq":N}` is answered;
//! an [`Event`] is queued for whoever shows it; the delivery is queued for forwarding. A 2xx
//! is never sent before the record is written, and a 3xx never at all.
//!
//! One liberty with that order, for speed: the check starts as soon as the record's place
//! in the file is fixed, while the writer writes and syncs it, instead of after the sync
//! (with `--fsync batch` the CPU would otherwise idle through every sync). Its result counts,
//! and is reported, only once the record is stored; a record that could not be stored is
//! answered 503 and its check dropped.
//!
//! The capture is raw HTTP/1.1, one request per delivery, each framed by `Content-Length`
//! (a chunked request is stored de-chunked), with three headers of leadcheck's
//! (`X-Leadcheck-Seq`, `X-Leadcheck-Received`, `X-Leadcheck-Peer`) and a CRLF after the body,
//! so every leadcheck command and `grep`/`less` read it. See [`store`] for the file's rules
//! (one writer, a lock, a torn last record set aside at start).
//!
//! Nothing here prints: everything worth telling is an [`Event`] read from [`Events`], which
//! never makes the receiver wait (see [`events`]).

pub mod events;
mod forward;
mod server;
pub mod store;
mod timed;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

pub use events::Events;

use crate::client::{self, Target};
use crate::position::LineCol;

/// When the capture is synced to disk before a delivery is acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fsync {
    /// Group commit: the writer takes every delivery waiting, writes them, syncs once, and
    /// acknowledges them all.
    #[default]
    Batch,
    /// One sync per delivery.
    Always,
    /// Written, not synced: a crash of the machine (not of leadcheck) may lose deliveries
    /// that were acknowledged.
    Never,
}

/// The receiver's limits. The defaults are the documented ones; tests shorten the timeouts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The largest body accepted (413 beyond).
    pub max_body: usize,
    /// Headers per request at most (431 beyond).
    pub max_headers: usize,
    /// The request line and headers at most, in bytes (431 beyond).
    pub max_head_bytes: usize,
    /// Time to receive a request's head, from the connection or from the first byte after
    /// the previous answer.
    pub head_timeout: Duration,
    /// Time to receive a body once the head has arrived (408 beyond).
    pub body_timeout: Duration,
    /// Time a kept-alive connection may stay silent between requests.
    pub idle_timeout: Duration,
    /// Connections open at once at most; more wait to be accepted.
    pub max_connections: usize,
    /// Time for the app to answer a forwarded delivery.
    pub forward_timeout: Duration,
    /// Deliveries waiting to be forwarded at most; more are counted and not forwarded (the
    /// capture still holds them).
    pub forward_queue: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 1 << 20,
            max_headers: 100,
            max_head_bytes: 64 << 10,
            head_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(60),
            max_connections: 64,
            forward_timeout: client::DEFAULT_TIMEOUT,
            forward_queue: 1000,
        }
    }
}

/// What to listen on, where to store, where to forward.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address to bind (port 0: any free port; see [`Running::local_addr`]).
    pub addr: SocketAddr,
    /// The one path deliveries are accepted on (404 elsewhere).
    pub path: String,
    /// The capture file, created when missing, appended to otherwise.
    pub out: PathBuf,
    /// The app to forward deliveries to.
    pub forward: Option<Target>,
    pub fsync: Fsync,
    /// A shared secret every request must carry, as `?token=` or `Authorization: Bearer`.
    /// Required when `addr` is not a loopback address.
    pub secret: Option<String>,
    pub limits: Limits,
    /// Stop on Ctrl-C and SIGTERM (as a command does); off, only [`Stop`] stops.
    pub signals: bool,
}

impl Config {
    /// Listening on `addr` at `/`, storing into `out`, batched syncs, default limits, no
    /// forwarding, no secret, stopped by signals.
    pub fn new(addr: SocketAddr, out: PathBuf) -> Config {
        Config {
            addr,
            path: "/".into(),
            out,
            forward: None,
            fsync: Fsync::Batch,
            secret: None,
            limits: Limits::default(),
            signals: true,
        }
    }
}

/// The caller's verdict on a delivery, for the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid,
    Unreadable,
}

/// What the caller's check returns: anything, as long as it tells a [`Verdict`].
pub trait Judgement: Send + 'static {
    fn verdict(&self) -> Verdict;
}

impl Judgement for Verdict {
    fn verdict(&self) -> Verdict {
        *self
    }
}

/// Where a delivery sits in the capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The request line's byte offset and position.
    pub record_offset: u64,
    pub record_at: LineCol,
    /// The body's first byte: its offset and position.
    pub body_offset: u64,
    pub body_at: LineCol,
}

/// A delivery, as the caller's check sees it (after it was stored).
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    pub seq: u64,
    pub received: SystemTime,
    pub peer: SocketAddr,
    /// The request target as stored (the `token` parameter's value redacted).
    pub target: &'a str,
    /// The headers as stored: lower-case names, `Authorization`, `Cookie` and the secret
    /// redacted, `Content-Length` the body's length, no `Transfer-Encoding`.
    pub headers: &'a [(String, String)],
    /// The body's exact bytes.
    pub body: &'a [u8],
    pub place: Place,
    /// The capture file.
    pub capture: &'a Path,
}

impl Delivery<'_> {
    /// A header's value by its name, in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        header(self.headers, name)
    }
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A stored and checked delivery, as reported.
#[derive(Debug, Clone)]
pub struct Received<J> {
    pub seq: u64,
    pub received: SystemTime,
    pub peer: SocketAddr,
    pub content_type: Option<String>,
    pub user_agent: Option<String>,
    /// The body's length in bytes.
    pub body_len: usize,
    pub place: Place,
    /// What the caller's check said.
    pub judgement: J,
    /// Whether a forward of it was queued (its result comes later, as
    /// [`Event::Forwarded`]).
    pub forwarding: bool,
}

/// Something worth telling, rarely: each at most once per change of state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// At start, the capture ended with a torn record (a crash mid-write); it was moved to
    /// `moved_to` and the capture cut back to its last whole record.
    TornTail {
        moved_to: PathBuf,
        bytes: u64,
        /// Where the torn record started in the capture.
        at: LineCol,
        reason: String,
    },
    /// The capture cannot be written (disk full, I/O error): deliveries get 503.
    StoreFailing { error: String },
    /// The capture is written again.
    StoreRecovered,
    /// The app does not answer (or refuses connections).
    TargetDown { error: client::Error },
    /// The app answers again.
    TargetUp,
    /// The forward queue is full: deliveries are stored but not forwarded until it drains.
    ForwardQueueFull { capacity: usize },
    /// The forward queue took deliveries again, after `dropped` were not forwarded.
    ForwardQueueDrained { dropped: u64 },
}

/// One event of the receiver, in the order it happened.
#[derive(Debug, Clone)]
pub enum Event<J> {
    /// A delivery was stored, checked and acknowledged.
    Delivery(Received<J>),
    /// A delivery was forwarded: the app's answer, or why there was none.
    Forwarded {
        seq: u64,
        result: Result<client::Response, client::Error>,
    },
    Notice(Notice),
    /// The reader lagged behind: this many deliveries and forward results were not queued.
    NotShown {
        events: u64,
    },
    /// The receiver stopped: the last event.
    Stopped(Counts),
}

/// What happened while the receiver ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Deliveries stored and acknowledged.
    pub received: u64,
    pub valid: u64,
    pub invalid: u64,
    pub unreadable: u64,
    /// Forwards the app answered with a 2xx.
    pub forwarded: u64,
    /// Forwards that got another status, or no answer.
    pub forward_failures: u64,
    /// Deliveries not forwarded: the queue was full, or the receiver stopped first.
    pub not_forwarded: u64,
    /// Requests answered 4xx (nothing stored).
    pub rejected: u64,
    /// Deliveries answered 503 because the capture could not be written.
    pub store_failures: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    received: AtomicU64,
    valid: AtomicU64,
    invalid: AtomicU64,
    unreadable: AtomicU64,
    forwarded: AtomicU64,
    forward_failures: AtomicU64,
    not_forwarded: AtomicU64,
    rejected: AtomicU64,
    store_failures: AtomicU64,
}

impl Counters {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn snapshot(&self) -> Counts {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Counts {
            received: get(&self.received),
            valid: get(&self.valid),
            invalid: get(&self.invalid),
            unreadable: get(&self.unreadable),
            forwarded: get(&self.forwarded),
            forward_failures: get(&self.forward_failures),
            not_forwarded: get(&self.not_forwarded),
            rejected: get(&self.rejected),
            store_failures: get(&self.store_failures),
        }
    }
}

/// Why the receiver could not start.
#[derive(Debug)]
pub enum Error {
    /// A non-loopback address without a secret.
    NeedsSecret { addr: SocketAddr },
    /// A path that does not start with `/`.
    BadPath { path: String },
    /// The capture file could not be opened, read or cut back.
    Store { path: PathBuf, message: String },
    /// Another receiver holds the capture file.
    Locked { path: PathBuf },
    /// The file holds something other than a capture written by `listen`.
    NotACapture {
        path: PathBuf,
        at: LineCol,
        reason: String,
    },
    /// The address could not be bound.
    Bind { addr: SocketAddr, message: String },
    /// Threads or the runtime could not be started.
    Start { message: String },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NeedsSecret { addr } => write!(
                f,
                "listening on {addr}, beyond this machine, needs a secret: pass --secret-env VAR with the secret in the environment variable VAR"
            ),
            Error::BadPath { path } => write!(f, "the path {path:?} must start with /"),
            Error::Store { path, message } => write!(f, "{}: {message}", path.display()),
            Error::Locked { path } => write!(
                f,
                "{}: another leadcheck listen is writing this capture (the file is locked); stop it or choose another --out",
                path.display()
            ),
            Error::NotACapture { path, at, reason } => write!(
                f,
                "{}:{at}: not a capture written by leadcheck listen ({reason}); choose another --out",
                path.display()
            ),
            Error::Bind { addr, message } => write!(f, "cannot listen on {addr}: {message}"),
            Error::Start { message } => write!(f, "cannot start the receiver: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// Stops a running receiver: it stops accepting, finishes the deliveries in flight, syncs
/// the capture, and sends [`Event::Stopped`].
#[derive(Debug, Clone)]
pub struct Stop {
    tx: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Stop {
    pub fn stop(&self) {
        self.tx.send_replace(true);
    }
}

/// A receiver started by [`start`].
pub struct Running<J> {
    addr: SocketAddr,
    records: u64,
    events: Events<J>,
    stop: Stop,
    thread: Option<JoinHandle<()>>,
}

impl<J> Running<J> {
    /// The address bound (with the port chosen when asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Whole records the capture held before this receiver started.
    pub fn records_before(&self) -> u64 {
        self.records
    }

    pub fn events(&self) -> &Events<J> {
        &self.events
    }

    pub fn stopper(&self) -> Stop {
        self.stop.clone()
    }

    /// Waits until the receiver has stopped (after [`Event::Stopped`]).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The caller's check of a stored delivery.
pub type Check<J> = dyn Fn(&Delivery<'_>) -> J + Send + Sync;

/// Opens (and locks) the capture, sets a torn last record aside, binds the address and
/// starts receiving on threads of its own. Events, the first of which may be
/// [`Notice::TornTail`], are read from [`Running::events`].
pub fn start<J, F>(config: Config, check: F) -> Result<Running<J>, Error>
where
    J: Judgement,
    F: Fn(&Delivery<'_>) -> J + Send + Sync + 'static,
{
    if !config.addr.ip().is_loopback() && config.secret.as_deref().is_none_or(str::is_empty) {
        return Err(Error::NeedsSecret { addr: config.addr });
    }
    if !config.path.starts_with('/') {
        return Err(Error::BadPath {
            path: config.path.clone(),
        });
    }
    let (tx, events) = events::channel::<J>();
    let opened = store::Store::open(&config.out)?;
    if let Some(torn) = &opened.torn {
        tx.send(Event::Notice(Notice::TornTail {
            moved_to: torn.moved_to.clone(),
            bytes: torn.bytes,
            at: torn.at,
            reason: torn.reason.clone(),
        }));
    }
    let listener = std::net::TcpListener::bind(config.addr).map_err(|e| Error::Bind {
        addr: config.addr,
        message: crate::reader::io_message(&e),
    })?;
    let start_err = |e: std::io::Error| Error::Start {
        message: crate::reader::io_message(&e),
    };
    listener.set_nonblocking(true).map_err(start_err)?;
    let addr = listener.local_addr().map_err(start_err)?;
    let (stop_tx, _) = tokio::sync::watch::channel(false);
    let stop = Stop {
        tx: Arc::new(stop_tx),
    };
    let records = opened.records;
    let thread = server::spawn(server::Setup {
        config,
        listener,
        store: opened.store,
        check: Box::new(check),
        events: tx,
        stop: stop.clone(),
    })
    .map_err(start_err)?;
    Ok(Running {
        addr,
        records,
        events,
        stop,
        thread: Some(thread),
    })
}
