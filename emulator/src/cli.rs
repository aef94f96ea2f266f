//! Command-line arguments of the `bitrix24-emulator` binary.

use std::ffi::OsString;
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use bitrix_cli::{Stop, UsageError};
use clap::Parser;

use crate::config::{Config, FaultRates, RateLimit, Webhook};
use crate::profile::Profile;

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Start the emulator.
    Run(Box<Config>),
    /// `-h`/`--help`: print this text on stdout.
    Help(String),
    /// `-V`/`--version`: print this text on stdout.
    Version(String),
}

/// Reads the arguments (without the program name).
///
/// # Errors
/// A [`UsageError`] naming the argument that is wrong (`` --port: `x` is not a valid
/// number ``); its `Display` is what the binary prints before exiting with
/// [`UsageError::EXIT_CODE`].
pub fn parse_args(
    args: impl IntoIterator<Item = impl Into<OsString>>,
) -> Result<Command, UsageError> {
    match bitrix_cli::parse::<Cli>(args) {
        Ok(cli) => Ok(Command::Run(Box::new(cli.into_config()))),
        Err(Stop::Help(text)) => Ok(Command::Help(text)),
        Err(Stop::Version(text)) => Ok(Command::Version(text)),
        Err(Stop::Usage(e)) => Err(e),
    }
}

/// A spec-driven Bitrix24 portal on loopback.
// The defaults shown in the help are those of `Config::default()`.
#[derive(Parser, Debug)]
#[command(name = "bitrix24-emulator", version)]
#[command(
    after_help = "The first line printed is the base URL (http://127.0.0.1:PORT); the webhook \
                  URLs and an OAuth token pair follow."
)]
struct Cli {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, value_name = "N", value_parser = number::<u16>,
          default_value_t = Config::default().port)]
    port: u16,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", value_parser = host,
          default_value_t = Config::default().host)]
    host: IpAddr,
    /// An inbound webhook; SCOPES is a comma list (default: every scope); repeat for more
    /// [default: 1:secret].
    #[arg(long = "webhook", value_name = "USER:SECRET[:SCOPES]", value_parser = webhook)]
    webhooks: Vec<Webhook>,
    /// Starts from this data set instead of the demo data.
    #[arg(long, value_name = "FILE")]
    fixtures: Option<PathBuf>,
    /// Keeps the data here across restarts.
    #[arg(long = "state", value_name = "FILE")]
    state_file: Option<PathBuf>,
    /// Leaky bucket: BURST requests at once, drained at DRAIN per second; or off.
    #[arg(long, value_name = "BURST/DRAIN|off", value_parser = bucket,
          default_value_t = Bucket(Config::default().rate_limit))]
    rate_limit: Bucket,
    /// Operating time per method per 10 minutes, in seconds.
    #[arg(long, value_name = "SECS", value_parser = non_negative,
          default_value_t = Config::default().operating.budget_secs)]
    operating_budget: f64,
    /// Operating time charged for each call, in seconds, on top of the cost model's
    /// [default: 0.01 with --profile fast, 0 with realistic].
    #[arg(long, value_name = "SECS", value_parser = non_negative)]
    operating_cost: Option<f64>,
    /// Simulated operating time of one method, in seconds; repeat for more.
    #[arg(long = "method-cost", value_name = "METHOD=SECS", value_parser = method_cost)]
    method_costs: Vec<(String, f64)>,
    /// OAuth access token lifetime, in seconds.
    #[arg(long, value_name = "SECS", value_parser = number::<u64>,
          default_value_t = Config::default().oauth.access_token_lifetime.as_secs())]
    token_lifetime: u64,
    /// OAuth client_id.
    #[arg(long, value_name = "ID", default_value_t = Config::default().oauth.client_id)]
    client_id: String,
    /// OAuth client_secret.
    #[arg(long, value_name = "SECRET",
          default_value_t = Config::default().oauth.client_secret)]
    client_secret: String,
    /// application_token sent with events.
    #[arg(long, value_name = "TOKEN",
          default_value_t = Config::default().oauth.application_token)]
    application_token: String,
    /// Injects a fault with probability RATE (0-1), globally or for one method; KIND:
    /// internal_error, drop_before, drop_after, slow, truncated, burst_503; repeat for more.
    #[arg(long = "fault", value_name = "KIND=RATE[@METHOD]", value_parser = fault)]
    faults: Vec<Fault>,
    /// Seed of the fault draws.
    #[arg(long, value_name = "N", value_parser = number::<u64>,
          default_value_t = Config::default().faults.seed)]
    fault_seed: u64,
    /// Delay of a slow answer, in milliseconds.
    #[arg(long, value_name = "N", value_parser = number::<u64>,
          default_value_t = millis(Config::default().faults.slow_delay))]
    slow_ms: u64,
    /// Answers in a 503 burst.
    #[arg(long, value_name = "N", value_parser = number::<u32>,
          default_value_t = Config::default().faults.burst_len)]
    burst_len: u32,
    /// fast: answers at once (for tests); realistic: a loaded portal, with latency per
    /// command, a counting cost per row of `total`, and operating time charged from them,
    /// calibrated from the docs' figures (see the README).
    #[arg(long, value_name = "fast|realistic", value_parser = profile,
          default_value_t = Config::default().profile)]
    profile: Profile,
    /// Multiplies every duration of the load model (latency, counting cost, bucket drain
    /// interval, operating-time window and budget) by K; 0.01 runs 100 times faster with
    /// the same ratios. The portal reports scaled times.
    #[arg(long, value_name = "K", value_parser = positive,
          default_value_t = Config::default().time_scale)]
    time_scale: f64,
    /// Replaces the deals with N synthetic ones, ids 1..N (not when --state loads a file).
    #[arg(long, value_name = "N", value_parser = number::<u64>)]
    generate_deals: Option<u64>,
    /// Seed of the synthetic deals' content.
    #[arg(long, value_name = "N", value_parser = number::<u64>,
          default_value_t = Config::default().generate_seed)]
    generate_seed: u64,
}

