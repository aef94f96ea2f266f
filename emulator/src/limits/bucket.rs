//! The leaky bucket per portal: over its burst, requests get HTTP 503 `QUERY_LIMIT_EXCEEDED`.

use std::time::Instant;

use crate::config::RateLimit;

/// A leaky bucket: each request adds one, the bucket drains at a fixed rate.
#[derive(Debug)]
pub struct Bucket {
    limit: RateLimit,
    level: f64,
    last: Instant,
}

impl Bucket {
    /// An empty bucket.
    pub fn new(limit: RateLimit) -> Bucket {
        Bucket {
            limit,
            level: 0.0,
            last: Instant::now(),
        }
    }

    /// Counts a request; `false` when the bucket is full (the request is refused).
    pub fn admit(&mut self) -> bool {
        let now = Instant::now();
        let drained = now.duration_since(self.last).as_secs_f64() * self.limit.drain_per_sec;
        self.level = (self.level - drained).max(0.0);
        self.last = now;
        if self.level + 1.0 > self.limit.burst {
            return false;
        }
        self.level += 1.0;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_refuses_past_its_burst() {
        let mut b = Bucket::new(RateLimit {
            burst: 3.0,
            drain_per_sec: 0.001,
        });
        assert!(b.admit() && b.admit() && b.admit());
        assert!(!b.admit());
        let mut fast = Bucket::new(RateLimit {
            burst: 1.0,
            drain_per_sec: 1e9,
        });
        assert!(fast.admit());
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(fast.admit());
    }
}
