//! Each method's operating time as the portal reports it (`time.operating`: seconds used in
//! the current ten-minute window; `time.operating_reset_at`: when part of it is released), so
//! the client slows a method down before the portal blocks it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::response::Time;

/// What the client knows of every method it called.
#[derive(Debug)]
pub(crate) struct OperatingTime {
    /// Seconds of operating time allowed per window.
    budget: f64,
    /// Share of the budget from which calls wait for a release.
    slowdown: f64,
    methods: Mutex<HashMap<String, Usage>>,
}

/// One method's usage.
#[derive(Debug, Default)]
struct Usage {
    /// Seconds used in the window, as last reported.
    used: f64,
    /// When part of the window is released, on this process's clock.
    released_at: Option<Instant>,
    /// Calls sent and not answered yet.
    in_flight: u32,
    /// What one call costs, from the reported durations (a moving average).
    cost: f64,
}

impl OperatingTime {
    /// A tracker for a budget of `budget`, slowing down from `slowdown` of it.
    pub(crate) fn new(budget: Duration, slowdown: f64) -> OperatingTime {
        OperatingTime {
            budget: budget.as_secs_f64(),
            slowdown: slowdown.clamp(0.0, 1.0),
            methods: Mutex::new(HashMap::new()),
        }
    }

    fn with<R>(&self, method: &str, f: impl FnOnce(&mut Usage) -> R) -> R {
        let mut methods = self
            .methods
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(methods.entry(method.to_ascii_lowercase()).or_default())
    }

    /// How long a call of `method` should wait before it is sent: zero unless the calls in
    /// flight would take the method past the slowdown mark before its budget is released.
    /// A call that may go is counted in flight until [`OperatingTime::answered`].
    pub(crate) fn before(&self, method: &str, now: Instant) -> Duration {
        let limit = self.budget * self.slowdown;
        self.with(method, |u| {
            if u.released_at.is_some_and(|at| at <= now) {
                // Part of the window is free again; the next answer says how much.
                u.released_at = None;
                u.used = 0.0;
            }
            let projected = u.used + f64::from(u.in_flight + 1) * u.cost;
            match u.released_at {
                Some(at) if projected >= limit => at - now,
                _ => {
                    u.in_flight += 1;
                    Duration::ZERO
                }
            }
        })
    }

    /// Records an answer to a call counted by [`OperatingTime::before`].
    pub(crate) fn answered(&self, method: &str, time: Option<&Time>, now: Instant) {
        self.with(method, |u| {
            u.in_flight = u.in_flight.saturating_sub(1);
            if let Some(time) = time {
                observe(u, time, now);
            }
        });
    }

    /// Records what a batch command reports of its method (counted by the batch, not here).
    pub(crate) fn observed(&self, method: &str, time: &Time, now: Instant) {
        self.with(method, |u| observe(u, time, now));
    }

    /// The portal blocked `method` (`OPERATION_TIME_LIMIT`): how long until its budget is
    /// released, from the refusal's `time` block (one minute when it does not say).
    pub(crate) fn blocked(&self, method: &str, time: Option<&Time>, now: Instant) -> Duration {
        self.with(method, |u| {
            u.in_flight = u.in_flight.saturating_sub(1);
            if let Some(time) = time {
                observe(u, time, now);
            }
            u.used = u.used.max(self.budget);
            let at = *u.released_at.get_or_insert(now + Duration::from_secs(60));
            at.saturating_duration_since(now)
        })
    }
}

fn observe(u: &mut Usage, time: &Time, now: Instant) {
    if let Some(used) = time.operating.filter(|s| s.is_finite() && *s >= 0.0) {
        u.used = used;
    }
    // The release time is on the portal's clock; only its distance from the answer counts.
    let until_release = match (time.operating_reset_at, time.finish) {
        (Some(reset), Some(finish)) => Some(reset - finish),
        _ => None,
    };
    if let Some(secs) = until_release.filter(|s| s.is_finite()) {
        u.released_at = Some(now + Duration::from_secs_f64(secs.clamp(0.0, 3600.0)));
    }
    if let Some(d) = time.duration.filter(|s| s.is_finite() && *s >= 0.0) {
        u.cost = if u.cost == 0.0 {
            d
        } else {
            0.8 * u.cost + 0.2 * d
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(operating: f64, reset_in: f64, duration: f64) -> Time {
        Time {
            operating: Some(operating),
            operating_reset_at: Some(1_000.0 + reset_in),
            finish: Some(1_000.0),
            duration: Some(duration),
            ..Time::default()
        }
    }

    #[test]
    fn calls_wait_for_the_release_once_the_budget_is_nearly_spent() {
        let op = OperatingTime::new(Duration::from_secs(10), 0.9);
        let t0 = Instant::now();
        assert_eq!(op.before("crm.deal.list", t0), Duration::ZERO);
        op.answered("crm.deal.list", Some(&time(5.0, 30.0, 1.0)), t0);
        // 5 used, each call costs 1: the fourth call in flight would reach 9.
        for _ in 0..3 {
            assert_eq!(op.before("CRM.DEAL.LIST", t0), Duration::ZERO);
        }
        assert_eq!(op.before("crm.deal.list", t0), Duration::from_secs(30));
        // Other methods have budgets of their own.
        assert_eq!(op.before("crm.deal.get", t0), Duration::ZERO);
        // Once released, calls go again.
        let later = t0 + Duration::from_secs(31);
        assert_eq!(op.before("crm.deal.list", later), Duration::ZERO);
    }

    #[test]
    fn a_block_waits_for_the_release_the_refusal_names() {
        let op = OperatingTime::new(Duration::from_secs(480), 0.9);
        let t0 = Instant::now();
        op.before("m", t0);
        let wait = op.blocked("m", Some(&time(481.0, 42.5, 0.1)), t0);
        assert_eq!(wait, Duration::from_secs_f64(42.5));
        assert_eq!(op.before("m", t0), Duration::from_secs_f64(42.5));
        // Without a time block, a minute.
        let op = OperatingTime::new(Duration::from_secs(480), 0.9);
        assert_eq!(op.blocked("x", None, t0), Duration::from_secs(60));
    }

    #[test]
    fn odd_time_blocks_are_ignored() {
        let op = OperatingTime::new(Duration::from_secs(10), 0.9);
        let t0 = Instant::now();
        let odd = Time {
            operating: Some(f64::NAN),
            operating_reset_at: Some(f64::INFINITY),
            finish: Some(1.0),
            duration: Some(-3.0),
            ..Time::default()
        };
        op.answered("m", Some(&odd), t0);
        assert_eq!(op.before("m", t0), Duration::ZERO);
    }
}
