//! The retry budget: a token bucket that retries spend and successes refill, so that a
//! portal that is down sees the client's normal traffic, not a storm of retries.

use std::sync::atomic::{AtomicU32, Ordering};

/// Tokens left for retries, shared by a client's clones.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    capacity: u32,
    tokens: AtomicU32,
}

impl RetryBudget {
    /// A full budget of `capacity` tokens.
    pub(crate) fn new(capacity: u32) -> RetryBudget {
        RetryBudget {
            capacity,
            tokens: AtomicU32::new(capacity),
        }
    }

    /// Takes `cost` tokens for a retry; `false` (and nothing taken) when fewer are left.
    pub(crate) fn try_spend(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Puts `tokens` back, up to the capacity.
    pub(crate) fn refund(&self, tokens: u32) {
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < self.capacity).then(|| t.saturating_add(tokens).min(self.capacity))
            });
    }

    /// Tokens left.
    #[cfg(test)]
    pub(crate) fn left(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spends_until_empty_and_refills_to_capacity() {
        let b = RetryBudget::new(12);
        assert!(b.try_spend(5));
        assert!(b.try_spend(5));
        assert!(!b.try_spend(5), "2 left, a retry costs 5");
        assert_eq!(b.left(), 2);
        b.refund(1);
        assert_eq!(b.left(), 3);
        b.refund(100);
        assert_eq!(b.left(), 12);
        let empty = RetryBudget::new(0);
        assert!(!empty.try_spend(1));
        assert!(empty.try_spend(0));
    }
}
