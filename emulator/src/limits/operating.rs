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
    /// Seconds in a "minute" bucket: 60, times the time scale.
    minute_secs: f64,
    used: HashMap<String, VecDeque<(u64, f64)>>,
}

/// Minutes the operating-time window spans.
const WINDOW_MINUTES: u64 = 10;

impl Operating {
    /// No time used yet. `limit` is in scaled seconds, and so is `minute_secs`, the length
    /// of one of the ten buckets (60 at time scale 1).
    pub fn new(limit: OperatingLimit, minute_secs: f64) -> Operating {
        Operating {
            limit,
            minute_secs,
            used: HashMap::new(),
        }
    }

    fn minute(&self, now: f64) -> u64 {
        // Unix seconds are positive and far below 2^53.
        (now.max(0.0) / self.minute_secs) as u64
    }

    fn window(&mut self, method: &str, now: f64) -> &mut VecDeque<(u64, f64)> {
        let minute = self.minute(now);
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
        let (minute_secs, current) = (self.minute_secs, self.minute(now));
        let buckets = self.window(method, now);
        // Folded from +0.0: an empty float sum is -0.0.
        let used = buckets.iter().fold(0.0, |acc, (_, s)| acc + s);
        // With nothing used, when time charged now would be released. Minutes are integers
        // far below 2^53; exact in f64.
        let oldest = buckets.front().map_or(current, |(m, _)| *m);
        let reset_at = (oldest + WINDOW_MINUTES) as f64 * minute_secs;
        (used, reset_at)
    }

    /// Whether `method` has used its budget.
    pub fn exhausted(&mut self, method: &str, now: f64) -> bool {
        let budget = self.limit.budget_secs;
        self.usage(method, now).0 >= budget
    }

    /// Adds the cost of one call of `method`: its fixed charge, plus `extra` seconds (the
    /// cost model's).
    pub fn charge(&mut self, method: &str, now: f64, extra: f64) {
        let cost = self
            .limit
            .method_costs
            .iter()
            .find(|(m, _)| m.eq_ignore_ascii_case(method))
            .map_or(self.limit.cost_secs, |(_, c)| *c)
            + extra;
        if cost <= 0.0 {
            return;
        }
        let minute = self.minute(now);
        let buckets = self.window(method, now);
        match buckets.back_mut() {
            Some((m, s)) if *m == minute => *s += cost,
            _ => buckets.push_back((minute, cost)),
        }
    }

    /// The `time` block of an answer for `method`, started at `start`, finished at `finish`
    /// (now, or later when the cost model delays the answer).
    pub fn time_block(&mut self, method: &str, start: f64, finish: f64) -> Value {
        let (operating, reset_at) = self.usage(method, finish);
        json!({
            "start": start,
            "finish": finish,
            "duration": finish - start,
            "processing": finish - start,
            "date_start": clock::iso(start),
            "date_finish": clock::iso(finish),
            "operating_reset_at": reset_time(reset_at),
            // Nanosecond precision: the scaled clock (`--time-scale`) needs more than the
            // portal's usual four decimals; float noise is cut off.
            "operating": (operating * 1e9).round() / 1e9,
        })
    }
}

/// Unix seconds as the portal writes them: an integer. On a scaled clock the release falls
/// between seconds; it is then written with milliseconds, rounded up so a client waiting
/// until then is not refused again.
fn reset_time(secs: f64) -> Value {
    let secs = secs.max(0.0);
    let ms = (secs * 1000.0).ceil();
    if ms % 1000.0 == 0.0 {
        // Unix seconds are positive and far below 2^53.
        json!((ms / 1000.0) as u64)
    } else {
        json!(ms / 1000.0)
    }
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
        let mut op = Operating::new(limit, 60.0);
        let t0 = 6_000_000.0;
        op.charge("slow", t0, 0.0);
        op.charge("slow", t0 + 61.0, 0.0);
        assert!(!op.exhausted("slow", t0 + 62.0));
        op.charge("slow", t0 + 62.0, 0.0);
        assert!(op.exhausted("slow", t0 + 62.0));
        assert!(!op.exhausted("cheap", t0 + 62.0));
        assert_eq!(op.usage("slow", t0 + 62.0), (12.0, 6_000_600.0));
        // Ten minutes after the first minute, its four seconds are released.
        assert_eq!(op.usage("slow", t0 + 600.0).0, 8.0);
        op.charge("Cheap", t0, 0.25);
        assert_eq!(op.usage("cheap", t0).0, 0.75);
    }

    #[test]
    fn a_scaled_window_is_ten_scaled_minutes() {
        let limit = OperatingLimit {
            budget_secs: 4.8,
            cost_secs: 0.0,
            method_costs: Vec::new(),
        };
        // Time scale 0.01: minutes of 0.6 s, a window of 6 s.
        let mut op = Operating::new(limit, 0.6);
        // Mid-minute: the minute began at 6 000 000.0 and is released 6 s later.
        let t0 = 6_000_000.3;
        op.charge("m", t0, 5.0);
        assert!(op.exhausted("m", t0 + 5.6));
        assert!((op.usage("m", t0).1 - 6_000_006.0).abs() < 1e-6);
        assert!(!op.exhausted("m", t0 + 5.8));
        let block = op.time_block("m", t0, t0 + 0.25);
        assert_eq!(block["operating"], json!(0.0));
        assert_eq!(block["duration"], json!(0.25));
        assert_eq!(reset_time(6_000_006.0), json!(6_000_006));
        assert_eq!(reset_time(1.2345), json!(1.235));
    }
}
