//! The queue of events from the receiver to whoever shows them.
//!
//! The receiver must never wait for the printer: a terminal that scrolls slowly, or output
//! piped into a slow program, must not add latency to deliveries. So the queue is bounded
//! for deliveries: when it is full, a delivery's event is dropped and counted, and the
//! count reaches the reader as one [`Event::NotShown`] in the dropped events' place. Notices
//! (store failing, target down, …) are rare, once per change, and always queued (up to a
//! much larger bound, past which they are counted too).

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::Event;

/// Delivery events held at most while the reader lags behind.
pub const DELIVERY_CAPACITY: usize = 1024;

/// Events of any kind held at most.
const CAPACITY: usize = 16 * DELIVERY_CAPACITY;

struct State<J> {
    queue: VecDeque<Event<J>>,
    /// Delivery events in the queue (the rest are notices).
    deliveries: usize,
    /// Events dropped since the last one queued.
    not_shown: u64,
    closed: bool,
}

struct Shared<J> {
    state: Mutex<State<J>>,
    ready: Condvar,
}

/// The reading end: events in the order they happened, dropped ones counted in place.
pub struct Events<J> {
    shared: Arc<Shared<J>>,
}

/// The writing end, cloned into every part of the receiver.
pub(crate) struct Sender<J> {
    shared: Arc<Shared<J>>,
}

impl<J> Clone for Sender<J> {
    fn clone(&self) -> Self {
        Sender {
            shared: self.shared.clone(),
        }
    }
}

pub(crate) fn channel<J>() -> (Sender<J>, Events<J>) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            queue: VecDeque::new(),
            deliveries: 0,
            not_shown: 0,
            closed: false,
        }),
        ready: Condvar::new(),
    });
    (
        Sender {
            shared: shared.clone(),
        },
        Events { shared },
    )
}

fn lock<J>(shared: &Shared<J>) -> std::sync::MutexGuard<'_, State<J>> {
    // A panic elsewhere while holding the lock leaves a queue that is still consistent.
    shared.state.lock().unwrap_or_else(|p| p.into_inner())
}

impl<J> Sender<J> {
    /// Queues an event without ever waiting; a delivery (or forward result) is dropped and
    /// counted when the reader lags behind.
    pub(crate) fn send(&self, event: Event<J>) {
        let droppable = matches!(event, Event::Delivery(_) | Event::Forwarded { .. });
        let mut s = lock(&self.shared);
        if s.closed {
            return;
        }
        let full = if droppable {
            s.deliveries >= DELIVERY_CAPACITY
        } else {
            s.queue.len() >= CAPACITY
        };
        if full {
            s.not_shown += 1;
            return;
        }
        if s.not_shown > 0 {
            let n = std::mem::take(&mut s.not_shown);
            s.queue.push_back(Event::NotShown { events: n });
        }
        if droppable {
            s.deliveries += 1;
        }
        s.queue.push_back(event);
        drop(s);
        self.shared.ready.notify_one();
    }

    /// Queues the last event, always, and closes the queue.
    pub(crate) fn close_with(&self, event: Event<J>) {
        let mut s = lock(&self.shared);
        if s.not_shown > 0 {
            let n = std::mem::take(&mut s.not_shown);
            s.queue.push_back(Event::NotShown { events: n });
        }
        s.queue.push_back(event);
        s.closed = true;
        drop(s);
        self.shared.ready.notify_all();
    }
}

impl<J> Events<J> {
    /// The next event, waiting for one; `None` once the receiver has stopped and every
    /// event was read.
    pub fn recv(&self) -> Option<Event<J>> {
        self.recv_timeout(None).unwrap_or(None)
    }

    /// The next event, waiting at most `timeout`: `Err(())` when none came in time.
    #[allow(clippy::result_unit_err)]
    pub fn recv_timeout(&self, timeout: Option<Duration>) -> Result<Option<Event<J>>, ()> {
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        let mut s = lock(&self.shared);
        loop {
            if let Some(event) = s.queue.pop_front() {
                if matches!(event, Event::Delivery(_) | Event::Forwarded { .. }) {
                    s.deliveries -= 1;
                }
                return Ok(Some(event));
            }
            if s.closed {
                return Ok(None);
            }
            match deadline {
                None => s = self.shared.ready.wait(s).unwrap_or_else(|p| p.into_inner()),
                Some(deadline) => {
                    let now = std::time::Instant::now();
                    if now >= deadline {
                        return Err(());
                    }
                    s = self
                        .shared
                        .ready
                        .wait_timeout(s, deadline - now)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listen::{Counts, Notice};

    #[test]
    fn a_lagging_reader_sees_a_count_in_place_of_dropped_deliveries() {
        let (tx, rx) = channel::<()>();
        for seq in 0..DELIVERY_CAPACITY as u64 + 5 {
            tx.send(Event::Forwarded {
                seq,
                result: Err(crate::client::Error::Timeout {
                    after: Duration::from_secs(1),
                }),
            });
        }
        // A notice is never dropped, and the count of dropped events comes before it.
        tx.send(Event::Notice(Notice::StoreRecovered));
        tx.close_with(Event::Stopped(Counts::default()));
        let events: Vec<Event<()>> = std::iter::from_fn(|| rx.recv()).collect();
        assert_eq!(events.len(), DELIVERY_CAPACITY + 3);
        assert!(matches!(
            events[DELIVERY_CAPACITY],
            Event::NotShown { events: 5 }
        ));
        assert!(matches!(
            events[DELIVERY_CAPACITY + 1],
            Event::Notice(Notice::StoreRecovered)
        ));
        assert!(matches!(events.last(), Some(Event::Stopped(_))));
        assert!(matches!(rx.recv_timeout(Some(Duration::ZERO)), Ok(None)));
    }
}
