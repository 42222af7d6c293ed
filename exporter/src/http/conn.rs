//! One HTTP connection under time limits.
//!
//! The stream is wrapped so that every read and write is noticed, and a
//! watchdog closes the connection when
//!
//! * a request (or the TLS handshake, or the first request after accepting)
//!   has started arriving but its headers are not complete within
//!   [`HttpLimits::header_timeout`] (slow or stalled clients), or
//! * nothing moved for [`HttpLimits::idle_timeout`] while no request is being
//!   answered (idle keep-alive connections, clients that stopped reading).
//!
//! A request being answered is never cut: the scrape has its own deadline.
//! This works the same for HTTP/1.1 and HTTP/2, plain and TLS.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Instant;

/// Limits on HTTP connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Connections open at once; at the limit, new ones wait in the
    /// kernel's accept queue until one closes.
    pub max_connections: usize,
    /// Time from accepting (or from the first byte of a later request) to
    /// complete request headers, TLS handshake included.
    pub header_timeout: Duration,
    /// Time a connection may stay without traffic between requests.
    pub idle_timeout: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(120),
        }
    }
}

/// "No request is arriving".
const NONE: u64 = u64::MAX;

/// What the watchdog knows about a connection (milliseconds since `base`).
#[derive(Debug)]
pub(crate) struct Activity {
    base: Instant,
    last: AtomicU64,
    /// When the request now arriving started (its first byte), or [`NONE`].
    head_since: AtomicU64,
    in_flight: AtomicUsize,
}

impl Activity {
    pub(crate) fn new() -> Arc<Self> {
        // The first request is due from the moment of accepting.
        Arc::new(Self {
            base: Instant::now(),
            last: AtomicU64::new(0),
            head_since: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        })
    }

    fn now(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_millis()).unwrap_or(u64::MAX - 1)
    }

    fn read(&self) {
        let now = self.now();
        self.last.store(now, Ordering::Release);
        if self.in_flight.load(Ordering::Acquire) == 0 {
            let _ =
                self.head_since
                    .compare_exchange(NONE, now, Ordering::AcqRel, Ordering::Acquire);
        }
    }

    fn wrote(&self) {
        self.last.store(self.now(), Ordering::Release);
    }

    /// A request's headers are complete; it is being answered until the
    /// guard is dropped.
    pub(crate) fn request(self: &Arc<Self>) -> RequestGuard {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.head_since.store(NONE, Ordering::Release);
        RequestGuard(Arc::clone(self))
    }

    /// `None` when the connection must close now, else how long to sleep
    /// before asking again.
    fn check(&self, limits: &HttpLimits) -> Option<Duration> {
        let poll =
            (limits.header_timeout / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return Some(poll);
        }
        let now = self.now();
        let head = self.head_since.load(Ordering::Acquire);
        let deadline = if head == NONE {
            self.last
                .load(Ordering::Acquire)
                .saturating_add(millis(limits.idle_timeout))
        } else {
            head.saturating_add(millis(limits.header_timeout))
        };
        if now >= deadline {
            return None;
        }
        Some(Duration::from_millis(deadline - now).min(poll))
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX / 2)
}

/// Marks a request as being answered.
#[derive(Debug)]
pub(crate) struct RequestGuard(Arc<Activity>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.wrote();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Resolves when the connection has broken one of the limits.
pub(crate) async fn watchdog(activity: Arc<Activity>, limits: HttpLimits) -> &'static str {
    loop {
        match activity.check(&limits) {
            Some(wait) => tokio::time::sleep(wait).await,
            None if activity.head_since.load(Ordering::Acquire) == NONE => return "idle timeout",
            None => return "request header timeout",
        }
    }
}

/// A stream whose reads and writes are reported to an [`Activity`].
#[derive(Debug)]
pub(crate) struct Tracked<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T> Tracked<T> {
    pub(crate) fn new(inner: T, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Tracked<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read();
        }
        r
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Tracked<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> HttpLimits {
        HttpLimits {
            max_connections: 4,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_client_gets_the_header_timeout() {
        let a = Activity::new();
        tokio::time::advance(Duration::from_millis(9_900)).await;
        assert!(a.check(&limits()).is_some());
        tokio::time::advance(Duration::from_millis(200)).await;
        assert!(a.check(&limits()).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn trickling_bytes_do_not_extend_the_header_timeout() {
        let a = Activity::new();
        for _ in 0..11 {
            tokio::time::advance(Duration::from_secs(1)).await;
            a.read();
        }
        assert!(a.check(&limits()).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn requests_are_never_cut_and_idle_follows_them() {
        let a = Activity::new();
        a.read();
        let g = a.request();
        tokio::time::advance(Duration::from_secs(300)).await;
        assert!(a.check(&limits()).is_some(), "a long scrape is not cut");
        drop(g);
        tokio::time::advance(Duration::from_secs(59)).await;
        assert!(a.check(&limits()).is_some(), "idle keep-alive allowed");
        tokio::time::advance(Duration::from_secs(2)).await;
        assert!(a.check(&limits()).is_none(), "idle keep-alive closed");
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_request_on_a_kept_alive_connection_gets_the_header_timeout() {
        let a = Activity::new();
        drop(a.request());
        tokio::time::advance(Duration::from_secs(30)).await;
        a.read();
        tokio::time::advance(Duration::from_secs(11)).await;
        assert!(a.check(&limits()).is_none());
        assert_eq!(watchdog(a, limits()).await, "request header timeout");
    }
}
