//! Seeded fault injection: which fault, if any, hits a request.

use std::collections::HashMap;
use std::time::Duration;

use crate::config::{FaultRates, Faults};
use crate::rng::Rng;

/// A fault applied to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 500 `INTERNAL_SERVER_ERROR`; the call is not applied.
    InternalError,
    /// The connection is closed; the call is not applied.
    DropBefore,
    /// The call is applied, then the connection is closed.
    DropAfter,
    /// The answer is delayed.
    Slow(Duration),
    /// The call is applied and the answer's JSON cut short.
    Truncated,
    /// HTTP 503 `QUERY_LIMIT_EXCEEDED`, one of a burst.
    Burst503,
}

/// The fault configuration and its random state.
#[derive(Debug)]
pub struct FaultState {
    config: Faults,
    rng: Rng,
    bursts: HashMap<String, u32>,
}

impl FaultState {
    /// Draws from `config.seed`.
    pub fn new(config: Faults) -> FaultState {
        FaultState {
            rng: Rng::new(config.seed),
            config,
            bursts: HashMap::new(),
        }
    }

    /// Replaces the configuration and restarts the draws from its seed.
    pub fn reconfigure(&mut self, config: Faults) {
        *self = FaultState::new(config);
    }

    /// The fault for a request of `method`, if any.
    pub fn draw(&mut self, method: &str) -> Option<Fault> {
        let method = method.to_ascii_lowercase();
        let (rates, scope): (FaultRates, String) = match self.config.methods.get(&method) {
            Some(r) => (*r, method),
            None => (self.config.global, String::new()),
        };
        if let Some(left) = self.bursts.get_mut(&scope).filter(|n| **n > 0) {
            *left -= 1;
            return Some(Fault::Burst503);
        }
        if !rates.any() {
            return None;
        }
        let x = self.rng.unit();
        let table = [
            (rates.internal_error, Fault::InternalError),
            (rates.drop_before, Fault::DropBefore),
            (rates.drop_after, Fault::DropAfter),
            (rates.slow, Fault::Slow(self.config.slow_delay)),
            (rates.truncated, Fault::Truncated),
            (rates.burst_503, Fault::Burst503),
        ];
        let mut acc = 0.0;
        for (p, fault) in table {
            acc += p;
            if x < acc {
                if fault == Fault::Burst503 {
                    self.bursts
                        .insert(scope, self.config.burst_len.saturating_sub(1));
                }
                return Some(fault);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_draws_repeat_and_follow_rates() {
        let config = Faults {
            global: FaultRates {
                internal_error: 0.3,
                ..FaultRates::default()
            },
            ..Faults::default()
        };
        let draws = |c: &Faults| {
            let mut s = FaultState::new(c.clone());
            (0..1000)
                .map(|_| s.draw("crm.deal.list"))
                .collect::<Vec<_>>()
        };
        let a = draws(&config);
        assert_eq!(a, draws(&config));
        let errors = a
            .iter()
            .filter(|f| **f == Some(Fault::InternalError))
            .count();
        assert!((250..350).contains(&errors), "{errors}");
    }

    #[test]
    fn bursts_and_per_method_rates() {
        let mut config = Faults {
            burst_len: 3,
            ..Faults::default()
        };
        config.methods.insert(
            "crm.deal.get".into(),
            FaultRates {
                burst_503: 1.0,
                ..FaultRates::default()
            },
        );
        let mut s = FaultState::new(config);
        assert_eq!(s.draw("crm.deal.list"), None);
        assert_eq!(s.draw("CRM.DEAL.GET"), Some(Fault::Burst503));
        assert_eq!(s.draw("crm.deal.get"), Some(Fault::Burst503));
        assert_eq!(s.draw("crm.deal.get"), Some(Fault::Burst503));
        assert_eq!(s.draw("crm.deal.list"), None);
    }
}
