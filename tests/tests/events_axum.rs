//! The axum event route on loopback: a good post is answered 200 and its event reaches the
//! channel; a wrong token is 401, a body that is no event 400, a full channel 503; and the
//! emulator's own posts go through it.

use std::time::Duration;

use bitrix24::axum::Router;
use bitrix24::serde_json::json;
use bitrix24::{event_route, ApiVersion, Event, ReceivedEvent, Secret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{channel, Receiver};

const TOKEN: &str = "51856fefc120afa4b628cc82d3935cce";

/// Serves the route on a free loopback port; its address and the channel's receiving end.
async fn serve(token: &str, capacity: usize) -> (String, Receiver<ReceivedEvent<Event>>) {
    let (events, received) = channel(capacity);
    let app = Router::new().route("/events", event_route::<Event>(Secret::new(token), events));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { bitrix24::axum::serve(listener, app).await });
    (addr, received)
}

/// POSTs `body` and returns the status code.
async fn post(addr: &str, content_type: &str, body: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "POST /events HTTP/1.1\r\nhost: {addr}\r\ncontent-type: {content_type}\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer:?}"))
}

const FORM: &str = "application/x-www-form-urlencoded";

fn deal_post(token: &str) -> String {
    format!("event=ONCRMDEALADD&data%5BFIELDS%5D%5BID%5D=6641&ts=1735374081&auth%5Bapplication_token%5D={token}")
}

#[tokio::test]
async fn a_good_post_is_answered_and_its_event_handed_on() {
    let (addr, mut received) = serve(TOKEN, 8).await;
    assert_eq!(post(&addr, FORM, &deal_post(TOKEN)).await, 200);
    let Ok(Event::OnCrmDealAdd(deal)) = received.recv().await.unwrap() else {
        panic!("not a deal")
    };
    assert_eq!(
        deal.data.and_then(|d| d.fields).and_then(|f| f.id),
        Some(6641)
    );
    let json = json!({"event": "ONNEWTHING", "auth": {"application_token": TOKEN}});
    assert_eq!(
        post(&addr, "application/json", &json.to_string()).await,
        200
    );
    assert!(matches!(received.recv().await, Some(Ok(Event::Unknown(_)))));
}

#[tokio::test]
async fn bad_posts_are_refused_and_nothing_is_handed_on() {
    let (addr, mut received) = serve(TOKEN, 8).await;
    assert_eq!(post(&addr, FORM, &deal_post("forged")).await, 401);
    assert_eq!(post(&addr, FORM, "event=ONCRMDEALADD").await, 401);
    assert_eq!(post(&addr, FORM, "a=1&a[b]=2").await, 400);
    assert_eq!(post(&addr, "application/json", "{").await, 400);
    let big = "x".repeat((1 << 20) + 1);
    assert_eq!(post(&addr, FORM, &big).await, 413);
    assert!(received.try_recv().is_err());
}

#[tokio::test]
async fn a_full_channel_answers_503() {
    let (addr, _received) = serve(TOKEN, 1).await;
    assert_eq!(post(&addr, FORM, &deal_post(TOKEN)).await, 200);
    assert_eq!(post(&addr, FORM, &deal_post(TOKEN)).await, 503);
}

#[tokio::test]
async fn the_emulators_posts_go_through_the_route() {
    let (client, emulator) = bitrix24_tests::emulated(bitrix24_emulator::Config::default()).await;
    let (addr, mut received) = serve(&emulator.application_token(), 8).await;
    let bind = json!({"event": "onCrmDealUpdate", "handler": format!("http://{addr}/events")});
    client
        .call_raw("event.bind", ApiVersion::V1, &bind)
        .await
        .unwrap();
    let update = json!({"id": 1, "fields": {"TITLE": "Changed"}});
    client
        .call_raw("crm.deal.update", ApiVersion::V1, &update)
        .await
        .unwrap();
    let event = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("the event arrives")
        .unwrap();
    let Ok(Event::OnCrmDealUpdate(deal)) = event else {
        panic!("not a deal update: {event:?}")
    };
    assert_eq!(deal.data.and_then(|d| d.fields).and_then(|f| f.id), Some(1));
}
