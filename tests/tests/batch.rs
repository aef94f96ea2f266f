//! Typed batches against the emulator: typed answers and typed errors per call, typed
//! references between calls, `halt`, more than 50 calls split into concurrent requests, and
//! the refusals that keep a batch well formed.

use bitrix24::crm::*;
use bitrix24::mail::MailMessageCreatechat;
use bitrix24::{Client, Error};
use bitrix24_emulator::{Config, Emulator};

async fn client() -> (Client, Emulator) {
    bitrix24_tests::emulated(Config {
        rate_limit: None,
        ..Config::default()
    })
    .await
}

fn deal(title: &str) -> CrmDealAdd {
    CrmDealAdd::new().fields(CrmDealAddFields::new().title(title.to_owned()))
}

#[tokio::test]
async fn each_call_gets_its_typed_answer_and_references_fill_later_calls() {
    let (client, _emulator) = client().await;
    let mut batch = client.batch();
    let added = batch.push(&deal("From a batch")).unwrap();
    // The new deal's id (an i64) fills CrmDealGet's `id` (an i64) when the portal runs it.
    let fetched = batch
        .push_with(CrmDealGet::new(0), |b| b.set(|m| &mut m.id, added.result()))
        .unwrap();
    let missing = batch.push(&CrmDealGet::new(987_654)).unwrap();
    let answers = batch.send().await.unwrap();
    assert_eq!(answers.len(), 3);

    let id: i64 = answers.get(added).unwrap().result;
    let got = answers.get(fetched).unwrap().result;
    assert_eq!(got.title.as_deref(), Some("From a batch"));
    assert_eq!(got.id, Some(id));
    assert!(
        answers.time(fetched).is_some(),
        "each call's time block is kept"
    );

    let err = answers.get(missing).unwrap_err();
    assert!(
        err.api().is_some(),
        "a failed call is a typed API error: {err:?}"
    );
}

#[tokio::test]
async fn halt_stops_at_the_first_failure() {
    let (client, _emulator) = client().await;
    let mut batch = client.batch().halt(true);
    let missing = batch.push(&CrmDealGet::new(987_654)).unwrap();
    let after = batch.push(&deal("never added")).unwrap();
    let answers = batch.send().await.unwrap();
    assert!(answers.get(missing).unwrap_err().api().is_some());
    assert!(matches!(answers.get(after).unwrap_err(), Error::NotRun));
}

#[tokio::test]
async fn more_than_fifty_calls_go_in_several_requests() {
    let (client, _emulator) = client().await;
    let mut batch = client.batch();
    let handles: Vec<_> = (0..120)
        .map(|i| batch.push(&deal(&format!("deal {i}"))).unwrap())
        .collect();
    let answers = batch.send().await.unwrap();
    let ids: std::collections::BTreeSet<i64> = handles
        .iter()
        .map(|h| answers.get(*h).unwrap().result)
        .collect();
    assert_eq!(ids.len(), 120, "every call ran once");
}

#[tokio::test]
async fn a_batch_refuses_what_the_portal_could_not_run() {
    let (client, _emulator) = client().await;

    // A reference from the 51st call to the 1st would cross from one request to the next.
    let mut batch = client.batch();
    let first = batch.push(&deal("first")).unwrap();
    for i in 1..50 {
        batch.push(&deal(&format!("filler {i}"))).unwrap();
    }
    batch
        .push_with(CrmDealGet::new(0), |b| b.set(|m| &mut m.id, first.result()))
        .unwrap();
    let err = batch.send().await.unwrap_err();
    assert_eq!(
        err.validation().unwrap().field("batch").unwrap().message,
        "call 50 refers to call 0, which goes in another batch request (at most 50 calls each)"
    );

    // One generation per batch.
    let mut batch = client.batch();
    batch.push(&deal("v1")).unwrap();
    let err = batch.push(&MailMessageCreatechat::new(1)).unwrap_err();
    assert_eq!(
        err.validation().unwrap().field("batch").unwrap().message,
        "`mail.message.createchat` is REST v3; this batch holds REST v1 methods"
    );

    // Calls are validated when they are added, as a single call would be.
    let err = client
        .batch()
        .push(&MailMessageCreatechat::new(0))
        .unwrap_err();
    assert!(
        err.validation().unwrap().field("messageId").is_some(),
        "{err}"
    );
}
