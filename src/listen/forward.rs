//! Forwarding: one FIFO lane to the user's app, on a thread of its own.
//!
//! One lane keeps a lead's `new` before its `update`. The queue is bounded: when the app is
//! slower than the deliveries, the ones that do not fit are counted and not forwarded (the
//! capture holds them), so the receiver's latency never depends on the app. A target that
//! stops answering is reported once (down), and once when it answers again (up).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::events::Sender;
use super::{Counters, Event, Notice};
use crate::client::{Client, Target};

/// The bodies waiting to be forwarded take this many bytes at most (a thousand 1 MiB bodies
/// would otherwise be a gigabyte).
const MAX_QUEUED_BYTES: usize = 64 << 20;

/// A delivery to forward.
pub struct Job {
    pub seq: u64,
    pub body: Bytes,
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
}

/// The receiving end's handle on the lane.
pub struct Lane<J> {
    queue: SyncSender<Job>,
    capacity: usize,
    /// Deliveries dropped in the current overflow (`Some` while the queue is full).
    overflow: Mutex<Option<u64>>,
    events: Sender<J>,
    counters: Arc<Counters>,
    stopping: Arc<AtomicBool>,
    /// Bytes of the bodies in the queue.
    queued: Arc<AtomicUsize>,
}

impl<J> Lane<J> {
    /// Queues a delivery, never waiting; a full queue drops it (counted, reported once per
    /// overflow).
    pub fn push(&self, job: Job) {
        let mut overflow = self.overflow.lock().unwrap_or_else(|p| p.into_inner());
        let len = job.body.len();
        let sent = if self.queued.load(Ordering::Relaxed) + len > MAX_QUEUED_BYTES {
            Err(TrySendError::Full(job))
        } else {
            self.queued.fetch_add(len, Ordering::Relaxed);
            self.queue.try_send(job).inspect_err(|_| {
                self.queued.fetch_sub(len, Ordering::Relaxed);
            })
        };
        match sent {
            Ok(()) => {
                if let Some(dropped) = overflow.take() {
                    self.events
                        .send(Event::Notice(Notice::ForwardQueueDrained { dropped }));
                }
            }
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                Counters::bump(&self.counters.not_forwarded);
                match overflow.as_mut() {
                    Some(n) => *n += 1,
                    None => {
                        *overflow = Some(1);
                        self.events.send(Event::Notice(Notice::ForwardQueueFull {
                            capacity: self.capacity,
                        }));
                    }
                }
            }
        }
    }

    /// From now on, the lane forwards what is queued only while the app answers, for at
    /// most one more timeout, and then gives up on the rest.
    pub fn stopping(&self) {
        self.stopping.store(true, Ordering::Relaxed);
    }
}

/// Starts the lane's thread. It ends when the [`Lane`] is dropped and the queue is empty
/// (or given up).
pub fn spawn<J: Send + 'static>(
    target: Target,
    capacity: usize,
    timeout: Duration,
    events: Sender<J>,
    counters: Arc<Counters>,
) -> std::io::Result<(Lane<J>, JoinHandle<()>)> {
    let (tx, rx) = sync_channel(capacity.max(1));
    let stopping = Arc::new(AtomicBool::new(false));
    let queued = Arc::new(AtomicUsize::new(0));
    let thread = {
        let lane = Thread {
            target,
            timeout,
            events: events.clone(),
            counters: counters.clone(),
            stopping: stopping.clone(),
            queued: queued.clone(),
        };
        std::thread::Builder::new()
            .name("leadcheck-forward".into())
            .spawn(move || lane.run(rx))?
    };
    Ok((
        Lane {
            queue: tx,
            capacity,
            overflow: Mutex::new(None),
            events,
            counters,
            stopping,
            queued,
        },
        thread,
    ))
}

/// The lane's thread.
struct Thread<J> {
    target: Target,
    timeout: Duration,
    events: Sender<J>,
    counters: Arc<Counters>,
    stopping: Arc<AtomicBool>,
    queued: Arc<AtomicUsize>,
}

impl<J> Thread<J> {
    fn run(self, rx: Receiver<Job>) {
        let Thread {
            target,
            timeout,
            events,
            counters,
            stopping,
            queued,
        } = self;
        let client = Client::new();
        let mut down = false;
        // Once stopping: until when queued deliveries are still forwarded.
        let mut last_call: Option<Instant> = None;
        let mut give_up = false;
        while let Ok(job) = rx.recv() {
            queued.fetch_sub(job.body.len(), Ordering::Relaxed);
            if stopping.load(Ordering::Relaxed) {
                let deadline = *last_call.get_or_insert_with(|| Instant::now() + timeout);
                if give_up || Instant::now() >= deadline {
                    Counters::bump(&counters.not_forwarded);
                    continue;
                }
            }
            let mut headers = job.headers;
            headers.push(("X-Leadcheck-Seq".into(), job.seq.to_string()));
            let result = client.post(
                &target,
                &job.body,
                job.content_type.as_deref(),
                &headers,
                timeout,
            );
            match &result {
                Ok(response) => {
                    if (200..300).contains(&response.status) {
                        Counters::bump(&counters.forwarded);
                    } else {
                        Counters::bump(&counters.forward_failures);
                    }
                    if down {
                        down = false;
                        events.send(Event::Notice(Notice::TargetUp));
                    }
                }
                Err(error) => {
                    Counters::bump(&counters.forward_failures);
                    if stopping.load(Ordering::Relaxed) {
                        give_up = true;
                    }
                    if !down {
                        down = true;
                        events.send(Event::Notice(Notice::TargetDown {
                            error: error.clone(),
                        }));
                    }
                }
            }
            events.send(Event::Forwarded {
                seq: job.seq,
                result,
            });
        }
    }
}
