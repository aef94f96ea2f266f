//! The typed client's behaviour: local validation (nothing sent, every problem reported),
//! typed API errors, transport/timeout/decode errors, untyped calls, and secrets kept out of
//! Debug, Display, errors and logs.

use std::time::Duration;

use bitrix24::crm::*;
use bitrix24::mail::{MailMessageCreatechat, MailMessageCreatechatError};
use bitrix24::types::CrmEnumActivitytype;
use bitrix24::{ApiVersion, CallOptions, Client, CommonError, ConfigError, Error, ErrorCode};
use bitrix24_tests::{closed_port, MockServer, Reply};
use serde_json::json;

const SECRET: &str = "s3cr3t-w3bh00k";
const TOKEN: &str = "tok-0a1b2c3d";

fn webhook(server: &MockServer) -> Client {
    Client::builder()
        .webhook(format!("{}/rest/7/{SECRET}/", server.base_url()))
        .allow_http_loopback(true)
        .build()
        .unwrap()
}

fn activity_fields(
    type_id: CrmEnumActivitytype,
    communications: Vec<CrmActivityAddFieldsCommunicationsItem>,
) -> CrmActivityAddFields {
    CrmActivityAddFields::new(102, 2, type_id, communications, 1)
}

#[tokio::test]
async fn invalid_requests_are_not_sent_and_every_problem_is_reported() {
    let server = MockServer::start();
    let client = webhook(&server);

    // An enum value the docs do not list, and an empty required string inside a nested array.
    let request = CrmActivityAdd::new(
        activity_fields(
            CrmEnumActivitytype::Unknown(99),
            vec![CrmActivityAddFieldsCommunicationsItem::new("", 134, 3)],
        )
        .subject("Call"),
    );
    let err = client.call(&request).await.unwrap_err();
    let problems = err.validation().expect("a validation error");
    assert_eq!(problems.len(), 2, "{problems}");
    assert_eq!(
        problems.field("fields.TYPE_ID").unwrap().message,
        "value `99` is not one of the documented values: 0, 1, 2, 3, 4, 5, 6"
    );
    assert_eq!(
        problems
            .field("fields.COMMUNICATIONS[0].VALUE")
            .unwrap()
            .message,
        "required field is missing or empty"
    );

    // A required field missing inside a nested object: the server treats [] as missing.
    let err = client
        .call(&CrmActivityAdd::new(activity_fields(
            CrmEnumActivitytype::Call,
            vec![],
        )))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "request not sent, invalid parameters: fields.COMMUNICATIONS: required field is missing or empty"
    );

    // An empty required string at the top of a nested object.
    let err = client
        .call(&CrmActivityTypeAdd::new(CrmActivityTypeAddFields::new(
            "  ",
        )))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.field("fields.TYPE_ID").is_some()),
        "{err}"
    );

    // A string enum outside its documented values, and a documented minimum (REST 3.0).
    let err = client
        .call(&CrmActivityTodoUpdateColor::new(
            1,
            2,
            3,
            CrmActivityTodoUpdateColorColorId::Unknown("9".into()),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err.validation().unwrap().field("colorId").unwrap().message,
        "value `9` is not one of the documented values: 1, 2, 3, 4, 5, 6, 7"
    );
    let err = client
        .call(&MailMessageCreatechat::new(0))
        .await
        .unwrap_err();
    assert_eq!(
        err.validation()
            .unwrap()
            .field("messageId")
            .unwrap()
            .message,
        "must be at least 1"
    );

    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn api_errors_carry_the_methods_typed_code() {
    let server = MockServer::start();
    let client = webhook(&server);
    let delete = CrmItemDelete::new(1268, 1);

    server.reply(Reply::json(
        400,
        &json!({"error": "NOT_FOUND", "error_description": "Item not found"}),
    ));
    let err = client.call(&delete).await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.code, CrmItemDeleteError::NotFound);
    assert_eq!((api.status, api.message.as_str()), (400, "Item not found"));
    assert_eq!(
        err.to_string(),
        "Bitrix24 API error NOT_FOUND (HTTP 400): Item not found"
    );

    // Shared system codes the page does not list come nested in `Common`. (OVERLOAD_LIMIT, a
    // manual block, is returned at once; QUERY_LIMIT_EXCEEDED is waited out: tests/limits.rs.)
    server.reply(Reply::json(
        503,
        &json!({"error": "OVERLOAD_LIMIT", "error_description": "REST API is blocked"}),
    ));
    assert_eq!(
        client.call(&delete).await.unwrap_err().code(),
        Some(&CrmItemDeleteError::Common(CommonError::OverloadLimit))
    );

    // An unknown code is kept, never a decode error.
    server.reply(Reply::json(
        400,
        &json!({"error": "BRAND_NEW_CODE", "error_description": "?"}),
    ));
    let code = client
        .call(&delete)
        .await
        .unwrap_err()
        .code()
        .cloned()
        .unwrap();
    assert_eq!(code, CrmItemDeleteError::Unknown("BRAND_NEW_CODE".into()));
    assert!(code.is_unknown());

    // REST 3.0 error shape with its validation list.
    server.reply(Reply::json(
        400,
        &json!({"error": {"code": "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "message": "Error validating request object",
            "validation": [{"field": "messageId", "message": "Required field `messageId` is missing"}]}}),
    ));
    let err = client
        .call(&MailMessageCreatechat::new(15))
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(
        api.code,
        MailMessageCreatechatError::RequestValidationException
    );
    assert_eq!(api.validation[0].field, "messageId");
    assert_eq!(
        server.requests().last().unwrap().path,
        format!("/rest/api/7/{SECRET}/mail.message.createchat")
    );
}

