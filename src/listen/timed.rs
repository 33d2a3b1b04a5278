//! A connection with the head and idle timeouts.
//!
//! hyper's own header timeout runs from the moment it waits for a request, so it cannot
//! tell a slow head (10 s) from a kept-alive connection waiting for its next request
//! (60 s). This wrapper knows which phase a connection is in, from the service (a request
//! is being handled) and from the bytes it reads (a head has started), and fails a read
//! that waits past the phase's deadline. Bodies have their own timeout, in the handler.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for, or reading, a request head: since the connection opened or since the
    /// first byte after the last answer.
    Head(Instant),
    /// A request is being handled.
    Request,
    /// Answered; waiting for the next request since then.
    Idle(Instant),
}

/// The phase of one connection, shared by its reader and its service.
#[derive(Debug)]
pub struct Conn {
    phase: Mutex<Phase>,
    head: Duration,
    idle: Duration,
}

impl Conn {
    pub fn new(head: Duration, idle: Duration) -> Arc<Conn> {
        Arc::new(Conn {
            phase: Mutex::new(Phase::Head(Instant::now())),
            head,
            idle,
        })
    }

    fn set(&self, phase: Phase) {
        *self.phase.lock().unwrap_or_else(|p| p.into_inner()) = phase;
    }

    /// A request's head arrived; the returned guard marks the end of its handling.
    pub fn request(self: &Arc<Conn>) -> RequestGuard {
        self.set(Phase::Request);
        RequestGuard(self.clone())
    }

    fn read_some(&self) {
        let mut phase = self.phase.lock().unwrap_or_else(|p| p.into_inner());
        if let Phase::Idle(_) = *phase {
            *phase = Phase::Head(Instant::now());
        }
    }

    fn deadline(&self) -> Option<Instant> {
        match *self.phase.lock().unwrap_or_else(|p| p.into_inner()) {
            Phase::Head(since) => Some(since + self.head),
            Phase::Idle(since) => Some(since + self.idle),
            Phase::Request => None,
        }
    }
}

/// Ends a request's handling when dropped (even when the handler is cancelled).
pub struct RequestGuard(Arc<Conn>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.set(Phase::Idle(Instant::now()));
    }
}

/// A stream whose reads fail with `TimedOut` past the phase's deadline.
pub struct Timed<S> {
    inner: S,
    conn: Arc<Conn>,
    sleep: Pin<Box<Sleep>>,
}

impl<S> Timed<S> {
    pub fn new(inner: S, conn: Arc<Conn>) -> Timed<S> {
        let deadline = conn.deadline().unwrap_or_else(Instant::now);
        Timed {
            inner,
            conn,
            sleep: Box::pin(tokio::time::sleep_until(deadline)),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Timed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.conn.read_some();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let Some(deadline) = self.conn.deadline() else {
                    return Poll::Pending;
                };
                if self.sleep.deadline() != deadline {
                    self.sleep.as_mut().reset(deadline);
                }
                match self.sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "no request within the time allowed",
                    ))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Timed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
