//! Offline events: raised events queued for handlers bound with `event_type=offline`, and
//! `event.offline.get` / `.clear` / `.error` / `.list` over the queue.
//!
//! As the docs describe it: the queue keeps one record per event and object (a later change
//! only moves its timestamp); `get` with `clear=0` reserves the records it returns under a
//! `process_id` (a new one unless the call names one, whose unprocessed records it returns
//! again first); `clear` deletes a process's records (all, or those by `id` / `message_id`);
//! `error` marks records of a process as failed, which `get` then returns only with `error=1`
//! (whichever process reserved them).

use serde_json::{json, Map, Value};

use super::call::{Call, Fired, Handled};
use crate::clock;
use crate::http::params;
use crate::http::reply::{Done, Fail};
use crate::state::store::{Data, OfflineRecord};

/// Records `event.offline.get` returns when the call does not say.
const DEFAULT_LIMIT: usize = 50;

/// Queues the raised events some offline handler is bound to.
pub(super) fn enqueue(data: &mut Data, fired: &[Fired]) {
    for f in fired {
        if !data
            .handlers
            .iter()
            .any(|h| h.offline && h.event == f.event)
        {
            continue;
        }
        let now = clock::iso(clock::now());
        let same = data.offline.iter_mut().find(|r| {
            r.event == f.event && r.object_id == f.id && r.process_id.is_none() && !r.error
        });
        match same {
            Some(record) => record.timestamp = now,
            None => {
                data.last_offline_id += 1;
                let id = data.last_offline_id;
                data.offline.push(OfflineRecord {
                    id,
                    message_id: format!("{id:032x}"),
                    event: f.event.clone(),
                    object_id: f.id,
                    timestamp: now,
                    process_id: None,
                    error: false,
                });
            }
        }
    }
}

pub(super) fn handle(data: &mut Data, call: &mut Call<'_>, name: &str) -> Handled {
    Some(match name {
        "event.offline.get" => Ok(get(data, call)),
        "event.offline.list" => Ok(Done::new(Value::Array(
            data.offline.iter().map(|r| row(r, false)).collect(),
        ))),
        "event.offline.clear" => process(call).map(|p| {
            let (ids, messages) = (list(call, "id"), list(call, "message_id"));
            let before = data.offline.len();
            data.offline.retain(|r| {
                let chosen = if !ids.is_empty() {
                    ids.contains(&r.id.to_string())
                } else if !messages.is_empty() {
                    messages.contains(&r.message_id)
                } else {
                    true
                };
                !(r.process_id.as_deref() == Some(p.as_str()) && chosen)
            });
            call.changed |= data.offline.len() != before;
            Done::new(json!(true))
        }),
        "event.offline.error" => process(call).map(|p| {
            let messages = list(call, "message_id");
            for r in data.offline.iter_mut() {
                if r.process_id.as_deref() == Some(p.as_str()) && messages.contains(&r.message_id) {
                    r.error = true;
                    call.changed = true;
                }
            }
            Done::new(json!(true))
        }),
        _ => return None,
    })
}

fn get(data: &mut Data, call: &mut Call<'_>) -> Done {
    let clear = call.get("clear").and_then(params::flag).unwrap_or(true);
    let errors = call.get("error").and_then(params::flag).unwrap_or(false);
    let limit = call
        .get("limit")
        .and_then(params::uint)
        .map_or(DEFAULT_LIMIT, |l| {
            usize::try_from(l).unwrap_or(DEFAULT_LIMIT)
        });
    let named = call
        .get("process_id")
        .and_then(params::text)
        .filter(|p| !p.is_empty());
    let process = named.clone().unwrap_or_else(|| {
        data.last_offline_process += 1;
        format!("{:032x}", data.last_offline_process)
    });
    // The process's own unprocessed records first, then free ones, oldest first.
    let mine = |r: &OfflineRecord| named.is_some() && r.process_id == named;
    let mut picked: Vec<usize> = (0..data.offline.len())
        .filter(|&i| data.offline[i].error == errors && mine(&data.offline[i]))
        .collect();
    // Failed records are asked for on their own (`error=1`), whoever reserved them.
    let free = |r: &OfflineRecord| r.process_id.is_none() || errors;
    let others: Vec<usize> = (0..data.offline.len())
        .filter(|&i| data.offline[i].error == errors && free(&data.offline[i]))
        .filter(|i| !picked.contains(i))
        .collect();
    picked.extend(others);
    picked.truncate(limit);
    let events: Vec<Value> = picked
        .iter()
        .map(|&i| row(&data.offline[i], true))
        .collect();
    if clear {
        let ids: Vec<u64> = picked.iter().map(|&i| data.offline[i].id).collect();
        data.offline.retain(|r| !ids.contains(&r.id));
    } else {
        for &i in &picked {
            data.offline[i].process_id = Some(process.clone());
        }
    }
    call.changed |= !picked.is_empty();
    let process_id = if clear { Value::Null } else { json!(process) };
    Done::new(json!({"process_id": process_id, "events": events}))
}

/// A record as the portal writes it; `list` shows the reservation too.
fn row(r: &OfflineRecord, for_get: bool) -> Value {
    let mut row = Map::new();
    row.insert("ID".into(), json!(r.id.to_string()));
    row.insert("TIMESTAMP_X".into(), json!(r.timestamp));
    row.insert("EVENT_NAME".into(), json!(r.event));
    row.insert("EVENT_DATA".into(), json!({"FIELDS": {"ID": r.object_id}}));
    row.insert("EVENT_ADDITIONAL".into(), json!(false));
    row.insert("MESSAGE_ID".into(), json!(r.message_id));
    if !for_get {
        row.insert("PROCESS_ID".into(), json!(r.process_id));
        row.insert("ERROR".into(), json!(if r.error { "1" } else { "0" }));
    }
    Value::Object(row)
}

fn process(call: &Call<'_>) -> Result<String, Fail> {
    call.get("process_id")
        .and_then(params::text)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Fail::new(400, "ERROR_ARGUMENT", "process_id is required"))
}

/// A list parameter as texts: a JSON array, or the object PHP makes of `id[0]=…`.
fn list(call: &Call<'_>, key: &str) -> Vec<String> {
    match call.get(key) {
        Some(Value::Array(items)) => items.iter().filter_map(params::text).collect(),
        Some(Value::Object(map)) => map.values().filter_map(params::text).collect(),
        Some(v) => params::text(v).into_iter().collect(),
        None => Vec::new(),
    }
}
