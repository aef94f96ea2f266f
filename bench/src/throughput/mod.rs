//! `bitrix-bench throughput`: a full export of the deals of an emulated portal through the
//! client's list stream, against the ceiling the portal's leaky bucket allows, and beside
//! fast_bitrix24's `get_all` on the same portal and data when Python has it.
//!
//! The ceiling: with 50 rows per page and 50 pages per batch (a batch counts once), N rows
//! need N / 2500 requests; a bucket of burst B draining D per second lets them through in no
//! less than T_min = max(0, N/2500 − B) / D seconds. The figure printed last is the client's
//! time against T_min.
//!
//! The emulator runs in a child process (this binary, re-run as `bitrix-bench emulator`), so
//! the peak memory measured here is the client's alone.

mod peer;
mod portal;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use bitrix24::crm::CrmDealList;
use bitrix24::{Bucket, Client, Limits};
use futures_util::TryStreamExt;
use serde_json::Value;

use crate::measure::peak_rss_mib;
pub use portal::serve;

/// What `bitrix-bench throughput` is asked.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct Args {
    /// Deals in the emulated portal, all exported.
    #[arg(long, value_name = "N", default_value_t = 250_000, value_parser = crate::positive)]
    pub rows: usize,
    /// The emulator's profile: `fast` (no server cost) or `realistic` (the cost model).
    #[arg(long, value_name = "NAME", default_value = "fast", value_parser = profile)]
    pub profile: String,
    /// Shrinks every duration of the portal (latency, drain, operating windows) alike; the
    /// client keeps to the same scaled limits, so ratios do not change.
    #[arg(long, value_name = "K", default_value_t = 1.0, value_parser = time_scale)]
    pub time_scale: f64,
    /// Skips the fast_bitrix24 comparison.
    #[arg(long)]
    pub no_peer: bool,
}

fn profile(v: &str) -> Result<String, String> {
    match v {
        "fast" | "realistic" => Ok(v.to_owned()),
        _ => Err(format!(
            "`{v}` is not a profile: expected fast or realistic"
        )),
    }
}

fn time_scale(v: &str) -> Result<f64, String> {
    v.parse::<f64>()
        .ok()
        .filter(|k| k.is_finite() && *k > 0.0 && *k <= 1.0)
        .ok_or(format!(
            "`{v}` is not a time scale: expected a number in (0, 1]"
        ))
}

/// The standard plan's bucket, which the emulator keeps to by default.
const BUCKET: Bucket = Bucket::STANDARD;
/// Rows one batch request can carry: 50 pages of 50.
const ROWS_PER_REQUEST: f64 = 2_500.0;

/// Seconds the bucket needs at least for `rows` rows, at time scale `scale`.
pub fn ceiling_secs(rows: usize, bucket: Bucket, scale: f64) -> f64 {
    let requests = rows as f64 / ROWS_PER_REQUEST;
    (requests - f64::from(bucket.burst)).max(0.0) / (bucket.drain_per_sec / scale)
}

