//! Client-side limits that keep a portal from refusing calls: the portal's leaky bucket
//! (requests per second, shared by everything that calls the portal) and each method's
//! operating-time budget (seconds of server time per ten minutes).
//!
//! Before a request leaves, the client takes a place in the bucket ([`RateLimiter::acquire`])
//! and waits if the method's operating time is about to run out; after the answer, it records
//! the method's reported usage. A `503 QUERY_LIMIT_EXCEEDED` fills the bucket
//! ([`RateLimiter::refused`]) and the call waits and goes again; a `429 OPERATION_TIME_LIMIT`
//! waits until the method's budget is released, up to [`Limits::max_wait`]. Neither refusal
//! ran the call, so going again is safe for writes too.

mod bucket;
mod operating;
#[cfg(feature = "redis")]
mod redis_bucket;

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub use bucket::LocalBucket;
pub(crate) use operating::OperatingTime;
#[cfg(feature = "redis")]
pub use redis_bucket::RedisBucket;
/// A future the limiter returns; boxed so that the trait stays object-safe.
pub type LimitFuture<'a> = Pin<Box<dyn Future<Output = Result<(), LimitError>> + Send + 'a>>;

/// A portal's request budget. The in-process [`LocalBucket`] is the default; `RedisBucket`
/// (cargo feature `redis`) keeps it in Redis, so that many processes on many machines share
/// one portal's budget.
pub trait RateLimiter: Send + Sync + fmt::Debug {
    /// Waits until one more request fits `portal`'s bucket, and takes its place.
    fn acquire<'a>(&'a self, portal: &'a str) -> LimitFuture<'a>;
    /// `portal` refused a request (`QUERY_LIMIT_EXCEEDED`): its bucket is full now.
    fn refused<'a>(&'a self, portal: &'a str) -> LimitFuture<'a>;
}

/// The limiter itself failed (a shared store could not be reached, or answered nonsense).
///
/// Like the crate's other errors, `Display` is one short message of what failed (e.g. `cannot
/// reach the Redis bucket`) and the lower-level cause, when there is one, is its
/// [`source()`](std::error::Error::source), never repeated in the message. Neither ever holds
/// a password of the store's URL.
///
/// Cheap to clone: clones share the cause.
#[derive(Debug, Clone)]
pub struct LimitError {
    message: Cow<'static, str>,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl LimitError {
    /// A failure without a lower-level cause.
    pub fn new(message: impl Into<Cow<'static, str>>) -> LimitError {
        LimitError {
            message: message.into(),
            source: None,
        }
    }

    /// A failure caused by `source` (e.g. the store client's error). `message` says what
    /// failed and should not repeat `source`'s own message.
    pub fn with_source(
        message: impl Into<Cow<'static, str>>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> LimitError {
        LimitError {
            message: message.into(),
            source: Some(Arc::new(source)),
        }
    }
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LimitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A portal's leaky bucket: `burst` requests at once, then `drain_per_sec` per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    /// Requests the bucket holds.
    pub burst: u32,
    /// Requests per second it drains.
    pub drain_per_sec: f64,
}

impl Bucket {
    /// The standard plans: 50 at once, then 2 per second.
    pub const STANDARD: Bucket = Bucket {
        burst: 50,
        drain_per_sec: 2.0,
    };
    /// Enterprise plans: 250 at once, then 5 per second.
    pub const ENTERPRISE: Bucket = Bucket {
        burst: 250,
        drain_per_sec: 5.0,
    };

    /// Time between two requests once the burst is spent; a drain rate that is not a positive
    /// number is taken as one per second, and one slower than a request a day as one a day.
    pub(crate) fn interval(&self) -> Duration {
        const SLOWEST: f64 = 1.0 / 86_400.0;
        let rate = if self.drain_per_sec.is_finite() && self.drain_per_sec > 0.0 {
            self.drain_per_sec.max(SLOWEST)
        } else {
            1.0
        };
        Duration::from_secs_f64(1.0 / rate)
    }

    /// How far ahead of now the next request's place may be and still go at once: the burst
    /// less one, in intervals (at most ten years, which keeps clock arithmetic in range).
    pub(crate) fn tolerance(&self) -> Duration {
        const LONGEST: Duration = Duration::from_secs(10 * 365 * 86_400);
        self.interval()
            .checked_mul(self.burst.saturating_sub(1))
            .map_or(LONGEST, |t| t.min(LONGEST))
    }
}

/// What the client keeps to: the portal's bucket and the methods' operating-time budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// The portal's leaky bucket; `None` sends without waiting (the portal still refuses
    /// what it must, and the client then waits as told).
    pub bucket: Option<Bucket>,
    /// Seconds of operating time a method may use per window (the docs' 480 s).
    pub operating_budget: Duration,
    /// Share of the budget from which the client slows a method down: it then waits for the
    /// budget to be released before calls that would spend the rest.
    pub operating_slowdown: f64,
    /// The longest the client waits for a limit (a full bucket, a method's budget) before it
    /// returns the portal's refusal as an error instead.
    pub max_wait: Duration,
}

impl Default for Limits {
    /// The standard plan's bucket and the docs' 480 s budget; waits up to ten minutes, the
    /// length of the operating-time window.
    fn default() -> Limits {
        Limits {
            bucket: Some(Bucket::STANDARD),
            operating_budget: Duration::from_secs(480),
            operating_slowdown: 0.9,
            max_wait: Duration::from_secs(600),
        }
    }
}

impl Limits {
    /// The standard plan (50 / 2).
    pub fn standard() -> Limits {
        Limits::default()
    }

    /// The enterprise plan (250 / 5).
    pub fn enterprise() -> Limits {
        Limits {
            bucket: Some(Bucket::ENTERPRISE),
            ..Limits::default()
        }
    }

    /// No client-side limits: every call goes at once, refusals are still waited out.
    pub fn none() -> Limits {
        Limits {
            bucket: None,
            ..Limits::default()
        }
    }
}
