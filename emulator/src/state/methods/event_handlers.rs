//! `event.bind`, `event.get`, `event.unbind`: handlers for the events of the spec. Posting to
//! them (loopback only) is `crate::events`.

use serde_json::{json, Value};

use super::call::{Call, Handled};
use crate::events::handler_url::is_loopback_http;
use crate::http::params;
use crate::http::reply::{Done, Fail};
use crate::state::store::{Data, Handler};

/// Whether `name` is one of the event-binding methods.
pub fn is_event_method(name: &str) -> bool {
    matches!(name, "event.bind" | "event.get" | "event.unbind")
}

pub(super) fn handle(data: &mut Data, call: &mut Call<'_>, name: &str) -> Handled {
    if !is_event_method(name) {
        return None;
    }
    let event = call
        .get("event")
        .and_then(params::text)
        .unwrap_or_default()
        .to_ascii_uppercase();
    let handler = call
        .get("handler")
        .and_then(params::text)
        .unwrap_or_default();
    Some(match name {
        "event.bind" => bind(data, call, event, handler),
        "event.get" => Ok(Done::new(Value::Array(
            data.handlers
                .iter()
                .map(|h| json!({"event": h.event, "handler": h.handler, "auth_type": h.auth_type.to_string(), "offline": u8::from(h.offline)}))
                .collect(),
        ))),
        _ => {
            let before = data.handlers.len();
            data.handlers
                .retain(|h| !(h.event == event && (handler.is_empty() || h.handler == handler)));
            let count = before - data.handlers.len();
            call.changed |= count > 0;
            Ok(Done::new(json!({ "count": count })))
        }
    })
}

fn bind(
    data: &mut Data,
    call: &mut Call<'_>,
    event: String,
    handler: String,
) -> Result<Done, Fail> {
    if !call.event_known(&event) {
        return Err(call.fail("ERROR_EVENT_NOT_FOUND", "event not found"));
    }
    let offline = call
        .get("event_type")
        .and_then(params::text)
        .is_some_and(|t| t.eq_ignore_ascii_case("offline"));
    if !offline && !is_loopback_http(&handler) {
        return Err(Fail::new(
            400,
            "WRONG_HANDLER_URL",
            "The emulator delivers events only to http:// handlers on a loopback address",
        ));
    }
    if data
        .handlers
        .iter()
        .any(|h| h.event == event && h.handler == handler)
    {
        return Err(Fail::new(400, "ERROR_CORE", "Handler already binded"));
    }
    data.last_handler_id += 1;
    let auth_type = call.id("auth_type");
    data.handlers.push(Handler {
        id: data.last_handler_id,
        event,
        handler,
        auth_type,
        user_id: call.user.id,
        offline,
    });
    call.changed = true;
    Ok(Done::new(json!(true)))
}
