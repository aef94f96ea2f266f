//! Routing, validation, auth, the `time` block, lists and batch, over real HTTP.

mod support;

use serde_json::{json, Value};
use support::*;

#[tokio::test]
async fn validation_errors_in_the_servers_shapes() {
    let emu = start(unlimited()).await;
    // v1: the first problem, as the page documents it.
    let a = v1(&emu, "crm.activity.add", json!({"fields": {"OWNER_ID": 1}})).await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.json()["error_description"],
        json!("The field SUBJECT is not defined or empty")
    );
    assert!(a.json()["error"].is_string());
    // v1 without a documented message: the generic code and the field.
    let a = v1(&emu, "crm.item.delete", json!({"entityTypeId": 2})).await;
    assert_eq!(
        (a.status, a.json()["error"].clone()),
        (400, json!("INVALID_ARG_VALUE"))
    );
    assert_eq!(
        a.json()["error_description"],
        json!("Required field `id` is missing")
    );
    let a = v1(
        &emu,
        "crm.item.delete",
        json!({"entityTypeId": "two", "id": 1}),
    )
    .await;
    assert_eq!(
        a.json()["error_description"],
        json!("Field `entityTypeId` must be of type integer")
    );
    // v3: every problem, with field and message.
    let a = v3(&emu, "mail.message.createchat", json!({"messageId": 0})).await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.json()["error"],
        json!({"code": "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
               "message": "Error validating request object",
               "validation": [{"field": "messageId", "message": "Mandatory field `messageId` is not specified or an incorrect value was passed"}]})
    );
    let a = v3(&emu, "mail.message.createchat", json!({})).await;
    assert_eq!(
        a.json()["error"]["validation"][0]["field"],
        json!("messageId")
    );
}

#[tokio::test]
async fn unknown_methods_and_wrong_versions_are_404() {
    let emu = start(unlimited()).await;
    for path in [
        "/rest/1/secret/crm.nothing.here",
        "/rest/1/secret/mail.message.createchat",
    ] {
        let a = post_json(emu.base_url(), path, &json!({})).await;
        assert_eq!(a.status, 404, "{path}");
        assert_eq!(a.json()["error"], json!("ERROR_METHOD_NOT_FOUND"));
    }
    let a = v3(&emu, "crm.item.delete", json!({})).await;
    assert_eq!(
        (a.status, a.json()["error"]["code"].clone()),
        (404, json!("ERROR_METHOD_NOT_FOUND"))
    );
    let a = post_json(emu.base_url(), "/favicon.ico", &json!({})).await;
    assert_eq!(a.status, 404);
}

#[tokio::test]
async fn credentials_and_scopes() {
    let mut config = unlimited();
    config.webhooks.push(bitrix24_emulator::Webhook {
        user_id: 2,
        secret: "mailonly".into(),
        scopes: Some(vec!["mail".into()]),
    });
    let emu = start(config).await;
    let base = emu.base_url();
    let a = post_json(base, "/rest/1/wrong/crm.deal.list", &json!({})).await;
    assert_eq!(
        (a.status, a.json()["error"].clone()),
        (401, json!("INVALID_CREDENTIALS"))
    );
    let a = post_json(base, "/rest/9/secret/crm.deal.list", &json!({})).await;
    assert_eq!(
        (a.status, a.json()["error"].clone()),
        (401, json!("NO_AUTH_FOUND"))
    );
    let a = post_json(base, "/rest/crm.deal.list", &json!({})).await;
    assert_eq!(
        (a.status, a.json()["error"].clone()),
        (401, json!("NO_AUTH_FOUND"))
    );
    let a = post_json(base, "/rest/2/mailonly/crm.deal.list", &json!({})).await;
    assert_eq!(
        (a.status, a.json()["error"].clone()),
        (403, json!("insufficient_scope"))
    );
    let a = post_json(
        base,
        "/rest/api/2/mailonly/mail.message.get",
        &json!({"id": 1}),
    )
    .await;
    assert_eq!(a.status, 200);
    // OAuth: `auth` in the body.
    let tokens = emu.issue_tokens(1);
    let a = post_json(
        base,
        "/rest/crm.deal.get",
        &json!({"id": 1, "auth": tokens.access_token}),
    )
    .await;
    assert_eq!(a.json()["result"]["TITLE"], json!("Demo deal 1"));
    let a = post_json(
        base,
        "/rest/crm.deal.get",
        &json!({"id": 1, "auth": "forged"}),
    )
    .await;
    assert_eq!(
        (a.status, a.json()["error"].clone()),
        (401, json!("invalid_token"))
    );
}

