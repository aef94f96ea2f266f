//! Operating time per method over ten one-minute buckets (HTTP 429 `OPERATION_TIME_LIMIT`),
//! and the `time` block every answer carries.

use std::collections::{HashMap, VecDeque};

use serde_json::{json, Value};

use crate::clock;
use crate::config::OperatingLimit;

/// Operating time used per method, in one-minute buckets over the last ten minutes.
#[derive(Debug)]
pub struct Operating {
    limit: OperatingLimit,
    used: HashMap<String, VecDeque<(u64, f64)>>,
}

/// Minutes the operating-time window spans.
const WINDOW_MINUTES: u64 = 10;

impl Operating {
    /// No time used yet.
    pub fn new(limit: OperatingLimit) -> Operating {
        Operating {
            limit,
            used: HashMap::new(),
        }
    }

    fn window(&mut self, method: &str, now: f64) -> &mut VecDeque<(u64, f64)> {
        let minute = minute(now);
        let buckets = self.used.entry(method.to_ascii_lowercase()).or_default();
        while buckets
            .front()
            .is_some_and(|(m, _)| m + WINDOW_MINUTES <= minute)
        {
            buckets.pop_front();
        }
        buckets
    }

    /// Seconds used by `method` in the window, and when the oldest minute is released.
    pub fn usage(&mut self, method: &str, now: f64) -> (f64, f64) {
        let buckets = self.window(method, now);
        // Folded from +0.0: an empty float sum is -0.0.
        let used = buckets.iter().fold(0.0, |acc, (_, s)| acc + s);
        // Minutes are small integers; exact in f64.
        let reset_at = buckets.front().map_or(now.floor() + 600.0, |(m, _)| {
            ((m + WINDOW_MINUTES) * 60) as f64
        });
        (used, reset_at)
    }

    /// Whether `method` has used its budget.
    pub fn exhausted(&mut self, method: &str, now: f64) -> bool {
        let budget = self.limit.budget_secs;
        self.usage(method, now).0 >= budget
    }

    /// Adds the simulated cost of one call of `method`.
    pub fn charge(&mut self, method: &str, now: f64) {
        let cost = self
            .limit
            .method_costs
            .iter()
            .find(|(m, _)| m.eq_ignore_ascii_case(method))
            .map_or(self.limit.cost_secs, |(_, c)| *c);
        if cost <= 0.0 {
            return;
        }
        let minute = minute(now);
        let buckets = self.window(method, now);
        match buckets.back_mut() {
            Some((m, s)) if *m == minute => *s += cost,
            _ => buckets.push_back((minute, cost)),
        }
    }

    /// The `time` block of an answer for `method`, started at `start`.
    pub fn time_block(&mut self, method: &str, start: f64) -> Value {
        let finish = clock::now();
        let (operating, reset_at) = self.usage(method, finish);
        json!({
            "start": start,
            "finish": finish,
            "duration": finish - start,
            "processing": finish - start,
            "date_start": clock::iso(start),
            "date_finish": clock::iso(finish),
            "operating_reset_at": whole(reset_at),
            "operating": (operating * 10_000.0).round() / 10_000.0,
        })
    }
}

/// Whole Unix seconds as a JSON integer.
fn whole(secs: f64) -> Value {
    // Unix seconds are positive and far below 2^53.
    json!(secs.max(0.0) as u64)
}

fn minute(now: f64) -> u64 {
    // Unix seconds are positive and far below 2^53.
    (now.max(0.0) / 60.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operating_time_adds_up_per_method_and_expires() {
        let limit = OperatingLimit {
            budget_secs: 10.0,
            cost_secs: 4.0,
            method_costs: vec![("cheap".into(), 0.5)],
        };
        let mut op = Operating::new(limit);
        let t0 = 6_000_000.0;
        op.charge("slow", t0);
        op.charge("slow", t0 + 61.0);
        assert!(!op.exhausted("slow", t0 + 62.0));
        op.charge("slow", t0 + 62.0);
        assert!(op.exhausted("slow", t0 + 62.0));
        assert!(!op.exhausted("cheap", t0 + 62.0));
        assert_eq!(op.usage("slow", t0 + 62.0), (12.0, 6_000_600.0));
        // Ten minutes after the first minute, its four seconds are released.
        assert_eq!(op.usage("slow", t0 + 600.0).0, 8.0);
        op.charge("Cheap", t0);
        assert_eq!(op.usage("cheap", t0).0, 0.5);
    }
}
