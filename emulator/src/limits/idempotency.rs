//! REST 3.0 `Idempotency-Key`: a repeated call with the same key and body gets the stored
//! answer (with `Idempotent-Replayed: true`) and does not run again.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::http::reply::Fail;

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// HTTP status.
    pub status: u16,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// First use: run it, then [`Keys::store`] the answer.
    Run,
    /// Seen with the same request: answer this.
    Replay(Stored),
}

/// Keys seen, per caller.
#[derive(Debug, Default)]
pub struct Keys {
    seen: HashMap<(String, String), (String, Option<Stored>)>,
}

/// What makes two calls "the same request" for a key: the method (any case) and its parameters.
pub fn fingerprint(method: &str, params: &Map<String, Value>) -> Value {
    json!({"method": method.to_ascii_lowercase(), "params": params})
}

/// 1–255 printable ASCII characters.
pub fn valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len())
        && key.bytes().all(|b| (0x20..=0x7e).contains(&b))
        && !key.trim().is_empty()
}

impl Keys {
    /// Decides on `key` for a request of `caller` (the identity behind the credentials) whose
    /// method and parameters are `request`.
    ///
    /// # Errors
    /// HTTP 400 for a malformed key, HTTP 422 for a key reused with another request.
    pub fn check(&self, caller: &str, key: &str, request: &Value) -> Result<Decision, Fail> {
        if !valid_key(key) {
            return Err(Fail::new(
                400,
                "BITRIX_REST_V3_EXCEPTION_INVALIDIDEMPOTENCYKEYEXCEPTION",
                "Idempotency-Key must be 1 to 255 printable ASCII characters",
            ));
        }
        let fingerprint = request.to_string();
        match self.seen.get(&(caller.to_owned(), key.to_owned())) {
            None => Ok(Decision::Run),
            Some((seen, _)) if *seen != fingerprint => Err(Fail::new(
                422,
                "BITRIX_REST_V3_EXCEPTION_IDEMPOTENCYKEYREUSEDEXCEPTION",
                "Idempotency-Key was already used with another request",
            )),
            Some((_, Some(stored))) => Ok(Decision::Replay(stored.clone())),
            // Same request still without a stored answer: it failed before one was kept.
            Some((_, None)) => Ok(Decision::Run),
        }
    }

    /// Keeps the answer to a request that ran. Server errors (5xx) are not kept, so a retry
    /// runs the call again.
    pub fn store(&mut self, caller: &str, key: &str, request: &Value, answer: Stored) {
        let kept = (answer.status < 500).then_some(answer);
        self.seen.insert(
            (caller.to_owned(), key.to_owned()),
            (request.to_string(), kept),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replays_same_request_refuses_other_requests() {
        let mut keys = Keys::default();
        let req = json!({"method": "mail.message.createchat", "params": {"messageId": 1}});
        assert_eq!(keys.check("u1", "k-1", &req), Ok(Decision::Run));
        let stored = Stored {
            status: 200,
            body: b"{}".to_vec(),
        };
        keys.store("u1", "k-1", &req, stored.clone());
        assert_eq!(keys.check("u1", "k-1", &req), Ok(Decision::Replay(stored)));
        let other = json!({"method": "mail.message.createchat", "params": {"messageId": 2}});
        assert_eq!(keys.check("u1", "k-1", &other).unwrap_err().status, 422);
        assert_eq!(keys.check("u2", "k-1", &other), Ok(Decision::Run));
    }

    #[test]
    fn malformed_keys() {
        let keys = Keys::default();
        for bad in ["", " ", "caf\u{e9}", "a\nb", &"x".repeat(256)] {
            let err = keys.check("u", bad, &json!({})).unwrap_err();
            assert_eq!(
                (err.status, err.code.as_str()),
                (
                    400,
                    "BITRIX_REST_V3_EXCEPTION_INVALIDIDEMPOTENCYKEYEXCEPTION"
                ),
                "{bad:?}"
            );
        }
        assert!(valid_key(&"x".repeat(255)));
    }

    #[test]
    fn server_errors_are_not_replayed() {
        let mut keys = Keys::default();
        let req = json!({});
        keys.store(
            "u",
            "k",
            &req,
            Stored {
                status: 500,
                body: vec![],
            },
        );
        assert_eq!(keys.check("u", "k", &req), Ok(Decision::Run));
    }
}
