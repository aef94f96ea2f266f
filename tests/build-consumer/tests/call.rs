//! The build-time generated client calls a loopback server like the `bitrix24` crate does.

use bitrix24::{Client, Error, ErrorCode};
use bitrix24_build_consumer::api::im::{ImNotifySystemAdd, ImNotifySystemAddError};
use bitrix24_build_consumer::api::user::UserCurrent;
use bitrix24_tests::{MockServer, Reply};
use serde_json::json;

fn client(server: &MockServer) -> Client {
    Client::builder()
        .webhook(format!("{}/rest/1/abc/", server.base_url()))
        .allow_http_loopback(true)
        .build()
        .unwrap()
}

#[tokio::test]
async fn generated_at_build_time_and_called() {
    let server = MockServer::start();
    server.reply(Reply::json(
        200,
        &json!({"result": {"ID": "1", "NAME": "Admin", "ACTIVE": true}}),
    ));
    let user = client(&server)
        .call(&UserCurrent::new())
        .await
        .unwrap()
        .result;
    assert_eq!((user.id, user.name.as_deref()), (Some(1), Some("Admin")));
    assert_eq!(server.requests()[0].path, "/rest/1/abc/user.current");

    server.reply(Reply::json(
        400,
        &json!({"error": "USER_ID_EMPTY", "error_description": "Recipient ID not specified"}),
    ));
    let err = client(&server)
        .call(&ImNotifySystemAdd::new(5, "hi"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&ImNotifySystemAddError::UserIdEmpty));

    let err = client(&server)
        .call(&ImNotifySystemAdd::new(0, ""))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation(v) if v.len() == 2),
        "{err}"
    );
    assert_eq!(server.requests().len(), 2);
    assert!(ImNotifySystemAddError::from_code("other").is_unknown());
}
