//! An activity row: looking one up, its bindings, the bookkeeping stamps, and the events its
//! changes raise.

use serde_json::{json, Map, Value};

use crate::clock;
use crate::http::params;
use crate::http::reply::Fail;
use crate::state::methods::call::Call;
use crate::state::store::Data;

/// Events raised by adding, updating and deleting an activity.
pub(super) const ADD: &str = "ONCRMACTIVITYADD";
pub(super) const UPDATE: &str = "ONCRMACTIVITYUPDATE";
pub(super) const DELETE: &str = "ONCRMACTIVITYDELETE";

/// The activity `id`, or the method's documented NOT_FOUND.
pub(super) fn activity<'d>(
    data: &'d Data,
    call: &Call<'_>,
    id: u64,
) -> Result<&'d Map<String, Value>, Fail> {
    data.activities
        .rows
        .get(&id)
        .ok_or_else(|| call.fail("NOT_FOUND", "not found"))
}

/// `[(OWNER_TYPE_ID, OWNER_ID)]` of an activity row.
pub(super) fn bindings(row: &Map<String, Value>) -> Vec<(u64, u64)> {
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

/// Writes `BINDINGS`, and the first binding as the row's owner (`OWNER_TYPE_ID`, `OWNER_ID`).
pub(super) fn set_bindings(row: &mut Map<String, Value>, list: &[(u64, u64)]) {
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

/// The bookkeeping fields of a row `user` created (`created`) or changed.
pub(super) fn stamp(row: &mut Map<String, Value>, user: u64, created: bool) {
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

/// The activity `activityId` (NOT_FOUND) and the entity `entityTypeId`/`entityId`
/// (OWNER_NOT_FOUND), both checked.
pub(super) fn activity_and_owner(
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