#[tokio::test]
async fn lists_expose_paging_and_time() {
    let server = MockServer::start();
    server.reply(Reply::json(
        200,
        &json!({"result": [{"ID": "7", "SETTINGS": [], "COMPLETED": "Y"}], "next": 50, "total": "51",
                "time": {"start": 1.0, "operating_reset_at": 1_705_765_533, "operating": 0.5}}),
    ));
    let answer = webhook(&server)
        .call(&CrmActivityList::new())
        .await
        .unwrap();
    assert_eq!((answer.next, answer.total), (Some(50), Some(51)));
    assert_eq!(
        answer.time.unwrap().operating_reset_at,
        Some(1_705_765_533.0)
    );
    let activity = &answer.result[0];
    // Only the selected fields arrive: everything else of the record is `None`.
    assert_eq!(activity.id, Some(7));
    assert_eq!(activity.completed, Some(true));
    assert_eq!(activity.type_id, None);
    assert_eq!(activity.settings, Some(Default::default()));
}

#[tokio::test]
async fn transport_timeout_and_decode_errors_are_separate() {
    // Reads, not retried here, so that the first failure is the answer.
    let once = CallOptions::new().no_retry();
    let server = MockServer::start();
    server.reply(Reply::raw(502, "<html>Bad gateway</html>"));
    match webhook(&server)
        .call_with(&CrmItemGet::new(2, 1), &once)
        .await
        .unwrap_err()
    {
        Error::Decode { status, body, .. } => {
            assert_eq!(status, 502);
            assert_eq!(body, "<html>Bad gateway</html>");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }

    let slow = MockServer::start();
    slow.reply(Reply::json(200, &json!({"result": []})).delayed(Duration::from_secs(3)));
    let client = Client::builder()
        .webhook(format!("{}/rest/7/{SECRET}/", slow.base_url()))
        .allow_http_loopback(true)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = client
        .call_with(&CrmItemGet::new(2, 1), &once)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout(d) if d == Duration::from_millis(200)),
        "{err:?}"
    );

    let dead = Client::builder()
        .webhook(format!(
            "http://127.0.0.1:{}/rest/7/{SECRET}/",
            closed_port()
        ))
        .allow_http_loopback(true)
        .build()
        .unwrap();
    let err = dead
        .call_with(&CrmItemGet::new(2, 1), &once)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
}

