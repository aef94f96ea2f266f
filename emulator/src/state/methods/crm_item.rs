//! `crm.item.*` (add, get, list, update, delete): the universal CRM API over the same tables
//! as `crm.deal.*` and friends, with camelCase field names on the wire.

use heck::{ToLowerCamelCase, ToShoutySnakeCase};
use serde_json::{json, Map, Value};

use super::call::{Call, Handled};
use super::crm_entity::{create, modify, remove};
use crate::http::reply::{Done, Fail};
use crate::state::listing::Query;
use crate::state::store::Data;
use crate::state::wire;

pub(super) fn handle(data: &mut Data, call: &mut Call<'_>, name: &str) -> Handled {
    let action = name.strip_prefix("crm.item.")?;
    if !matches!(action, "add" | "get" | "list" | "update" | "delete") {
        return None;
    }
    let entity_type_id = call.id("entityTypeId");
    if !data.entity_type_exists(entity_type_id) {
        return Some(Err(call.fail("NOT_FOUND", "SPA not found")));
    }
    Some(match action {
        "add" => call.writable().map(|()| {
            let fields = stored_fields(&call.object("fields"));
            let id = create(data, call, entity_type_id, fields);
            let row = data.table(entity_type_id).get(id).unwrap_or_default();
            Done::new(json!({ "item": wire_item(&row, entity_type_id) }))
        }),
        "get" => data
            .table(entity_type_id)
            .get(call.id("id"))
            .map(|row| Done::new(json!({ "item": wire_item(&row, entity_type_id) })))
            .ok_or_else(|| item_not_found(call)),
        "list" => {
            let query = Query::read(call.params, &|f: &str| stored_name(f));
            let page = query.run(data.table(entity_type_id));
            call.counted += page.counted;
            let items: Vec<Value> = page
                .rows
                .iter()
                .filter_map(Value::as_object)
                .map(|row| wire_item(row, entity_type_id))
                .collect();
            Ok(Done {
                result: json!({ "items": items }),
                total: page.total,
                next: page.next,
            })
        }
        "update" => call.writable().and_then(|()| {
            let (id, fields) = (call.id("id"), stored_fields(&call.object("fields")));
            match modify(data, call, entity_type_id, id, fields) {
                Some(row) => Ok(Done::new(json!({ "item": wire_item(row, entity_type_id) }))),
                None => Err(item_not_found(call)),
            }
        }),
        _ => call.writable().and_then(|()| {
            if remove(data, call, entity_type_id, call.id("id")) {
                Ok(Done::new(json!([])))
            } else {
                Err(item_not_found(call))
            }
        }),
    })
}

fn item_not_found(call: &Call<'_>) -> Fail {
    call.fail("NOT_FOUND", "Item not found")
}

/// `stageId` → `STAGE_ID`; names already upper case (`UF_CRM_1`) stay.
fn stored_name(name: &str) -> String {
    if name.chars().any(|c| c.is_ascii_lowercase()) {
        name.to_shouty_snake_case()
    } else {
        name.to_owned()
    }
}

fn stored_fields(fields: &Map<String, Value>) -> Map<String, Value> {
    fields
        .iter()
        .map(|(k, v)| (stored_name(k), v.clone()))
        .collect()
}

/// A stored row as crm.item answers it: camelCase names, and its `entityTypeId`.
fn wire_item(row: &Map<String, Value>, entity_type_id: u64) -> Value {
    let mut item: Map<String, Value> = row
        .iter()
        .map(|(k, v)| {
            let key = if k.starts_with("UF_") {
                k.clone()
            } else {
                k.to_lower_camel_case()
            };
            let value = wire::item_field(&key, v);
            (key, value)
        })
        .collect();
    item.insert("entityTypeId".into(), json!(entity_type_id));
    Value::Object(item)
}
