//! Limits, OAuth, idempotency, faults, events, persistence and the binary, over real HTTP.

mod support;

use std::time::Duration;

use bitrix24_emulator::{FaultRates, Faults, OperatingLimit, RateLimit};
use serde_json::json;
use support::*;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

#[tokio::test]
async fn a_burst_of_80_calls_meets_the_leaky_bucket() {
    let emu = start(Config::default()).await;
    let mut statuses = Vec::new();
    for _ in 0..80 {
        let a = v1(&emu, "crm.deal.get", json!({"id": 1})).await;
        if a.status == 503 {
            assert_eq!(a.json()["error"], json!("QUERY_LIMIT_EXCEEDED"));
        }
        statuses.push(a.status);
    }
    let ok = statuses.iter().filter(|s| **s == 200).count();
    // Burst 50, drained at 2/s while the burst runs: 50 and a few more succeed.
    assert!((50..60).contains(&ok), "{ok} succeeded");
    assert_eq!(statuses.iter().filter(|s| **s == 503).count(), 80 - ok);
    let off = start(Config {
        rate_limit: None,
        ..Config::default()
    })
    .await;
    for _ in 0..80 {
        assert_eq!(v1(&off, "crm.deal.get", json!({"id": 1})).await.status, 200);
    }
    let tight = start(Config {
        rate_limit: Some(RateLimit {
            burst: 2.0,
            drain_per_sec: 0.01,
        }),
        ..Config::default()
    })
    .await;
    let codes: Vec<u16> = futures_statuses(&tight, 3).await;
    assert_eq!(codes, [200, 200, 503]);
}

async fn futures_statuses(emu: &Emulator, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(v1(emu, "crm.deal.get", json!({"id": 1})).await.status);
    }
    out
}

#[tokio::test]
async fn operating_time_blocks_a_method_until_reset() {
    let config = Config {
        rate_limit: None,
        operating: OperatingLimit {
            budget_secs: 480.0,
            cost_secs: 0.01,
            method_costs: vec![("crm.deal.get".into(), 200.0)],
        },
        ..Config::default()
    };
    let emu = start(config).await;
    let first = v1(&emu, "crm.deal.get", json!({"id": 1})).await.json();
    assert_eq!(first["time"]["operating"], json!(200.0));
    assert_eq!(v1(&emu, "crm.deal.get", json!({"id": 1})).await.status, 200);
    assert_eq!(v1(&emu, "crm.deal.get", json!({"id": 1})).await.status, 200);
    let blocked = v1(&emu, "crm.deal.get", json!({"id": 1})).await;
    assert_eq!(
        (blocked.status, blocked.json()["error"].clone()),
        (429, json!("OPERATION_TIME_LIMIT"))
    );
    let reset_at = blocked.json()["time"]["operating_reset_at"]
        .as_f64()
        .unwrap();
    assert!(reset_at > first["time"]["start"].as_f64().unwrap());
    // Other methods have their own budget.
    assert_eq!(v1(&emu, "crm.deal.list", json!({})).await.status, 200);
}

#[tokio::test]
async fn oauth_refresh_rotates_and_access_tokens_expire() {
    let mut config = unlimited();
    config.oauth.access_token_lifetime = Duration::from_millis(300);
    let emu = start(config.clone()).await;
    let tokens = emu.issue_tokens(1);
    let call = |token: String| async move { json!({"id": 1, "auth": token}) };
    let a = post_json(
        emu.base_url(),
        "/rest/crm.deal.get",
        &call(tokens.access_token.clone()).await,
    )
    .await;
    assert_eq!(a.status, 200);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let a = post_json(
        emu.base_url(),
        "/rest/crm.deal.get",
        &call(tokens.access_token.clone()).await,
    )
    .await;
    assert_eq!(
        (a.status, a.json()["error"].clone()),
        (401, json!("expired_token"))
    );
    let refresh = format!(
        "/oauth/token/?grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={}",
        config.oauth.client_id, config.oauth.client_secret, tokens.refresh_token
    );
    let a = send(emu.base_url(), "GET", &refresh, &[], b"")
        .await
        .unwrap();
    assert_eq!(a.status, 200);
    let answer = a.json();
    assert_ne!(answer["refresh_token"], json!(tokens.refresh_token));
    assert_eq!(
        answer["client_endpoint"],
        json!(format!("{}/rest/", emu.base_url()))
    );
    let fresh = answer["access_token"].as_str().unwrap().to_owned();
    let a = post_json(emu.base_url(), "/rest/crm.deal.get", &call(fresh).await).await;
    assert_eq!(a.status, 200);
    // The old refresh token was rotated away.
    let a = send(emu.base_url(), "GET", &refresh, &[], b"")
        .await
        .unwrap();
    assert_eq!(
        (a.status, a.json()["error"].clone()),
        (400, json!("invalid_grant"))
    );
}

