//! REST 3.0 note collections: `note.collection.add` stores one and `note.collection.get`
//! reads it back. A REST 3.0 create with state behind it, so that a create applied twice
//! shows in the data (the fault soak counts them).

use serde_json::{json, Value};

use super::call::{Call, Handled};
use crate::http::reply::{Done, Fail};
use crate::state::store::Data;

pub(super) fn handle(data: &mut Data, call: &mut Call<'_>, name: &str) -> Handled {
    match name {
        "note.collection.add" => Some(add(data, call)),
        "note.collection.get" => {
            let id = call.id("id");
            Some(match data.note_collections.get(id) {
                Some(row) => Ok(Done::new(json!({ "item": wire(row.into_owned()) }))),
                None => Err(invalid("id", "Collection not found")),
            })
        }
        _ => None,
    }
}

fn add(data: &mut Data, call: &mut Call<'_>) -> Result<Done, Fail> {
    call.writable()?;
    let fields = call.object("fields");
    let Some(name) = fields
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return Err(invalid("fields.name", "Required field `name` is missing"));
    };
    let position = fields.get("position").cloned().unwrap_or(json!(0));
    let row = json!({"name": name, "position": position});
    let id = data.note_collections.insert(crate::state::store::obj(row));
    call.changed = true;
    Ok(Done::new(
        json!({ "item": {"id": id, "name": name, "position": position} }),
    ))
}

fn invalid(field: &str, message: &str) -> Fail {
    let mut fail = Fail::new(
        400,
        "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
        "Error validating request object",
    );
    fail.validation.push((field.to_owned(), message.to_owned()));
    fail
}

/// A stored row as REST 3.0 writes it: the id in lower case.
fn wire(mut row: serde_json::Map<String, Value>) -> Value {
    if let Some(id) = row.remove("ID") {
        row.insert("id".into(), id);
    }
    Value::Object(row)
}
