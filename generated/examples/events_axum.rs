//! An event handler on axum: each post is answered at once (200, or 401 for a wrong
//! `application_token`) and its typed event goes to a channel that a task of its own reads.
//!
//! ```sh
//! cargo run -p bitrix24 --features axum --example events_axum
//! ```
//!
//! By default it starts an emulated portal, binds itself to `onCrmDealAdd`, adds a deal and
//! prints the event that arrives. With `BITRIX24_APPLICATION_TOKEN` set it serves a real
//! portal instead, on `BITRIX24_EVENTS_ADDR` (default `127.0.0.1:8080`), path `/bitrix24/events`,
//! until stopped.

use std::time::Duration;

use bitrix24::axum::Router;
use bitrix24::serde_json::json;
use bitrix24::{event_route, ApiVersion, Client, Event, ReceivedEvent, Secret};
use tokio::sync::mpsc::Receiver;

const PATH: &str = "/bitrix24/events";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("BITRIX24_APPLICATION_TOKEN").ok();
    let emulator = match token {
        Some(_) => None,
        None => Some(bitrix24_emulator::Emulator::start(Default::default()).await?),
    };
    let token = match (&token, &emulator) {
        (Some(t), _) => t.clone(),
        (None, Some(e)) => e.application_token(),
        (None, None) => unreachable!("an emulator starts when no token is given"),
    };
    let addr = match &emulator {
        Some(_) => "127.0.0.1:0".to_owned(),
        None => std::env::var("BITRIX24_EVENTS_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into()),
    };

    // A bounded channel: the route never waits for the consumer; a full channel answers 503.
    let (events, received) = tokio::sync::mpsc::channel::<ReceivedEvent<Event>>(1024);
    let app = Router::new().route(PATH, event_route::<Event>(Secret::new(token), events));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let handler = format!("http://{}{PATH}", listener.local_addr()?);
    println!("listening on {handler}");
    tokio::spawn(async move { bitrix24::axum::serve(listener, app).await });

    let Some(emulator) = emulator else {
        consume(received, None).await;
        return Ok(());
    };
    let client = Client::builder()
        .webhook(
            emulator
                .webhook_url()
                .ok_or("the emulator has no webhook")?,
        )
        .allow_http_loopback(true)
        .build()?;
    let bind = json!({"event": "onCrmDealAdd", "handler": handler});
    client.call_raw("event.bind", ApiVersion::V1, &bind).await?;
    let added = client
        .call_raw(
            "crm.deal.add",
            ApiVersion::V1,
            &json!({"fields": {"TITLE": "From the example"}}),
        )
        .await?;
    println!("added deal {}", added.result);
    tokio::time::timeout(Duration::from_secs(10), consume(received, Some(1)))
        .await
        .map_err(|_| "no event arrived within 10 s")?;
    Ok(())
}

/// Prints events as they come (`limit` of them, or until the channel closes).
async fn consume(mut received: Receiver<ReceivedEvent<Event>>, limit: Option<usize>) {
    let mut seen = 0;
    while let Some(event) = received.recv().await {
        match event {
            Ok(Event::OnCrmDealAdd(deal)) => {
                let id = deal.data.and_then(|d| d.fields).and_then(|f| f.id);
                println!("onCrmDealAdd: deal {id:?}");
            }
            Ok(Event::Unknown(post)) => println!("{} (not in the spec): {}", post.name, post.data),
            Ok(other) => println!("{}", other.name()),
            // The whole post is kept: log it, park it, decode it by hand.
            Err(e) => println!("{e}"),
        }
        seen += 1;
        if limit.is_some_and(|l| seen >= l) {
            return;
        }
    }
}
