//! The posts raised events make: for each event a call raised, one form-encoded body per
//! handler bound to it, with the `auth` block the portal sends.

use serde_json::{json, Map};

use crate::auth::oauth::OAuth;
use crate::clock;
use crate::http::form;
use crate::state::methods::call::Fired;
use crate::state::store::Handler;

/// One event post.
#[derive(Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The handler URL (`http://127.0.0.1:…/…`).
    pub url: String,
    /// The form-encoded body.
    pub body: String,
}

impl std::fmt::Debug for Delivery {
    // The body carries tokens.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// Form-encoded event posts for every handler bound to a raised event. Each post's `auth`
/// block is a fresh token pair from `oauth`, with `application_token` for the handler to check.
pub fn posts(
    fired: &[Fired],
    handlers: &[Handler],
    oauth: &mut OAuth,
    application_token: &str,
    base_url: &str,
) -> Vec<Delivery> {
    let mut out = Vec::new();
    for f in fired {
        for h in handlers.iter().filter(|h| h.event == f.event && !h.offline) {
            // auth_type 0: the rights of the user who bound the handler.
            let user = if h.auth_type == 0 {
                h.user_id
            } else {
                h.auth_type
            };
            let mut auth = oauth.grant(user, base_url);
            auth.insert("application_token".into(), json!(application_token));
            let body = json!({
                "event": f.event,
                "event_handler_id": h.id,
                "data": {"FIELDS": {"ID": f.id}},
                "ts": clock::unix_secs(),
                "auth": auth,
            });
            out.push(Delivery {
                url: h.handler.clone(),
                body: form::encode(body.as_object().unwrap_or(&Map::new())),
            });
        }
    }
    out
}
