//! `crm.lead.*`, `crm.deal.*`, `crm.contact.*`, `crm.company.*`: add, get, list, update,
//! delete over the CRM item tables, with the portal's upper-case field names. The storing
//! itself ([`create`], [`modify`], [`remove`]) is shared with `crm.item.*`. Changes raise
//! `ONCRM{ENTITY}ADD`/`UPDATE`/`DELETE` for bound handlers.

use serde_json::{json, Map, Value};

use super::call::{Call, Handled};
use super::crm_activity;
use crate::clock;
use crate::http::reply::Done;
use crate::state::listing::Query;
use crate::state::store::Data;
use crate::state::wire;

pub(super) fn handle(data: &mut Data, call: &mut Call<'_>, name: &str) -> Handled {
    let (entity, action) = name.strip_prefix("crm.")?.split_once('.')?;
    let entity_type_id = match entity {
        "lead" => 1,
        "deal" => 2,
        "contact" => 3,
        "company" => 4,
        _ => return None,
    };
    Some(match action {
        "add" => call.writable().map(|()| {
            let fields = call.object("fields");
            let id = create(data, call, entity_type_id, fields);
            call.fire(&event(entity, "ADD"), id);
            Done::new(json!(id))
        }),
        "get" => data
            .table(entity_type_id)
            .get(call.id("id"))
            .map(|row| Done::new(wire::v1_row(&row)))
            .ok_or_else(|| not_found(call)),
        "list" => {
            let page = Query::read(call.params, &|f: &str| f.to_ascii_uppercase())
                .run(data.table(entity_type_id));
            call.counted += page.counted;
            Ok(Done {
                result: Value::Array(page.rows.iter().map(wire::v1).collect()),
                total: page.total,
                next: page.next,
            })
        }
        "update" => call.writable().and_then(|()| {
            let (id, fields) = (call.id("id"), call.object("fields"));
            match modify(data, call, entity_type_id, id, fields) {
                Some(_) => {
                    call.fire(&event(entity, "UPDATE"), id);
                    Ok(Done::new(json!(true)))
                }
                None => Err(not_found(call)),
            }
        }),
        "delete" => call.writable().and_then(|()| {
            let id = call.id("id");
            if remove(data, call, entity_type_id, id) {
                call.fire(&event(entity, "DELETE"), id);
                Ok(Done::new(json!(true)))
            } else {
                Err(not_found(call))
            }
        }),
        _ => return None,
    })
}

/// The event a change raises: `ONCRMDEALADD`, `ONCRMLEADUPDATE`, … (upper case, as posted).
fn event(entity: &str, action: &str) -> String {
    format!("ONCRM{}{action}", entity.to_ascii_uppercase())
}

/// Stores a new item with the portal's bookkeeping fields; its id.
pub(super) fn create(
    data: &mut Data,
    call: &mut Call<'_>,
    entity_type_id: u64,
    mut row: Map<String, Value>,
) -> u64 {
    let now = json!(clock::iso(clock::now()));
    row.insert("DATE_CREATE".into(), now.clone());
    row.insert("DATE_MODIFY".into(), now);
    row.insert("CREATED_BY_ID".into(), json!(call.user.id));
    row.entry("ASSIGNED_BY_ID").or_insert(json!(call.user.id));
    call.changed = true;
    data.table(entity_type_id).insert(row)
}

/// Merges `fields` into an item; the updated row, or `None` when there is no such item.
pub(super) fn modify<'d>(
    data: &'d mut Data,
    call: &mut Call<'_>,
    entity_type_id: u64,
    id: u64,
    fields: Map<String, Value>,
) -> Option<&'d Map<String, Value>> {
    let row = data.table(entity_type_id).get_mut(id)?;
    row.extend(fields);
    row.insert("ID".into(), json!(id));
    row.insert("DATE_MODIFY".into(), json!(clock::iso(clock::now())));
    call.changed = true;
    Some(row)
}

/// Deletes an item, with the activities bound only to it; `false` when there is no such item.
pub(super) fn remove(data: &mut Data, call: &mut Call<'_>, entity_type_id: u64, id: u64) -> bool {
    if !data.table(entity_type_id).remove(id) {
        return false;
    }
    call.changed = true;
    crm_activity::owner_deleted(data, call, entity_type_id, id);
    true
}

fn not_found(call: &Call<'_>) -> crate::http::reply::Fail {
    call.fail("", "not found")
}
