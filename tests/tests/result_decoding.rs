//! A realistic `crm.activity.list` answer — custom `UF_CRM_*` keys, numbers and flags as
//! strings, PHP's `[]` for empty objects — decodes into the generated types and re-encodes
//! with no loss; a value that does not fit is kept rather than failing the answer, and the
//! strict conformance check names its JSON path.

use bitrix24::conformance::{check_json, Cause};
use bitrix24::crm::CrmActivityList;
use bitrix24::serde_json::{self, json, Value};
use bitrix24::types::CrmActivity;

/// Two activities as a portal sends them.
fn answer() -> Value {
    json!([
        {
            "ID": "11", "OWNER_ID": "5", "OWNER_TYPE_ID": "2", "TYPE_ID": "2",
            "PROVIDER_ID": "VOXIMPLANT_CALL", "SUBJECT": "Call", "COMPLETED": "N",
            "DIRECTION": "2", "RESPONSIBLE_ID": "1", "RESULT_SUM": "12.50",
            "CREATED": "2024-05-01T10:00:00+03:00", "DEADLINE": "", "SETTINGS": [],
            "PROVIDER_PARAMS": [], "FILES": [], "BINDINGS": [{"OWNER_ID": "5", "OWNER_TYPE_ID": "2"}],
            "COMMUNICATIONS": [{"ID": "3", "TYPE_ID": "1", "VALUE": "+7 900", "ENTITY_SETTINGS": []}],
            "UF_CRM_1714000000": ["17", "18"], "UF_CRM_TASK": [], "ufCrm5Mark": null,
        },
        {
            "ID": 12, "COMPLETED": "Y", "DESCRIPTION": null, "IS_INCOMING_CHANNEL": "N",
            "LAST_UPDATED": "2024-05-02T10:00:00+03:00", "UF_CRM_1714000000": false,
        }
    ])
}

fn decode(answer: Value) -> Vec<CrmActivity> {
    serde_json::from_value(answer).expect("a real answer decodes")
}

#[test]
fn a_realistic_answer_decodes_with_its_quirks_and_custom_fields() {
    let list = decode(answer());
    assert_eq!(list.len(), 2);
    let (first, second) = (&list[0], &list[1]);
    assert_eq!(first.id, Some(11));
    assert_eq!(first.owner_id, Some(5));
    assert_eq!(first.completed, Some(false));
    assert_eq!(first.result_sum, Some(12.5));
    assert_eq!(first.deadline.as_deref(), Some(""));
    assert_eq!(first.settings.as_ref().map(|s| s.len()), Some(0));
    let communication = &first.communications.as_ref().unwrap()[0];
    assert_eq!(communication.id, Some(3));
    assert_eq!(communication.get_extra("ENTITY_SETTINGS"), Some(&json!([])));
    assert_eq!(
        first.get_extra("UF_CRM_1714000000"),
        Some(&json!(["17", "18"]))
    );
    assert_eq!(first.get_extra("UF_CRM_TASK"), Some(&json!([])));
    assert_eq!(first.get_extra("ufCrm5Mark"), Some(&Value::Null));
    assert_eq!(second.id, Some(12));
    assert_eq!(second.completed, Some(true));
    assert_eq!(second.description, None);
    assert_eq!(second.get_extra("UF_CRM_1714000000"), Some(&json!(false)));
}

#[test]
fn a_realistic_answer_re_encodes_with_no_loss() {
    let back = serde_json::to_value(decode(answer())).unwrap();
    // Custom fields come back as they came.
    assert_eq!(back[0]["UF_CRM_1714000000"], json!(["17", "18"]));
    assert_eq!(back[0]["ufCrm5Mark"], Value::Null);
    assert_eq!(back[1]["UF_CRM_1714000000"], json!(false));
    assert_eq!(back[0]["COMPLETED"], json!("N"));
    // And the whole answer survives, modulo the wire quirks (the conformance check's rule).
    let response = json!({ "result": answer(), "total": 2 }).to_string();
    assert_eq!(check_json::<CrmActivityList>("{}", &response), Ok(()));
}

#[test]
fn a_value_that_does_not_fit_is_kept_and_the_strict_check_names_its_path() {
    let mut sent = answer();
    sent[1]["OWNER_ID"] = json!({"id": 5});
    sent[0]["COMMUNICATIONS"][0]["ID"] = json!("three");
    let list = decode(sent.clone());
    assert_eq!(list[1].owner_id, None);
    assert_eq!(list[1].get_extra("OWNER_ID"), Some(&json!({"id": 5})));
    let communication = &list[0].communications.as_ref().unwrap()[0];
    assert_eq!(communication.id, None);
    assert_eq!(communication.get_extra("ID"), Some(&json!("three")));
    assert_eq!(
        serde_json::to_value(&list).unwrap()[1]["OWNER_ID"],
        json!({"id": 5})
    );

    let response = json!({ "result": sent }).to_string();
    let failure = check_json::<CrmActivityList>("{}", &response).unwrap_err();
    assert_eq!(failure.cause, Cause::ResponseDoesNotDecode);
    assert!(
        failure.detail.contains(
            "`result[0].COMMUNICATIONS[0].ID` does not match the documented shape: \
             expected an integer, found \"three\""
        ),
        "{failure}"
    );
}

#[test]
fn a_value_lost_on_the_way_back_is_named() {
    // `DESCRIPTION` typed as a string: a number comes back as its text, the same value.
    let response = json!({ "result": [{ "ID": "1", "DESCRIPTION": 15 }] }).to_string();
    assert_eq!(check_json::<CrmActivityList>("{}", &response), Ok(()));
    // A sparse PHP array where a list is documented is kept whole, not read as a list.
    let sparse = json!({ "result": [{ "COMMUNICATIONS": {"4": {"ID": 1}} }] });
    let list = decode(sparse["result"].clone());
    assert_eq!(list[0].communications, None);
    assert_eq!(
        list[0].get_extra("COMMUNICATIONS"),
        Some(&json!({"4": {"ID": 1}}))
    );
    let failure = check_json::<CrmActivityList>("{}", &sparse.to_string()).unwrap_err();
    assert_eq!(failure.cause, Cause::ResponseDoesNotDecode);
    assert!(
        failure.detail.contains("`result[0].COMMUNICATIONS`"),
        "{failure}"
    );
}
