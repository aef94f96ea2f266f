//! How loaded the emulated portal is: the `fast` profile (no latency, for tests) and the
//! `realistic` one, whose cost model is calibrated from the docs' figures.
//!
//! The docs' large-data page measured, on 2.39 M leads, 49.9 s for a counted list page and
//! 0.097 s for the same page with `start=-1`; operating time is limited to 480 s per method
//! per 10 minutes; the leaky bucket holds 50 requests and drains 2 per second. From these:
//!
//! - the portal spends [`REALISTIC_COUNT_SECS_PER_ROW`] = 49.9 s / 2.39 M ≈ 20.9 µs on each
//!   row it examines: a command reads its page (50 rows, [`REALISTIC_COMMAND_SECS`] ≈ 1 ms
//!   through the id index) and, when it counts `total`, every matching row (none with
//!   `start=-1`);
//! - the rest of the docs' uncounted call, 0.097 s − 1 ms = [`REALISTIC_REQUEST_SECS`], is
//!   the request itself (routing, authentication, encoding), paid once per HTTP request, so a
//!   batch pays it once; its commands run one after another;
//!
//! so the model gives back both of the docs' figures with one per-row cost: 0.097 s for the
//! uncounted page, 49.9 s more for the counted one.
//! - operating time charged to a method is its command's cost (counting included);
//! - bucket and budget are the documented defaults of [`crate::RateLimit`] and
//!   [`crate::OperatingLimit`].

use std::fmt;
use std::str::FromStr;

/// Seconds per row the portal examines: the docs' 49.9 s of counting over 2.39 M leads.
pub const REALISTIC_COUNT_SECS_PER_ROW: f64 = 49.9 / 2_390_000.0;

/// Seconds of each command, single call or batch command: reading its page of 50 rows.
pub const REALISTIC_COMMAND_SECS: f64 = 50.0 * REALISTIC_COUNT_SECS_PER_ROW;

/// Seconds of each HTTP request to the portal (routing, authentication, encoding), paid
/// once per batch: the rest of the docs' 0.097 s for an uncounted list page.
pub const REALISTIC_REQUEST_SECS: f64 = 0.097 - REALISTIC_COMMAND_SECS;

/// A named set of defaults (`--profile`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Profile {
    /// Answers at once: no latency, no counting cost; a fixed operating-time charge per call.
    /// The default, for tests.
    #[default]
    Fast,
    /// The calibrated cost model ([`CostModel::realistic`]); operating time charged from it.
    Realistic,
}

impl Profile {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Fast => "fast",
            Profile::Realistic => "realistic",
        }
    }

    /// The cost model of the profile.
    pub fn cost_model(self) -> CostModel {
        match self {
            Profile::Fast => CostModel::default(),
            Profile::Realistic => CostModel::realistic(),
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Profile, String> {
        match s {
            "fast" => Ok(Profile::Fast),
            "realistic" => Ok(Profile::Realistic),
            _ => Err(format!("unknown profile `{s}` (fast or realistic)")),
        }
    }
}

/// What each call costs, in (unscaled) seconds: the answer is that much late, and the
/// method is charged that much operating time. All zero by default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CostModel {
    /// Seconds of each HTTP request (a batch pays it once).
    pub request_secs: f64,
    /// Seconds of each command (a single call is one; a batch runs its commands in turn).
    pub command_secs: f64,
    /// Seconds per matching row when a list counts `total` (`start` ≥ 0).
    pub count_secs_per_row: f64,
}

impl CostModel {
    /// The model calibrated from the docs' figures (see the module docs).
    pub fn realistic() -> CostModel {
        CostModel {
            request_secs: REALISTIC_REQUEST_SECS,
            command_secs: REALISTIC_COMMAND_SECS,
            count_secs_per_row: REALISTIC_COUNT_SECS_PER_ROW,
        }
    }

    /// Whether any call costs anything.
    pub fn is_active(&self) -> bool {
        self.request_secs > 0.0 || self.command_secs > 0.0 || self.count_secs_per_row > 0.0
    }

    /// Seconds of one command that counted `counted` rows for `total`.
    pub fn command(&self, counted: u64) -> f64 {
        // Row counts stay far below 2^53.
        self.command_secs + self.count_secs_per_row * counted as f64
    }

    /// The same model with every duration multiplied by `k`.
    pub fn scaled(&self, k: f64) -> CostModel {
        CostModel {
            request_secs: self.request_secs * k,
            command_secs: self.command_secs * k,
            count_secs_per_row: self.count_secs_per_row * k,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_realistic_model_matches_the_docs_figures() {
        let m = CostModel::realistic();
        // An uncounted page: 0.097 s.
        assert!((m.request_secs + m.command(0) - 0.097).abs() < 1e-9);
        // A counted page of 2.39 M rows: 49.9 s more.
        let counted = m.request_secs + m.command(2_390_000);
        assert!((counted - (0.097 + 49.9)).abs() < 1e-6, "{counted}");
        assert!(!CostModel::default().is_active() && m.is_active());
    }

    #[test]
    fn scaling_keeps_every_ratio() {
        let m = CostModel::realistic();
        let s = m.scaled(0.01);
        for (a, b) in [
            (m.command(0), s.command(0)),
            (m.command(1000), s.command(1000)),
        ] {
            assert!((b / a - 0.01).abs() < 1e-12);
        }
        assert!((s.request_secs / m.request_secs - 0.01).abs() < 1e-12);
    }

    #[test]
    fn profiles_by_name() {
        assert_eq!("realistic".parse(), Ok(Profile::Realistic));
        assert_eq!(Profile::default().to_string(), "fast");
        assert_eq!(
            "nope".parse::<Profile>().unwrap_err(),
            "unknown profile `nope` (fast or realistic)"
        );
    }
}
