//! Random numbers with no dependency, for what needs them to differ, not to be secret:
//! backoff jitter, idempotency keys, lock values.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A number that differs on every call, in this process and (by the time and the standard
/// library's per-process random keys) from other processes'.
pub(crate) fn random_u64() -> u64 {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    hasher.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_differ() {
        let seen: std::collections::HashSet<u64> =
            (0..10_000).map(|_| super::random_u64()).collect();
        assert_eq!(seen.len(), 10_000);
    }
}