#[tokio::test]
async fn idempotent_replay_on_demo_message_1() {
    let emu = start(unlimited()).await;
    let base = emu.base_url();
    let path = "/rest/api/1/secret/mail.message.createchat";
    let post = |key: &'static str, body: &'static str| async move {
        send(
            base,
            "POST",
            path,
            &[
                ("Content-Type", "application/json"),
                ("Idempotency-Key", key),
            ],
            body.as_bytes(),
        )
        .await
        .unwrap()
    };
    let first = post("key-1", r#"{"messageId":1}"#).await;
    assert_eq!(
        (first.status, first.json()["result"]["existing"].clone()),
        (200, json!(false))
    );
    assert_eq!(first.header("Idempotent-Replayed"), None);
    let replay = post("key-1", r#"{"messageId": 1}"#).await;
    assert_eq!(replay.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(replay.body, first.body);
    let reused = post("key-1", r#"{"messageId":2}"#).await;
    assert_eq!(
        (reused.status, reused.json()["error"]["code"].clone()),
        (
            422,
            json!("BITRIX_REST_V3_EXCEPTION_IDEMPOTENCYKEYREUSEDEXCEPTION")
        )
    );
    let malformed = post("", r#"{"messageId":1}"#).await;
    assert_eq!(
        (malformed.status, malformed.json()["error"]["code"].clone()),
        (
            400,
            json!("BITRIX_REST_V3_EXCEPTION_INVALIDIDEMPOTENCYKEYEXCEPTION")
        )
    );
    // Without a key the call runs again: the chat exists now.
    let again = v3(&emu, "mail.message.createchat", json!({"messageId": 1})).await;
    assert_eq!(again.json()["result"]["existing"], json!(true));
    assert_eq!(
        again.json()["result"]["chatId"],
        first.json()["result"]["chatId"]
    );
}

fn only(rates: FaultRates, method: &str) -> Faults {
    let mut faults = Faults {
        seed: 7,
        slow_delay: Duration::from_millis(300),
        burst_len: 3,
        ..Faults::default()
    };
    faults.methods.insert(method.to_owned(), rates);
    faults
}

#[tokio::test]
async fn faults_are_injected_per_method() {
    let emu = start(unlimited()).await;
    let count = |emu: &Emulator| emu.data().items["2"].rows.len();
    emu.set_faults(only(
        FaultRates {
            internal_error: 1.0,
            ..FaultRates::default()
        },
        "crm.deal.add",
    ));
    let a = v1(&emu, "crm.deal.add", json!({"fields": {"TITLE": "x"}})).await;
    assert_eq!(
        (a.status, a.json()["error"].clone()),
        (500, json!("INTERNAL_SERVER_ERROR"))
    );
    assert_eq!(count(&emu), 5);
    assert_eq!(
        v1(&emu, "crm.deal.get", json!({"id": 1})).await.status,
        200,
        "other methods are untouched"
    );

    emu.set_faults(only(
        FaultRates {
            drop_before: 1.0,
            ..FaultRates::default()
        },
        "crm.deal.add",
    ));
    let gone = send(
        emu.base_url(),
        "POST",
        "/rest/1/secret/crm.deal.add",
        &[("Content-Type", "application/json")],
        br#"{"fields":{"TITLE":"x"}}"#,
    )
    .await;
    assert!(gone.is_none());
    assert_eq!(count(&emu), 5, "dropped before the write");

    emu.set_faults(only(
        FaultRates {
            drop_after: 1.0,
            ..FaultRates::default()
        },
        "crm.deal.add",
    ));
    let gone = send(
        emu.base_url(),
        "POST",
        "/rest/1/secret/crm.deal.add",
        &[("Content-Type", "application/json")],
        br#"{"fields":{"TITLE":"x"}}"#,
    )
    .await;
    assert!(gone.is_none());
    assert_eq!(count(&emu), 6, "dropped after the write");

    emu.set_faults(only(
        FaultRates {
            truncated: 1.0,
            ..FaultRates::default()
        },
        "crm.deal.get",
    ));
    let a = v1(&emu, "crm.deal.get", json!({"id": 1})).await;
    assert_eq!(a.status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&a.body).is_err());

    emu.set_faults(only(
        FaultRates {
            slow: 1.0,
            ..FaultRates::default()
        },
        "crm.deal.get",
    ));
    let started = std::time::Instant::now();
    assert_eq!(v1(&emu, "crm.deal.get", json!({"id": 1})).await.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    emu.set_faults(only(
        FaultRates {
            burst_503: 1.0,
            ..FaultRates::default()
        },
        "crm.deal.get",
    ));
    for _ in 0..3 {
        assert_eq!(
            v1(&emu, "crm.deal.get", json!({"id": 1})).await.json()["error"],
            json!("QUERY_LIMIT_EXCEEDED")
        );
    }
    emu.set_faults(Faults::default());
    assert_eq!(v1(&emu, "crm.deal.get", json!({"id": 1})).await.status, 200);
}

#[tokio::test]
async fn seeded_faults_repeat() {
    let mut faults = Faults {
        seed: 42,
        ..Faults::default()
    };
    faults.global.internal_error = 0.5;
    let mut runs = Vec::new();
    for _ in 0..2 {
        let emu = start(Config {
            faults: faults.clone(),
            ..unlimited()
        })
        .await;
        let mut statuses = Vec::new();
        for _ in 0..20 {
            statuses.push(v1(&emu, "crm.deal.get", json!({"id": 1})).await.status);
        }
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].contains(&500) && runs[0].contains(&200));
}

/// A loopback handler that collects one form-encoded post per event.
async fn handler() -> (String, tokio::sync::mpsc::Receiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut reader = BufReader::new(stream);
                let mut length = 0;
                let mut line = String::new();
                while reader.read_line(&mut line).await.unwrap_or(0) > 2 {
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    line.clear();
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).await.unwrap();
                reader
                    .get_mut()
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                    .await
                    .unwrap();
                tx.send(String::from_utf8(body).unwrap()).await.unwrap();
            });
        }
    });
    (url, rx)
}

