//! The client keeps to the portal's limits: its own leaky bucket, waiting out
//! `QUERY_LIMIT_EXCEEDED` and `OPERATION_TIME_LIMIT` (the portal ran neither refused call, so
//! going again is safe), and giving up with the refusal when the wait would be too long.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bitrix24::crm::{CrmItemDelete, CrmItemDeleteError};
use bitrix24::{Bucket, Client, CommonError, Limits, LocalBucket};
use bitrix24_tests::{MockServer, Reply};
use serde_json::json;

fn client(server: &MockServer, limits: Limits) -> Client {
    Client::builder()
        .webhook(format!("{}/rest/1/secret/", server.base_url()))
        .allow_http_loopback(true)
        .limits(limits)
        .build()
        .unwrap()
}

fn ok() -> Reply {
    Reply::json(200, &json!({"result": [], "time": {"operating": 0.1}}))
}

/// A bucket of `burst` draining `per_sec`, waits capped at `max_wait`.
fn limits(burst: u32, per_sec: f64, max_wait: Duration) -> Limits {
    Limits {
        bucket: Some(Bucket {
            burst,
            drain_per_sec: per_sec,
        }),
        max_wait,
        ..Limits::default()
    }
}

#[tokio::test]
async fn a_full_bucket_is_waited_out_and_the_call_goes_again() {
    let server = MockServer::start();
    server.reply(Reply::json(
        503,
        &json!({"error": "QUERY_LIMIT_EXCEEDED", "error_description": "Too many requests"}),
    ));
    server.reply(ok());
    let client = client(&server, limits(10, 20.0, Duration::from_secs(5)));
    let started = Instant::now();
    client.call(&CrmItemDelete::new(2, 1)).await.unwrap();
    // The refusal filled the bucket: one drain interval (50 ms) before going again.
    assert!(started.elapsed() >= Duration::from_millis(50));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_spent_operating_budget_is_waited_out_until_its_release() {
    let server = MockServer::start();
    server.reply(Reply::json(
        429,
        &json!({"error": "OPERATION_TIME_LIMIT", "error_description": "Method is blocked",
                "time": {"finish": 1000.0, "operating_reset_at": 1000.3, "operating": 481}}),
    ));
    server.reply(ok());
    let client = client(&server, limits(50, 2.0, Duration::from_secs(5)));
    let started = Instant::now();
    client.call(&CrmItemDelete::new(2, 1)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_wait_longer_than_allowed_returns_the_refusal() {
    let server = MockServer::start();
    server.reply(Reply::json(
        429,
        &json!({"error": "OPERATION_TIME_LIMIT", "error_description": "Method is blocked",
                "time": {"finish": 1000.0, "operating_reset_at": 1600.0}}),
    ));
    let client = client(&server, limits(50, 2.0, Duration::from_secs(1)));
    let err = client.call(&CrmItemDelete::new(2, 1)).await.unwrap_err();
    assert_eq!(
        err.code(),
        Some(&CrmItemDeleteError::Common(CommonError::OperationTimeLimit))
    );
    assert_eq!(server.requests().len(), 1, "nothing was sent again");
}

#[tokio::test]
async fn the_client_keeps_to_its_bucket_and_clients_can_share_one() {
    let server = MockServer::start();
    for _ in 0..6 {
        server.reply(ok());
    }
    let shared = Arc::new(LocalBucket::new(Bucket {
        burst: 2,
        drain_per_sec: 20.0,
    }));
    let make = || {
        Client::builder()
            .webhook(format!("{}/rest/1/secret/", server.base_url()))
            .allow_http_loopback(true)
            .rate_limiter(shared.clone())
            .build()
            .unwrap()
    };
    let (a, b) = (make(), make());
    let started = Instant::now();
    for client in [&a, &b, &a, &b, &a, &b] {
        client.call(&CrmItemDelete::new(2, 1)).await.unwrap();
    }
    // Two at once, then one per 50 ms for the other four, whichever client sends them.
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(server.requests().len(), 6);
}
