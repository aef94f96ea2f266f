//! `bitrix-bench soak`: thousands of mixed operations against an emulated portal that injects
//! faults of every kind, then a check of the portal's state file: no acknowledged write lost,
//! no write applied twice, no panic, every failure a typed error, and every REST 3.0 write
//! acknowledged (its `Idempotency-Key` makes the retry safe).
//!
//! The last line is `soak: acknowledged A, lost L, duplicated D, unknown U, other errors E,
//! panics P`; the exit status is a failure when a goal is missed.

mod ops;
mod plan;
mod verify;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bitrix24::crm::{CrmDealAdd, CrmDealAddFields};
use bitrix24::{Client, Limits, MemoryStore, OAuthApp, RetryPolicy, TokenSet};
use bitrix24_emulator::{Config, Emulator, FaultRates, Faults, OAuthConfig};
use futures_util::StreamExt;

use ops::{Clients, Record, Said};
use plan::Op;

/// The six kinds of fault the emulator injects.
const FAULT_KINDS: [&str; 6] = [
    "internal_error",
    "drop_before",
    "drop_after",
    "slow",
    "truncated",
    "burst_503",
];

/// What `bitrix-bench soak` is asked.
#[derive(clap::Args, Debug, Clone, PartialEq)]
pub struct Args {
    /// Operations in all.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = crate::positive)]
    pub ops: usize,
    /// Share of requests hit by a fault, split evenly over the kinds of `--faults`.
    #[arg(long, value_name = "R", default_value_t = 0.10, value_parser = fault_rate)]
    pub fault_rate: f64,
    /// Seed of the operation mix and of the faults.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// The kinds of fault, comma-separated.
    #[arg(long, value_name = "KINDS", value_delimiter = ',', value_parser = fault_kind,
          default_value = "internal_error,drop_before,drop_after,slow,truncated,burst_503")]
    pub faults: Vec<String>,
    /// Operations in flight at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = crate::positive)]
    pub concurrency: usize,
    /// Where the emulator keeps its state file, read at the end [default: a new file in the
    /// temporary directory]. It is kept, for a check of one's own.
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,
}

fn fault_rate(v: &str) -> Result<f64, String> {
    v.parse::<f64>()
        .ok()
        .filter(|r| (0.0..=0.5).contains(r))
        .ok_or(format!(
            "`{v}` is not a fault rate: expected a number in [0, 0.5]"
        ))
}

fn fault_kind(v: &str) -> Result<String, String> {
    if FAULT_KINDS.contains(&v) {
        Ok(v.to_owned())
    } else {
        Err(format!(
            "`{v}` is not a kind of fault: expected one of {}",
            FAULT_KINDS.join(", ")
        ))
    }
}

/// The emulator's fault rates: `rate` split over `kinds`.
fn rates(rate: f64, kinds: &[String]) -> FaultRates {
    let each = if kinds.is_empty() {
        0.0
    } else {
        rate / kinds.len() as f64
    };
    let on = |k: &str| {
        if kinds.iter().any(|x| x == k) {
            each
        } else {
            0.0
        }
    };
    FaultRates {
        internal_error: on("internal_error"),
        drop_before: on("drop_before"),
        drop_after: on("drop_after"),
        slow: on("slow"),
        truncated: on("truncated"),
        burst_503: on("burst_503"),
    }
}

/// Access tokens live this long, so that OAuth calls cross their expiry throughout the run.
const TOKEN_LIFETIME: Duration = Duration::from_secs(2);
/// A slow answer comes after this, past the client's timeout.
const SLOW: Duration = Duration::from_millis(1_500);
const CLIENT_TIMEOUT: Duration = Duration::from_secs(1);