#[tokio::test]
async fn v1_reads_forms_queries_and_json_v3_json_only() {
    let emu = start(unlimited()).await;
    let base = emu.base_url();
    let a = post_form(
        base,
        "/rest/1/secret/crm.deal.add.json",
        "fields[TITLE]=From+a+form&fields[OPPORTUNITY]=10",
    )
    .await;
    let id = a.json()["result"].as_u64().expect("an id");
    let a = send(
        base,
        "GET",
        &format!("/rest/1/secret/crm.deal.get?id={id}"),
        &[],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(a.json()["result"]["TITLE"], json!("From a form"));
    let a = post_form(base, "/rest/api/1/secret/mail.message.get", "id=1").await;
    assert_eq!(
        (a.status, a.json()["error"]["code"].clone()),
        (400, json!("BITRIX_REST_V3_EXCEPTION_INVALIDJSONEXCEPTION"))
    );
    let a = send(
        base,
        "POST",
        "/rest/api/1/secret/mail.message.get",
        &[("Content-Type", "application/json")],
        b"{\"id\":",
    )
    .await
    .unwrap();
    assert_eq!(
        a.json()["error"]["code"],
        json!("BITRIX_REST_V3_EXCEPTION_INVALIDJSONEXCEPTION")
    );
    let a = send(
        base,
        "POST",
        "/rest/1/secret/crm.deal.list",
        &[("Content-Type", "application/json")],
        b"{oops",
    )
    .await
    .unwrap();
    assert_eq!(
        (a.status, a.json()["error"].clone()),
        (400, json!("INVALID_REQUEST"))
    );
}

fn assert_time(body: &Value) {
    let time = &body["time"];
    for key in [
        "start",
        "finish",
        "duration",
        "processing",
        "date_start",
        "date_finish",
        "operating",
        "operating_reset_at",
    ] {
        assert!(!time[key].is_null(), "time.{key} missing in {body}");
    }
    assert!(time["operating_reset_at"].as_f64().unwrap() > time["start"].as_f64().unwrap());
}

#[tokio::test]
async fn every_answer_has_a_time_block_and_no_method_answers_500() {
    let emu = start(unlimited()).await;
    assert_time(&v1(&emu, "crm.deal.list", json!({})).await.json());
    assert_time(&v1(&emu, "crm.deal.get", json!({"id": 999})).await.json());
    assert_time(&v3(&emu, "mail.message.get", json!({"id": 1})).await.json());
    // Every method of the spec, called with nothing: a validation error or an answer shaped
    // by its result type; never a server error, always JSON with `time`.
    let index = bitrix24_emulator::SpecIndex::embedded();
    let mut answered = 0;
    for (name, version) in index.spec().methods.keys() {
        let prefix = if version.as_str() == "v3" {
            "/rest/api/1/secret/"
        } else {
            "/rest/1/secret/"
        };
        let a = post_json(emu.base_url(), &format!("{prefix}{name}"), &json!({})).await;
        assert!(a.status < 500, "{name} {version:?}: {}", a.status);
        assert_time(&a.json());
        answered += usize::from(a.status == 200);
    }
    assert!(answered > 100, "{answered}");
}

#[tokio::test]
async fn lists_page_by_fifty() {
    let emu = start(unlimited()).await;
    let cmd: serde_json::Map<String, Value> = (0..45)
        .map(|i| {
            (
                format!("d{i}"),
                json!(format!("crm.deal.add?fields[TITLE]=Bulk+{i}")),
            )
        })
        .collect();
    for _ in 0..2 {
        assert_eq!(
            v1(&emu, "batch", json!({"cmd": cmd})).await.json()["result"]["result_error"],
            json!([])
        );
    }
    // 5 demo deals + 90: two pages.
    let first = v1(
        &emu,
        "crm.deal.list",
        json!({"order": {"ID": "ASC"}, "select": ["ID", "TITLE"]}),
    )
    .await
    .json();
    assert_eq!(
        (first["total"].clone(), first["next"].clone()),
        (json!(95), json!(50))
    );
    assert_eq!(first["result"].as_array().unwrap().len(), 50);
    assert_eq!(
        first["result"][0],
        json!({"ID": "1", "TITLE": "Demo deal 1"})
    );
    let last = v1(&emu, "crm.deal.list", json!({"start": 50})).await.json();
    assert_eq!(last["result"].as_array().unwrap().len(), 45);
    assert!(last.get("next").is_none());
    let fast = v1(
        &emu,
        "crm.deal.list",
        json!({"start": -1, "order": {"ID": "ASC"}, "filter": {">ID": 90}}),
    )
    .await
    .json();
    assert!(fast.get("total").is_none() && fast.get("next").is_none());
    assert_eq!(fast["result"].as_array().unwrap().len(), 5);
    let filtered = v1(
        &emu,
        "crm.deal.list",
        json!({"filter": {"%TITLE": "demo"}, "order": {"OPPORTUNITY": "DESC"}}),
    )
    .await
    .json();
    assert_eq!(
        (
            filtered["total"].clone(),
            filtered["result"][0]["ID"].clone()
        ),
        (json!(5), json!("5"))
    );
}

#[tokio::test]
async fn batch_limits_references_and_halt() {
    let emu = start(unlimited()).await;
    let a = v1(
        &emu,
        "batch",
        json!({"halt": 0, "cmd": {
            "first": "crm.deal.list?order[ID]=DESC&select[]=ID",
            "one": "crm.deal.get?id=$result[first][0][ID]",
            "missing": "crm.deal.get?id=999",
            "nested": "batch?cmd[x]=crm.deal.list",
        }}),
    )
    .await;
    assert_eq!(a.status, 200);
    let r = a.json()["result"].clone();
    assert_eq!(r["result"]["one"]["TITLE"], json!("Demo deal 5"));
    assert_eq!(r["result_total"]["first"], json!(5));
    assert_eq!(
        r["result_error"]["missing"]["error_description"],
        json!("Not found")
    );
    assert_eq!(
        r["result_error"]["nested"]["error"],
        json!("ERROR_BATCH_METHOD_NOT_ALLOWED")
    );
    assert!(r["result_time"]["one"]["operating"].is_number());
    let a = v1(
        &emu,
        "batch",
        json!({"halt": 1, "cmd": ["crm.deal.get?id=999", "crm.deal.get?id=1"]}),
    )
    .await;
    assert_eq!(a.json()["result"]["result"], json!([]));
    let cmd: Vec<Value> = (0..51).map(|_| json!("crm.deal.list")).collect();
    let a = v1(&emu, "batch", json!({"cmd": cmd})).await;
    assert_eq!(
        (a.status, a.json()["error"].clone()),
        (400, json!("ERROR_BATCH_LENGTH_EXCEEDED"))
    );
    // A form-encoded batch, as PHP clients send it.
    let a = post_form(
        emu.base_url(),
        "/rest/1/secret/batch",
        "halt=0&cmd[a]=crm.deal.get%3Fid%3D2",
    )
    .await;
    assert_eq!(a.json()["result"]["result"]["a"]["ID"], json!("2"));
}