impl Cli {
    fn into_config(self) -> Config {
        let mut config = Config {
            host: self.host,
            port: self.port,
            fixtures: self.fixtures,
            state_file: self.state_file,
            rate_limit: self.rate_limit.0,
            time_scale: self.time_scale,
            generate_deals: self.generate_deals,
            generate_seed: self.generate_seed,
            ..Config::default()
        }
        .with_profile(self.profile);
        if !self.webhooks.is_empty() {
            config.webhooks = self.webhooks;
        }
        config.operating.budget_secs = self.operating_budget;
        if let Some(cost) = self.operating_cost {
            config.operating.cost_secs = cost;
        }
        config.operating.method_costs = self.method_costs;
        config.oauth.access_token_lifetime = Duration::from_secs(self.token_lifetime);
        config.oauth.client_id = self.client_id;
        config.oauth.client_secret = self.client_secret;
        config.oauth.application_token = self.application_token;
        config.faults.seed = self.fault_seed;
        config.faults.slow_delay = Duration::from_millis(self.slow_ms);
        config.faults.burst_len = self.burst_len;
        for fault in self.faults {
            let rates: &mut FaultRates = match fault.method {
                Some(m) => config.faults.methods.entry(m).or_default(),
                None => &mut config.faults.global,
            };
            *fault.kind.rate(rates) = fault.rate;
        }
        config
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn number<T: std::str::FromStr>(v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("`{v}` is not a valid number"))
}

fn non_negative(v: &str) -> Result<f64, String> {
    let n: f64 = number(v)?;
    if n.is_finite() && n >= 0.0 {
        Ok(n)
    } else {
        Err(format!("`{v}` must be a non-negative number"))
    }
}

fn positive(v: &str) -> Result<f64, String> {
    let n: f64 = number(v)?;
    if n.is_finite() && n > 0.0 {
        Ok(n)
    } else {
        Err(format!("`{v}` must be a positive number"))
    }
}

fn profile(v: &str) -> Result<Profile, String> {
    v.parse()
}

fn host(v: &str) -> Result<IpAddr, String> {
    v.parse().map_err(|_| format!("`{v}` is not an IP address"))
}

fn webhook(v: &str) -> Result<Webhook, String> {
    let mut parts = v.splitn(3, ':');
    let user = parts.next().unwrap_or_default();
    let secret = parts.next().unwrap_or_default();
    let user_id = user
        .parse()
        .map_err(|_| format!("expected USER:SECRET with a numeric user, got `{user}`"))?;
    if secret.is_empty()
        || !secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err("the secret must be letters, digits, `_` or `-`".into());
    }
    let scopes = parts.next().map(|s| {
        s.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    });
    Ok(Webhook {
        user_id,
        secret: secret.to_owned(),
        scopes,
    })
}

