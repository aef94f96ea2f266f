//! The in-process leaky bucket, as a GCRA (generic cell rate algorithm): one instant per
//! portal, the theoretical arrival time of the next request. A request may go when that time
//! is no further ahead than the burst allows; otherwise it waits for the difference.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Bucket, LimitFuture, RateLimiter};

/// A leaky bucket per portal, kept in this process. Clients that share one `LocalBucket`
/// (through the builder's `rate_limiter`) share the budget.
#[derive(Debug)]
pub struct LocalBucket {
    /// Time between two requests once the burst is spent.
    interval: Duration,
    /// How far ahead of now the next arrival may be: the burst, in intervals.
    tolerance: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl LocalBucket {
    /// A bucket of `bucket.burst` requests draining `bucket.drain_per_sec` per second.
    ///
    /// # Panics
    /// Never: a drain rate that is not a positive number is taken as one per second.
    pub fn new(bucket: Bucket) -> LocalBucket {
        LocalBucket {
            interval: bucket.interval(),
            tolerance: bucket.tolerance(),
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Takes the next place for `portal` and says how long to wait before using it.
    fn reserve(&self, portal: &str, now: Instant) -> Duration {
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tat = next.get(portal).copied().unwrap_or(now).max(now);
        let wait = tat.saturating_duration_since(now + self.tolerance);
        next.insert(portal.to_owned(), tat + self.interval);
        wait
    }

    /// Marks `portal`'s bucket full: the next request waits one interval.
    fn fill(&self, portal: &str, now: Instant) {
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let full = now + self.tolerance + self.interval;
        let tat = next.entry(portal.to_owned()).or_insert(full);
        *tat = (*tat).max(full);
    }
}

impl RateLimiter for LocalBucket {
    fn acquire<'a>(&'a self, portal: &'a str) -> LimitFuture<'a> {
        let wait = self.reserve(portal, Instant::now());
        Box::pin(async move {
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            Ok(())
        })
    }

    fn refused<'a>(&'a self, portal: &'a str) -> LimitFuture<'a> {
        self.fill(portal, Instant::now());
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(burst: u32, drain_per_sec: f64) -> LocalBucket {
        LocalBucket::new(Bucket {
            burst,
            drain_per_sec,
        })
    }

    #[test]
    fn the_burst_goes_at_once_then_one_per_interval() {
        let b = bucket(3, 2.0);
        let t0 = Instant::now();
        let waits: Vec<Duration> = (0..5).map(|_| b.reserve("p", t0)).collect();
        let ms: Vec<u128> = waits.iter().map(Duration::as_millis).collect();
        assert_eq!(ms, [0, 0, 0, 500, 1000]);
        // Portals have buckets of their own.
        assert_eq!(b.reserve("other", t0), Duration::ZERO);
    }

    #[test]
    fn the_bucket_drains_while_idle() {
        let b = bucket(2, 10.0);
        let t0 = Instant::now();
        assert_eq!(b.reserve("p", t0), Duration::ZERO);
        assert_eq!(b.reserve("p", t0), Duration::ZERO);
        assert_eq!(b.reserve("p", t0).as_millis(), 100);
        // A second later the bucket is empty again: two at once.
        let later = t0 + Duration::from_secs(1);
        assert_eq!(b.reserve("p", later), Duration::ZERO);
        assert_eq!(b.reserve("p", later), Duration::ZERO);
    }

    #[test]
    fn a_refusal_fills_the_bucket() {
        let b = bucket(50, 2.0);
        let t0 = Instant::now();
        b.fill("p", t0);
        assert_eq!(b.reserve("p", t0).as_millis(), 500);
        assert_eq!(b.reserve("p", t0).as_millis(), 1000);
    }

    #[test]
    fn a_nonsense_rate_does_not_panic() {
        let t0 = Instant::now();
        for rate in [f64::MIN_POSITIVE, 1e-300] {
            let b = bucket(u32::MAX, rate);
            assert_eq!(b.reserve("p", t0), Duration::ZERO);
        }
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let b = bucket(1, rate);
            let t0 = Instant::now();
            assert_eq!(b.reserve("p", t0), Duration::ZERO);
            assert_eq!(b.reserve("p", t0), Duration::from_secs(1));
        }
    }
}
