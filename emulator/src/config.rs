//! Everything the emulator can be told: address, webhooks, data, limits, OAuth, faults.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use crate::profile::{CostModel, Profile};

/// How the emulator is set up. `Config::default()` is the portal of the README: loopback, a
/// free port, webhook `1:secret`, the demo data, the documented limits, no faults.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (loopback by default).
    pub host: IpAddr,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Inbound webhooks that authenticate calls.
    pub webhooks: Vec<Webhook>,
    /// A data set to start from instead of the demo data (`--fixtures`).
    pub fixtures: Option<PathBuf>,
    /// Where changes are kept; loaded at start when it exists (`--state`).
    pub state_file: Option<PathBuf>,
    /// The leaky bucket; `None` turns it off.
    pub rate_limit: Option<RateLimit>,
    /// Operating time per method.
    pub operating: OperatingLimit,
    /// The OAuth application and token lifetimes.
    pub oauth: OAuthConfig,
    /// Injected faults (none by default).
    pub faults: Faults,
    /// The profile the cost model came from (`--profile`; [`Config::with_profile`] sets both).
    pub profile: Profile,
    /// What each call costs: answer latency and operating time (all zero by default).
    pub cost: CostModel,
    /// Multiplies every duration of the load model alike: the cost of calls, the bucket's
    /// drain interval, the operating-time window, budget and charges. `0.01` runs a
    /// benchmark 100 times faster with the same ratios. Everything the portal reports
    /// (`time.operating`, `operating_reset_at`, `duration`) is on the scaled clock, so the
    /// budget a client should assume is `operating.budget_secs * time_scale` and the drain
    /// `rate_limit.drain_per_sec / time_scale`. Default 1.
    pub time_scale: f64,
    /// Replaces the deals with this many synthetic ones, ids `1..=N` (`--generate-deals`);
    /// not applied when the data comes from an existing state file.
    pub generate_deals: Option<u64>,
    /// Seed of the synthetic deals' content.
    pub generate_seed: u64,
}

impl Config {
    /// This config with the defaults of `profile`: its cost model, and the fixed
    /// operating-time charge per call (0.01 s when fast; none when realistic, where the
    /// model's cost is charged).
    pub fn with_profile(mut self, profile: Profile) -> Config {
        self.profile = profile;
        self.cost = profile.cost_model();
        self.operating.cost_secs = match profile {
            Profile::Fast => OperatingLimit::default().cost_secs,
            Profile::Realistic => 0.0,
        };
        self
    }

    /// The time scale in force: [`Config::time_scale`] when positive and finite, else 1.
    pub fn scale(&self) -> f64 {
        if self.time_scale.is_finite() && self.time_scale > 0.0 {
            self.time_scale
        } else {
            1.0
        }
    }

    /// The operating-time budget per method as the portal enforces and reports it: what a
    /// client's `Limits::operating_budget` should be (`budget_secs` × the time scale).
    pub fn scaled_operating_budget(&self) -> Duration {
        Duration::from_secs_f64(self.operating.budget_secs.max(0.0) * self.scale())
    }

    /// The window the budget is counted over: ten minutes × the time scale.
    pub fn scaled_operating_window(&self) -> Duration {
        Duration::from_secs_f64(600.0 * self.scale())
    }

    /// The leaky bucket as the portal enforces it: the same burst, drained `1 / time scale`
    /// times faster.
    pub fn scaled_rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit.map(|r| RateLimit {
            drain_per_sec: r.drain_per_sec / self.scale(),
            ..r
        })
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            webhooks: vec![Webhook {
                user_id: 1,
                secret: "secret".into(),
                scopes: None,
            }],
            fixtures: None,
            state_file: None,
            rate_limit: Some(RateLimit::default()),
            operating: OperatingLimit::default(),
            oauth: OAuthConfig::default(),
            faults: Faults::default(),
            profile: Profile::Fast,
            cost: CostModel::default(),
            time_scale: 1.0,
            generate_deals: None,
            generate_seed: 1,
        }
    }
}

/// An inbound webhook: `/rest/{user_id}/{secret}/…`.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    /// The user the webhook acts as.
    pub user_id: u64,
    /// The webhook's secret.
    pub secret: String,
    /// Scopes granted; `None` grants every scope.
    pub scopes: Option<Vec<String>>,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("user_id", &self.user_id)
            .field("secret", &"<redacted>")
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// The leaky bucket: `burst` requests at once, drained at `drain_per_sec`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Requests the bucket holds (documented default 50).
    pub burst: f64,
    /// Requests drained per second (documented default 2).
    pub drain_per_sec: f64,
}

