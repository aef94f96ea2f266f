//! Calls a portal as an OAuth application whose tokens are kept in Redis, as one of several
//! worker processes would, and prints what it took: `ok=… expired_tokens=… token_refreshes=…`
//! on one line. The two-process test of `tests/shared_tokens.rs` runs two of these at once.
//!
//! ```text
//! oauth_worker PORTAL_URL REDIS_URL KEY START_AT_MS CALLS
//! ```
//!
//! The application's client id and secret come from `OAUTH_CLIENT_ID` and
//! `OAUTH_CLIENT_SECRET` (not the command line, which other users of the machine can read).
//! The portal also serves as the authorization server. The calls start together at
//! `START_AT_MS` (Unix milliseconds), so that the workers find the token expired at once.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bitrix24::serde_json::json;
use bitrix24::{ApiVersion, Client, Limits, OAuthApp, RedisTokenStore};

const USAGE: &str = "usage: oauth_worker PORTAL_URL REDIS_URL KEY START_AT_MS CALLS";

/// What the command line asks for.
struct Args {
    portal: String,
    redis_url: String,
    key: String,
    start_at_ms: u64,
    calls: usize,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let [portal, redis_url, key, start_at_ms, calls] = args else {
        return Err("five arguments expected".into());
    };
    Ok(Args {
        portal: portal.clone(),
        redis_url: redis_url.clone(),
        key: key.clone(),
        start_at_ms: start_at_ms
            .parse()
            .map_err(|_| "START_AT_MS must be a number")?,
        calls: calls
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or("CALLS must be a positive number")?,
    })
}

async fn work(args: Args) -> Result<String, Box<dyn std::error::Error>> {
    let id = std::env::var("OAUTH_CLIENT_ID").map_err(|_| "OAUTH_CLIENT_ID is not set")?;
    let secret =
        std::env::var("OAUTH_CLIENT_SECRET").map_err(|_| "OAUTH_CLIENT_SECRET is not set")?;
    let store = RedisTokenStore::connect(&args.redis_url, args.key).await?;
    let client = Client::builder()
        .oauth_app(
            args.portal.as_str(),
            OAuthApp::new(id, secret).server(args.portal.as_str()),
            Arc::new(store),
        )
        .allow_http_loopback(true)
        .limits(Limits::none())
        .build()?;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    tokio::time::sleep(Duration::from_millis(
        args.start_at_ms.saturating_sub(now_ms),
    ))
    .await;
    let tasks: Vec<_> = (0..args.calls)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .call_raw("user.current", ApiVersion::V1, &json!({}))
                    .await
                    .map(drop)
            })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        task.await??;
        ok += 1;
    }
    let stats = client.stats();
    Ok(format!(
        "ok={ok} expired_tokens={} token_refreshes={}",
        stats.expired_tokens, stats.token_refreshes
    ))
}

fn main() -> ExitCode {
    bitrix24_tests::run_worker("oauth_worker", USAGE, parse, work)
}
