//! Two worker processes export every deal of one emulator portal at once. Each keeps to the
//! portal's bucket; with a bucket of its own each process thinks it has the whole budget and
//! the portal refuses many requests (`503 QUERY_LIMIT_EXCEEDED`, waited out by the client),
//! while with the bucket shared through Redis ([`RedisBucket`]) it refuses none.
//!
//! The Redis half needs a `redis-server` (`.ci/run` starts one): `BITRIX24_TEST_REDIS_URL`, or
//! `redis://127.0.0.1:6379` when that is not set. Without a server at the default address it
//! says that it skipped; with the variable set, an unreachable server fails the test.
//!
//! ```sh
//! cargo test -p bitrix24-tests --test shared_limits -- --nocapture   # prints the figures
//! ```

use std::io::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use bitrix24::{Bucket, RedisBucket};
use bitrix24_emulator::{Config, Data, Emulator, RateLimit};
use serde_json::{json, Map, Value};

const ENV: &str = "BITRIX24_TEST_REDIS_URL";
const DEFAULT_URL: &str = "redis://127.0.0.1:6379";

/// Deals to export: 80 pages of 50, one request each, per process.
const DEALS: u64 = 4_000;

/// The portal's bucket, much faster than the standard 50 / 2 so that the test is short.
const BURST: u32 = 10;
const DRAIN_PER_SEC: f64 = 20.0;
/// The clients' bucket: the portal's drain, and two requests of headroom in the burst. The
/// portal counts a request when it arrives and the client when it leaves; with no headroom at
/// all, a burst that arrives a few milliseconds late followed by a request that does not is
/// one request too many (then the client's bucket, filled by the refusal, lags the portal's and
/// absorbs such jitter). Two intervals of headroom absorb it from the start.
const CLIENT_BURST: u32 = BURST - 2;

/// What one export printed.
#[derive(Debug, Default, Clone, Copy)]
struct Export {
    rows: u64,
    distinct: u64,
    requests: u64,
    bucket_refusals: u64,
}

impl Export {
    fn parse(line: &str) -> Export {
        let mut export = Export::default();
        for pair in line.split_whitespace() {
            let (name, value) = pair.split_once('=').expect("name=value");
            let value: u64 = value.parse().expect("a count");
            match name {
                "rows" => export.rows = value,
                "distinct" => export.distinct = value,
                "requests" => export.requests = value,
                "bucket_refusals" => export.bucket_refusals = value,
                other => panic!("unexpected figure {other}"),
            }
        }
        export
    }
}

fn deals() -> Data {
    let mut data = Data::demo();
    let table = data.table(2);
    table.rows.clear();
    for id in 1..=DEALS {
        let row: Map<String, Value> = json!({"ID": id.to_string(), "TITLE": format!("deal {id}")})
            .as_object()
            .cloned()
            .unwrap();
        table.rows.insert(id, row);
    }
    table.next_id = DEALS + 1;
    data
}

/// A portal of [`DEALS`] deals whose bucket is [`BURST`] draining [`DRAIN_PER_SEC`].
async fn portal(name: &str) -> Emulator {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("shared-{name}.json"));
    std::fs::write(&path, serde_json::to_vec(&deals()).unwrap()).unwrap();
    Emulator::start(Config {
        rate_limit: Some(RateLimit {
            burst: f64::from(BURST),
            drain_per_sec: DRAIN_PER_SEC,
        }),
        fixtures: Some(path),
        ..Config::default()
    })
    .await
    .expect("the emulator starts")
}

/// Runs two exporters at once against `emulator` with the bucket `mode` (`local`, or `redis`
/// and its URL and prefix) and returns what each printed.
async fn two_exports(emulator: &Emulator, mode: &[&str]) -> [Export; 2] {
    let webhook = emulator.webhook_url().unwrap();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_export_deals"))
            .arg(&webhook)
            .arg(CLIENT_BURST.to_string())
            .arg(DRAIN_PER_SEC.to_string())
            .args(mode)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the exporter starts")
    };
    let children = [spawn(), spawn()];
    // Waiting blocks; the emulator serves them on this runtime's workers meanwhile.
    let outputs = tokio::task::spawn_blocking(move || {
        children.map(|child| child.wait_with_output().expect("the exporter ends"))
    })
    .await
    .unwrap();
    outputs.map(|out| {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {stderr}", out.status);
        Export::parse(stdout.trim())
    })
}

/// The test server's URL, or `None` (having said so) when there is none to test against.
async fn redis_url() -> Option<String> {
    let url = std::env::var(ENV).ok();
    let probe = RedisBucket::connect(url.as_deref().unwrap_or(DEFAULT_URL), Bucket::STANDARD);
    match (probe.await, url) {
        (Ok(_), url) => Some(url.unwrap_or_else(|| DEFAULT_URL.to_owned())),
        (Err(e), None) => {
            let cause = std::error::Error::source(&e).map(ToString::to_string);
            // Past the test harness's capture, so that a passing run shows it too.
            let _ = writeln!(
                std::io::stderr(),
                "skipped the shared half: no redis-server at {DEFAULT_URL} ({e}: {}); start one or set {ENV}",
                cause.unwrap_or_default()
            );
            None
        }
        (Err(e), Some(_)) => panic!("{ENV} is set but its server cannot be used: {e:?}"),
    }
}

fn assert_every_row(exports: &[Export; 2]) {
    for e in exports {
        assert_eq!((e.rows, e.distinct), (DEALS, DEALS), "{exports:?}");
    }
}

fn refusals(exports: &[Export; 2]) -> u64 {
    exports.iter().map(|e| e.bucket_refusals).sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_share_one_portal_budget_through_redis() {
    let own = portal("own").await;
    let alone = two_exports(&own, &["local"]).await;
    assert_every_row(&alone);
    // The figures, past the harness's capture: a passing run shows them too.
    let _ = writeln!(
        std::io::stderr(),
        "a bucket per process: {} requests, {} refused with 503 ({alone:?})",
        alone[0].requests + alone[1].requests,
        refusals(&alone)
    );
    assert!(
        refusals(&alone) > 0,
        "two processes with a bucket each overrun the portal's: {alone:?}"
    );

    let Some(url) = redis_url().await else {
        return;
    };
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let prefix = format!("bitrix24-test:{}:{nanos}:", std::process::id());
    let shared_portal = portal("shared").await;
    let shared = two_exports(&shared_portal, &["redis", &url, &prefix]).await;
    assert_every_row(&shared);
    let _ = writeln!(
        std::io::stderr(),
        "one bucket in Redis: {} requests, {} refused with 503 ({shared:?})",
        shared[0].requests + shared[1].requests,
        refusals(&shared)
    );
    assert_eq!(
        refusals(&shared),
        0,
        "the shared bucket keeps both within the portal's: {shared:?}"
    );
}
