//! `server.time` and `user.current`: answers from the portal itself.

use serde_json::json;

use super::call::{Call, Handled};
use crate::clock;
use crate::http::reply::Done;
use crate::state::store::Data;

pub(super) fn handle(data: &mut Data, call: &mut Call<'_>, name: &str) -> Handled {
    match name {
        "server.time" => Some(Ok(Done::new(json!(clock::iso(clock::now()))))),
        "user.current" => {
            let user = data.user(call.user.id)?;
            Some(Ok(Done::new(json!({
                "ID": user.id.to_string(),
                "ACTIVE": true,
                "NAME": user.name,
                "LAST_NAME": user.last_name,
                "EMAIL": user.email,
                "ADMIN": user.admin,
            }))))
        }
        _ => None,
    }
}
