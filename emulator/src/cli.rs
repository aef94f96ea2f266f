//! Command-line arguments of the `bitrix24-emulator` binary.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::{Config, FaultRates, RateLimit, Webhook};

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Start the emulator.
    Run(Box<Config>),
    /// Print [`USAGE`].
    Help,
}

/// Help text of the binary.
pub const USAGE: &str = "\
bitrix24-emulator: a spec-driven Bitrix24 portal on loopback

USAGE: bitrix24-emulator [OPTIONS]
The first line printed is the base URL (http://127.0.0.1:PORT).

OPTIONS:
  --port N                     port to listen on; 0 picks a free one (default 0)
  --host ADDR                  address to listen on (default 127.0.0.1)
  --webhook USER:SECRET[:SCOPES]
                               an inbound webhook; SCOPES is a comma list (default: every
                               scope); repeat for more (default 1:secret)
  --fixtures FILE              start from this data set instead of the demo data
  --state FILE                 keep the data here across restarts
  --rate-limit BURST/DRAIN|off leaky bucket (default 50/2)
  --operating-budget SECS      operating time per method per 10 minutes (default 480)
  --operating-cost SECS        simulated operating time of each call (default 0.01)
  --method-cost METHOD=SECS    simulated operating time of one method
  --token-lifetime SECS        OAuth access token lifetime (default 3600)
  --client-id ID               OAuth client_id (default local.emulator.app)
  --client-secret SECRET       OAuth client_secret (default emulator-client-secret)
  --application-token TOKEN    application_token sent with events
  --fault KIND=RATE[@METHOD]   inject a fault with probability RATE (0-1), globally or for
                               one method; KIND: internal_error, drop_before, drop_after,
                               slow, truncated, burst_503
  --fault-seed N               seed of the fault draws (default 1)
  --slow-ms N                  delay of a slow answer (default 2000)
  --burst-len N                answers in a 503 burst (default 5)
  -h, --help                   this text
";

/// Reads the arguments (without the program name).
///
/// # Errors
/// A message naming the argument that is wrong.
pub fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut config = Config::default();
    let mut webhooks: Vec<Webhook> = Vec::new();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(Command::Help);
        }
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (flag, None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--port" => config.port = number(&flag, &value()?)?,
            "--host" => {
                let v = value()?;
                config.host = v
                    .parse()
                    .map_err(|_| format!("--host: `{v}` is not an IP address"))?;
            }
            "--webhook" => webhooks.push(webhook(&value()?)?),
            "--fixtures" => config.fixtures = Some(PathBuf::from(value()?)),
            "--state" => config.state_file = Some(PathBuf::from(value()?)),
            "--rate-limit" => config.rate_limit = rate_limit(&value()?)?,
            "--operating-budget" => config.operating.budget_secs = non_negative(&flag, &value()?)?,
            "--operating-cost" => config.operating.cost_secs = non_negative(&flag, &value()?)?,
            "--method-cost" => {
                let v = value()?;
                let (method, secs) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--method-cost: expected METHOD=SECS, got `{v}`"))?;
                config
                    .operating
                    .method_costs
                    .push((method.to_owned(), non_negative(&flag, secs)?));
            }
            "--token-lifetime" => {
                config.oauth.access_token_lifetime = Duration::from_secs(number(&flag, &value()?)?);
            }
            "--client-id" => config.oauth.client_id = value()?,
            "--client-secret" => config.oauth.client_secret = value()?,
            "--application-token" => config.oauth.application_token = value()?,
            "--fault" => fault(&mut config, &value()?)?,
            "--fault-seed" => config.faults.seed = number(&flag, &value()?)?,
            "--slow-ms" => {
                config.faults.slow_delay = Duration::from_millis(number(&flag, &value()?)?)
            }
            "--burst-len" => config.faults.burst_len = number(&flag, &value()?)?,
            other => return Err(format!("unknown argument `{other}` (see --help)")),
        }
    }
    if !webhooks.is_empty() {
        config.webhooks = webhooks;
    }
    Ok(Command::Run(Box::new(config)))
}

fn number<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{flag}: `{v}` is not a valid number"))
}

