//! Exports any list method of the spec to JSON Lines, one row per line, with a progress bar
//! (rows, rate and, when the list is counted, the ETA) on stderr.
//!
//! ```text
//! cargo run --release -p bitrix24 --example export -- crm.deal.list --emulator-deals 100000 > deals.jsonl
//! BITRIX24_WEBHOOK_URL=https://your.bitrix24.com/rest/1/secret/ \
//!     cargo run --release -p bitrix24 --example export -- crm.contact.list --filter '{"TYPE_ID": "CLIENT"}' -o contacts.jsonl
//! ```
//!
//! The list is streamed with `Client::list_raw` and the paging the spec gives the method
//! (`bitrix24::list_paging`), so every list of the spec works without code of its own: keyset
//! chains over id ranges where the list has ids, offsets or REST 3.0 pages otherwise. Before
//! it starts, one counted page gives the total for the ETA; `--no-count` skips it (counting a
//! large table costs the portal operating time).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::time::Duration;

use bitrix24::serde_json::{self, Map, Value};
use bitrix24::{list_paging, ApiVersion, Client, PagingKind};
use clap::Parser;
use futures_util::TryStreamExt;
use indicatif::{ProgressBar, ProgressStyle};

/// Exports a list method of the Bitrix24 REST spec to JSON Lines.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The list method, e.g. crm.deal.list.
    method: String,
    /// A REST 3.0 method (`/rest/api/`).
    #[arg(long)]
    v3: bool,
    /// The method's filter, as a JSON object.
    #[arg(long, value_name = "JSON", value_parser = json_object)]
    filter: Option<Map<String, Value>>,
    /// The fields to export, comma-separated [default: every field].
    #[arg(long, value_name = "FIELDS", value_delimiter = ',')]
    select: Vec<String>,
    /// Where to write [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The portal's webhook URL [default: $BITRIX24_WEBHOOK_URL].
    #[arg(long, value_name = "URL", conflicts_with = "emulator_deals")]
    webhook: Option<String>,
    /// Exports from an emulated portal started in this process, with this many deals.
    #[arg(long, value_name = "N")]
    emulator_deals: Option<u64>,
    /// Skips the counted first page: no ETA, no counting cost.
    #[arg(long)]
    no_count: bool,
}

fn json_object(v: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str(v) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(format!("`{v}` is not a JSON object")),
        Err(e) => Err(format!("`{v}` is not JSON: {e}")),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let version = if args.v3 {
        ApiVersion::V3
    } else {
        ApiVersion::V1
    };
    let paging = list_paging(version, &args.method).ok_or_else(|| {
        format!(
            "`{}` is not a {version} list method of the spec (with its scope's feature on)",
            args.method
        )
    })?;

    // Keep the emulator alive for the whole export.
    let (webhook, _emulator) = match (args.emulator_deals, &args.webhook) {
        (Some(deals), _) => {
            let config = bitrix24_emulator::Config {
                generate_deals: Some(deals),
                ..bitrix24_emulator::Config::default()
            };
            let emulator = bitrix24_emulator::Emulator::start(config).await?;
            let url = emulator.webhook_url().ok_or("the emulator has a webhook")?;
            (url, Some(emulator))
        }
        (None, Some(url)) => (url.clone(), None),
        (None, None) => (
            std::env::var("BITRIX24_WEBHOOK_URL")
                .map_err(|_| "give --webhook, BITRIX24_WEBHOOK_URL or --emulator-deals")?,
            None,
        ),
    };
    let client = Client::builder()
        .webhook(webhook)
        .allow_http_loopback(true)
        .build()?;

    let mut params = Map::new();
    match (paging.filter, &args.filter) {
        (Some(key), Some(filter)) => {
            params.insert(key.to_owned(), Value::Object(filter.clone()));
        }
        (None, Some(_)) => return Err(format!("`{}` takes no filter", args.method).into()),
        (_, None) => {}
    }
    if !args.select.is_empty() {
        let key = if paging.filter.is_some_and(|f| f == "FILTER") {
            "SELECT"
        } else {
            "select"
        };
        params.insert(key.to_owned(), serde_json::json!(args.select));
    }

    let progress = ProgressBar::new_spinner();
    progress.enable_steady_tick(Duration::from_millis(200));
    if !args.no_count && matches!(paging.kind, PagingKind::Start) {
        // One counted page, for the total the ETA needs.
        let mut counted = params.clone();
        counted.insert("start".to_owned(), 0.into());
        let first = client
            .call_raw(&args.method, version, &Value::Object(counted))
            .await?;
        if let Some(total) = first.total {
            progress.set_length(total);
        }
    }
    progress.set_style(ProgressStyle::with_template(
        if progress.length().is_some() {
            "{bar:30} {human_pos}/{human_len} rows, {per_sec}, ETA {eta}"
        } else {
            "{spinner} {human_pos} rows, {per_sec}"
        },
    )?);

    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(File::create(path)?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let mut rows = Box::pin(
        client
            .list_raw(&args.method, version, params, paging)
            .rows::<Box<serde_json::value::RawValue>>(),
    );
    while let Some(row) = rows.try_next().await? {
        out.write_all(row.get().as_bytes())?;
        out.write_all(b"\n")?;
        progress.inc(1);
    }
    out.flush()?;
    progress.finish();
    let stats = client.stats();
    eprintln!(
        "{} rows of {} in {:.1} s; {} requests, {} refused by the bucket, {} by operating time",
        progress.position(),
        args.method,
        progress.elapsed().as_secs_f64(),
        stats.requests,
        stats.bucket_refusals,
        stats.operating_refusals
    );
    Ok(())
}
