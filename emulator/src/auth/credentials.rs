//! Credentials of a REST call: the inbound webhook named in the path, else the OAuth access
//! token sent as `auth` (in the body or the query string).

use serde_json::{Map, Value};

use super::oauth::OAuth;
use crate::config::Webhook;
use crate::http::reply::Fail;
use crate::http::{form, params};
use crate::state::store::{Data, User};

/// Who is calling.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user the credentials act as.
    pub user: User,
    /// The webhook's scopes; `None` grants every scope (OAuth tokens and unscoped webhooks).
    pub scopes: Option<Vec<String>>,
    /// Who holds the credentials (`webhook:1`, `oauth:1`): idempotency keys are kept per holder.
    pub identity: String,
}

impl Caller {
    /// Whether the credentials grant `scope` (`basic` is always granted).
    pub fn allows(&self, scope: &str) -> bool {
        scope == "basic"
            || self
                .scopes
                .as_ref()
                .is_none_or(|s| s.iter().any(|x| x.eq_ignore_ascii_case(scope)))
    }
}

/// The caller behind `webhook` (`(user, secret)` from the path) or, without one, behind the
/// access token in `auth`, which is taken out of `params` (or read from `query`).
///
/// # Errors
/// HTTP 401: `NO_AUTH_FOUND` without credentials or for an unknown webhook or user,
/// `INVALID_CREDENTIALS` for a wrong secret, and the token errors of [`OAuth::user`].
pub fn authenticate(
    webhooks: &[Webhook],
    oauth: &OAuth,
    data: &Data,
    webhook: Option<(String, String)>,
    params: &mut Map<String, Value>,
    query: &str,
) -> Result<Caller, Fail> {
    let no_auth = || Fail::new(401, "NO_AUTH_FOUND", "Wrong authorization data");
    let (user_id, scopes, identity) = match webhook {
        Some((user, secret)) => {
            let hook = webhooks
                .iter()
                .find(|w| w.user_id.to_string() == user)
                .ok_or_else(no_auth)?;
            if hook.secret != secret {
                return Err(Fail::new(
                    401,
                    "INVALID_CREDENTIALS",
                    "Invalid request credentials",
                ));
            }
            (hook.user_id, hook.scopes.clone(), format!("webhook:{user}"))
        }
        None => {
            let token = params
                .remove("auth")
                .and_then(|v| params::text(&v))
                .or_else(|| form::decode(query).get("auth").and_then(params::text))
                .filter(|t| !t.is_empty())
                .ok_or_else(no_auth)?;
            let user_id = oauth.user(&token)?;
            (user_id, None, format!("oauth:{user_id}"))
        }
    };
    let user = data.user(user_id).cloned().ok_or_else(no_auth)?;
    Ok(Caller {
        user,
        scopes,
        identity,
    })
}