impl Default for RateLimit {
    fn default() -> RateLimit {
        RateLimit {
            burst: 50.0,
            drain_per_sec: 2.0,
        }
    }
}

/// Operating time: each call of a method costs simulated seconds; a method that has used
/// `budget_secs` within ten minutes is refused until its oldest minute expires.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatingLimit {
    /// Seconds per method per ten minutes (documented example: 480).
    pub budget_secs: f64,
    /// Simulated seconds each call costs.
    pub cost_secs: f64,
    /// Costs of particular methods (any case), overriding `cost_secs`.
    pub method_costs: Vec<(String, f64)>,
}

impl Default for OperatingLimit {
    fn default() -> OperatingLimit {
        OperatingLimit {
            budget_secs: 480.0,
            cost_secs: 0.01,
            method_costs: Vec::new(),
        }
    }
}

/// The OAuth application the emulator's authorization server knows.
#[derive(Clone, PartialEq, Eq)]
pub struct OAuthConfig {
    /// `client_id` of the application.
    pub client_id: String,
    /// `client_secret` of the application.
    pub client_secret: String,
    /// Lifetime of an access token (documented: one hour).
    pub access_token_lifetime: Duration,
    /// `application_token` sent with every event, for handlers to check.
    pub application_token: String,
}

impl Default for OAuthConfig {
    fn default() -> OAuthConfig {
        OAuthConfig {
            client_id: "local.emulator.app".into(),
            client_secret: "emulator-client-secret".into(),
            access_token_lifetime: Duration::from_secs(3600),
            application_token: "emulator-application-token".into(),
        }
    }
}

impl std::fmt::Debug for OAuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("access_token_lifetime", &self.access_token_lifetime)
            .field("application_token", &"<redacted>")
            .finish()
    }
}

/// Probabilities (0–1) of each injected fault, drawn per request.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FaultRates {
    /// HTTP 500 `INTERNAL_SERVER_ERROR`, nothing applied.
    pub internal_error: f64,
    /// The connection is closed before the call is applied.
    pub drop_before: f64,
    /// The call is applied, then the connection is closed without an answer.
    pub drop_after: f64,
    /// The answer comes after [`Faults::slow_delay`].
    pub slow: f64,
    /// The call is applied and the JSON answer is cut in half.
    pub truncated: f64,
    /// A burst of [`Faults::burst_len`] answers HTTP 503 `QUERY_LIMIT_EXCEEDED` begins.
    pub burst_503: f64,
}

impl FaultRates {
    /// Whether any fault can happen.
    pub fn any(&self) -> bool {
        [
            self.internal_error,
            self.drop_before,
            self.drop_after,
            self.slow,
            self.truncated,
            self.burst_503,
        ]
        .iter()
        .any(|p| *p > 0.0)
    }
}

/// Seeded fault injection, globally or per method.
#[derive(Debug, Clone, PartialEq)]
pub struct Faults {
    /// Seed of the random draws: the same seed and calls give the same faults.
    pub seed: u64,
    /// Rates for every method.
    pub global: FaultRates,
    /// Rates for particular methods (lower-case names), replacing the global rates.
    pub methods: BTreeMap<String, FaultRates>,
    /// Delay of a slow answer.
    pub slow_delay: Duration,
    /// Answers in a burst of 503s.
    pub burst_len: u32,
}

impl Default for Faults {
    fn default() -> Faults {
        Faults {
            seed: 1,
            global: FaultRates::default(),
            methods: BTreeMap::new(),
            slow_delay: Duration::from_secs(2),
            burst_len: 5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scaled_figures_keep_their_ratios() {
        let c = Config {
            time_scale: 0.01,
            ..Config::default()
        };
        assert_eq!(c.scaled_operating_budget(), Duration::from_secs_f64(4.8));
        assert_eq!(c.scaled_operating_window(), Duration::from_secs(6));
        let bucket = c.scaled_rate_limit().unwrap();
        assert_eq!((bucket.burst, bucket.drain_per_sec), (50.0, 200.0));
        // A scale that is no scale counts as 1.
        for k in [0.0, -1.0, f64::NAN] {
            let c = Config {
                time_scale: k,
                ..Config::default()
            };
            assert_eq!(c.scaled_operating_window(), Duration::from_secs(600));
        }
        let fast = Config::default().with_profile(Profile::Fast);
        assert_eq!(format!("{fast:?}"), format!("{:?}", Config::default()));
        let real = Config::default().with_profile(Profile::Realistic);
        assert_eq!(
            (real.cost, real.operating.cost_secs),
            (CostModel::realistic(), 0.0)
        );
    }
}
