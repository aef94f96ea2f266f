//! Exports every deal of a portal, as one of several worker processes would, and prints what it
//! took: `rows=… distinct=… requests=… bucket_refusals=…` on one line. The two-process test
//! of `tests/shared_limits.rs` runs two of these at once against one emulator portal.
//!
//! ```text
//! export_deals WEBHOOK_URL BURST DRAIN_PER_SEC local
//! export_deals WEBHOOK_URL BURST DRAIN_PER_SEC redis REDIS_URL KEY_PREFIX
//! ```
//!
//! `local` keeps the portal's bucket in this process (each process has its own); `redis`
//! shares it with every process using the same Redis server and key prefix.

use std::collections::BTreeSet;
use std::process::ExitCode;
use std::sync::Arc;

use bitrix24::serde_json::{Map, Value};
use bitrix24::{
    ApiVersion, Bucket, Client, LimitError, Limits, Paging, PagingKind, RateLimiter, RedisBucket,
};
use futures_util::TryStreamExt;

const USAGE: &str =
    "usage: export_deals WEBHOOK_URL BURST DRAIN_PER_SEC (local | redis REDIS_URL KEY_PREFIX)";

/// `crm.deal.list` as its page documents it: upper-case `ORDER` and `FILTER`, rows with `ID`.
const DEALS: Paging = Paging {
    kind: PagingKind::Start,
    id_field: Some("ID"),
    order: Some("ORDER"),
    filter: Some("FILTER"),
    items: None,
};

/// What the command line asks for.
struct Args {
    webhook: String,
    bucket: Bucket,
    /// Redis URL and key prefix, when the bucket is shared.
    redis: Option<(String, String)>,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let number = |i: usize, what: &str| -> Result<f64, String> {
        args.get(i)
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|n| n.is_finite() && *n > 0.0)
            .ok_or_else(|| format!("{what} must be a positive number"))
    };
    let webhook = args.first().ok_or("no webhook URL")?.clone();
    let burst = number(1, "BURST")?;
    let drain_per_sec = number(2, "DRAIN_PER_SEC")?;
    let redis = match (args.get(3).map(String::as_str), args.get(4), args.get(5)) {
        (Some("local"), None, None) => None,
        (Some("redis"), Some(url), Some(prefix)) => Some((url.clone(), prefix.clone())),
        _ => return Err("the bucket must be `local` or `redis REDIS_URL KEY_PREFIX`".into()),
    };
    Ok(Args {
        webhook,
        bucket: Bucket {
            // Saturates: a burst past u32::MAX is no limit anyway.
            burst: burst as u32,
            drain_per_sec,
        },
        redis,
    })
}

async fn export(args: Args) -> Result<String, Box<dyn std::error::Error>> {
    let mut builder = Client::builder()
        .webhook(args.webhook)
        .allow_http_loopback(true)
        .limits(Limits {
            bucket: Some(args.bucket),
            ..Limits::default()
        });
    if let Some((url, prefix)) = &args.redis {
        let shared: Result<RedisBucket, LimitError> = RedisBucket::connect(url, args.bucket).await;
        let shared: Arc<dyn RateLimiter> = Arc::new(shared?.with_prefix(prefix.as_str()));
        builder = builder.rate_limiter(shared);
    }
    let client = builder.build()?;
    // One page per request, a few at once: many requests, as a long export makes.
    let rows: Vec<Value> = client
        .list_raw("crm.deal.list", ApiVersion::V1, Map::new(), DEALS)
        .pages_per_batch(1)
        .chains(4)
        .in_flight(4)
        .rows()
        .try_collect()
        .await?;
    // Ids as the portal writes them (text), or as numbers.
    let distinct: BTreeSet<u64> = rows
        .iter()
        .filter_map(|r| {
            r["ID"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .or_else(|| r["ID"].as_u64())
        })
        .collect();
    let stats = client.stats();
    Ok(format!(
        "rows={} distinct={} requests={} bucket_refusals={}",
        rows.len(),
        distinct.len(),
        stats.requests,
        stats.bucket_refusals
    ))
}

fn main() -> ExitCode {
    bitrix24_tests::run_worker("export_deals", USAGE, parse, export)
}
