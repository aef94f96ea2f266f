//! Every seed method through the typed client against the emulator: the documented request
//! (with ids pointed at the emulator's data) succeeds and decodes into the typed result, and
//! the documented errors come back as the method's typed error codes.

use std::path::Path;

use bitrix24::crm::*;
use bitrix24::mail::*;
use bitrix24::{ApiError, Client, Error, ErrorCode, Method};
use bitrix24_emulator::{Config, Emulator, Webhook};
use bitrix_spec::{ExampleKind, Spec, Version};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

struct World {
    spec: Spec,
    admin: Client,
    reader: Client,
    _emulator: Emulator,
}

async fn world() -> World {
    let mut config = Config {
        rate_limit: None,
        ..Config::default()
    };
    config.webhooks.push(Webhook {
        user_id: 2,
        secret: "reader".into(),
        scopes: None,
    });
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let client = |hook: String| {
        Client::builder()
            .webhook(hook)
            .allow_http_loopback(true)
            .build()
            .unwrap()
    };
    World {
        spec: bitrix_spec::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"))
            .into_result()
            .expect("the checked-in spec is valid"),
        admin: client(emulator.webhook_url().unwrap()),
        reader: client(format!("{}/rest/2/reader/", emulator.base_url())),
        _emulator: emulator,
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

impl World {
    /// The documented request of `M` with `patch` merged over it.
    fn request<M: Method + DeserializeOwned>(&self, patch: &Value) -> M {
        let version = if M::VERSION == bitrix24::ApiVersion::V3 {
            Version::V3
        } else {
            Version::V1
        };
        let method = self.spec.method(M::NAME, version).expect("in the spec");
        let mut body = method
            .examples
            .iter()
            .find(|e| e.kind == ExampleKind::Request)
            .map_or_else(|| json!({}), |e| e.body.clone());
        merge(&mut body, patch);
        serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("{}: {body} does not build: {e}", M::NAME))
    }

    async fn ok<M: Method + DeserializeOwned>(&self, patch: Value) -> M::Output
    where
        M::Error: std::fmt::Debug,
    {
        let request: M = self.request(&patch);
        match self.admin.call_result(&request).await {
            Ok(out) => out,
            Err(e) => panic!("{} with {patch}: {e:?}", M::NAME),
        }
    }

    async fn err_as<M: Method + DeserializeOwned>(
        &self,
        client: &Client,
        patch: Value,
        code: &str,
    ) -> ApiError<M::Error>
    where
        M::Error: std::fmt::Debug,
        M::Output: std::fmt::Debug,
    {
        let request: M = self.request(&patch);
        match client.call(&request).await {
            Err(Error::Api(api)) => {
                assert_eq!(api.code.code(), code, "{}: {api:?}", M::NAME);
                assert!(
                    code.is_empty() || !api.code.is_unknown(),
                    "{}: `{code}` is a documented, typed code",
                    M::NAME
                );
                api
            }
            other => panic!("{} with {patch}: expected {code}, got {other:?}", M::NAME),
        }
    }

    async fn err<M: Method + DeserializeOwned>(
        &self,
        patch: Value,
        code: &str,
    ) -> ApiError<M::Error>
    where
        M::Error: std::fmt::Debug,
        M::Output: std::fmt::Debug,
    {
        self.err_as::<M>(&self.admin, patch, code).await
    }
}

fn activity_fields(owner_id: u64) -> Value {
    json!({"fields": {"OWNER_TYPE_ID": 2, "OWNER_ID": owner_id}})
}

#[tokio::test]
async fn activities_get_list_update_delete() {
    let w = world().await;
    let id = w.ok::<CrmActivityAdd>(activity_fields(1)).await;
    let missing_owner = w.err::<CrmActivityAdd>(activity_fields(999), "").await;
    assert!(
        missing_owner.message.contains("binding"),
        "{missing_owner:?}"
    );

    let got = w.ok::<CrmActivityGet>(json!({"id": id})).await;
    assert_eq!(got.id, Some(id));
    let err = w.err::<CrmActivityGet>(json!({"id": 999}), "").await;
    assert_eq!(err.message, "Activity is not found");

    let list = w
        .ok::<CrmActivityList>(json!({"filter": {"OWNER_ID": 1, "OWNER_TYPE_ID": 2}}))
        .await;
    assert_eq!(list.iter().map(|a| a.id).collect::<Vec<_>>(), [Some(id)]);

    // The page marks these `fields` required for updates too (its example omits them).
    let required = json!({"OWNER_ID": 1, "OWNER_TYPE_ID": 2, "TYPE_ID": 2,
        "COMMUNICATIONS": [{"VALUE": "+100", "ENTITY_ID": 1, "ENTITY_TYPE_ID": 3}]});
    assert!(
        w.ok::<CrmActivityUpdate>(json!({"id": id, "fields": required}))
            .await
    );
    let updated = w.ok::<CrmActivityGet>(json!({"id": id})).await;
    assert_eq!(
        updated.description.as_deref(),
        Some("New description of the activity")
    );
    w.err::<CrmActivityUpdate>(json!({"id": 999, "fields": required}), "")
        .await;

    assert!(w.ok::<CrmActivityDelete>(json!({"id": id})).await);
    w.err::<CrmActivityDelete>(json!({"id": id}), "").await;

    // Stateless methods answer with their documented shapes.
    w.ok::<CrmActivityFields>(json!({})).await;
    w.ok::<CrmActivityCommunicationFields>(json!({})).await;
    w.ok::<CrmActivityCallGetTranscript>(json!({})).await;
}

#[tokio::test]
async fn todos() {
    let w = world().await;
    let id = w
        .ok::<CrmActivityTodoAdd>(json!({"ownerTypeId": 2, "ownerId": 1}))
        .await
        .unwrap()
        .id
        .unwrap();
    w.err::<CrmActivityTodoAdd>(json!({"ownerTypeId": 2, "ownerId": 999}), "OWNER_NOT_FOUND")
        .await;
    w.err::<CrmActivityTodoAdd>(json!({"ownerTypeId": 999, "ownerId": 1}), "NOT_FOUND")
        .await;
    let patch = json!({"id": id, "ownerTypeId": 2, "ownerId": 1});
    assert_eq!(
        w.ok::<CrmActivityTodoUpdate>(patch.clone())
            .await
            .unwrap()
            .id,
        Some(id)
    );
    assert_eq!(
        w.ok::<CrmActivityTodoUpdateColor>(patch.clone())
            .await
            .unwrap()
            .id,
        Some(id)
    );
    assert_eq!(
        w.ok::<CrmActivityTodoUpdateDeadline>(patch.clone())
            .await
            .unwrap()
            .id,
        Some(id)
    );
    assert_eq!(
        w.ok::<CrmActivityTodoUpdateDescription>(patch.clone())
            .await
            .unwrap()
            .id,
        Some(id)
    );
    assert_eq!(
        w.ok::<CrmActivityTodoUpdateResponsibleUser>(patch.clone())
            .await
            .unwrap()
            .id,
        Some(id)
    );
    let todo = w.ok::<CrmActivityGet>(json!({"id": id})).await;
    assert!(todo.description.is_some());
    w.err::<CrmActivityTodoUpdateColor>(
        json!({"id": 999, "ownerTypeId": 2, "ownerId": 1}),
        "NOT_FOUND",
    )
    .await;
    w.err::<CrmActivityTodoUpdateColor>(
        json!({"id": id, "ownerTypeId": 2, "ownerId": 2}),
        "OWNER_NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn bindings_refuse_to_delete_the_last_one() {
    let w = world().await;
    let id = w.ok::<CrmActivityAdd>(activity_fields(1)).await;
    let at = |entity: u64| json!({"activityId": id, "entityTypeId": 2, "entityId": entity});
    assert!(w.ok::<CrmActivityBindingAdd>(at(2)).await);
    w.err::<CrmActivityBindingAdd>(at(2), "ACTIVITY_IS_ALREADY_BOUND")
        .await;
    w.err::<CrmActivityBindingAdd>(at(999), "OWNER_NOT_FOUND")
        .await;
    let list = w
        .ok::<CrmActivityBindingList>(json!({"activityId": id}))
        .await;
    assert_eq!(
        list.iter().map(|b| b.entity_id).collect::<Vec<_>>(),
        [Some(1), Some(2)]
    );
    let moved = json!({"activityId": id, "sourceEntityTypeId": 2, "sourceEntityId": 2, "targetEntityTypeId": 2, "targetEntityId": 3});
    assert!(w.ok::<CrmActivityBindingMove>(moved.clone()).await);
    w.err::<CrmActivityBindingMove>(moved, "BINDING_NOT_FOUND")
        .await;
    assert!(w.ok::<CrmActivityBindingDelete>(at(3)).await);
    w.err::<CrmActivityBindingDelete>(at(4), "BINDING_NOT_FOUND")
        .await;
    w.err::<CrmActivityBindingDelete>(at(1), "LAST_BINDING_CANNOT_BE_DELETED")
        .await;
    w.err::<CrmActivityBindingDelete>(
        json!({"activityId": 999, "entityTypeId": 2, "entityId": 1}),
        "NOT_FOUND",
    )
    .await;
    w.err::<CrmActivityBindingList>(json!({"activityId": 999}), "NOT_FOUND")
        .await;
    w.err_as::<CrmActivityBindingDelete>(&w.reader, at(1), "ACCESS_DENIED")
        .await;
}

#[tokio::test]
async fn types_badges_configurable_and_layout_blocks() {
    let w = world().await;
    assert!(w.ok::<CrmActivityTypeAdd>(json!({})).await);
    w.err::<CrmActivityTypeAdd>(json!({}), "INVALID_ARG_VALUE")
        .await;
    assert_eq!(w.ok::<CrmActivityTypeList>(json!({})).await.len(), 1);
    assert!(w.ok::<CrmActivityTypeDelete>(json!({})).await);
    w.err::<CrmActivityTypeDelete>(json!({}), "NOT_FOUND").await;

    let badge = w
        .ok::<CrmActivityBadgeAdd>(json!({}))
        .await
        .unwrap()
        .badge
        .unwrap();
    let code = badge.code.clone().unwrap();
    assert_eq!(
        w.ok::<CrmActivityBadgeGet>(json!({"code": code}))
            .await
            .unwrap()
            .badge
            .unwrap()
            .code,
        Some(code.clone())
    );
    assert_eq!(
        w.ok::<CrmActivityBadgeList>(json!({}))
            .await
            .badges
            .unwrap()
            .len(),
        1
    );
    assert!(w.ok::<CrmActivityBadgeDelete>(json!({"code": code})).await);
    w.err::<CrmActivityBadgeDelete>(json!({"code": code}), "NOT_FOUND")
        .await;
    w.err::<CrmActivityBadgeGet>(json!({"code": code}), "NOT_FOUND")
        .await;

    let added = w
        .ok::<CrmActivityConfigurableAdd>(json!({"ownerTypeId": 2, "ownerId": 1}))
        .await
        .unwrap();
    let id = added.activity.unwrap().id.unwrap();
    w.ok::<CrmActivityConfigurableGet>(json!({"id": id})).await;
    w.ok::<CrmActivityConfigurableUpdate>(json!({"id": id}))
        .await;
    w.err::<CrmActivityConfigurableGet>(json!({"id": 999}), "NOT_FOUND")
        .await;
    w.err::<CrmActivityConfigurableAdd>(json!({"ownerTypeId": 2, "ownerId": 999}), "NOT_FOUND")
        .await;

    let at = json!({"activityId": id, "entityTypeId": 2, "entityId": 1});
    // Both answer `null` when nothing was written or deleted (their pages say so): `Option`.
    let set = w.ok::<CrmActivityLayoutBlocksSet>(at.clone()).await;
    assert_eq!(set.and_then(|r| r.success), Some(true));
    w.ok::<CrmActivityLayoutBlocksGet>(at.clone()).await;
    let deleted = w.ok::<CrmActivityLayoutBlocksDelete>(at).await;
    assert_eq!(deleted.and_then(|r| r.success), Some(true));
    w.err::<CrmActivityLayoutBlocksSet>(
        json!({"activityId": 999, "entityTypeId": 2, "entityId": 1}),
        "NOT_FOUND",
    )
    .await;
    w.err::<CrmActivityLayoutBlocksGet>(
        json!({"activityId": id, "entityTypeId": 2, "entityId": 5}),
        "OWNER_NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn items_and_mail_messages() {
    let w = world().await;
    let activity = w.ok::<CrmActivityAdd>(activity_fields(5)).await;
    w.err_as::<CrmItemDelete>(
        &w.reader,
        json!({"entityTypeId": 2, "id": 5}),
        "ACCESS_DENIED",
    )
    .await;
    w.ok::<CrmItemDelete>(json!({"entityTypeId": 2, "id": 5}))
        .await;
    let gone = w
        .err::<CrmItemDelete>(json!({"entityTypeId": 2, "id": 5}), "NOT_FOUND")
        .await;
    assert_eq!(gone.message, "Item not found");
    let spa = w
        .err::<CrmItemDelete>(json!({"entityTypeId": 999, "id": 1}), "NOT_FOUND")
        .await;
    assert_eq!(spa.message, "SPA not found");
    // The deal's only activity went with it.
    w.err::<CrmActivityGet>(json!({"id": activity}), "").await;

    let first = w.ok::<MailMessageCreatechat>(json!({"messageId": 1})).await;
    assert_eq!(first.existing, Some(false));
    let second = w.ok::<MailMessageCreatechat>(json!({"messageId": 1})).await;
    assert_eq!(
        (second.existing, second.chat_id),
        (Some(true), first.chat_id)
    );
    let missing = w
        .err::<MailMessageCreatechat>(
            json!({"messageId": 999}),
            "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
        )
        .await;
    assert_eq!(missing.validation[0].field, "messageId");
    assert!(
        w.ok::<MailMessageRemovecrmactivity>(json!({"messageId": 2}))
            .await
    );
    w.err::<MailMessageRemovecrmactivity>(
        json!({"messageId": 999}),
        "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
    )
    .await;
}
