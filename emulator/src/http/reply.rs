//! What a call produces: a success ([`Done`]) or an error ([`Fail`]), and how each is written
//! on the wire for REST v1 and REST 3.0.

use bitrix_spec::{ErrorEntry, Method, Version};
use serde_json::{json, Map, Value};

/// A successful call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Done {
    /// The `result` key.
    pub result: Value,
    /// v1 lists: `total` (absent when the client asked `start=-1`).
    pub total: Option<u64>,
    /// v1 lists: `next`, the `start` of the following page.
    pub next: Option<u64>,
}

impl Done {
    /// A result without paging keys.
    pub fn new(result: Value) -> Done {
        Done {
            result,
            total: None,
            next: None,
        }
    }
}

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fail {
    /// HTTP status.
    pub status: u16,
    /// The wire code (`error` in v1, `error.code` in REST 3.0).
    pub code: String,
    /// The message (`error_description` in v1, `error.message` in REST 3.0).
    pub message: String,
    /// REST 3.0 validation details: (field, message).
    pub validation: Vec<(String, String)>,
}

impl Fail {
    /// An error with no validation details.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Fail {
        Fail {
            status,
            code: code.to_owned(),
            message: message.into(),
            validation: Vec::new(),
        }
    }

    /// The error the method's page documents with `code` (and, among several, the one whose
    /// message contains `hint`); `fallback_message` with HTTP 400 when the page has none.
    pub fn documented(method: &Method, code: &str, hint: &str, fallback_message: &str) -> Fail {
        let hint = hint.to_ascii_lowercase();
        let matches_hint = |e: &&ErrorEntry| e.message.to_ascii_lowercase().contains(&hint);
        let same_code = method
            .errors
            .iter()
            .filter(|e| e.code.as_deref() == Some(code));
        let chosen = same_code
            .clone()
            .find(matches_hint)
            .or_else(|| same_code.clone().next())
            .or_else(|| {
                // Older pages list messages without codes; the hint finds them.
                method
                    .errors
                    .iter()
                    .filter(|e| e.code.is_none())
                    .find(matches_hint)
            });
        match chosen {
            Some(e) => Fail::from_entry(e),
            None => Fail::new(400, code, fallback_message),
        }
    }

    /// A documented error as the server sends it (an error without a code, with an empty one).
    pub fn from_entry(e: &ErrorEntry) -> Fail {
        Fail::new(e.status, e.code.as_deref().unwrap_or_default(), &e.message)
    }

    /// The body in the shape of `version`.
    pub fn body(&self, version: Version) -> Value {
        match version {
            Version::V1 => json!({"error": self.code, "error_description": self.message}),
            Version::V3 => {
                let mut error = json!({"code": self.code, "message": self.message});
                if !self.validation.is_empty() {
                    error["validation"] = self
                        .validation
                        .iter()
                        .map(|(field, message)| json!({"field": field, "message": message}))
                        .collect();
                }
                json!({ "error": error })
            }
        }
    }
}

/// The body of a success: `result`, paging keys, then `time`.
pub fn success_body(done: &Done, time: Value) -> Value {
    let mut body = Map::new();
    body.insert("result".into(), done.result.clone());
    if let Some(next) = done.next {
        body.insert("next".into(), next.into());
    }
    if let Some(total) = done.total {
        body.insert("total".into(), total.into());
    }
    body.insert("time".into(), time);
    Value::Object(body)
}

/// The error body with a `time` block added, as the portal sends it.
pub fn error_body(fail: &Fail, version: Version, time: Value) -> Value {
    let mut body = fail.body(version);
    if let Some(map) = body.as_object_mut() {
        map.insert("time".into(), time);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_and_v3_error_shapes() {
        let mut f = Fail::new(
            400,
            "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
            "Error validating request object",
        );
        f.validation.push((
            "messageId".into(),
            "Required field `messageId` is missing".into(),
        ));
        assert_eq!(
            f.body(Version::V3),
            json!({"error": {"code": "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
                             "message": "Error validating request object",
                             "validation": [{"field": "messageId", "message": "Required field `messageId` is missing"}]}})
        );
        let f = Fail::new(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
        assert_eq!(
            f.body(Version::V1),
            json!({"error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!"})
        );
    }

    #[test]
    fn success_keeps_paging_keys() {
        let done = Done {
            result: json!([1]),
            total: Some(51),
            next: Some(50),
        };
        let body = success_body(&done, json!({"start": 1}));
        assert_eq!(
            body,
            json!({"result": [1], "next": 50, "total": 51, "time": {"start": 1}})
        );
    }
}