#[tokio::test]
async fn activity_events_reach_loopback_handlers() {
    let emu = start(unlimited()).await;
    let (url, mut posts) = handler().await;
    for event in [
        "onCrmActivityAdd",
        "onCrmActivityUpdate",
        "onCrmActivityDelete",
    ] {
        assert_eq!(
            v1(&emu, "event.bind", json!({"event": event, "handler": url}))
                .await
                .json()["result"],
            json!(true)
        );
    }
    let a = v1(
        &emu,
        "event.bind",
        json!({"event": "onCrmActivityAdd", "handler": "http://example.com/hook"}),
    )
    .await;
    assert_eq!(a.status, 400);
    let a = v1(
        &emu,
        "event.bind",
        json!({"event": "onNoSuchThing", "handler": url}),
    )
    .await;
    assert_eq!(a.json()["error"], json!("ERROR_EVENT_NOT_FOUND"));
    assert_eq!(
        v1(&emu, "event.get", json!({})).await.json()["result"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let fields = json!({"OWNER_TYPE_ID": 2, "OWNER_ID": 1, "TYPE_ID": 2, "SUBJECT": "Call", "RESPONSIBLE_ID": 1,
                        "COMMUNICATIONS": [{"VALUE": "+100", "ENTITY_ID": 1, "ENTITY_TYPE_ID": 3}]});
    let id = v1(&emu, "crm.activity.add", json!({"fields": fields}))
        .await
        .json()["result"]
        .as_u64()
        .unwrap();
    v1(
        &emu,
        "crm.activity.update",
        json!({"id": id, "fields": {"SUBJECT": "Call back"}}),
    )
    .await;
    v1(&emu, "crm.activity.delete", json!({"id": id})).await;
    let token = emu.application_token();
    for expected in [
        "ONCRMACTIVITYADD",
        "ONCRMACTIVITYUPDATE",
        "ONCRMACTIVITYDELETE",
    ] {
        let body = tokio::time::timeout(Duration::from_secs(5), posts.recv())
            .await
            .unwrap()
            .unwrap();
        let fields: std::collections::HashMap<String, String> = form_pairs(&body);
        assert_eq!(fields["event"], expected);
        assert_eq!(fields["data[FIELDS][ID]"], id.to_string());
        assert_eq!(fields["auth[application_token]"], token);
        assert!(fields["ts"].parse::<u64>().is_ok());
    }
    let a = v1(
        &emu,
        "event.unbind",
        json!({"event": "onCrmActivityAdd", "handler": url}),
    )
    .await;
    assert_eq!(a.json()["result"], json!({"count": 1}));
}

fn form_pairs(body: &str) -> std::collections::HashMap<String, String> {
    body.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.replace('+', " ").into_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(
                u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16).unwrap(),
            );
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn state_survives_a_restart_and_fixtures_replace_the_demo() {
    let dir = std::env::temp_dir().join(format!("b24emu-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let _ = std::fs::remove_file(&state);
    let config = Config {
        state_file: Some(state.clone()),
        ..unlimited()
    };
    let emu = start(config.clone()).await;
    let id = v1(&emu, "crm.deal.add", json!({"fields": {"TITLE": "Kept"}}))
        .await
        .json()["result"]
        .clone();
    emu.shutdown().await;
    let emu = start(config).await;
    assert_eq!(
        v1(&emu, "crm.deal.get", json!({"id": id})).await.json()["result"]["TITLE"],
        json!("Kept")
    );

    let fixtures = dir.join("fixtures.json");
    std::fs::write(&fixtures, r#"{"users": [{"id": 1, "admin": true}], "items": {"2": {"rows": {"40": {"TITLE": "Only deal"}}}}}"#).unwrap();
    let emu = start(Config {
        fixtures: Some(fixtures.clone()),
        ..unlimited()
    })
    .await;
    let list = v1(&emu, "crm.deal.list", json!({})).await.json();
    assert_eq!(
        (list["total"].clone(), list["result"][0]["ID"].clone()),
        (json!(1), json!("40"))
    );
    assert_eq!(
        v1(&emu, "crm.deal.add", json!({"fields": {"TITLE": "n"}}))
            .await
            .json()["result"],
        json!(41)
    );
    std::fs::write(&fixtures, r#"{"deals": []}"#).unwrap();
    let err = Emulator::start(Config {
        fixtures: Some(fixtures),
        ..unlimited()
    })
    .await
    .unwrap_err();
    assert!(
        err.to_string().contains("not an emulator data set"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn the_binary_prints_its_base_url_first() {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_bitrix24-emulator"))
        .args(["--port", "0", "--webhook", "1:secret"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let a = post_json(&base, "/rest/1/secret/crm.deal.get", &json!({"id": 3})).await;
    assert_eq!(a.json()["result"]["TITLE"], json!("Demo deal 3"));
    child.kill().await.unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_bitrix24-emulator"))
        .arg("--port")
        .arg("x")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "bitrix24-emulator: --port: `x` is not a valid number"
    );
}

#[tokio::test]
async fn the_binary_answers_help_and_refuses_a_bad_flag() {
    let run = |args: &'static [&'static str]| async move {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_bitrix24-emulator"))
            .args(args)
            .output()
            .await
            .unwrap()
    };
    let help = run(&["--help"]).await;
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(
        text.contains("Usage: bitrix24-emulator [OPTIONS]"),
        "{text}"
    );
    assert!(text.contains("--rate-limit <BURST/DRAIN|off>"), "{text}");
    let version = run(&["--version"]).await;
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("bitrix24-emulator {}\n", env!("CARGO_PKG_VERSION"))
    );
    let bad = run(&["--frobnicate"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "bitrix24-emulator: unknown argument `--frobnicate`\n\
         usage: bitrix24-emulator [OPTIONS]; more with --help\n"
    );
}
