//! REST 3.0 e-mail messages: `mail.message.get`, `mail.message.createchat` (a second call
//! answers `existing: true`) and `mail.message.removecrmactivity`.

use serde_json::{json, Map, Value};

use super::call::{Call, Handled};
use crate::http::reply::{Done, Fail};
use crate::state::store::{Chat, Data};

pub(super) fn handle(data: &mut Data, call: &mut Call<'_>, name: &str) -> Handled {
    let action = name.strip_prefix("mail.message.")?;
    if !matches!(action, "get" | "createchat" | "removecrmactivity") {
        return None;
    }
    let key = if action == "get" { "id" } else { "messageId" };
    let id = call.id(key);
    let Some(message) = data.mail_messages.rows.get(&id) else {
        return Some(Err(field_error(
            call,
            key,
            "deleted or moved",
            "Message not found",
        )));
    };
    Some(match action {
        "get" => Ok(Done::new(json!({ "item": wire(message) }))),
        "createchat" => {
            if let Some(chat) = data.mail_chats.get(&id) {
                return Some(Ok(chat_answer(chat, true)));
            }
            data.last_chat_id += 1;
            let chat = Chat {
                chat_id: data.last_chat_id,
                message_id: data.last_chat_id * 10 + 1,
            };
            data.mail_chats.insert(id, chat);
            call.changed = true;
            Ok(chat_answer(&chat, false))
        }
        _ => {
            if call.user.read_only {
                return Some(Err(field_error(
                    call,
                    key,
                    "cannot delete",
                    "Access denied",
                )));
            }
            let bound: Vec<u64> = message
                .get("bindings")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|b| b.get("type").and_then(Value::as_str) == Some("crm_activity"))
                .filter_map(|b| b.get("id").and_then(Value::as_u64))
                .collect();
            for activity in bound {
                if data.activities.rows.remove(&activity).is_some() {
                    call.fire("ONCRMACTIVITYDELETE", activity);
                }
            }
            if let Some(row) = data.mail_messages.rows.get_mut(&id) {
                row.insert("bindings".into(), json!([]));
            }
            call.changed = true;
            Ok(Done::new(json!(true)))
        }
    })
}

fn chat_answer(chat: &Chat, existing: bool) -> Done {
    Done::new(json!({
        "success": true,
        "chatId": chat.chat_id,
        "messageId": chat.message_id,
        "existing": existing,
    }))
}

/// A stored message as REST 3.0 writes it (`id`, camelCase keys).
fn wire(row: &Map<String, Value>) -> Value {
    let mut item = row.clone();
    if let Some(id) = item.remove("ID") {
        item.insert("id".into(), id);
    }
    Value::Object(item)
}

/// The documented request-validation error about `field` whose message contains `hint`.
fn field_error(call: &Call<'_>, field: &str, hint: &str, fallback: &str) -> Fail {
    let documented = Fail::documented(
        call.method,
        "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
        hint,
        fallback,
    );
    let mut fail = Fail::new(400, &documented.code, "Error validating request object");
    fail.validation.push((field.to_owned(), documented.message));
    fail
}
