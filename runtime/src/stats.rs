//! What a client has sent, how often the portal refused it, and how often its OAuth token
//! expired and was renewed: the figures that show whether the client-side limits keep up with
//! the portal's, and that renewals do not race.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counts of a client's requests (shared by its clones), from [`crate::Client::stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallStats {
    /// HTTP requests sent (a batch is one), refused ones included.
    pub requests: u64,
    /// Answers `503 QUERY_LIMIT_EXCEEDED`: the portal's bucket was full.
    pub bucket_refusals: u64,
    /// Answers `429 OPERATION_TIME_LIMIT`: a method's operating time was spent.
    pub operating_refusals: u64,
    /// Attempts sent again after a failure in transit (see [`crate::RetryPolicy`]).
    pub retries: u64,
    /// Answers `401 expired_token`: the access token had expired.
    pub expired_tokens: u64,
    /// Refresh tokens this client spent at the authorization server (renewals taken from a
    /// shared store, or from another call's renewal, are not counted).
    pub token_refreshes: u64,
}

/// The live counters behind [`CallStats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    requests: AtomicU64,
    bucket_refusals: AtomicU64,
    operating_refusals: AtomicU64,
    retries: AtomicU64,
    expired_tokens: AtomicU64,
}

impl Counters {
    pub(crate) fn sent(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn bucket_refused(&self) {
        self.bucket_refusals.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn operating_refused(&self) {
        self.operating_refusals.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn retried(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn expired_token(&self) {
        self.expired_tokens.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> CallStats {
        CallStats {
            requests: self.requests.load(Ordering::Relaxed),
            bucket_refusals: self.bucket_refusals.load(Ordering::Relaxed),
            operating_refusals: self.operating_refusals.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            expired_tokens: self.expired_tokens.load(Ordering::Relaxed),
            token_refreshes: 0,
        }
    }
}
