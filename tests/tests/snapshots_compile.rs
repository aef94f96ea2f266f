//! The generator's snapshots compile and behave: keywords, `ID`/`id`, names of the generated
//! code's own locals, dotted names, methods named like Rust types, v1 and v3 of one name.

#[allow(clippy::all, dead_code)]
mod basic {
    include!("../snapshots/basic.rs");
}

#[allow(clippy::all, dead_code)]
mod collisions {
    include!("../snapshots/collisions.rs");
}

use bitrix24::{ApiVersion, ErrorCode, Method, Validate};
use serde_json::json;

#[test]
fn colliding_names_keep_their_wire_names() {
    use collisions::crm::*;
    let request = CrmThingUpdate::new("deal", 1, CrmThingUpdateFields::new(5).match_(true))
        .ref_(2)
        .self_(true)
        .id(3)
        .v("local-like")
        .value(4)
        .serializer("s")
        .new_("n")
        .validate_(false);
    assert!(request.validate().is_ok());
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"type": "deal", "ref": 2, "self": true, "ID": 1, "id": 3, "__v": "local-like",
               "__value": 4, "serializer": "s", "new": "n", "validate": false,
               "fields": {"ID": 5, "match": "Y"}})
    );
    assert_eq!(
        CrmThingUpdateError::from_code("NOT_FOUND"),
        CrmThingUpdateError::NotFound
    );
    assert_eq!(
        CrmThingUpdateError::from_code("not_found"),
        CrmThingUpdateError::NotFound2
    );
    assert_eq!(
        CrmThingUpdateError::from_code("100"),
        CrmThingUpdateError::Code100
    );
    assert_eq!(
        CrmThingUpdateError::from_code("UNKNOWN"),
        CrmThingUpdateError::UnknownValue
    );
    assert!(CrmThingUpdateError::from_code("UNKNOWN2").is_unknown());
}

#[test]
fn methods_named_like_types_and_dotted_names() {
    use collisions::crm::*;
    assert_eq!(ResultMethod::NAME, "result");
    assert_eq!(StringMethod::NAME, "string");
    assert_eq!(ABCDE::NAME, "a.b.c.d.e");
    assert_eq!(CrmThingUpdateFieldsMethod::NAME, "crm.thing.update.fields");
    let _: collisions::types::OptionType = serde_json::from_value(json!({"Some": "1"})).unwrap();
    assert_eq!(collisions::task::TasksTaskGet::VERSION, ApiVersion::V1);
    assert_eq!(collisions::task::TasksTaskGetV3::VERSION, ApiVersion::V3);
    assert_eq!(
        collisions::task::TasksTaskGetV3::RESULT_WRAPPER,
        Some("item")
    );
}

#[test]
fn basic_fixture_validates_and_serializes() {
    use basic::demo::*;
    use basic::types::Priority;
    let fields = DemoNoteAddFields::new("x".repeat(256))
        .priority(Priority::Unknown(9))
        .tags(vec!["a".to_owned(); 6]);
    let problems = DemoNoteAdd::new(fields).validate().unwrap_err();
    let text = problems.to_string();
    assert!(
        text.contains("fields.TITLE: must be at most 255 characters long"),
        "{text}"
    );
    assert!(
        text.contains("fields.PRIORITY: value `9` is not one of the documented values: 1, 2, 3"),
        "{text}"
    );
    assert!(
        text.contains("fields.TAGS: must have at most 5 items"),
        "{text}"
    );
    let ok = DemoNoteAdd::new(
        DemoNoteAddFields::new("Note")
            .priority(Priority::High)
            .done(false)
            .extra("CUSTOM", 1),
    );
    assert_eq!(
        serde_json::to_value(&ok).unwrap(),
        json!({"fields": {"TITLE": "Note", "PRIORITY": 3, "DONE": "N", "CUSTOM": 1}})
    );
    assert_eq!(
        DemoNoteGetError::from_code("BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION"),
        DemoNoteGetError::EntityNotFoundException
    );
    let payload: basic::event_payloads::OnDemoNoteAdd =
        serde_json::from_value(json!({"event": "onDemoNoteAdd", "data": {"FIELDS": {"ID": "7"}}}))
            .unwrap();
    assert_eq!(payload.data.unwrap().fields.unwrap().id, Some(7));
}
