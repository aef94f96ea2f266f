//! Two worker processes call one emulator portal as the same OAuth application, with the
//! tokens kept in Redis ([`RedisTokenStore`]), and find the access token expired at the same
//! moment: exactly one of them spends the refresh token; the other waits for the pair it saves
//! and every call of both succeeds.
//!
//! Needs a `redis-server` (`.ci/run` starts one): `BITRIX24_TEST_REDIS_URL`, or
//! `redis://127.0.0.1:6379` when that is not set. Without a server at the default address it
//! says that it skipped; with the variable set, an unreachable server fails the test.
//!
//! ```sh
//! cargo test -p bitrix24-tests --test shared_tokens -- --nocapture   # prints the figures
//! ```

use std::io::Write as _;
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bitrix24::{RedisTokenStore, TokenSet, TokenStore};
use bitrix24_emulator::{Config, Emulator};

const ENV: &str = "BITRIX24_TEST_REDIS_URL";
const DEFAULT_URL: &str = "redis://127.0.0.1:6379";

/// Calls per worker, all at once.
const CALLS: u64 = 50;

/// What one worker printed.
#[derive(Debug, Default, Clone, Copy)]
struct Worker {
    ok: u64,
    expired_tokens: u64,
    token_refreshes: u64,
}

impl Worker {
    fn parse(line: &str) -> Worker {
        let mut worker = Worker::default();
        for pair in line.split_whitespace() {
            let (name, value) = pair.split_once('=').expect("name=value");
            let value: u64 = value.parse().expect("a count");
            match name {
                "ok" => worker.ok = value,
                "expired_tokens" => worker.expired_tokens = value,
                "token_refreshes" => worker.token_refreshes = value,
                other => panic!("unexpected figure {other}"),
            }
        }
        worker
    }
}

/// A store on the test server under a key of this run, or `None` (having said so) when there
/// is no server to test against.
async fn store(key: &str) -> Option<(String, RedisTokenStore)> {
    let url = std::env::var(ENV).ok();
    let connected = RedisTokenStore::connect(url.as_deref().unwrap_or(DEFAULT_URL), key).await;
    match (connected, url) {
        (Ok(store), url) => Some((url.unwrap_or_else(|| DEFAULT_URL.to_owned()), store)),
        (Err(e), None) => {
            let cause = std::error::Error::source(&e).map(ToString::to_string);
            // Past the test harness's capture, so that a passing run shows it too.
            let _ = writeln!(
                std::io::stderr(),
                "skipped: no redis-server at {DEFAULT_URL} ({e}: {}); start one or set {ENV}",
                cause.unwrap_or_default()
            );
            None
        }
        (Err(e), Some(_)) => panic!("{ENV} is set but its server cannot be used: {e:?}"),
    }
}

fn unix_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_renew_a_shared_token_once() {
    let key = format!(
        "bitrix24-test:{}:{}:tokens",
        std::process::id(),
        unix_millis()
    );
    let Some((url, store)) = store(&key).await else {
        return;
    };
    let config = Config {
        rate_limit: None,
        ..Config::default()
    };
    let (client_id, client_secret) = (
        config.oauth.client_id.clone(),
        config.oauth.client_secret.clone(),
    );
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let first = emulator.issue_tokens(1);
    // The workers think the token good for an hour; the portal has expired it.
    let hour = Duration::from_secs(3600);
    store
        .save(&TokenSet::expiring_in(
            first.access_token.as_str(),
            first.refresh_token.as_str(),
            hour,
        ))
        .await
        .unwrap();
    emulator.expire_access_tokens();

    // Both start calling at the same moment, once their processes are up.
    let start_at = (unix_millis() + 1_500).to_string();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_oauth_worker"))
            .args([emulator.base_url(), &url, &key, &start_at])
            .arg(CALLS.to_string())
            .env("OAUTH_CLIENT_ID", &client_id)
            .env("OAUTH_CLIENT_SECRET", &client_secret)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the worker starts")
    };
    let children = [spawn(), spawn()];
    // Waiting blocks; the emulator serves them on this runtime's workers meanwhile.
    let outputs = tokio::task::spawn_blocking(move || {
        children.map(|child| child.wait_with_output().expect("the worker ends"))
    })
    .await
    .unwrap();
    let workers = outputs.map(|out| {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {stderr}", out.status);
        Worker::parse(stdout.trim())
    });

    let portal = emulator.stats();
    let _ = writeln!(
        std::io::stderr(),
        "two workers, {CALLS} calls each: {} answered expired_token, {} token request(s) ({workers:?})",
        portal.expired_tokens,
        portal.token_requests
    );
    for w in &workers {
        assert_eq!(w.ok, CALLS, "{workers:?}");
    }
    assert_eq!(portal.token_requests, 1, "one renewal in all: {portal:?}");
    assert_eq!(
        workers.iter().map(|w| w.token_refreshes).sum::<u64>(),
        1,
        "{workers:?}"
    );
    assert_eq!(
        workers.iter().map(|w| w.expired_tokens).sum::<u64>(),
        portal.expired_tokens
    );
    let saved = store.load().await.unwrap().expect("tokens");
    assert_ne!(saved.refresh_token.expose(), first.refresh_token, "rotated");
}
