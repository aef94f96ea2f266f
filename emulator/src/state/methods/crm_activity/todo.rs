//! To-dos: `todo.add` and the `todo.update*` methods, which differ only in which parameter
//! fills which field.

use serde_json::{json, Map, Value};

use super::row::{bindings, set_bindings, stamp, ADD, UPDATE};
use crate::http::params;
use crate::http::reply::{Done, Fail};
use crate::state::methods::call::Call;
use crate::state::store::{obj, Data};

pub(super) fn todo_add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let owner = todo_owner(data, call)?;
    let changes = todo_changes(call, Some(("DEADLINE", "deadline")));
    let mut row = obj(json!({"PROVIDER_ID": "CRM_TODO", "TYPE_ID": 6, "SUBJECT": ""}));
    row.extend(changes);
    stamp(&mut row, call.user.id, true);
    set_bindings(&mut row, &[owner]);
    let id = data.activities.insert(row);
    call.fire(ADD, id);
    Ok(Done::new(json!({ "id": id })))
}

/// The `todo.update*` methods: the to-do `id`, bound to the owner, takes the changes.
pub(super) fn todo_update(
    data: &mut Data,
    call: &mut Call<'_>,
    extra: Option<(&str, &str)>,
) -> Result<Done, Fail> {
    let owner = todo_owner(data, call)?;
    let changes = todo_changes(call, extra);
    let id = call.id("id");
    let row = data
        .activities
        .rows
        .get_mut(&id)
        .ok_or_else(|| call.fail("NOT_FOUND", "not found"))?;
    if !bindings(row).contains(&owner) {
        return Err(call.fail("OWNER_NOT_FOUND", "not found"));
    }
    row.extend(changes);
    stamp(row, call.user.id, false);
    call.fire(UPDATE, id);
    Ok(Done::new(json!({ "id": id })))
}

/// The to-do's owner `ownerTypeId`/`ownerId`: its type (NOT_FOUND), then the item
/// (OWNER_NOT_FOUND).
fn todo_owner(data: &Data, call: &Call<'_>) -> Result<(u64, u64), Fail> {
    let owner = (call.id("ownerTypeId"), call.id("ownerId"));
    if !data.entity_type_exists(owner.0) {
        return Err(call.fail("NOT_FOUND", "not found"));
    }
    if !data.item_exists(owner.0, owner.1) {
        return Err(call.fail("OWNER_NOT_FOUND", "not found"));
    }
    Ok(owner)
}

/// The fields a to-do call sets: those every to-do method takes, then `extra`, a
/// (field, parameter) pair particular to the method.
fn todo_changes(call: &Call<'_>, extra: Option<(&str, &str)>) -> Map<String, Value> {
    let text = |key: &str| call.get(key).and_then(params::text);
    let mut changes = Map::new();
    let mut set = |field: &str, value: Option<Value>| {
        if let Some(v) = value {
            changes.insert(field.to_owned(), v);
        }
    };
    set("SUBJECT", text("title").map(Value::String));
    set("DESCRIPTION", text("description").map(Value::String));
    set("RESPONSIBLE_ID", call.get("responsibleId").cloned());
    set("PARENT_ID", call.get("parentActivityId").cloned());
    set("PING_OFFSETS", call.get("pingOffsets").cloned());
    set("COLOR_ID", call.get("colorId").cloned());
    if let Some((field, param)) = extra {
        set(field, call.get(param).cloned());
    }
    changes
}