fn non_negative(flag: &str, v: &str) -> Result<f64, String> {
    let n: f64 = number(flag, v)?;
    if n.is_finite() && n >= 0.0 {
        Ok(n)
    } else {
        Err(format!("{flag}: `{v}` must be a non-negative number"))
    }
}

fn webhook(v: &str) -> Result<Webhook, String> {
    let mut parts = v.splitn(3, ':');
    let user = parts.next().unwrap_or_default();
    let secret = parts.next().unwrap_or_default();
    let user_id = user.parse().map_err(|_| {
        format!("--webhook: expected USER:SECRET with a numeric user, got `{user}`")
    })?;
    if secret.is_empty()
        || !secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err("--webhook: the secret must be letters, digits, `_` or `-`".into());
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

fn rate_limit(v: &str) -> Result<Option<RateLimit>, String> {
    if v == "off" {
        return Ok(None);
    }
    let (burst, drain) = v
        .split_once('/')
        .ok_or_else(|| format!("--rate-limit: expected BURST/DRAIN or off, got `{v}`"))?;
    Ok(Some(RateLimit {
        burst: non_negative("--rate-limit", burst)?,
        drain_per_sec: non_negative("--rate-limit", drain)?,
    }))
}

fn fault(config: &mut Config, v: &str) -> Result<(), String> {
    let (kind, rest) = v
        .split_once('=')
        .ok_or_else(|| format!("--fault: expected KIND=RATE[@METHOD], got `{v}`"))?;
    let (rate, method) = match rest.split_once('@') {
        Some((r, m)) => (r, Some(m.to_ascii_lowercase())),
        None => (rest, None),
    };
    let rate = non_negative("--fault", rate)?;
    if rate > 1.0 {
        return Err(format!("--fault: the rate `{rate}` is above 1"));
    }
    let rates: &mut FaultRates = match method {
        Some(m) => config.faults.methods.entry(m).or_default(),
        None => &mut config.faults.global,
    };
    let slot = match kind {
        "internal_error" => &mut rates.internal_error,
        "drop_before" => &mut rates.drop_before,
        "drop_after" => &mut rates.drop_after,
        "slow" => &mut rates.slow,
        "truncated" => &mut rates.truncated,
        "burst_503" => &mut rates.burst_503,
        other => return Err(format!("--fault: unknown kind `{other}`")),
    };
    *slot = rate;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Config, String> {
        match parse_args(args.iter().map(|s| (*s).to_owned()))? {
            Command::Run(c) => Ok(*c),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn the_readme_command_line() {
        let c = run(&["--port", "8080", "--webhook", "1:secret"]).unwrap();
        assert_eq!(c.port, 8080);
        assert_eq!(
            (c.webhooks[0].user_id, c.webhooks[0].secret.as_str()),
            (1, "secret")
        );
        let c = run(&[
            "--port=0",
            "--webhook",
            "2:s3:crm,user",
            "--rate-limit",
            "off",
            "--fault",
            "drop_after=0.5@crm.deal.add",
        ])
        .unwrap();
        assert_eq!(
            c.webhooks[0].scopes,
            Some(vec!["crm".to_owned(), "user".to_owned()])
        );
        assert!(c.rate_limit.is_none());
        assert!((c.faults.methods["crm.deal.add"].drop_after - 0.5).abs() < f64::EPSILON);
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        assert_eq!(run(&["--port"]).unwrap_err(), "--port needs a value");
        assert_eq!(
            run(&["--port", "x"]).unwrap_err(),
            "--port: `x` is not a valid number"
        );
        assert!(run(&["--webhook", "one:s"])
            .unwrap_err()
            .contains("numeric user"));
        assert!(run(&["--webhook", "1:"]).unwrap_err().contains("secret"));
        assert!(run(&["--fault", "boom=0.1"])
            .unwrap_err()
            .contains("unknown kind `boom`"));
        assert!(run(&["--fault", "slow=2"]).unwrap_err().contains("above 1"));
        assert!(run(&["--rate-limit", "50"])
            .unwrap_err()
            .contains("BURST/DRAIN"));
        assert!(run(&["--frobnicate"])
            .unwrap_err()
            .contains("unknown argument `--frobnicate`"));
        assert_eq!(run(&["--help"]).unwrap_err(), "help");
    }
}
