//! `crm.lead.*`, `crm.deal.*`, `crm.contact.*`, `crm.company.*`: add, get, list, update,
//! delete over the CRM item tables, with the portal's upper-case field names.

use serde_json::{json, Value};

use super::{Call, Handled};
use crate::clock;
use crate::listing::Query;
use crate::reply::Done;
use crate::store::Data;

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
            let mut row = call.object("fields");
            let now = clock::iso(clock::now());
            row.insert("DATE_CREATE".into(), json!(now));
            row.insert("DATE_MODIFY".into(), json!(now));
            row.insert("CREATED_BY_ID".into(), json!(call.user.id));
            row.entry("ASSIGNED_BY_ID").or_insert(json!(call.user.id));
            let id = data.table(entity_type_id).insert(row);
            call.changed = true;
            Done::new(json!(id))
        }),
        "get" => data
            .table(entity_type_id)
            .rows
            .get(&call.id("id"))
            .map(|row| Done::new(Value::Object(row.clone())))
            .ok_or_else(|| not_found(call)),
        "list" => {
            let page = Query::read(call.params, &|f: &str| f.to_ascii_uppercase())
                .run(data.table(entity_type_id).rows.values());
            Ok(Done {
                result: Value::Array(page.rows),
                total: page.total,
                next: page.next,
            })
        }
        "update" => call.writable().and_then(|()| {
            let id = call.id("id");
            let fields = call.object("fields");
            let row = data
                .table(entity_type_id)
                .rows
                .get_mut(&id)
                .ok_or_else(|| not_found(call))?;
            row.extend(fields);
            row.insert("ID".into(), json!(id));
            row.insert("DATE_MODIFY".into(), json!(clock::iso(clock::now())));
            call.changed = true;
            Ok(Done::new(json!(true)))
        }),
        "delete" => call.writable().and_then(|()| {
            let id = call.id("id");
            data.table(entity_type_id)
                .rows
                .remove(&id)
                .ok_or_else(|| not_found(call))?;
            call.changed = true;
            Ok(Done::new(json!(true)))
        }),
        _ => return None,
    })
}

fn not_found(call: &Call<'_>) -> crate::reply::Fail {
    call.fail("", "not found")
}
