//! The script against a real `redis-server`: `BITRIX24_TEST_REDIS_URL`, or
//! `redis://127.0.0.1:6379` when that is not set. Without a server at the default address
//! each test says that it skipped and passes; with the variable set, an unreachable server
//! fails the test (CI sets it only once it has started a server).

use std::io::Write as _;
use std::time::Duration;

use redis::AsyncCommands;

use super::*;

const ENV: &str = "BITRIX24_TEST_REDIS_URL";
const DEFAULT_URL: &str = "redis://127.0.0.1:6379";

/// A bucket on the test server, its keys under a prefix of this test and process; `None`
/// (having said so) when there is no server to test against.
async fn bucket(test: &str, burst: u32, drain_per_sec: f64) -> Option<RedisBucket> {
    let bucket = Bucket {
        burst,
        drain_per_sec,
    };
    let url = std::env::var(ENV).ok();
    let connected = RedisBucket::connect(url.as_deref().unwrap_or(DEFAULT_URL), bucket).await;
    match (connected, url) {
        (Ok(b), _) => Some(b.with_prefix(format!("bitrix24-test:{}:{test}:", std::process::id()))),
        (Err(e), None) => {
            let cause = std::error::Error::source(&e).map(ToString::to_string);
            // Past the test harness's capture, so that a passing run shows it too.
            let _ = writeln!(
                std::io::stderr(),
                "skipped {test}: no redis-server at {DEFAULT_URL} ({e}: {}); start one or set {ENV}",
                cause.unwrap_or_default()
            );
            None
        }
        (Err(e), Some(_)) => panic!("{ENV} is set but its server cannot be used: {e:?}"),
    }
}

async fn acquire(b: &RedisBucket, portal: &str) -> Duration {
    b.run("acquire", portal).await.unwrap()
}

#[tokio::test]
async fn the_burst_goes_at_once_then_one_per_interval() {
    // Ten seconds between requests: the few milliseconds between the calls do not matter.
    let Some(b) = bucket("burst", 3, 0.1).await else {
        return;
    };
    for _ in 0..3 {
        assert_eq!(acquire(&b, "p").await, Duration::ZERO);
    }
    let fourth = acquire(&b, "p").await;
    let fifth = acquire(&b, "p").await;
    assert!(
        fourth > Duration::from_secs(9) && fourth <= Duration::from_secs(10),
        "{fourth:?}"
    );
    assert!(
        fifth > Duration::from_secs(19) && fifth <= Duration::from_secs(20),
        "{fifth:?}"
    );
    // Portals have buckets of their own.
    assert_eq!(acquire(&b, "other").await, Duration::ZERO);
}

#[tokio::test]
async fn the_bucket_drains_while_idle() {
    let Some(b) = bucket("drain", 2, 20.0).await else {
        return;
    };
    assert_eq!(acquire(&b, "p").await, Duration::ZERO);
    assert_eq!(acquire(&b, "p").await, Duration::ZERO);
    // Two intervals (100 ms) empty it; waiting longer changes nothing.
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(acquire(&b, "p").await, Duration::ZERO);
    assert_eq!(acquire(&b, "p").await, Duration::ZERO);
}

#[tokio::test]
async fn a_refusal_fills_the_bucket() {
    let Some(b) = bucket("refused", 50, 0.1).await else {
        return;
    };
    b.refused("p").await.unwrap();
    let wait = acquire(&b, "p").await;
    assert!(
        wait > Duration::from_secs(9) && wait <= Duration::from_secs(10),
        "{wait:?}"
    );
}

#[tokio::test]
async fn two_limiters_share_one_key() {
    let (Some(a), Some(b)) = (
        bucket("shared", 3, 0.1).await,
        bucket("shared", 3, 0.1).await,
    ) else {
        return;
    };
    assert_eq!(a.key("p"), b.key("p"));
    assert_eq!(acquire(&a, "p").await, Duration::ZERO);
    assert_eq!(acquire(&b, "p").await, Duration::ZERO);
    assert_eq!(acquire(&a, "p").await, Duration::ZERO);
    assert!(acquire(&b, "p").await > Duration::from_secs(9));
    // The acquire of the trait waits; a refusal seen by one limiter holds the other back.
    b.refused("q").await.unwrap();
    assert!(acquire(&a, "q").await > Duration::from_secs(9));
}

#[tokio::test]
async fn the_key_expires_when_its_bucket_is_empty() {
    let Some(b) = bucket("expiry", 5, 1.0).await else {
        return;
    };
    let key = b.key("https://b24.example.com");
    assert!(key.ends_with(":expiry:https://b24.example.com"), "{key}");
    acquire(&b, "https://b24.example.com").await;
    let mut redis = b.connection.clone();
    let ttl_ms: i64 = redis.pttl(&key).await.unwrap();
    // One request in the bucket: empty again one interval (a second) later.
    assert!(ttl_ms > 0 && ttl_ms <= 1_000, "{ttl_ms}");
    let tat: String = redis.get(&key).await.unwrap();
    assert!(
        tat.parse::<u64>().is_ok(),
        "microseconds as an integer: {tat}"
    );
    // A key holding something else is an empty bucket, not an error.
    let _: () = redis.set(&key, "garbage").await.unwrap();
    assert_eq!(acquire(&b, "https://b24.example.com").await, Duration::ZERO);
}

#[tokio::test]
async fn bad_urls_and_absent_servers_are_errors_that_keep_the_password() {
    let bucket = Bucket::STANDARD;
    let e = RedisBucket::connect("not a url", bucket).await.unwrap_err();
    assert_eq!(e.to_string(), "the Redis URL is not valid");
    assert!(std::error::Error::source(&e).is_some());
    let e = RedisBucket::connect("http://user:hunter2@127.0.0.1/", bucket)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "the Redis URL is not valid");
    assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
    // Port 1 on loopback: nothing listens there.
    let e = RedisBucket::connect("redis://user:hunter2@127.0.0.1:1/", bucket)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "cannot connect to the Redis bucket");
    assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
    // The chain prints each message once: what failed, then Redis's own message.
    let mut chain = vec![e.to_string()];
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    assert_eq!(chain.len(), 2, "{chain:?}");
    assert!(chain[1].contains("refused"), "{chain:?}");
}

#[tokio::test]
async fn debug_shows_the_server_but_not_the_password() {
    let Some(b) = bucket("debug", 5, 1.0).await else {
        return;
    };
    let dbg = format!("{b:?}");
    assert!(
        dbg.contains("RedisBucket") && dbg.contains("bitrix24-test:"),
        "{dbg}"
    );
    // The test server has no password; the address is what Debug shows of the URL.
    let url = std::env::var(ENV).unwrap_or_else(|_| DEFAULT_URL.to_owned());
    let info = redis::Client::open(url.as_str()).unwrap();
    let addr = info.get_connection_info().addr().to_string();
    assert!(dbg.contains(&addr), "{dbg}");
    if let Some(password) = info.get_connection_info().redis_settings().password() {
        assert!(!dbg.contains(password), "{dbg}");
    }
}
