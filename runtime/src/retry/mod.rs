//! Going again after a failure in transit: which calls may, how long to wait, and how many
//! retries a client may spend.
//!
//! A call is sent again only when a second run cannot apply it twice: a read, a REST 3.0
//! write that carries an `Idempotency-Key` (the portal answers a repeat from its store), or
//! any call the portal did not receive (the connection was refused). A v1 write whose answer
//! was lost is never sent again: the caller gets [`crate::Error::OutcomeUnknown`].
//!
//! The portal's own refusals for its limits (`503 QUERY_LIMIT_EXCEEDED`, `429
//! OPERATION_TIME_LIMIT`) are not retries in this sense: the portal did not run the call, and
//! the limiter waits them out (see [`crate::Limits`]).

mod budget;

use std::time::Duration;

use crate::random::random_u64;
pub(crate) use budget::RetryBudget;

/// How a client goes again after failures in transit: `500`/`502`/`504` answers, dropped or
/// refused connections, timeouts and cut-short bodies.
///
/// The default is [`RetryPolicy::standard`]. Backoff is exponential with full jitter: before
/// retry *n* the client waits a random time up to `initial_backoff × 2ⁿ⁻¹`, capped at
/// `max_backoff`. A retry budget shared by the client's clones stops retry storms when the
/// portal is down: a token bucket of `budget` tokens, where a retry costs 5 (10 after a
/// timeout), and a call that gets through gives back what its retries took (1 when it took
/// none). It drains only while calls keep failing; once it is spent, failures reach the
/// caller at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; `1` never retries.
    pub max_attempts: u32,
    /// Backoff cap before the first retry.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// Tokens of the retry budget.
    pub budget: u32,
}

/// The code of the portal's refusal when its bucket is full (HTTP 503): the call did not run.
pub(crate) const BUCKET_REFUSAL: &str = "QUERY_LIMIT_EXCEEDED";
/// The code of the portal's refusal when a method's operating time is spent (HTTP 429): the
/// call did not run.
pub(crate) const OPERATING_REFUSAL: &str = "OPERATION_TIME_LIMIT";

/// Cost of a retry in budget tokens.
pub(crate) const RETRY_COST: u32 = 5;
/// Cost of a retry after a timeout: timeouts are the likeliest sign of an overloaded portal.
pub(crate) const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens a call that got through with no retry puts back.
pub(crate) const SUCCESS_REFUND: u32 = 1;

impl RetryPolicy {
    /// Four attempts, backoff from 200 ms up to 10 s, a budget of 500 tokens (100 retries
    /// that come to nothing).
    pub const fn standard() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            budget: 500,
        }
    }

    /// Never retry: every failure reaches the caller.
    pub const fn never() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::standard()
        }
    }

    /// With `attempts` attempts in all (at least 1).
    pub const fn with_max_attempts(mut self, attempts: u32) -> RetryPolicy {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// With backoff from `initial` up to `max`.
    pub const fn with_backoff(mut self, initial: Duration, max: Duration) -> RetryPolicy {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// With a retry budget of `tokens`.
    pub const fn with_budget(mut self, tokens: u32) -> RetryPolicy {
        self.budget = tokens;
        self
    }

    /// The wait before retry number `retry` (1 for the first), with full jitter.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(30);
        let cap = self
            .initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff);
        cap.mul_f64(jitter())
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::standard()
    }
}

/// A number in `[0, 1)`, different on each call: enough to spread retries apart.
fn jitter() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A fresh `Idempotency-Key`: 32 hex digits, unique for practical purposes.
pub(crate) fn new_idempotency_key() -> String {
    format!("{:016x}{:016x}", random_u64(), random_u64())
}

/// Whether `key` may be sent as an `Idempotency-Key`: 1 to 255 printable ASCII characters.
pub(crate) fn valid_idempotency_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_its_cap_with_jitter() {
        let p = RetryPolicy::standard()
            .with_backoff(Duration::from_millis(100), Duration::from_millis(700));
        for _ in 0..200 {
            assert!(p.backoff(1) <= Duration::from_millis(100));
            assert!(p.backoff(3) <= Duration::from_millis(400));
            assert!(p.backoff(10) <= Duration::from_millis(700));
            assert!(p.backoff(u32::MAX) <= Duration::from_millis(700));
        }
        let waits: std::collections::HashSet<Duration> = (0..50).map(|_| p.backoff(4)).collect();
        assert!(waits.len() > 40, "jitter spreads the waits: {waits:?}");
    }

    #[test]
    fn policies() {
        assert_eq!(RetryPolicy::default(), RetryPolicy::standard());
        assert_eq!(RetryPolicy::never().max_attempts, 1);
        assert_eq!(RetryPolicy::standard().with_max_attempts(0).max_attempts, 1);
        assert_eq!(RetryPolicy::standard().with_budget(7).budget, 7);
    }

    #[test]
    fn idempotency_keys_are_fresh_and_valid() {
        let keys: std::collections::HashSet<String> =
            (0..1000).map(|_| new_idempotency_key()).collect();
        assert_eq!(keys.len(), 1000);
        assert!(keys
            .iter()
            .all(|k| k.len() == 32 && valid_idempotency_key(k)));
        assert!(!valid_idempotency_key(""));
        assert!(!valid_idempotency_key("new\nline"));
        assert!(!valid_idempotency_key("ключ"));
        assert!(!valid_idempotency_key(&"k".repeat(256)));
        assert!(valid_idempotency_key(&"k".repeat(255)));
    }
}
