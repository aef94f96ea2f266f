//! `crm.activity.*`: activities and their bindings, to-dos, badges, custom types, configurable
//! activities and additional content blocks. Adding, updating and deleting an activity raise
//! `onCrmActivityAdd` / `Update` / `Delete`.

use serde_json::{json, Map, Value};

use super::{Call, Handled};
use crate::clock;
use crate::http::params;
use crate::http::reply::{Done, Fail};
use crate::state::listing::Query;
use crate::state::store::{obj, Data};

const ADD: &str = "ONCRMACTIVITYADD";
const UPDATE: &str = "ONCRMACTIVITYUPDATE";
const DELETE: &str = "ONCRMACTIVITYDELETE";

pub(super) fn handle(data: &mut Data, call: &mut Call<'_>, name: &str) -> Handled {
    let action = name.strip_prefix("crm.activity.")?;
    let read_only = matches!(
        action,
        "get"
            | "list"
            | "binding.list"
            | "badge.get"
            | "badge.list"
            | "type.list"
            | "configurable.get"
            | "layout.blocks.get"
    );
    let known = read_only
        || matches!(
            action,
            "add"
                | "update"
                | "delete"
                | "binding.add"
                | "binding.delete"
                | "binding.move"
                | "badge.add"
                | "badge.delete"
                | "type.add"
                | "type.delete"
                | "configurable.add"
                | "configurable.update"
                | "layout.blocks.set"
                | "layout.blocks.delete"
        )
        || action.starts_with("todo.");
    if !known {
        return None;
    }
    if !read_only {
        if let Err(denied) = call.writable() {
            return Some(Err(denied));
        }
    }
    Some(match action {
        "add" => add(data, call),
        "get" => {
            activity(data, call, call.id("id")).map(|row| Done::new(Value::Object(row.clone())))
        }
        "list" => Ok(list(data, call)),
        "update" => update(data, call),
        "delete" => delete(data, call),
        "binding.list" => activity(data, call, call.id("activityId")).map(|row| {
            let bindings: Vec<Value> = bindings(row)
                .into_iter()
                .map(|(t, id)| json!({"entityTypeId": t, "entityId": id}))
                .collect();
            Done::new(Value::Array(bindings))
        }),
        "binding.add" => binding_add(data, call),
        "binding.delete" => binding_delete(data, call),
        "binding.move" => binding_move(data, call),
        "badge.add" => badge_add(data, call),
        "badge.get" => data
            .badges
            .get(&code(call))
            .map(|b| Done::new(json!({ "badge": b })))
            .ok_or_else(|| call.fail("NOT_FOUND", "not found")),
        "badge.list" => Ok(Done::new(
            json!({ "badges": data.badges.values().collect::<Vec<_>>() }),
        )),
        "badge.delete" => match data.badges.remove(&code(call)) {
            Some(_) => {
                call.changed = true;
                Ok(Done::new(json!(true)))
            }
            None => Err(call.fail("NOT_FOUND", "not found")),
        },
        "type.add" => type_add(data, call),
        "type.list" => Ok(Done::new(Value::Array(
            data.activity_types.values().cloned().collect(),
        ))),
        "type.delete" => {
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
        "configurable.add" => configurable_add(data, call),
        "configurable.get" => activity(data, call, call.id("id"))
            .map(|row| Done::new(json!({ "activity": configurable_view(row) }))),
        "configurable.update" => configurable_update(data, call),
        "layout.blocks.set" | "layout.blocks.get" | "layout.blocks.delete" => {
            layout_blocks(data, call, action)
        }
        todo => todo_call(data, call, todo),
    })
}

/// Deleting a CRM item removes its bindings; activities left without any are deleted.
pub(super) fn owner_deleted(data: &mut Data, call: &mut Call<'_>, entity_type_id: u64, id: u64) {
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

fn activity<'d>(data: &'d Data, call: &Call<'_>, id: u64) -> Result<&'d Map<String, Value>, Fail> {
    data.activities
        .rows
        .get(&id)
        .ok_or_else(|| call.fail("NOT_FOUND", "not found"))
}

fn code(call: &Call<'_>) -> String {
    call.get("code").and_then(params::text).unwrap_or_default()
}

/// `[(OWNER_TYPE_ID, OWNER_ID)]` of an activity row.
fn bindings(row: &Map<String, Value>) -> Vec<(u64, u64)> {
    let read = |v: &Value, key: &str| v.get(key).and_then(params::uint);
    row.get("BINDINGS")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|b| Some((read(b, "OWNER_TYPE_ID")?, read(b, "OWNER_ID")?)))
                .collect()
        })
        .unwrap_or_default()
}