#[tokio::test]
async fn untyped_calls_for_what_the_spec_lacks() {
    let server = MockServer::start();
    server.reply(Reply::json(200, &json!({"result": {"ID": "1"}})));
    let client = Client::builder()
        .oauth(server.base_url(), TOKEN)
        .allow_http_loopback(true)
        .build()
        .unwrap();
    let answer = client
        .call_raw("user.current", ApiVersion::V1, &json!({}))
        .await
        .unwrap();
    assert_eq!(answer.result, json!({"ID": "1"}));
    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/rest/user.current");
    assert_eq!(sent.json(), json!({"auth": TOKEN}));

    server.reply(Reply::json(401, &json!({"error": "expired_token", "error_description": "The access token provided has expired."})));
    let err = client
        .call_raw("user.current", ApiVersion::V1, &json!({}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&CommonError::ExpiredToken));

    let err = client
        .call_raw("../admin", ApiVersion::V1, &json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        err.validation().unwrap().field("method").unwrap().message,
        "`../admin` is not a method name"
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn https_is_required_except_to_loopback_when_allowed() {
    assert_eq!(
        Client::from_webhook(&format!("http://127.0.0.1:1/rest/7/{SECRET}/")).unwrap_err(),
        ConfigError::InsecureScheme
    );
    assert_eq!(
        Client::builder()
            .oauth("http://portal.example.com", TOKEN)
            .allow_http_loopback(true)
            .build()
            .unwrap_err(),
        ConfigError::InsecureScheme
    );
    let err =
        Client::from_webhook(&format!("https://portal.example.com/rest/x/{SECRET}/")).unwrap_err();
    assert!(!err.to_string().contains(SECRET));
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let c = Client::from_webhook(&format!("https://portal.example.com/rest/7/{SECRET}/")).unwrap();
    assert!(!format!("{c:?}").contains(SECRET));
    let c = Client::from_oauth("https://portal.example.com", TOKEN).unwrap();
    assert!(!format!("{c:?}").contains(TOKEN));
    c.set_access_token("tok-rotated");
    assert!(!format!("{c:?}").contains("tok-rotated"));
}

mod logs {
    //! A minimal subscriber that keeps every event's fields as text.
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    #[derive(Clone, Default)]
    pub struct Capture(pub Arc<Mutex<String>>);

    struct Text<'a>(&'a mut String);

    impl Visit for Text<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.push_str(&format!("{}={value:?} ", field.name()));
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            span.record(&mut Text(&mut self.0.lock().unwrap()));
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            values.record(&mut Text(&mut self.0.lock().unwrap()));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut out = self.0.lock().unwrap();
            event.record(&mut Text(&mut out));
            out.push('\n');
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[test]
fn secrets_stay_out_of_logs() {
    let capture = logs::Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    // Another test of this binary may have hit the client's callsites first, with no
    // subscriber, and cached "never log" for them; ask again now that there is one.
    tracing::callsite::rebuild_interest_cache();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let server = MockServer::start();
        server.reply(Reply::json(200, &json!({"result": []})));
        server.reply(Reply::json(
            401,
            &json!({"error": "expired_token", "error_description": "expired"}),
        ));
        webhook(&server)
            .call(&CrmItemDelete::new(2, 1))
            .await
            .unwrap();
        let oauth = Client::builder()
            .oauth(server.base_url(), TOKEN)
            .allow_http_loopback(true)
            .build()
            .unwrap();
        let err = oauth.call(&CrmItemDelete::new(2, 1)).await.unwrap_err();
        assert!(!err.to_string().contains(TOKEN));
    });
    let logged = capture.0.lock().unwrap().clone();
    assert!(
        logged.contains("crm.item.delete"),
        "the call is logged: {logged}"
    );
    assert!(
        !logged.contains(SECRET) && !logged.contains(TOKEN),
        "{logged}"
    );
}

#[test]
fn event_payload_tokens_stay_out_of_debug() {
    let payload: bitrix24::event_payloads::OnCrmActivityAdd = serde_json::from_value(json!({
        "event": "onCrmActivityAdd",
        "data": {"FIELDS": {"ID": "999"}},
        "ts": "1466439714",
        "auth": {"access_token": "acc-SECRET-1", "refresh_token": "ref-SECRET-2",
                 "application_token": "app-SECRET-3", "domain": "portal.example.com"}
    }))
    .unwrap();
    let auth = payload.auth.as_ref().unwrap();
    assert_eq!(
        auth.application_token.as_ref().unwrap().expose(),
        "app-SECRET-3"
    );
    let dbg = format!("{payload:?}");
    assert!(!dbg.contains("SECRET"), "{dbg}");
    assert!(dbg.contains("portal.example.com"));
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let target = MockServer::start();
    let server = MockServer::start();
    server.reply(Reply::raw(302, "").location(&format!("{}/elsewhere", target.base_url())));
    let err = webhook(&server)
        .call(&CrmItemDelete::new(2, 1))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Decode { status: 302, .. }), "{err:?}");
    assert!(
        target.requests().is_empty(),
        "nothing, and no Referer with the secret, went to the redirect target"
    );
}

#[tokio::test]
async fn values_inside_maps_are_validated() {
    let server = MockServer::start();
    let order = std::collections::BTreeMap::from([(
        "ID".to_owned(),
        bitrix24::types::SortDirection::Unknown("SIDEWAYS".into()),
    )]);
    let err = webhook(&server)
        .call(&CrmActivityList::new().order(order))
        .await
        .unwrap_err();
    assert_eq!(
        err.validation().unwrap().field("order.ID").unwrap().message,
        "value `SIDEWAYS` is not one of the documented values: ASC, DESC"
    );
    assert!(server.requests().is_empty());
}

