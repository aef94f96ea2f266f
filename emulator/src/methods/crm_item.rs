//! `crm.item.*` (add, get, list, update, delete): the universal CRM API over the same tables
//! as `crm.deal.*` and friends, with camelCase field names on the wire.

use heck::{ToLowerCamelCase, ToShoutySnakeCase};
use serde_json::{json, Map, Value};

use super::{crm_activity, Call, Handled};
use crate::clock;
use crate::listing::Query;
use crate::reply::{Done, Fail};
use crate::store::Data;

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
            let mut row = stored_fields(&call.object("fields"));
            let now = clock::iso(clock::now());
            row.insert("CREATED_TIME".into(), json!(now));
            row.insert("UPDATED_TIME".into(), json!(now));
            row.insert("CREATED_BY".into(), json!(call.user.id));
            row.entry("ASSIGNED_BY_ID").or_insert(json!(call.user.id));
            let table = data.table(entity_type_id);
            let id = table.insert(row);
            call.changed = true;
            Done::new(json!({ "item": wire_item(&table.rows[&id], entity_type_id) }))
        }),
        "get" => data
            .table(entity_type_id)
            .rows
            .get(&call.id("id"))
            .map(|row| Done::new(json!({ "item": wire_item(row, entity_type_id) })))
            .ok_or_else(|| item_not_found(call)),
        "list" => {
            let query = Query::read(call.params, &|f: &str| stored_name(f));
            let page = query.run(data.table(entity_type_id).rows.values());
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
            let id = call.id("id");
            let fields = stored_fields(&call.object("fields"));
            let row = data
                .table(entity_type_id)
                .rows
                .get_mut(&id)
                .ok_or_else(|| item_not_found(call))?;
            row.extend(fields);
            row.insert("ID".into(), json!(id));
            row.insert("UPDATED_TIME".into(), json!(clock::iso(clock::now())));
            let item = wire_item(row, entity_type_id);
            call.changed = true;
            Ok(Done::new(json!({ "item": item })))
        }),
        _ => call.writable().and_then(|()| {
            let id = call.id("id");
            data.table(entity_type_id)
                .rows
                .remove(&id)
                .ok_or_else(|| item_not_found(call))?;
            call.changed = true;
            crm_activity::owner_deleted(data, call, entity_type_id, id);
            Ok(Done::new(json!([])))
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
            (key, v.clone())
        })
        .collect();
    item.insert("entityTypeId".into(), json!(entity_type_id));
    Value::Object(item)
}
