//! The store against a real `redis-server`: `BITRIX24_TEST_REDIS_URL`, or
//! `redis://127.0.0.1:6379` when that is not set. Without a server at the default address
//! each test says that it skipped and passes; with the variable set, an unreachable server
//! fails the test (CI sets it only once it has started a server).

use std::error::Error as _;
use std::io::Write as _;

use super::*;

const ENV: &str = "BITRIX24_TEST_REDIS_URL";
const DEFAULT_URL: &str = "redis://127.0.0.1:6379";

/// A store on the test server under a key of this test and process, emptied first; `None`
/// (having said so) when there is no server to test against.
async fn store(test: &str) -> Option<RedisTokenStore> {
    let url = std::env::var(ENV).ok();
    let key = format!("bitrix24-test:{}:{test}", std::process::id());
    match (
        RedisTokenStore::connect(url.as_deref().unwrap_or(DEFAULT_URL), key).await,
        url,
    ) {
        (Ok(store), _) => {
            let mut redis = store.connection.clone();
            redis::cmd("DEL")
                .arg(&store.key)
                .arg(&store.lock_key)
                .query_async::<()>(&mut redis)
                .await
                .unwrap();
            Some(store)
        }
        (Err(e), None) => {
            let cause = e.source().map(ToString::to_string);
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

#[tokio::test]
async fn tokens_round_trip_and_corrupt_values_are_typed_errors() {
    let Some(store) = store("round-trip").await else {
        return;
    };
    assert_eq!(store.load().await.unwrap(), None);
    let tokens = TokenSet::new("acc-r", "ref-r", 42);
    store.save(&tokens).await.unwrap();
    assert_eq!(store.load().await.unwrap(), Some(tokens));
    let mut redis = store.connection.clone();
    redis::cmd("SET")
        .arg(&store.key)
        .arg(r#"{"access_token": "leaked-acc"}"#)
        .query_async::<()>(&mut redis)
        .await
        .unwrap();
    let e = store.load().await.unwrap_err();
    assert_eq!(e.kind(), StoreErrorKind::Corrupt);
    assert_eq!(e.to_string(), "the Redis token key does not hold tokens");
    assert!(!format!("{e:?}").contains("leaked-acc"), "{e:?}");
    let dbg = format!("{store:?}");
    assert!(dbg.contains(&store.key) && !dbg.contains("acc-r"), "{dbg}");
}

#[tokio::test]
async fn one_holder_at_a_time_and_only_the_holder_releases() {
    let (Some(a), Some(b)) = (store("lock").await, store("lock").await) else {
        return;
    };
    let ttl = Duration::from_secs(30);
    let held = a.lock_refresh(ttl).await.unwrap().expect("free at first");
    assert_eq!(b.lock_refresh(ttl).await.unwrap(), None, "held by a");
    // A lock value that is not the holder's releases nothing.
    b.unlock_refresh(RefreshLock::new("not-the-holder"))
        .await
        .unwrap();
    assert_eq!(b.lock_refresh(ttl).await.unwrap(), None, "still held by a");
    a.unlock_refresh(held).await.unwrap();
    let again = b.lock_refresh(ttl).await.unwrap().expect("released");
    b.unlock_refresh(again).await.unwrap();
}

#[tokio::test]
async fn a_lock_whose_holder_died_expires() {
    let Some(store) = store("expiry").await else {
        return;
    };
    let _dead = store
        .lock_refresh(Duration::from_millis(100))
        .await
        .unwrap()
        .expect("free");
    assert_eq!(
        store.lock_refresh(Duration::from_secs(1)).await.unwrap(),
        None
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(store
        .lock_refresh(Duration::from_secs(1))
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn bad_urls_and_absent_servers_are_errors_that_keep_the_password() {
    let e = RedisTokenStore::connect("not a url", "k")
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.to_string().as_str()),
        (StoreErrorKind::Unavailable, "the Redis URL is not valid")
    );
    // Port 1 on loopback: nothing listens there.
    let e = RedisTokenStore::connect("redis://user:hunter2@127.0.0.1:1/", "k")
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "cannot connect to the Redis token store");
    assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
    assert!(e
        .source()
        .is_some_and(|s| s.to_string().contains("refused")));
}
