//! Activities and their bindings: `add`, `get`, `list`, `update`, `delete` and `binding.*`,
//! and what deleting a CRM item does to the activities bound to it.

use serde_json::{json, Map, Value};

use super::row::{
    activity, activity_and_owner, bindings, set_bindings, stamp, ADD, DELETE, UPDATE,
};
use crate::http::params;
use crate::http::reply::{Done, Fail};
use crate::state::listing::Query;
use crate::state::methods::call::Call;
use crate::state::store::Data;
use crate::state::wire;

/// Deleting a CRM item removes its bindings; activities left without any are deleted.
pub(crate) fn owner_deleted(data: &mut Data, call: &mut Call<'_>, entity_type_id: u64, id: u64) {
    let mut orphans = Vec::new();
    for (activity_id, row) in &mut data.activities.rows {
        let before = bindings(row);
        let after: Vec<(u64, u64)> = before
            .iter()
            .copied()
            .filter(|b| *b != (entity_type_id, id))
            .collect();
        if after.len() != before.len() {
            if after.is_empty() {
                orphans.push(*activity_id);
            } else {
                set_bindings(row, &after);
            }
        }
    }
    for activity_id in orphans {
        data.activities.rows.remove(&activity_id);
        data.layout_blocks.remove(&activity_id);
        call.fire(DELETE, activity_id);
    }
}

pub(super) fn add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let mut row = call.object("fields");
    let owner = (
        int_field(&row, "OWNER_TYPE_ID"),
        int_field(&row, "OWNER_ID"),
    );
    let mut list = vec![owner];
    if let Some(Value::Array(extra)) = row.get("BINDINGS") {
        for b in extra.iter().filter_map(Value::as_object) {
            let pair = (int_field(b, "OWNER_TYPE_ID"), int_field(b, "OWNER_ID"));
            if !list.contains(&pair) {
                list.push(pair);
            }
        }
    }
    if list.iter().any(|(t, id)| !data.item_exists(*t, *id)) {
        return Err(call.fail("", "could not build binding"));
    }
    stamp(&mut row, call.user.id, true);
    set_bindings(&mut row, &list);
    let id = data.activities.insert(row);
    call.fire(ADD, id);
    Ok(Done::new(json!(id)))
}

pub(super) fn get(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    activity(data, call, call.id("id")).map(|row| Done::new(wire::v1_row(row)))
}

pub(super) fn list(data: &Data, call: &mut Call<'_>) -> Done {
    let page = Query::read(call.params, &|f: &str| f.to_ascii_uppercase()).run(&data.activities);
    call.counted += page.counted;
    Done {
        result: Value::Array(page.rows.iter().map(wire::v1).collect()),
        total: page.total,
        next: page.next,
    }
}

pub(super) fn update(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let id = call.id("id");
    let fields = call.object("fields");
    let row = data
        .activities
        .rows
        .get_mut(&id)
        .ok_or_else(|| call.fail("", "not found"))?;
    for (k, v) in fields {
        if k != "ID" && k != "BINDINGS" {
            row.insert(k, v);
        }
    }
    stamp(row, call.user.id, false);
    call.fire(UPDATE, id);
    Ok(Done::new(json!(true)))
}

pub(super) fn delete(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let id = call.id("id");
    data.activities
        .rows
        .remove(&id)
        .ok_or_else(|| call.fail("", "not found"))?;
    data.layout_blocks.remove(&id);
    call.fire(DELETE, id);
    Ok(Done::new(json!(true)))
}

pub(super) fn binding_list(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    activity(data, call, call.id("activityId")).map(|row| {
        let bindings: Vec<Value> = bindings(row)
            .into_iter()
            .map(|(t, id)| json!({"entityTypeId": t, "entityId": id}))
            .collect();
        Done::new(Value::Array(bindings))
    })
}

pub(super) fn binding_add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let (id, owner) = activity_and_owner(data, call, ("entityTypeId", "entityId"))?;
    let row = data
        .activities
        .rows
        .get_mut(&id)
        .ok_or_else(|| call.fail("NOT_FOUND", "not found"))?;
    let mut list = bindings(row);
    if list.contains(&owner) {
        return Err(call.fail("ACTIVITY_IS_ALREADY_BOUND", "already bound"));
    }
    list.push(owner);
    set_bindings(row, &list);
    call.fire(UPDATE, id);
    Ok(Done::new(json!(true)))
}

pub(super) fn binding_delete(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let (id, owner) = activity_and_owner(data, call, ("entityTypeId", "entityId"))?;
    let row = data
        .activities
        .rows
        .get_mut(&id)
        .ok_or_else(|| call.fail("NOT_FOUND", "not found"))?;
    let mut list = bindings(row);
    if !list.contains(&owner) {
        return Err(call.fail("BINDING_NOT_FOUND", ""));
    }
    if list.len() == 1 {
        return Err(call.fail("LAST_BINDING_CANNOT_BE_DELETED", ""));
    }
    list.retain(|b| *b != owner);
    set_bindings(row, &list);
    call.fire(UPDATE, id);
    Ok(Done::new(json!(true)))
}

pub(super) fn binding_move(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let id = call.id("activityId");
    activity(data, call, id)?;
    let source = (call.id("sourceEntityTypeId"), call.id("sourceEntityId"));
    let target = (call.id("targetEntityTypeId"), call.id("targetEntityId"));
    if !data.item_exists(target.0, target.1) {
        return Err(call.fail("OWNER_NOT_FOUND", "not found"));
    }
    let row = data
        .activities
        .rows
        .get_mut(&id)
        .ok_or_else(|| call.fail("NOT_FOUND", "not found"))?;
    let mut list = bindings(row);
    if !list.contains(&source) {
        return Err(call.fail("BINDING_NOT_FOUND", ""));
    }
    if list.contains(&target) {
        return Err(call.fail("ACTIVITY_IS_ALREADY_BOUND", "already bound"));
    }
    for b in &mut list {
        if *b == source {
            *b = target;
        }
    }
    set_bindings(row, &list);
    call.fire(UPDATE, id);
    Ok(Done::new(json!(true)))
}

fn int_field(map: &Map<String, Value>, key: &str) -> u64 {
    params::get(map, key).and_then(params::uint).unwrap_or(0)
}
