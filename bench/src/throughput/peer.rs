//! fast_bitrix24 (Python), the fastest peer at exports, on the same portal: its `get_all`
//! pages `crm.deal.list` by offsets, 50 pages per batch, batches in parallel under its own
//! 50 / 2 limiter.

use std::time::Duration;

use tokio::process::Command;

/// What fast_bitrix24 did.
pub struct PeerRun {
    /// Its version.
    pub version: String,
    /// Rows it returned.
    pub rows: usize,
    /// Seconds its `get_all` took.
    pub time: Duration,
}

/// The script Python runs: prints the version, the rows and the seconds.
const SCRIPT: &str = r#"
import sys, time, logging
logging.disable(logging.CRITICAL)
from fast_bitrix24 import Bitrix
from fast_bitrix24.__version__ import __version__
scale = float(sys.argv[2])
b = Bitrix(sys.argv[1], verbose=False, ssl=False, requests_per_second=2.0 / scale,
           operating_time_limit=max(1, round(480 * scale)))
t = time.monotonic()
rows = b.get_all("crm.deal.list")
print(__version__, len(rows), time.monotonic() - t)
"#;

/// How fast_bitrix24 ended.
pub enum PeerOutcome {
    /// It exported.
    Done(PeerRun),
    /// It was still running when its time was up.
    TimedOut(Duration),
}

/// Runs fast_bitrix24's `get_all` against `webhook`, for at most `limit`; an error says why it
/// could not run.
pub async fn fast_bitrix24(
    webhook: &str,
    scale: f64,
    limit: Duration,
) -> Result<PeerOutcome, String> {
    let started = std::time::Instant::now();
    let run = Command::new("python3")
        .args(["-c", SCRIPT, webhook, &scale.to_string()])
        .kill_on_drop(true)
        .output();
    let Ok(out) = tokio::time::timeout(limit, run).await else {
        return Ok(PeerOutcome::TimedOut(limit));
    };
    let out = out.map_err(|e| format!("not run: python3 is not available ({e})"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let last: String = stderr
            .lines()
            .last()
            .unwrap_or("no message")
            .chars()
            .take(200)
            .collect();
        return Err(if stderr.contains("No module named 'fast_bitrix24'") {
            "not run: it is not installed (pip install fast_bitrix24)".to_owned()
        } else if stderr.contains("OPERATION_TIME_LIMIT") {
            format!("it failed after {:.1} s: the portal blocked crm.deal.list with OPERATION_TIME_LIMIT (429): its pages are counted, and counting spends the method's operating time", started.elapsed().as_secs_f64())
        } else if stderr.contains("ClientResponseError: 503") {
            format!("it failed after {:.1} s: the portal answered 503 (its limiter let more requests through than the bucket holds) until its retries ran out: {last}", started.elapsed().as_secs_f64())
        } else {
            format!(
                "it failed after {:.1} s: {last}",
                started.elapsed().as_secs_f64()
            )
        });
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let mut words = line.split_whitespace();
    let parsed = (|| {
        let version = words.next()?.to_owned();
        let rows = words.next()?.parse().ok()?;
        let secs: f64 = words.next()?.parse().ok()?;
        Some(PeerRun {
            version,
            rows,
            time: Duration::from_secs_f64(secs),
        })
    })();
    parsed
        .map(PeerOutcome::Done)
        .ok_or_else(|| format!("ran, but printed something unexpected: {line}"))
}