fn set_bindings(row: &mut Map<String, Value>, list: &[(u64, u64)]) {
    let value: Vec<Value> = list
        .iter()
        .map(|(t, id)| json!({"OWNER_TYPE_ID": t, "OWNER_ID": id}))
        .collect();
    row.insert("BINDINGS".into(), Value::Array(value));
    if let Some((t, id)) = list.first() {
        row.insert("OWNER_TYPE_ID".into(), json!(t));
        row.insert("OWNER_ID".into(), json!(id));
    }
}

fn stamp(row: &mut Map<String, Value>, user: u64, created: bool) {
    let now = json!(clock::iso(clock::now()));
    if created {
        row.insert("CREATED".into(), now.clone());
        row.insert("AUTHOR_ID".into(), json!(user));
        row.entry("COMPLETED").or_insert(json!("N"));
        row.entry("RESPONSIBLE_ID").or_insert(json!(user));
    }
    row.insert("LAST_UPDATED".into(), now);
    row.insert("EDITOR_ID".into(), json!(user));
}

fn int_field(map: &Map<String, Value>, key: &str) -> u64 {
    params::get(map, key).and_then(params::uint).unwrap_or(0)
}

fn add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
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

fn list(data: &Data, call: &Call<'_>) -> Done {
    let page = Query::read(call.params, &|f: &str| f.to_ascii_uppercase())
        .run(data.activities.rows.values());
    Done {
        result: Value::Array(page.rows),
        total: page.total,
        next: page.next,
    }
}

fn update(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
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

fn delete(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    let id = call.id("id");
    data.activities
        .rows
        .remove(&id)
        .ok_or_else(|| call.fail("", "not found"))?;
    data.layout_blocks.remove(&id);
    call.fire(DELETE, id);
    Ok(Done::new(json!(true)))
}

/// The activity `activityId` (NOT_FOUND) and the entity `entityTypeId`/`entityId`
/// (OWNER_NOT_FOUND), both checked.
fn activity_and_owner(
    data: &Data,
    call: &Call<'_>,
    entity: (&str, &str),
) -> Result<(u64, (u64, u64)), Fail> {
    let id = call.id("activityId");
    activity(data, call, id)?;
    let owner = (call.id(entity.0), call.id(entity.1));
    if !data.item_exists(owner.0, owner.1) {
        return Err(call.fail("OWNER_NOT_FOUND", "not found"));
    }
    Ok((id, owner))
}

fn binding_add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
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

fn binding_delete(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
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

fn binding_move(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
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

fn badge_add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
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

fn type_add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
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

fn configurable_view(row: &Map<String, Value>) -> Value {
    let mut view = row
        .get("CONFIGURABLE")
        .cloned()
        .unwrap_or_else(|| json!({}));
    view["id"] = row.get("ID").cloned().unwrap_or_default();
    view
}

fn configurable_add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
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

fn configurable_update(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
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

fn layout_blocks(data: &mut Data, call: &mut Call<'_>, action: &str) -> Result<Done, Fail> {
    let (id, owner) = activity_and_owner(data, call, ("entityTypeId", "entityId"))?;
    if !bindings(&data.activities.rows[&id]).contains(&owner) {
        return Err(call.fail("OWNER_NOT_FOUND", "not found"));
    }
    match action {
        "layout.blocks.set" => {
            data.layout_blocks
                .insert(id, call.get("layout").cloned().unwrap_or_default());
            call.changed = true;
            Ok(Done::new(json!({"success": true})))
        }
        "layout.blocks.get" => Ok(Done::new(json!({
            "layout": data.layout_blocks.get(&id).cloned().unwrap_or_else(|| json!({"blocks": {}}))
        }))),
        _ => {
            data.layout_blocks.remove(&id);
            call.changed = true;
            Ok(Done::new(json!({"success": true})))
        }
    }
}

/// `crm.activity.todo.add` and the `todo.update*` family.
fn todo_call(data: &mut Data, call: &mut Call<'_>, action: &str) -> Result<Done, Fail> {
    let owner = (call.id("ownerTypeId"), call.id("ownerId"));
    if !data.entity_type_exists(owner.0) {
        return Err(call.fail("NOT_FOUND", "not found"));
    }
    if !data.item_exists(owner.0, owner.1) {
        return Err(call.fail("OWNER_NOT_FOUND", "not found"));
    }
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
    match action {
        "todo.add" | "todo.update" => set("DEADLINE", call.get("deadline").cloned()),
        "todo.updatedeadline" => set("DEADLINE", call.get("value").cloned()),
        "todo.updatedescription" => set("DESCRIPTION", call.get("value").cloned()),
        _ => {}
    }
    if action == "todo.add" {
        let mut row = obj(json!({"PROVIDER_ID": "CRM_TODO", "TYPE_ID": 6, "SUBJECT": ""}));
        row.extend(changes);
        stamp(&mut row, call.user.id, true);
        set_bindings(&mut row, &[owner]);
        let id = data.activities.insert(row);
        call.fire(ADD, id);
        return Ok(Done::new(json!({ "id": id })));
    }
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
