//! Offline events against the emulator: the stream reserves records with `clear=0`, clears
//! only the ones acknowledged as done, marks failed ones, and gives back the ones dropped
//! undecided.

use std::time::Duration;

use bitrix24::serde_json::{json, Value};
use bitrix24::{ApiVersion, Client, Event, EventPost, OfflineEvent};
use futures_util::TryStreamExt;

async fn call(client: &Client, method: &str, params: Value) -> Value {
    client
        .call_raw(method, ApiVersion::V1, &params)
        .await
        .unwrap_or_else(|e| panic!("{method}: {e}"))
        .result
}

/// Three deals added after an offline binding: three queued records.
async fn queued_deals(client: &Client) -> Vec<i64> {
    // The docs leave `handler` out for offline bindings; the spec (and so the emulator's
    // validation) still requires it, and an offline binding never posts to it.
    let bind = json!({"event": "ONCRMDEALADD", "event_type": "offline", "handler": "offline"});
    call(client, "event.bind", bind).await;
    let mut ids = Vec::new();
    for title in ["a", "b", "c"] {
        let id = call(client, "crm.deal.add", json!({"fields": {"TITLE": title}})).await;
        ids.push(id.as_i64().unwrap());
    }
    ids
}

fn deal_id(event: &OfflineEvent<Event>) -> i64 {
    match event.event.as_ref().unwrap() {
        Event::OnCrmDealAdd(deal) => deal
            .data
            .as_ref()
            .and_then(|d| d.fields.as_ref())
            .and_then(|f| f.id)
            .unwrap(),
        other => panic!("not a deal: {}", other.name()),
    }
}

#[tokio::test]
async fn only_processed_records_are_cleared() {
    let (client, _emulator) = bitrix24_tests::emulated(bitrix24_emulator::Config::default()).await;
    let deals = queued_deals(&client).await;
    let mut stream = Box::pin(client.offline_events().until_empty().stream::<Event>());
    let mut seen = Vec::new();
    let mut dropped_once = false;
    while let Some(item) = stream.try_next().await.unwrap() {
        let id = deal_id(&item);
        seen.push(id);
        if id == deals[0] {
            item.ack.done();
        } else if id == deals[1] {
            item.ack.failed();
        } else if !dropped_once {
            // Undecided: it stays queued and this stream brings it again.
            dropped_once = true;
            drop(item);
        } else {
            item.ack.done();
        }
    }
    assert_eq!(seen, [deals[0], deals[1], deals[2], deals[2]]);
    let left = call(&client, "event.offline.list", json!({})).await;
    let left = left.as_array().unwrap();
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["EVENT_DATA"]["FIELDS"]["ID"], json!(deals[1]));
    assert_eq!(left[0]["ERROR"], "1");
    // A failed record comes back only to a caller that asks for errors.
    let errors = call(
        &client,
        "event.offline.get",
        json!({"error": 1, "clear": 0}),
    )
    .await;
    assert_eq!(errors["events"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn nothing_is_cleared_without_an_ack() {
    let (client, _emulator) = bitrix24_tests::emulated(bitrix24_emulator::Config::default()).await;
    queued_deals(&client).await;
    let stream = client
        .offline_events()
        .limit(2)
        .poll_every(Duration::from_millis(10))
        .stream::<EventPost>();
    let mut stream = Box::pin(stream);
    // Held, not decided: the stream does not hand them out twice.
    let first = stream.try_next().await.unwrap().unwrap();
    let second = stream.try_next().await.unwrap().unwrap();
    let third = stream.try_next().await.unwrap().unwrap();
    let ids = [first.id, second.id, third.id];
    assert_eq!(ids.len(), 3);
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2] && ids[0] != ids[2],
        "{ids:?}"
    );
    assert_eq!(first.event.as_ref().unwrap().name, "ONCRMDEALADD");
    drop(stream);
    let left = call(&client, "event.offline.list", json!({})).await;
    assert_eq!(left.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_failed_clear_is_sent_again_and_records_without_id_or_name_are_skipped() {
    use bitrix24_tests::{MockServer, Reply};

    let server = MockServer::start();
    let record = json!({
        "ID": "1", "EVENT_NAME": "ONCRMDEALADD", "EVENT_DATA": {"FIELDS": {"ID": "5"}},
        "MESSAGE_ID": "m1", "TIMESTAMP_X": "2024-07-18T12:32:31+02:00", "EVENT_ADDITIONAL": false,
    });
    let odd = [
        json!({"EVENT_NAME": "ONCRMDEALADD"}),
        json!({"ID": "2"}),
        json!("junk"),
    ];
    let events: Vec<Value> = std::iter::once(record).chain(odd).collect();
    server.reply(Reply::json(
        200,
        &json!({"result": {"process_id": "p1", "events": events}}),
    ));
    server.reply(Reply::json(
        400,
        &json!({"error": "ERROR_CORE", "error_description": "busy"}),
    ));
    server.reply(Reply::json(200, &json!({"result": true})));
    server.reply(Reply::json(
        200,
        &json!({"result": {"process_id": null, "events": []}}),
    ));
    let client = Client::builder()
        .webhook(format!("{}/rest/1/secret/", server.base_url()))
        .allow_http_loopback(true)
        .build()
        .unwrap();
    let mut stream = Box::pin(client.offline_events().until_empty().stream::<Event>());
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!((first.id, first.message_id.as_deref()), (1, Some("m1")));
    assert_eq!(deal_id(&first), 5);
    first.ack.done();
    let e = stream.try_next().await.unwrap_err();
    assert!(e.to_string().contains("ERROR_CORE"), "{e}");
    assert!(stream.try_next().await.unwrap().is_none());
    let requests = server.requests();
    let methods: Vec<&str> = requests
        .iter()
        .map(|r| r.path.rsplit('/').next().unwrap().trim_end_matches(".json"))
        .collect();
    assert_eq!(
        methods,
        [
            "event.offline.get",
            "event.offline.clear",
            "event.offline.clear",
            "event.offline.get"
        ]
    );
    assert_eq!(requests[0].json()["clear"], 0);
    let cleared = json!({"process_id": "p1", "id": [1]});
    assert_eq!(requests[1].json(), cleared);
    assert_eq!(requests[2].json(), cleared);
}
