//! The paging kinds beyond `start` and `pagination`, from the spec to the wire: the generated
//! methods carry the kind their page documents (offset/limit, `NAV_PARAMS`, `START`, REST 3.0
//! cursor), and a list stream walks each one against a loopback server, page after page,
//! every row once.

use bitrix24::im::ImSearchUserList;
use bitrix24::main_scope::MainEventlogTail;
use bitrix24::task::TaskItemsGetlist;
use bitrix24::{ApiVersion, Client, Method, PagingKind};
use bitrix24_tests::{MockServer, Reply};
use futures_util::TryStreamExt;
use serde_json::{json, Value};

fn webhook(server: &MockServer) -> Client {
    Client::builder()
        .webhook(format!("{}/rest/7/hook/", server.base_url()))
        .allow_http_loopback(true)
        .build()
        .unwrap()
}

/// Rows `{key: first}` … `{key: first + n - 1}`.
fn rows(key: &str, first: u64, n: u64) -> Vec<Value> {
    (first..first + n).map(|id| json!({ key: id })).collect()
}

#[test]
fn the_spec_gives_each_documented_scheme_its_kind() {
    let kind = |v, name| bitrix24::list_paging(v, name).map(|p| p.kind);
    assert_eq!(
        ImSearchUserList::PAGING.map(|p| p.kind),
        Some(PagingKind::OffsetLimit)
    );
    let users = bitrix24::list_paging(ApiVersion::V1, "im.dialog.users.list").unwrap();
    assert_eq!(
        (users.kind, users.id_field),
        (PagingKind::OffsetLimit, Some("id"))
    );
    let tasks = TaskItemsGetlist::PAGING.unwrap();
    assert_eq!(
        (tasks.kind, tasks.order, tasks.filter),
        (PagingKind::NavParams, Some("ORDER"), Some("FILTER"))
    );
    assert_eq!(
        kind(ApiVersion::V1, "bizproc.task.list"),
        Some(PagingKind::StartUpper)
    );
    assert_eq!(
        kind(ApiVersion::V3, "main.eventlog.tail"),
        Some(PagingKind::Cursor)
    );
    // `page` and `LAST_ID` lists are in the spec, but no stream walks them: plain calls.
    assert_eq!(kind(ApiVersion::V1, "biconnector.source.list"), None);
    assert_eq!(kind(ApiVersion::V1, "im.dialog.messages.get"), None);
}

#[tokio::test]
async fn offset_and_limit_move_by_a_page_until_a_short_one() {
    let server = MockServer::start();
    for (first, n) in [(1, 50), (51, 50), (101, 7)] {
        server.reply(Reply::json(200, &json!({"result": rows("id", first, n)})));
    }
    let client = webhook(&server);
    let got: Vec<Value> = client
        .list(ImSearchUserList::new("Ann"))
        .rows()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = got.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (1..=107).collect::<Vec<_>>());
    let sent: Vec<(Value, Value, Value)> = server
        .requests()
        .iter()
        .map(|r| {
            let body = r.json();
            (
                body["offset"].clone(),
                body["limit"].clone(),
                body["FIND"].clone(),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [0, 50, 100].map(|o| (json!(o), json!(50), json!("Ann")))
    );
    assert!(server.requests()[0].path.ends_with("/im.search.user.list"));
}

#[tokio::test]
async fn nav_params_ask_for_numbered_pages() {
    let server = MockServer::start();
    for (first, n) in [(1, 50), (51, 3)] {
        server.reply(Reply::json(200, &json!({"result": rows("ID", first, n)})));
    }
    let client = webhook(&server);
    let got: Vec<Value> = client
        .list(TaskItemsGetlist::new())
        .rows()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got.len(), 53);
    let pages: Vec<Value> = server
        .requests()
        .iter()
        .map(|r| r.json()["NAV_PARAMS"].clone())
        .collect();
    assert_eq!(
        pages,
        [
            json!({"nPageSize": 50, "iNumPage": 1}),
            json!({"nPageSize": 50, "iNumPage": 2})
        ]
    );
}

#[tokio::test]
async fn a_rest3_cursor_moves_past_the_last_id_seen() {
    let server = MockServer::start();
    for (first, n) in [(1, 50), (51, 50), (101, 0)] {
        server.reply(Reply::json(
            200,
            &json!({"result": {"items": rows("id", first, n)}}),
        ));
    }
    let client = webhook(&server);
    let got: Vec<Value> = client
        .list(MainEventlogTail::new())
        .rows()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got.len(), 100);
    let cursors: Vec<Value> = server
        .requests()
        .iter()
        .map(|r| r.json()["cursor"]["value"].clone())
        .collect();
    assert_eq!(cursors, [json!(0), json!(50), json!(100)]);
    assert!(server.requests()[0].path.contains("/rest/api/"));
}