/// Runs the soak and prints its report; the last line is the summary.
pub fn run(args: &Args) -> ExitCode {
    let Some(runtime) = crate::async_runtime() else {
        return ExitCode::FAILURE;
    };
    match runtime.block_on(soak(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("bitrix-bench soak: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn soak(args: &Args) -> Result<bool, String> {
    let state_file = args.state_file.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("bitrix24-soak-{}.json", std::process::id()))
    });
    let _ = std::fs::remove_file(&state_file);
    let emulator = Emulator::start(Config {
        rate_limit: None,
        state_file: Some(state_file.clone()),
        oauth: OAuthConfig {
            access_token_lifetime: TOKEN_LIFETIME,
            ..OAuthConfig::default()
        },
        ..Config::default()
    })
    .await
    .map_err(|e| format!("the emulator did not start: {e}"))?;
    let clients = clients(&emulator)?;
    let plan = plan::plan(args.ops, args.seed);
    let updates = plan.iter().filter(|op| **op == Op::V1Update).count();
    let own_deals = deals_for_updates(&clients.webhook, updates, args.seed).await?;

    emulator.set_faults(Faults {
        seed: args.seed,
        global: rates(args.fault_rate, &args.faults),
        slow_delay: SLOW,
        ..Faults::default()
    });
    let started = Instant::now();
    let clients = Arc::new(clients);
    let mut next_own = own_deals.into_iter();
    let tasks = plan.iter().enumerate().map(|(i, &op)| {
        let clients = Arc::clone(&clients);
        let own = (op == Op::V1Update).then(|| next_own.next()).flatten();
        let mark = format!("soak-{}-{i}", args.seed);
        tokio::spawn(async move { ops::run(&clients, op, &mark, own).await })
    });
    let results: Vec<_> = futures_util::stream::iter(tasks)
        .buffer_unordered(args.concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let stats = (clients.webhook.stats(), clients.oauth.stats());
    emulator.shutdown().await;

    let mut panics = 0;
    let records: Vec<Record> = results
        .into_iter()
        .filter_map(|r| match r {
            Ok(record) => Some(record),
            Err(e) => {
                if e.is_panic() {
                    panics += 1;
                }
                None
            }
        })
        .collect();
    let writes: Vec<&ops::Write> = records.iter().flat_map(|r| &r.writes).collect();
    let checked = verify::check(&state_file, &writes)?;

    let acknowledged = writes
        .iter()
        .filter(|w| w.said == Said::Acknowledged)
        .count();
    let unknown = writes.iter().filter(|w| w.said == Said::Unknown).count();
    let rest3_not_acknowledged = writes
        .iter()
        .filter(|w| w.rest3 && w.said != Said::Acknowledged)
        .count();
    let mut other: BTreeMap<String, usize> = BTreeMap::new();
    for kind in records
        .iter()
        .filter_map(|r| r.read_error.clone())
        .chain(writes.iter().filter_map(|w| match &w.said {
            Said::Failed(kind) => Some(kind.clone()),
            _ => None,
        }))
    {
        *other.entry(kind).or_default() += 1;
    }
    let other_errors: usize = other.values().sum();

    let mut mix: BTreeMap<&str, usize> = BTreeMap::new();
    for op in &plan {
        *mix.entry(op.name()).or_default() += 1;
    }
    println!(
        "{} operations in {:.1} s, {} at a time: {}",
        plan.len(),
        elapsed.as_secs_f64(),
        args.concurrency,
        join(&mix)
    );
    println!(
        "faults: {:.0}% of requests, split over {}; seed {}; access tokens expire every {} s",
        args.fault_rate * 100.0,
        args.faults.join(", "),
        args.seed,
        TOKEN_LIFETIME.as_secs()
    );
    println!(
        "requests {}, retries {}, limit refusals {}; OAuth: {} answers expired_token, {} token renewals",
        stats.0.requests + stats.1.requests,
        stats.0.retries + stats.1.retries,
        stats.0.bucket_refusals + stats.1.bucket_refusals,
        stats.1.expired_tokens,
        stats.1.token_refreshes
    );
    println!(
        "writes {}: acknowledged {acknowledged}, outcome unknown {unknown} ({} of them applied), other errors {}; REST 3.0 writes not acknowledged {rest3_not_acknowledged}",
        writes.len(),
        checked.unknown_applied,
        writes.len() - acknowledged - unknown
    );
    println!(
        "other errors by kind: {}",
        if other.is_empty() {
            "none".to_owned()
        } else {
            join(&other)
        }
    );
    println!("state file: {}", state_file.display());
    println!(
        "soak: acknowledged {acknowledged}, lost {}, duplicated {}, unknown {unknown}, other errors {other_errors}, panics {panics}",
        checked.lost, checked.duplicated
    );
    Ok(checked.lost == 0 && checked.duplicated == 0 && panics == 0 && rest3_not_acknowledged == 0)
}

fn join<K: std::fmt::Display>(counts: &BTreeMap<K, usize>) -> String {
    counts
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn clients(emulator: &Emulator) -> Result<Clients, String> {
    let policy = RetryPolicy::standard()
        .with_max_attempts(8)
        .with_backoff(Duration::from_millis(5), Duration::from_millis(200));
    let build = |b: bitrix24::ClientBuilder| {
        b.allow_http_loopback(true)
            .limits(Limits::none())
            .timeout(CLIENT_TIMEOUT)
            .retry_policy(policy)
            .build()
            .map_err(|e| format!("cannot build a client: {e}"))
    };
    let webhook = emulator
        .webhook_url()
        .ok_or("the emulator has no webhook")?;
    // The first pair claims an hour: the client learns that it expired from the portal's
    // `401 expired_token`; later pairs say 2 s, and are renewed ahead of time as well.
    let tokens = emulator.issue_tokens(1);
    let first = TokenSet::expiring_in(
        tokens.access_token.as_str(),
        tokens.refresh_token.as_str(),
        Duration::from_secs(3_600),
    );
    let oauth = OAuthConfig::default();
    let app = OAuthApp::new(oauth.client_id, oauth.client_secret).server(emulator.base_url());
    let store = Arc::new(MemoryStore::new(first));
    Ok(Clients {
        webhook: build(Client::builder().webhook(webhook))?,
        oauth: build(Client::builder().oauth_app(emulator.base_url(), app, store))?,
    })
}

/// A deal for each update, made before the faults start.
async fn deals_for_updates(client: &Client, count: usize, seed: u64) -> Result<Vec<i64>, String> {
    let mut ids = Vec::with_capacity(count);
    let mut batch = client.batch();
    let mut handles = Vec::with_capacity(count);
    for i in 0..count {
        let add =
            CrmDealAdd::new().fields(CrmDealAddFields::new().title(format!("soak-{seed}-own-{i}")));
        handles.push(
            batch
                .push(&add)
                .map_err(|e| format!("cannot add a deal: {e}"))?,
        );
    }
    let answers = batch
        .send()
        .await
        .map_err(|e| format!("cannot add the deals: {e}"))?;
    for h in handles {
        ids.push(
            answers
                .get(h)
                .map_err(|e| format!("cannot add a deal: {e}"))?
                .result,
        );
    }
    Ok(ids)
}