/// Each message of an error chain, outermost first: what `anyhow`'s `{:#}` joins with `: `.
fn chain(e: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

/// No message of a chain repeats one further down, so printing the chain shows each once.
fn assert_no_repeats(messages: &[String]) {
    for (i, outer) in messages.iter().enumerate() {
        assert!(!outer.is_empty(), "{messages:?}");
        for inner in &messages[i + 1..] {
            assert!(!outer.contains(inner.as_str()), "repeated: {messages:?}");
        }
    }
}

#[tokio::test]
async fn error_chains_print_every_message_once() {
    let dead = Client::builder()
        .webhook(format!(
            "http://127.0.0.1:{}/rest/7/{SECRET}/",
            closed_port()
        ))
        .allow_http_loopback(true)
        .build()
        .unwrap();
    let err = dead.call(&CrmItemDelete::new(2, 1)).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let messages = chain(&err);
    assert_eq!(messages[0], "transport error");
    assert!(
        messages.len() > 2,
        "the HTTP library's message and its cause follow: {messages:?}"
    );
    assert_no_repeats(&messages);
    assert!(!messages.join(": ").contains(SECRET), "{messages:?}");

    let err: Error = Client::from_webhook(&format!("http://portal.example.com/rest/7/{SECRET}/"))
        .unwrap_err()
        .into();
    let messages = chain(&err);
    assert_eq!(messages[0], "invalid client configuration");
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert_no_repeats(&messages);
    assert!(!messages.join(": ").contains(SECRET), "{messages:?}");
}

/// A hand-written method whose parameters fail to serialize.
struct Unserializable;

impl serde::Serialize for Unserializable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "this request cannot be serialized",
        ))
    }
}

impl bitrix24::Validate for Unserializable {
    fn validate_into(&self, _: &mut bitrix24::Validator) {}
}

impl bitrix24::Method for Unserializable {
    const NAME: &'static str = "user.current";
    const VERSION: ApiVersion = ApiVersion::V1;
    const SCOPE: &'static str = "user";
    const MUTATES: bool = false;
    type Output = serde_json::Value;
    type Error = CommonError;
}

#[tokio::test]
async fn a_request_that_does_not_serialize_is_an_encode_error() {
    let server = MockServer::start();
    let err = webhook(&server).call(&Unserializable).await.unwrap_err();
    assert!(matches!(&err, Error::Encode(_)), "{err:?}");
    assert_eq!(
        chain(&err),
        [
            "request not sent, it could not be serialized",
            "this request cannot be serialized"
        ]
    );
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn validation_errors_iterate() {
    let server = MockServer::start();
    let request = CrmActivityAdd::new(activity_fields(
        CrmEnumActivitytype::Unknown(99),
        vec![CrmActivityAddFieldsCommunicationsItem::new("", 134, 3)],
    ));
    let Error::Validation(problems) = webhook(&server).call(&request).await.unwrap_err() else {
        panic!("expected a validation error");
    };
    let expected = ["fields.COMMUNICATIONS[0].VALUE", "fields.TYPE_ID"];
    let mut by_ref: Vec<&str> = Vec::new();
    for problem in &problems {
        by_ref.push(&problem.field);
    }
    by_ref.sort_unstable();
    assert_eq!(by_ref, expected);
    let mut listed: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    listed.sort_unstable();
    assert_eq!(listed, expected);
    assert_eq!(problems.len(), 2);
    let mut owned: Vec<String> = problems.into_iter().map(|p| p.field).collect();
    owned.sort_unstable();
    assert_eq!(owned, expected);
}

#[tokio::test]
async fn a_result_the_docs_say_may_be_none_is_none_for_false_null_and_empty_array() {
    let server = MockServer::start();
    let client = webhook(&server);
    // crm.activity.todo.add: "on error = `null`"; PHP also spells "none" `false` and `[]`.
    for none in [json!(false), json!(null), json!([]), json!("")] {
        server.reply(Reply::json(200, &json!({ "result": none })));
    }
    server.reply(Reply::json(200, &json!({"result": {"id": "5"}})));
    let todo = CrmActivityTodoAdd::new(2, 1, "2026-12-01T10:00:00+00:00");
    for sent in ["false", "null", "[]", "\"\""] {
        let answer = client.call_result(&todo).await.unwrap();
        assert!(answer.is_none(), "{sent}: {answer:?}");
    }
    let answer = client.call_result(&todo).await.unwrap();
    assert_eq!(answer.and_then(|r| r.id), Some(5));
}
