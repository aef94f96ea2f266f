//! The loaded portal, over real HTTP: the realistic cost model (counting vs `start=-1`,
//! batch commands one after another, operating time charged from the cost), the time scale,
//! synthetic deals listed from the id index, the wire form of their answers, and the stats.
//! No timing assertions: costs are read from the `time` blocks the portal reports, and wall
//! time is only checked against generous lower bounds.

mod support;

use std::time::Instant;

use bitrix24_emulator::{
    OperatingLimit, Profile, RateLimit, Stats, REALISTIC_COMMAND_SECS,
    REALISTIC_COUNT_SECS_PER_ROW, REALISTIC_REQUEST_SECS,
};
use serde_json::{json, Value};
use support::*;

fn realistic(deals: u64, scale: f64) -> Config {
    Config {
        rate_limit: None,
        time_scale: scale,
        generate_deals: Some(deals),
        ..Config::default()
    }
    .with_profile(Profile::Realistic)
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(a: f64, b: f64) -> bool {
    // The portal reports operating time to the nanosecond.
    (a - b).abs() <= 1e-4 * b.abs().max(1e-6)
}

/// `time.operating` of crm.deal.list after `body`.
async fn operating_after(emu: &Emulator, body: Value) -> (Value, f64) {
    let a = v1(emu, "crm.deal.list", body).await.json();
    let used = num(&a["time"]["operating"]);
    (a, used)
}

#[tokio::test]
async fn counting_costs_per_row_and_start_minus_one_does_not() {
    let k = 0.001;
    let emu = start(realistic(100_000, k)).await;
    let (fast, used) = operating_after(
        &emu,
        json!({"start": -1, "order": {"ID": "ASC"}, "filter": {">ID": 0}}),
    )
    .await;
    assert!(close(used, REALISTIC_COMMAND_SECS * k), "{used}");
    let d = num(&fast["time"]["duration"]);
    assert!(
        d >= (REALISTIC_REQUEST_SECS + REALISTIC_COMMAND_SECS) * k * 0.999,
        "{d}"
    );
    assert!(fast.get("total").is_none());

    let (counted, after) = operating_after(&emu, json!({})).await;
    assert_eq!(counted["total"], json!(100_000));
    let cost = REALISTIC_COMMAND_SECS + 100_000.0 * REALISTIC_COUNT_SECS_PER_ROW;
    assert!(close(after - used, cost * k), "{after} - {used}");
    assert!(num(&counted["time"]["duration"]) >= cost * k * 0.999);
    // Counting fewer rows costs proportionally less.
    let (_, third) = operating_after(&emu, json!({"filter": {">ID": 50_000}})).await;
    let cost = REALISTIC_COMMAND_SECS + 50_000.0 * REALISTIC_COUNT_SECS_PER_ROW;
    assert!(close(third - after, cost * k), "{third} - {after}");
}

#[tokio::test]
async fn batch_commands_run_one_after_another() {
    let k = 0.01;
    let emu = start(realistic(1000, k)).await;
    let cmd: Vec<Value> = (0..5)
        .map(|i| json!(format!("crm.deal.list?start=-1&filter[>ID]={}", i * 50)))
        .collect();
    let began = Instant::now();
    let a = v1(&emu, "batch", json!({"cmd": cmd})).await.json();
    let elapsed = began.elapsed().as_secs_f64();
    let times = a["result"]["result_time"].as_array().unwrap().clone();
    assert_eq!(times.len(), 5);
    for pair in times.windows(2) {
        assert!(num(&pair[1]["start"]) >= num(&pair[0]["finish"]) - 1e-9);
    }
    for t in &times {
        assert!(num(&t["duration"]) >= REALISTIC_COMMAND_SECS * k * 0.999);
    }
    let least = (REALISTIC_REQUEST_SECS + 5.0 * REALISTIC_COMMAND_SECS) * k;
    assert!(num(&a["time"]["duration"]) >= least * 0.999);
    // The answer waited for the commands (a lower bound only).
    assert!(elapsed >= least * 0.9, "{elapsed}");
    let first = &a["result"]["result"][0][0];
    assert_eq!(first["ID"], json!("1"));
}

#[tokio::test]
async fn the_time_scale_shrinks_every_duration_alike() {
    let mut seen = Vec::new();
    for k in [0.001, 0.004] {
        let emu = start(realistic(10_000, k)).await;
        let (a, used) = operating_after(&emu, json!({})).await;
        let t = &a["time"];
        let window = num(&t["operating_reset_at"]) - num(&t["start"]);
        seen.push((k, used, num(&t["duration"]), window));
    }
    let (k1, used1, _, window1) = seen[0];
    let (k2, used2, duration2, window2) = seen[1];
    assert!(close(used2 / used1, k2 / k1), "{seen:?}");
    // The window is ten scaled minutes (the first minute may be partly over).
    for (k, w) in [(k1, window1), (k2, window2)] {
        assert!(w > 540.0 * k && w <= 600.0 * k + 0.002, "{seen:?}");
    }
    assert!(duration2 >= used2 * 0.999);
}

#[tokio::test]
async fn a_scaled_budget_runs_out_and_the_stats_count_refusals() {
    // A budget of 1 s: one counted page of 100 000 rows (2.17 s) spends it. At scale 0.0001
    // the budget is 0.0001 s and the page 0.000217 s: the same ratio.
    let mut config = realistic(100_000, 0.0001);
    config.operating = OperatingLimit {
        budget_secs: 1.0,
        ..config.operating
    };
    let emu = start(config).await;
    let first = v1(&emu, "crm.deal.list", json!({})).await;
    assert_eq!(first.status, 200);
    let second = v1(&emu, "crm.deal.list", json!({})).await;
    assert_eq!(
        (second.status, second.json()["error"].clone()),
        (429, json!("OPERATION_TIME_LIMIT"))
    );
    let batch = v1(
        &emu,
        "batch",
        json!({"cmd": ["crm.deal.list?start=-1", "crm.deal.get?id=1"]}),
    )
    .await
    .json();
    assert_eq!(
        batch["result"]["result_error"][0]["error"],
        json!("OPERATION_TIME_LIMIT")
    );
    let stats = emu.stats();
    assert_eq!(
        (
            stats.requests,
            stats.commands,
            stats.operating_refusals,
            stats.operating_refused_commands,
            stats.bucket_refusals
        ),
        (3, 4, 1, 2, 0)
    );
}

#[tokio::test]
async fn the_bucket_refusals_are_counted() {
    let emu = start(Config {
        rate_limit: Some(RateLimit {
            burst: 2.0,
            drain_per_sec: 0.001,
        }),
        ..Config::default()
    })
    .await;
    for _ in 0..5 {
        v1(&emu, "crm.deal.get", json!({"id": 1})).await;
    }
    let stats: Stats = emu.stats();
    assert_eq!((stats.requests, stats.bucket_refusals), (5, 3));
}

#[tokio::test]
async fn a_million_synthetic_deals_answer_like_a_portal() {
    let emu = start(Config {
        rate_limit: None,
        generate_deals: Some(1_000_000),
        ..Config::default()
    })
    .await;
    let page = v1(
        &emu,
        "crm.deal.list",
        json!({"start": -1, "order": {"ID": "ASC"}, "filter": {">ID": 999_950}}),
    )
    .await
    .json();
    let rows = page["result"].as_array().unwrap();
    assert_eq!(rows.len(), 50);
    assert_eq!(rows[0]["ID"], json!("999951"));
    let deal = &rows[0];
    for key in ["ID", "OPPORTUNITY", "ASSIGNED_BY_ID", "CATEGORY_ID"] {
        assert!(deal[key].is_string(), "{key}: {deal}");
    }
    assert!(matches!(deal["OPENED"].as_str(), Some("Y" | "N")));
    let counted = v1(&emu, "crm.deal.list", json!({"select": ["ID"]}))
        .await
        .json();
    assert_eq!(
        (counted["total"].clone(), counted["next"].clone()),
        (json!(1_000_000), json!(50))
    );

    let items = v1(
        &emu,
        "crm.item.list",
        json!({"entityTypeId": 2, "start": -1, "filter": {">id": 999_998}}),
    )
    .await
    .json();
    let item = &items["result"]["items"][0];
    assert_eq!(
        (item["id"].clone(), item["entityTypeId"].clone()),
        (json!(999_999), json!(2))
    );
    assert!(item["opportunity"].is_number() && item["assignedById"].is_number());
    assert_eq!(items["result"]["items"].as_array().unwrap().len(), 2);

    let updated = v1(
        &emu,
        "crm.deal.update",
        json!({"id": 7, "fields": {"TITLE": "Changed", "OPPORTUNITY": 12.5}}),
    )
    .await;
    assert_eq!(updated.json()["result"], json!(true));
    let got = v1(&emu, "crm.deal.get", json!({"id": 7})).await.json();
    assert_eq!(
        (
            got["result"]["TITLE"].clone(),
            got["result"]["OPPORTUNITY"].clone()
        ),
        (json!("Changed"), json!("12.5"))
    );
    let gone = v1(&emu, "crm.deal.delete", json!({"id": 8})).await;
    assert_eq!(gone.status, 200);
    let after = v1(&emu, "crm.deal.list", json!({"filter": {"<=ID": 10}}))
        .await
        .json();
    assert_eq!(after["total"], json!(9));
    let added = v1(&emu, "crm.deal.add", json!({"fields": {"TITLE": "New"}}))
        .await
        .json();
    assert_eq!(added["result"], json!(1_000_001));
}

#[tokio::test]
async fn the_binary_runs_the_realistic_profile_and_refuses_bad_values() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let bin = env!("CARGO_BIN_EXE_bitrix24-emulator");
    let mut child = tokio::process::Command::new(bin)
        .args(["--profile", "realistic", "--generate-deals", "2000"])
        .args(["--time-scale", "0.01", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        let ready = line.starts_with("ready");
        printed.push(line);
        if ready {
            break;
        }
    }
    let base = printed[0].clone();
    assert!(
        printed.iter().any(|l| l
            == "profile: realistic (time scale 0.01: operating budget 4.8 s per 6 s per \
                method, bucket 50 drained 200/s, 2000 synthetic deals)"),
        "{printed:?}"
    );
    let a = post_json(
        &base,
        "/rest/1/secret/crm.deal.list",
        &json!({"start": -1, "filter": {">ID": 1950}}),
    )
    .await
    .json();
    assert_eq!(a["result"][0]["ID"], json!("1951"));
    assert!(close(
        num(&a["time"]["operating"]),
        REALISTIC_COMMAND_SECS * 0.01
    ));
    child.kill().await.unwrap();

    for (args, message) in [
        (
            ["--profile", "nope"],
            "--profile: unknown profile `nope` (fast or realistic)",
        ),
        (
            ["--time-scale", "0"],
            "--time-scale: `0` must be a positive number",
        ),
        (
            ["--generate-deals", "x"],
            "--generate-deals: `x` is not a valid number",
        ),
    ] {
        let out = tokio::process::Command::new(bin)
            .args(args)
            .output()
            .await
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            format!("bitrix24-emulator: {message}")
        );
    }
}
