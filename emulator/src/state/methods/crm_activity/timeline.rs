//! The activity's place in the timeline: badges, custom activity types, configurable
//! activities and additional content blocks.

use serde_json::{json, Map, Value};

use super::row::{activity, activity_and_owner, bindings, set_bindings, stamp, ADD, UPDATE};
use crate::http::params;
use crate::http::reply::{Done, Fail};
use crate::state::methods::call::Call;
use crate::state::store::{obj, Data};

pub(super) fn badge_add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let badge = json!({
        "code": code(call),
        "title": call.get("title").cloned().unwrap_or_default(),
        "value": call.get("value").cloned().unwrap_or_default(),
        "type": call.get("type").cloned().unwrap_or_default(),
    });
    data.badges.insert(code(call), badge.clone());
    call.changed = true;
    Ok(Done::new(json!({ "badge": badge })))
}

pub(super) fn badge_get(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    data.badges
        .get(&code(call))
        .map(|b| Done::new(json!({ "badge": b })))
        .ok_or_else(|| call.fail("NOT_FOUND", "not found"))
}

pub(super) fn badge_list(data: &mut Data, _: &mut Call<'_>) -> Result<Done, Fail> {
    Ok(Done::new(
        json!({ "badges": data.badges.values().collect::<Vec<_>>() }),
    ))
}

pub(super) fn badge_delete(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    match data.badges.remove(&code(call)) {
        Some(_) => {
            call.changed = true;
            Ok(Done::new(json!(true)))
        }
        None => Err(call.fail("NOT_FOUND", "not found")),
    }
}

pub(super) fn type_add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let fields = call.object("fields");
    let type_id = params::get(&fields, "TYPE_ID")
        .and_then(params::text)
        .unwrap_or_default();
    if type_id.trim().is_empty() {
        return Err(call.fail("INVALID_ARG_VALUE", "not filled"));
    }
    if data.activity_types.contains_key(&type_id) {
        return Err(call.fail("INVALID_ARG_VALUE", "already exists"));
    }
    let text = |key: &str, default: &str| {
        params::get(&fields, key)
            .and_then(params::text)
            .unwrap_or_else(|| default.to_owned())
    };
    let entry = json!({
        "TYPE_ID": type_id,
        "NAME": text("NAME", ""),
        "IS_CONFIGURABLE_TYPE": text("IS_CONFIGURABLE_TYPE", "N"),
        "ICON_ID": text("ICON_ID", "0"),
    });
    data.activity_types.insert(type_id, entry);
    call.changed = true;
    Ok(Done::new(json!(true)))
}

pub(super) fn type_list(data: &mut Data, _: &mut Call<'_>) -> Result<Done, Fail> {
    Ok(Done::new(Value::Array(
        data.activity_types.values().cloned().collect(),
    )))
}

pub(super) fn type_delete(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let type_id = call
        .get("TYPE_ID")
        .and_then(params::text)
        .unwrap_or_default();
    match data.activity_types.remove(&type_id) {
        Some(_) => {
            call.changed = true;
            Ok(Done::new(json!(true)))
        }
        None => Err(call.fail("NOT_FOUND", "not found")),
    }
}

pub(super) fn configurable_add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let owner = (call.id("ownerTypeId"), call.id("ownerId"));
    if !data.item_exists(owner.0, owner.1) {
        return Err(call.fail("NOT_FOUND", "not found"));
    }
    let mut row = obj(json!({
        "PROVIDER_ID": "CRM_CONFIGURABLE_REST",
        "SUBJECT": "",
        "CONFIGURABLE": {
            "ownerTypeId": owner.0,
            "ownerId": owner.1,
            "fields": call.object("fields"),
            "layout": call.get("layout").cloned().unwrap_or_default(),
        },
    }));
    stamp(&mut row, call.user.id, true);
    set_bindings(&mut row, &[owner]);
    let id = data.activities.insert(row);
    call.fire(ADD, id);
    Ok(Done::new(
        json!({ "activity": configurable_view(&data.activities.rows[&id]) }),
    ))
}

pub(super) fn configurable_get(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    activity(data, call, call.id("id"))
        .map(|row| Done::new(json!({ "activity": configurable_view(row) })))
}

pub(super) fn configurable_update(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let id = call.id("id");
    let fields = call.object("fields");
    let layout = call.get("layout").cloned().unwrap_or_default();
    let row = data
        .activities
        .rows
        .get_mut(&id)
        .ok_or_else(|| call.fail("NOT_FOUND", "not found"))?;
    let mut configurable = row
        .get("CONFIGURABLE")
        .cloned()
        .unwrap_or_else(|| json!({}));
    configurable["fields"] = Value::Object(fields);
    configurable["layout"] = layout;
    row.insert("CONFIGURABLE".into(), configurable);
    stamp(row, call.user.id, false);
    let view = configurable_view(row);
    call.fire(UPDATE, id);
    Ok(Done::new(json!({ "activity": view })))
}

pub(super) fn layout_blocks_set(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let id = bound_activity(data, call)?;
    data.layout_blocks
        .insert(id, call.get("layout").cloned().unwrap_or_default());
    call.changed = true;
    Ok(Done::new(json!({"success": true})))
}

pub(super) fn layout_blocks_get(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let id = bound_activity(data, call)?;
    Ok(Done::new(json!({
        "layout": data.layout_blocks.get(&id).cloned().unwrap_or_else(|| json!({"blocks": {}}))
    })))
}

pub(super) fn layout_blocks_delete(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let id = bound_activity(data, call)?;
    data.layout_blocks.remove(&id);
    call.changed = true;
    Ok(Done::new(json!({"success": true})))
}

fn code(call: &Call<'_>) -> String {
    call.get("code").and_then(params::text).unwrap_or_default()
}

fn configurable_view(row: &Map<String, Value>) -> Value {
    let mut view = row
        .get("CONFIGURABLE")
        .cloned()
        .unwrap_or_else(|| json!({}));
    view["id"] = row.get("ID").cloned().unwrap_or_default();
    view
}

/// The activity `activityId`, when it is bound to `entityTypeId`/`entityId` (both checked).
fn bound_activity(data: &Data, call: &Call<'_>) -> Result<u64, Fail> {
    let (id, owner) = activity_and_owner(data, call, ("entityTypeId", "entityId"))?;
    if !bindings(&data.activities.rows[&id]).contains(&owner) {
        return Err(call.fail("OWNER_NOT_FOUND", "not found"));
    }
    Ok(id)
}
