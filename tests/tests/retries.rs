//! Retries against the emulator's injected faults: reads go again, REST 3.0 writes go again
//! under their `Idempotency-Key` and are answered from the portal's store, v1 writes whose
//! answer was lost end in `OutcomeUnknown` and are applied at most once, and the per-call
//! override and the retry budget hold.

use std::collections::BTreeMap;
use std::time::Duration;

use bitrix24::crm::*;
use bitrix24::mail::MailMessageCreatechat;
use bitrix24::{CallOptions, Client, Error, RetryPolicy, UnknownOutcome};
use bitrix24_emulator::{Config, Emulator, FaultRates, Faults};
use bitrix24_tests::{closed_port, MockServer, Reply};
use serde_json::json;

/// A client with quick backoff, and an emulator whose faults hit `method` at these rates.
async fn faulty(method: &str, rates: FaultRates, policy: RetryPolicy) -> (Client, Emulator) {
    let emulator = Emulator::start(Config {
        rate_limit: None,
        faults: Faults {
            seed: 7,
            methods: BTreeMap::from([(method.to_owned(), rates)]),
            slow_delay: Duration::from_millis(600),
            ..Faults::default()
        },
        ..Config::default()
    })
    .await
    .expect("the emulator starts");
    let client = Client::builder()
        .webhook(emulator.webhook_url().expect("a webhook"))
        .allow_http_loopback(true)
        .timeout(Duration::from_millis(300))
        .retry_policy(policy.with_backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .build()
        .expect("a client");
    (client, emulator)
}

fn deals(emulator: &Emulator) -> usize {
    emulator.data().items.get("2").map_or(0, |t| t.rows.len())
}

fn add(title: &str) -> CrmDealAdd {
    CrmDealAdd::new().fields(CrmDealAddFields::new().title(title.to_owned()))
}

#[tokio::test]
async fn reads_go_again_after_every_kind_of_failure_in_transit() {
    for rates in [
        FaultRates {
            internal_error: 0.5,
            ..FaultRates::default()
        },
        FaultRates {
            drop_before: 0.3,
            drop_after: 0.3,
            ..FaultRates::default()
        },
        FaultRates {
            truncated: 0.5,
            ..FaultRates::default()
        },
        FaultRates {
            slow: 0.3,
            ..FaultRates::default()
        },
    ] {
        let policy = RetryPolicy::standard().with_max_attempts(12);
        let (client, _emulator) = faulty("crm.deal.get", rates, policy).await;
        for _ in 0..10 {
            let deal = client.call_result(&CrmDealGet::new(1)).await;
            assert!(deal.is_ok(), "{rates:?}: {deal:?}");
        }
        assert!(
            client.stats().retries > 0,
            "{rates:?}: some attempts failed"
        );
    }
}

#[tokio::test]
async fn a_v1_write_whose_answer_is_lost_is_reported_not_repeated() {
    let cases = [
        (
            FaultRates {
                drop_after: 1.0,
                ..FaultRates::default()
            },
            1,
        ),
        (
            FaultRates {
                truncated: 1.0,
                ..FaultRates::default()
            },
            1,
        ),
        (
            FaultRates {
                internal_error: 1.0,
                ..FaultRates::default()
            },
            0,
        ),
    ];
    for (rates, applied) in cases {
        let (client, emulator) = faulty("crm.deal.add", rates, RetryPolicy::standard()).await;
        let before = deals(&emulator);
        let err = client.call(&add("Once")).await.unwrap_err();
        match &err {
            Error::OutcomeUnknown { method, cause, .. } => {
                assert_eq!(method, "crm.deal.add");
                let expected = match (rates.drop_after, rates.truncated) {
                    (d, _) if d > 0.0 => matches!(cause, UnknownOutcome::Transport(_)),
                    (_, t) if t > 0.0 => matches!(cause, UnknownOutcome::Truncated { status: 200 }),
                    _ => matches!(cause, UnknownOutcome::ServerFailed { status: 500 }),
                };
                assert!(expected, "{rates:?}: {cause:?}");
            }
            other => panic!("{rates:?}: expected OutcomeUnknown, got {other:?}"),
        }
        assert!(
            err.to_string() == "outcome unknown: `crm.deal.add` may or may not have been applied",
            "{err}"
        );
        assert_eq!(client.stats().retries, 0, "{rates:?}: never sent again");
        assert_eq!(emulator.stats().requests, 1, "{rates:?}");
        assert_eq!(deals(&emulator) - before, applied, "{rates:?}");
    }
}

#[tokio::test]
async fn a_rest3_write_goes_again_with_its_key_and_is_answered_from_the_store() {
    let rates = FaultRates {
        drop_after: 1.0,
        ..FaultRates::default()
    };
    let (client, emulator) =
        faulty("mail.message.createchat", rates, RetryPolicy::standard()).await;
    let answer = client.call(&MailMessageCreatechat::new(3)).await.unwrap();
    assert!(answer.replayed, "the second attempt got the stored answer");
    assert_eq!(
        answer.result.existing,
        Some(false),
        "the chat was created once, by the first attempt"
    );
    assert_eq!(client.stats().retries, 1);
    assert_eq!(emulator.data().mail_chats.len(), 1);

    // A key of the caller's own, reused with the same request: the stored answer again.
    let keyed = CallOptions::new().idempotency_key("chat-for-message-4");
    let (client, emulator) = faulty("none", FaultRates::default(), RetryPolicy::standard()).await;
    let first = client
        .call_with(&MailMessageCreatechat::new(4), &keyed)
        .await
        .unwrap();
    let again = client
        .call_with(&MailMessageCreatechat::new(4), &keyed)
        .await
        .unwrap();
    assert!(!first.replayed && again.replayed);
    assert_eq!(again.result.chat_id, first.result.chat_id);
    // The same key with another request is the portal's typed refusal.
    let err = client
        .call_with(&MailMessageCreatechat::new(5), &keyed)
        .await
        .unwrap_err();
    assert_eq!(err.api().map(|e| e.status), Some(422), "{err:?}");
    assert_eq!(emulator.data().mail_chats.len(), 1);
}

#[tokio::test]
async fn the_per_call_override_and_the_budget_stop_retries() {
    let rates = FaultRates {
        internal_error: 1.0,
        ..FaultRates::default()
    };
    let (client, emulator) = faulty("crm.deal.get", rates, RetryPolicy::standard()).await;
    let once = CallOptions::new().no_retry();
    let err = client
        .call_with(&CrmDealGet::new(1), &once)
        .await
        .unwrap_err();
    assert_eq!(err.api().map(|e| e.status), Some(500), "{err:?}");
    assert_eq!((client.stats().retries, emulator.stats().requests), (0, 1));

    // Exhausted attempts: the last failed answer is the caller's.
    let err = client.call(&CrmDealGet::new(1)).await.unwrap_err();
    assert_eq!(err.api().map(|e| e.status), Some(500), "{err:?}");
    assert_eq!(client.stats().retries, 3, "four attempts in all");

    // A budget of 12 tokens pays for two retries (5 each), then failures come at once.
    let policy = RetryPolicy::standard()
        .with_max_attempts(10)
        .with_budget(12);
    let (client, _emulator) = faulty("crm.deal.get", rates, policy).await;
    assert!(client.call(&CrmDealGet::new(1)).await.is_err());
    assert!(client.call(&CrmDealGet::new(1)).await.is_err());
    assert_eq!(client.stats().retries, 2);

    // A call that gets through gives back what its retries took: the same small budget
    // lasts through many failures that each end well.
    let flaky = FaultRates {
        internal_error: 0.3,
        ..FaultRates::default()
    };
    let policy = policy.with_budget(30);
    let (client, _emulator) = faulty("crm.deal.get", flaky, policy).await;
    for _ in 0..40 {
        let r = client.call(&CrmDealGet::new(1)).await;
        assert!(r.is_ok(), "{r:?} {:?}", client.stats());
    }
    // More retries than 30 tokens pay for at 5 each.
    assert!(client.stats().retries > 6, "{:?}", client.stats());
}

#[tokio::test]
async fn a_refused_connection_sent_nothing_so_even_a_v1_write_goes_again() {
    let client = Client::builder()
        .webhook(format!("http://127.0.0.1:{}/rest/1/secret/", closed_port()))
        .allow_http_loopback(true)
        .retry_policy(
            RetryPolicy::standard()
                .with_max_attempts(3)
                .with_backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let err = client.call(&add("Never sent")).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(client.stats().retries, 2);
}

#[tokio::test]
async fn a_batch_sends_again_only_the_commands_that_may_go_again() {
    let server = MockServer::start();
    let error = |code: &str| json!({"error": code, "error_description": "x"});
    server.reply(Reply::json(
        200,
        &json!({"result": {
            "result": {"c00": {"ID": "1"}},
            "result_error": {
                "c01": error("QUERY_LIMIT_EXCEEDED"),
                "c02": error("INTERNAL_SERVER_ERROR"),
                "c03": error("INTERNAL_SERVER_ERROR"),
                "c04": error("ACCESS_DENIED"),
            },
        }}),
    ));
    server.reply(Reply::json(
        200,
        &json!({"result": {"result": {"c00": 77, "c01": {"ID": "3"}}}}),
    ));
    let client = Client::builder()
        .webhook(format!("{}/rest/1/secret/", server.base_url()))
        .allow_http_loopback(true)
        .retry_policy(
            RetryPolicy::standard()
                .with_backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let mut batch = client.batch();
    let read = batch.push(&CrmDealGet::new(1)).unwrap();
    // Refused for the limits: not run, so even a write goes again.
    let refused_write = batch.push(&add("Refused")).unwrap();
    // Failed inside the portal: a read goes again, a write does not.
    let failed_read = batch.push(&CrmDealGet::new(3)).unwrap();
    let failed_write = batch.push(&add("Failed")).unwrap();
    let denied = batch.push(&CrmDealGet::new(5)).unwrap();
    let answers = batch.send().await.unwrap();

    let sent = server.requests();
    assert_eq!(sent.len(), 2);
    let again = sent[1].json();
    let commands = again["cmd"].as_object().unwrap();
    assert_eq!(commands.len(), 2, "{again}");
    assert!(commands["c00"]
        .as_str()
        .unwrap()
        .starts_with("crm.deal.add?"));
    assert!(commands["c01"]
        .as_str()
        .unwrap()
        .starts_with("crm.deal.get?"));

    assert!(answers.get(read).is_ok());
    assert_eq!(answers.get(refused_write).unwrap().result, 77);
    assert!(answers.get(failed_read).is_ok());
    let code = |e: Error| e.api().map(|a| a.code.to_string());
    assert_eq!(
        code(
            answers
                .get(failed_write)
                .unwrap_err()
                .map_code::<bitrix24::CommonError>()
        )
        .as_deref(),
        Some("INTERNAL_SERVER_ERROR")
    );
    assert_eq!(
        code(
            answers
                .get(denied)
                .unwrap_err()
                .map_code::<bitrix24::CommonError>()
        )
        .as_deref(),
        Some("ACCESS_DENIED")
    );
    assert_eq!(client.stats().retries, 1, "one round for both");
}

#[tokio::test]
async fn timeouts_of_reads_go_again_then_surface_as_timeouts() {
    let rates = FaultRates {
        slow: 1.0,
        ..FaultRates::default()
    };
    let policy = RetryPolicy::standard().with_max_attempts(2);
    let (client, _emulator) = faulty("crm.deal.get", rates, policy).await;
    let err = client.call(&CrmDealGet::new(1)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_eq!(client.stats().retries, 1);
}

#[tokio::test]
async fn a_rest3_create_lost_on_the_way_back_is_stored_once() {
    use bitrix24::note::{NoteCollectionAdd, NoteCollectionAddFields};
    for rates in [
        FaultRates {
            truncated: 1.0,
            ..FaultRates::default()
        },
        FaultRates {
            slow: 1.0,
            ..FaultRates::default()
        },
    ] {
        let (client, emulator) =
            faulty("note.collection.add", rates, RetryPolicy::standard()).await;
        let add = NoteCollectionAdd::new(NoteCollectionAddFields::new("Inbox".to_owned()));
        let answer = client.call(&add).await.unwrap();
        assert!(answer.replayed, "{rates:?}");
        assert_eq!(answer.result.name.as_deref(), Some("Inbox"));
        assert_eq!(emulator.data().note_collections.len(), 1, "{rates:?}");
        assert_eq!(client.stats().retries, 1, "{rates:?}");
    }
}

#[tokio::test]
async fn a_rest3_write_out_of_attempts_is_unknown_and_names_its_key() {
    use bitrix24::note::{NoteCollectionAdd, NoteCollectionAddFields};
    let rates = FaultRates {
        drop_before: 1.0,
        ..FaultRates::default()
    };
    let (client, emulator) = faulty("note.collection.add", rates, RetryPolicy::standard()).await;
    let add = NoteCollectionAdd::new(NoteCollectionAddFields::new("Inbox".to_owned()));
    let key = match client.call(&add).await.unwrap_err() {
        Error::OutcomeUnknown {
            idempotency_key: Some(key),
            cause: UnknownOutcome::Transport(_),
            ..
        } => key,
        other => panic!("expected OutcomeUnknown with a key, got {other:?}"),
    };
    assert_eq!(client.stats().retries, 3);
    // Repeated with its key once the portal is well: it runs once.
    emulator.set_faults(Faults::default());
    let again = CallOptions::new().idempotency_key(key);
    let answer = client.call_with(&add, &again).await.unwrap();
    assert!(!answer.replayed, "no earlier attempt ran");
    assert_eq!(emulator.data().note_collections.len(), 1);
}

/// A client of a mock server.
fn mock_client(server: &MockServer) -> Client {
    Client::builder()
        .webhook(format!("{}/rest/7/w3bh00k-code/", server.base_url()))
        .allow_http_loopback(true)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_v1_write_without_a_usable_answer_has_an_unknown_outcome() {
    let server = MockServer::start();
    server.reply(Reply::raw(502, "<html>Bad gateway</html>"));
    let err = mock_client(&server)
        .call(&CrmItemDelete::new(2, 1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::OutcomeUnknown { method, cause: UnknownOutcome::ServerFailed { status: 502 }, .. }
                if method == "crm.item.delete"
        ),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1, "not sent again");

    let slow = MockServer::start();
    slow.reply(Reply::json(200, &json!({"result": true})).delayed(Duration::from_secs(3)));
    let client = Client::builder()
        .webhook(format!("{}/rest/7/w3bh00k-code/", slow.base_url()))
        .allow_http_loopback(true)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client.call(&CrmItemDelete::new(2, 1)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::OutcomeUnknown { cause: UnknownOutcome::Timeout(d), .. }
                if d == Duration::from_millis(200)
        ),
        "{err:?}"
    );
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains("w3bh00k-code"), "secret leaked: {text}");
    }
}