/// Runs the benchmark and prints its figures; the last line is the summary.
pub fn run(args: &Args) -> ExitCode {
    let Some(runtime) = crate::async_runtime() else {
        return ExitCode::FAILURE;
    };
    match runtime.block_on(measure(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bitrix-bench throughput: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn measure(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let portal = portal::Portal::start(args).await?;
    println!(
        "portal: {} deals, profile {}, time scale {}, bucket {}/{} (ready in {:.1} s)",
        args.rows,
        args.profile,
        args.time_scale,
        BUCKET.burst,
        BUCKET.drain_per_sec,
        started.elapsed().as_secs_f64()
    );
    let t_min = ceiling_secs(args.rows, BUCKET, args.time_scale);
    let export = export(&portal.webhook, args).await?;
    let rate = export.rows as f64 / export.time.as_secs_f64();
    println!(
        "bitrix24-rs: {} rows in {:.2} s ({} requests) — every row once",
        export.rows,
        export.time.as_secs_f64(),
        export.requests
    );

    if args.no_peer {
        println!("fast_bitrix24: skipped (--no-peer)");
    } else {
        // A fresh portal: the same data, an empty bucket and fresh operating budgets.
        drop(portal);
        let portal = portal::Portal::start(args).await?;
        // Ten times our time, and at least two minutes: enough to tell a slower peer's rate.
        let limit = (export.time * 10).max(Duration::from_secs(120));
        match peer::fast_bitrix24(&portal.webhook, args.time_scale, limit).await {
            Ok(peer::PeerOutcome::TimedOut(limit)) => println!(
                "fast_bitrix24: not done after {:.0} s, so under {:.0} rows/s; bitrix24-rs is over {:.1}x its rows/s",
                limit.as_secs_f64(),
                args.rows as f64 / limit.as_secs_f64(),
                rate / (args.rows as f64 / limit.as_secs_f64())
            ),
            Ok(peer::PeerOutcome::Done(p)) => {
                let peer_rate = p.rows as f64 / p.time.as_secs_f64();
                println!(
                    "fast_bitrix24 {}: {} rows in {:.2} s; bitrix24-rs is {:.2}x its rows/s",
                    p.version,
                    p.rows,
                    p.time.as_secs_f64(),
                    rate / peer_rate
                );
            }
            Err(why) => println!("fast_bitrix24: {why}"),
        }
    }

    let ceiling = if t_min > 0.0 {
        format!("{:.1}", 100.0 * t_min / export.time.as_secs_f64())
    } else {
        println!(
            "note: {} rows fit the bucket's burst, so the ceiling is unbounded",
            args.rows
        );
        "n/a".to_owned()
    };
    let peak = peak_rss_mib().map_or("n/a".to_owned(), |m| m.to_string());
    println!(
        "throughput: {rate:.0} rows/s, {ceiling}% of ceiling, 503: {}, 429: {}, peak MiB: {peak}",
        export.bucket_refusals, export.operating_refusals
    );
    Ok(())
}

/// What one export measured.
struct Export {
    rows: usize,
    time: Duration,
    requests: u64,
    bucket_refusals: u64,
    operating_refusals: u64,
}

/// Every deal through `client.list`, each id checked off once in a bitmap (so the check costs
/// no memory to speak of).
async fn export(webhook: &str, args: &Args) -> Result<Export, String> {
    let scale = args.time_scale;
    let limits = Limits {
        bucket: Some(Bucket {
            drain_per_sec: BUCKET.drain_per_sec / scale,
            ..BUCKET
        }),
        operating_budget: Limits::default().operating_budget.mul_f64(scale),
        max_wait: Limits::default().max_wait.mul_f64(scale),
        ..Limits::default()
    };
    let client = Client::builder()
        .webhook(webhook)
        .allow_http_loopback(true)
        .limits(limits)
        .build()
        .map_err(|e| e.to_string())?;
    let mut seen = vec![0u64; args.rows / 64 + 1];
    let mut rows = 0usize;
    let started = Instant::now();
    let mut stream = Box::pin(client.list(CrmDealList::new()).rows::<Value>());
    while let Some(row) = stream.try_next().await.map_err(|e| format!("{e:#}"))? {
        let id = row["ID"]
            .as_str()
            .and_then(|s| s.parse::<usize>().ok())
            .or_else(|| row["ID"].as_u64().map(|n| n as usize))
            .ok_or_else(|| format!("a row without a numeric ID: {row}"))?;
        let (word, bit) = (id / 64, 1u64 << (id % 64));
        if word >= seen.len() {
            seen.resize(word + 1, 0);
        }
        if seen[word] & bit != 0 {
            return Err(format!("deal {id} came twice"));
        }
        seen[word] |= bit;
        rows += 1;
    }
    let time = started.elapsed();
    if rows != args.rows {
        return Err(format!("{rows} rows exported of {}", args.rows));
    }
    let stats = client.stats();
    Ok(Export {
        rows,
        time,
        requests: stats.requests,
        bucket_refusals: stats.bucket_refusals,
        operating_refusals: stats.operating_refusals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_follows_the_issue_formula() {
        // 250,000 rows: 100 requests, 50 in the burst, 50 at 2/s.
        assert_eq!(ceiling_secs(250_000, Bucket::STANDARD, 1.0), 25.0);
        // Enterprise 250/5: 1 M rows is 400 requests, 150 past the burst.
        assert_eq!(ceiling_secs(1_000_000, Bucket::ENTERPRISE, 1.0), 30.0);
        // Within the burst there is no floor; a time scale shrinks it alike.
        assert_eq!(ceiling_secs(100_000, Bucket::STANDARD, 1.0), 0.0);
        assert_eq!(ceiling_secs(250_000, Bucket::STANDARD, 0.1), 2.5);
    }

    #[test]
    fn bad_profiles_and_scales_are_refused_by_name() {
        assert_eq!(
            profile("slow").unwrap_err(),
            "`slow` is not a profile: expected fast or realistic"
        );
        for bad in ["0", "-1", "2", "x", "NaN"] {
            assert_eq!(
                time_scale(bad).unwrap_err(),
                format!("`{bad}` is not a time scale: expected a number in (0, 1]")
            );
        }
        assert_eq!(time_scale("0.01"), Ok(0.01));
    }
}
