//! Every seed method end to end against a loopback server, driven by the spec's documented
//! examples: the typed request is built from the documented request, must send exactly that
//! JSON to exactly the documented URL (webhook and OAuth, v1 and REST 3.0), and the documented
//! success and error answers must decode into the typed result and the typed error code.

use std::path::Path;

use bitrix24::crm::*;
use bitrix24::mail::*;
use bitrix24::{Client, Error, ErrorCode, Method};
use bitrix24_tests::{MockServer, Reply};
use bitrix_spec::{ExampleKind, Spec, Version};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn spec() -> Spec {
    bitrix_spec::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"))
        .into_result()
        .expect("the checked-in spec is valid")
}

fn webhook(server: &MockServer) -> Client {
    Client::builder()
        .webhook(format!("{}/rest/1/s3cr3t/", server.base_url()))
        .allow_http_loopback(true)
        .build()
        .unwrap()
}

fn oauth(server: &MockServer) -> Client {
    Client::builder()
        .oauth(server.base_url(), "tok-123")
        .allow_http_loopback(true)
        .build()
        .unwrap()
}

/// The docs accept `Y`/`N` and `true`/`false` alike for boolean flags and mix them in examples;
/// compare flags by meaning.
fn flags_as_bools(v: &Value) -> Value {
    match v {
        Value::String(s) if s == "Y" => Value::Bool(true),
        Value::String(s) if s == "N" => Value::Bool(false),
        Value::Array(a) => Value::Array(a.iter().map(flags_as_bools).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), flags_as_bools(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Where a page contradicts itself, the documented required fields its example omits.
fn contradictions(method: &str) -> Option<Value> {
    match method {
        // The page marks OWNER_ID, OWNER_TYPE_ID, TYPE_ID, COMMUNICATIONS and RESPONSIBLE_ID
        // of `fields` required, yet its example updates RESPONSIBLE_ID and DESCRIPTION only.
        "crm.activity.update" => Some(json!({"fields": {
            "OWNER_ID": 102, "OWNER_TYPE_ID": 2, "TYPE_ID": 2,
            "COMMUNICATIONS": [{"VALUE": "+1234567890", "ENTITY_ID": 134, "ENTITY_TYPE_ID": 3}]
        }})),
        _ => None,
    }
}

fn merge(into: &mut Value, from: &Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

/// A documented success body; a few pages show the payload without the `result` envelope.
fn success_body(body: &Value) -> Value {
    if body.get("result").is_some() {
        body.clone()
    } else {
        json!({ "result": body })
    }
}

async fn check<M>(spec: &Spec) -> Vec<String>
where
    M: Method + DeserializeOwned + std::fmt::Debug,
{
    let mut failures = Vec::new();
    let version = match M::VERSION {
        bitrix24::ApiVersion::V1 => Version::V1,
        bitrix24::ApiVersion::V3 => Version::V3,
    };
    let Some(m) = spec.method(M::NAME, version) else {
        return vec![format!("{}: not in the spec", M::NAME)];
    };
    let example = |kind| m.examples.iter().find(|e| e.kind == kind);
    let mut request_json =
        example(ExampleKind::Request).map_or_else(|| json!({}), |e| e.body.clone());
    if let Some(missing) = contradictions(M::NAME) {
        merge(&mut request_json, &missing);
    }
    let request: M = match serde_json::from_value(request_json.clone()) {
        Ok(r) => r,
        Err(e) => {
            return vec![format!(
                "{}: documented request does not build: {e}",
                M::NAME
            )]
        }
    };
    let mut successes: Vec<Value> = m
        .examples
        .iter()
        .filter(|e| e.kind == ExampleKind::Response)
        .map(|e| success_body(&e.body))
        .collect();
    if successes.is_empty() {
        successes.push(json!({"result": null}));
    }
    let success = successes[0].clone();
    // Every further documented answer must decode as well.
    for (i, body) in successes.iter().enumerate().skip(1) {
        let server = MockServer::start();
        server.reply(Reply::json(200, body));
        if let Err(e) = webhook(&server).call(&request).await {
            failures.push(format!(
                "{}: documented answer #{i} does not decode: {e}",
                M::NAME
            ));
        }
    }
    let prefix = if version == Version::V3 {
        "/rest/api/"
    } else {
        "/rest/"
    };

    for (label, use_oauth) in [("webhook", false), ("oauth", true)] {
        let server = MockServer::start();
        server.reply(Reply::json(200, &success));
        let client = if use_oauth {
            oauth(&server)
        } else {
            webhook(&server)
        };
        if let Err(e) = client.call(&request).await {
            failures.push(format!(
                "{} ({label}): documented answer does not decode: {e}",
                M::NAME
            ));
        }
        let sent = &server.requests()[0];
        let expected_path = if use_oauth {
            format!("{prefix}{}", M::NAME)
        } else {
            format!("{prefix}1/s3cr3t/{}", M::NAME)
        };
        if sent.method != "POST" || sent.path != expected_path {
            failures.push(format!(
                "{} ({label}): sent {} {}",
                M::NAME,
                sent.method,
                sent.path
            ));
        }
        if sent.header("content-type") != Some("application/json")
            || sent.header("accept") != Some("application/json")
        {
            failures.push(format!("{} ({label}): headers {:?}", M::NAME, sent.headers));
        }
        let mut expected_body = request_json.clone();
        if use_oauth {
            expected_body["auth"] = json!("tok-123");
        }
        if flags_as_bools(&sent.json()) != flags_as_bools(&expected_body) {
            failures.push(format!(
                "{} ({label}): sent {} instead of {expected_body}",
                M::NAME,
                sent.json()
            ));
        }
    }

    if let Some(err) = example(ExampleKind::Error) {
        let server = MockServer::start();
        let status = err.status.unwrap_or(400);
        server.reply(Reply::json(status, &err.body));
        match webhook(&server).call(&request).await {
            Err(Error::Api(api)) => {
                let code = err.body["error"]
                    .get("code")
                    .or(Some(&err.body["error"]))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let known = !code.is_empty();
                if api.status != status
                    || api.code.code() != code
                    || (known && api.code.is_unknown())
                {
                    failures.push(format!("{}: error example decoded as {api:?}", M::NAME));
                }
            }
            other => failures.push(format!("{}: error example gave {other:?}", M::NAME)),
        }
    }
    failures
}

macro_rules! seed_methods {
    ($($ty:ty),* $(,)?) => {
        #[tokio::test]
        async fn every_seed_method_end_to_end() {
            let spec = spec();
            let mut failures = Vec::new();
            let mut covered = Vec::new();
            $(
                failures.extend(check::<$ty>(&spec).await);
                covered.push(<$ty as Method>::NAME);
            )*
            assert!(failures.is_empty(), "{}", failures.join("\n"));
            // The seed documents: the whole crm.activity family, crm.item.delete and the two
            // REST 3.0 mail methods.
            let mut seeds: Vec<&str> = spec
                .methods
                .keys()
                .map(|(n, _)| n.as_str())
                .filter(|n| n.starts_with("crm.activity."))
                .chain(["crm.item.delete", "mail.message.createchat", "mail.message.removecrmactivity"])
                .collect();
            seeds.sort_unstable();
            covered.sort_unstable();
            assert_eq!(covered, seeds, "every seed method is exercised");
        }
    };
}

seed_methods!(
    CrmActivityAdd,
    CrmActivityUpdate,
    CrmActivityGet,
    CrmActivityList,
    CrmActivityDelete,
    CrmActivityFields,
    CrmActivityCommunicationFields,
    CrmActivityCallGetTranscript,
    CrmActivityTodoAdd,
    CrmActivityTodoUpdate,
    CrmActivityTodoUpdateColor,
    CrmActivityTodoUpdateDeadline,
    CrmActivityTodoUpdateDescription,
    CrmActivityTodoUpdateResponsibleUser,
    CrmActivityBindingAdd,
    CrmActivityBindingDelete,
    CrmActivityBindingList,
    CrmActivityBindingMove,
    CrmActivityTypeAdd,
    CrmActivityTypeList,
    CrmActivityTypeDelete,
    CrmActivityConfigurableAdd,
    CrmActivityConfigurableGet,
    CrmActivityConfigurableUpdate,
    CrmActivityBadgeAdd,
    CrmActivityBadgeDelete,
    CrmActivityBadgeGet,
    CrmActivityBadgeList,
    CrmActivityLayoutBlocksSet,
    CrmActivityLayoutBlocksGet,
    CrmActivityLayoutBlocksDelete,
    CrmItemDelete,
    MailMessageCreatechat,
    MailMessageRemovecrmactivity,
);