/// `--rate-limit`: the leaky bucket, or `None` for `off`.
#[derive(Debug, Clone, Copy)]
struct Bucket(Option<RateLimit>);

impl fmt::Display for Bucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(r) => write!(f, "{}/{}", r.burst, r.drain_per_sec),
            None => f.write_str("off"),
        }
    }
}

fn bucket(v: &str) -> Result<Bucket, String> {
    if v == "off" {
        return Ok(Bucket(None));
    }
    let (burst, drain) = v
        .split_once('/')
        .ok_or_else(|| format!("expected BURST/DRAIN or off, got `{v}`"))?;
    Ok(Bucket(Some(RateLimit {
        burst: non_negative(burst)?,
        drain_per_sec: non_negative(drain)?,
    })))
}

fn method_cost(v: &str) -> Result<(String, f64), String> {
    let (method, secs) = v
        .split_once('=')
        .ok_or_else(|| format!("expected METHOD=SECS, got `{v}`"))?;
    Ok((method.to_owned(), non_negative(secs)?))
}

/// One `--fault KIND=RATE[@METHOD]`.
#[derive(Debug, Clone)]
struct Fault {
    kind: FaultKind,
    rate: f64,
    /// The method (lower case) the rate is for; `None` for every method.
    method: Option<String>,
}

/// The faults of [`FaultRates`], by their command-line names.
#[derive(Debug, Clone, Copy)]
enum FaultKind {
    InternalError,
    DropBefore,
    DropAfter,
    Slow,
    Truncated,
    Burst503,
}

impl FaultKind {
    fn named(name: &str) -> Option<FaultKind> {
        Some(match name {
            "internal_error" => FaultKind::InternalError,
            "drop_before" => FaultKind::DropBefore,
            "drop_after" => FaultKind::DropAfter,
            "slow" => FaultKind::Slow,
            "truncated" => FaultKind::Truncated,
            "burst_503" => FaultKind::Burst503,
            _ => return None,
        })
    }

    fn rate(self, rates: &mut FaultRates) -> &mut f64 {
        match self {
            FaultKind::InternalError => &mut rates.internal_error,
            FaultKind::DropBefore => &mut rates.drop_before,
            FaultKind::DropAfter => &mut rates.drop_after,
            FaultKind::Slow => &mut rates.slow,
            FaultKind::Truncated => &mut rates.truncated,
            FaultKind::Burst503 => &mut rates.burst_503,
        }
    }
}

fn fault(v: &str) -> Result<Fault, String> {
    let (kind, rest) = v
        .split_once('=')
        .ok_or_else(|| format!("expected KIND=RATE[@METHOD], got `{v}`"))?;
    let (rate, method) = match rest.split_once('@') {
        Some((r, m)) => (r, Some(m.to_ascii_lowercase())),
        None => (rest, None),
    };
    let rate = non_negative(rate)?;
    if rate > 1.0 {
        return Err(format!("the rate `{rate}` is above 1"));
    }
    let kind = FaultKind::named(kind).ok_or_else(|| format!("unknown kind `{kind}`"))?;
    Ok(Fault { kind, rate, method })
}

#[cfg(test)]
mod tests;
