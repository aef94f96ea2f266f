//! One event post as a portal sends it: the envelope (`event`, `event_handler_id`, `ts`,
//! `auth`) read into fields, `data` kept as JSON for the typed payloads, and the check of
//! `application_token`.

use serde::ser::SerializeMap as _;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::{form, EventDecodeError};
use crate::object::{plain, read};
use crate::secret::Secret;
use crate::validate::{Validate, Validator};
use crate::wire::Lenient;

/// Reads event posts, within caps that keep a hostile body from costing more than its size.
///
/// ```
/// use bitrix_runtime::EventDecoder;
///
/// let post = EventDecoder::default()
///     .form(b"event=ONCRMDEALADD&data[FIELDS][ID]=6641&ts=1735374081")
///     .unwrap();
/// assert_eq!(post.name, "ONCRMDEALADD");
/// assert_eq!(post.data["FIELDS"]["ID"], "6641");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventDecoder {
    /// Largest body read, in bytes (default 1 MiB).
    pub max_body_bytes: usize,
    /// Deepest nesting of keys or JSON values (default 32; PHP's own limit is 64).
    pub max_depth: usize,
    /// Most `key=value` pairs in a form body (default 10,000).
    pub max_fields: usize,
}

impl Default for EventDecoder {
    fn default() -> Self {
        EventDecoder {
            max_body_bytes: 1 << 20,
            max_depth: 32,
            max_fields: 10_000,
        }
    }
}

impl EventDecoder {
    /// A form-encoded body (`application/x-www-form-urlencoded`, PHP bracket notation).
    ///
    /// # Errors
    /// When the body is too large, badly encoded, or has no `event`.
    pub fn form(&self, body: &[u8]) -> Result<EventPost, EventDecodeError> {
        self.fits(body)?;
        let caps = form::Caps {
            max_depth: self.max_depth,
            max_fields: self.max_fields,
        };
        EventPost::from_map(form::parse(body, caps)?)
    }

    /// A JSON body: the same object a form body decodes to.
    ///
    /// # Errors
    /// When the body is too large, too deep, not a JSON object, or has no `event`.
    pub fn json(&self, body: &[u8]) -> Result<EventPost, EventDecodeError> {
        self.fits(body)?;
        let value: Value = serde_json::from_slice(body).map_err(|e| EventDecodeError::Json {
            message: e.to_string(),
        })?;
        // serde_json already stops at 128 levels, so this walk is bounded.
        if depth(&value) > self.max_depth {
            return Err(EventDecodeError::TooDeep {
                limit: self.max_depth,
            });
        }
        match value {
            Value::Object(map) => EventPost::from_map(map),
            _ => Err(EventDecodeError::NotAnObject),
        }
    }

    /// A body by its `Content-Type`: JSON for `application/json`, a form otherwise; without a
    /// content type, JSON when the body starts with `{`.
    ///
    /// # Errors
    /// As [`form`](Self::form) or [`json`](Self::json).
    pub fn body(
        &self,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<EventPost, EventDecodeError> {
        let is_json = match content_type {
            Some(ct) => {
                let essence = ct.split(';').next().unwrap_or("").trim();
                essence.eq_ignore_ascii_case("application/json")
            }
            None => body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'),
        };
        if is_json {
            self.json(body)
        } else {
            self.form(body)
        }
    }

    fn fits(&self, body: &[u8]) -> Result<(), EventDecodeError> {
        if body.len() > self.max_body_bytes {
            return Err(EventDecodeError::BodyTooLarge {
                limit: self.max_body_bytes,
            });
        }
        Ok(())
    }
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// An event post, before its payload is typed: what every event has in common.
///
/// Its `Debug` shows no token ([`EventAuth`] keeps them as [`Secret`]s). It serializes back
/// to the JSON object it was read from, tokens included.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EventPost {
    /// `event`: the name as the portal sent it (usually upper case: `ONCRMDEALADD`).
    pub name: String,
    /// `event_handler_id`: the handler binding that caused the post.
    pub handler_id: Option<i64>,
    /// `ts`: when the event happened, Unix seconds.
    pub ts: Option<i64>,
    /// `data`: the payload (`Null` when absent).
    pub data: Value,
    /// `auth`: the portal's credentials for this post.
    pub auth: Option<EventAuth>,
    /// Other top-level keys, kept as they came.
    pub extra: Map<String, Value>,
}

impl EventPost {
    /// Reads a post from an already parsed JSON object.
    ///
    /// # Errors
    /// [`EventDecodeError::MissingEvent`] without a non-empty `event`;
    /// [`EventDecodeError::BadField`] when an envelope key has an impossible value.
    pub fn from_map(mut map: Map<String, Value>) -> Result<Self, EventDecodeError> {
        let name = match map.remove("event") {
            Some(Value::String(s)) if !s.trim().is_empty() => s,
            _ => return Err(EventDecodeError::MissingEvent),
        };
        let handler_id = int(&mut map, "event_handler_id")?;
        let ts = int(&mut map, "ts")?;
        let data = map.remove("data").unwrap_or(Value::Null);
        let auth = match map.remove("auth") {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) if a.is_empty() => None,
            Some(v) => Some(
                serde_json::from_value(v).map_err(|e| EventDecodeError::BadField {
                    field: "auth",
                    message: e.to_string(),
                })?,
            ),
        };
        Ok(EventPost {
            name,
            handler_id,
            ts,
            data,
            auth,
            extra: map,
        })
    }

    /// Checks the post's `auth[application_token]` against the one the portal gave the
    /// application (at install, or in `ONAPPINSTALL`), in time that does not depend on where
    /// they differ. An empty `expected` token matches nothing.
    ///
    /// # Errors
    /// [`EventDecodeError::MissingApplicationToken`] or
    /// [`EventDecodeError::WrongApplicationToken`].
    pub fn check_application_token(&self, expected: &Secret) -> Result<(), EventDecodeError> {
        let sent = self
            .auth
            .as_ref()
            .and_then(|a| a.application_token.as_ref())
            .ok_or(EventDecodeError::MissingApplicationToken)?;
        let expected = expected.expose().as_bytes();
        if !expected.is_empty() && same_bytes(sent.expose().as_bytes(), expected) {
            Ok(())
        } else {
            Err(EventDecodeError::WrongApplicationToken)
        }
    }

    /// Whether this is the event `name`, in any case (`onCrmDealAdd` is `ONCRMDEALADD`).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

fn int(map: &mut Map<String, Value>, key: &'static str) -> Result<Option<i64>, EventDecodeError> {
    match map.remove(key) {
        None => Ok(None),
        Some(v) => Option::<i64>::from_json(v).map_err(|message| EventDecodeError::BadField {
            field: key,
            message,
        }),
    }
}

/// Compares without stopping at the first difference: every byte of the longer input is
/// looked at, and `black_box` keeps the optimiser from adding an early exit.
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff = std::hint::black_box(diff | (x ^ y));
    }
    diff == 0
}

impl Serialize for EventPost {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("event", &self.name)?;
        if let Some(id) = self.handler_id {
            m.serialize_entry("event_handler_id", &id)?;
        }
        if !self.data.is_null() {
            m.serialize_entry("data", &self.data)?;
        }
        if let Some(ts) = self.ts {
            m.serialize_entry("ts", &ts)?;
        }
        if let Some(auth) = &self.auth {
            m.serialize_entry("auth", auth)?;
        }
        for (k, v) in &self.extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// The `auth` block of an event post: the portal's OAuth credentials for acting on the event,
/// and the `application_token` that proves the post came from the portal.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct EventAuth {
    /// `access_token` (absent for events raised without a user).
    pub access_token: Option<Secret>,
    /// `refresh_token`.
    pub refresh_token: Option<Secret>,
    /// `application_token`: compare with [`EventPost::check_application_token`].
    pub application_token: Option<Secret>,
    /// `expires_in`, seconds.
    pub expires_in: Option<i64>,
    /// `expires`, Unix seconds.
    pub expires: Option<i64>,
    /// `scope`, comma-separated.
    pub scope: Option<String>,
    /// `domain`: the portal's host name.
    pub domain: Option<String>,
    /// `server_endpoint`: the OAuth server's REST address.
    pub server_endpoint: Option<String>,
    /// `client_endpoint`: the portal's REST address (`https://…/rest/`).
    pub client_endpoint: Option<String>,
    /// `member_id`: the portal's id for the application.
    pub member_id: Option<String>,
    /// `user_id`: the user whose rights the tokens carry.
    pub user_id: Option<i64>,
    /// `status`: the application's kind (`L` local, `F` free, …).
    pub status: Option<String>,
    /// Other keys, kept as they came.
    pub extra: Map<String, Value>,
}

// Received, never sent: nothing to check before sending.
impl Validate for EventAuth {
    fn validate_into(&self, _: &mut Validator) {}
}

impl<'de> serde::Deserialize<'de> for EventAuth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        fn lenient(v: Value) -> Result<Option<i64>, serde_json::Error> {
            Option::<i64>::from_json(v).map_err(serde::de::Error::custom)
        }
        read(d, |f| {
            Ok(EventAuth {
                access_token: f.defaulted("access_token", plain)?,
                refresh_token: f.defaulted("refresh_token", plain)?,
                application_token: f.defaulted("application_token", plain)?,
                expires_in: f.defaulted("expires_in", lenient)?,
                expires: f.defaulted("expires", lenient)?,
                scope: f.defaulted("scope", plain)?,
                domain: f.defaulted("domain", plain)?,
                server_endpoint: f.defaulted("server_endpoint", plain)?,
                client_endpoint: f.defaulted("client_endpoint", plain)?,
                member_id: f.defaulted("member_id", plain)?,
                user_id: f.defaulted("user_id", lenient)?,
                status: f.defaulted("status", plain)?,
                extra: f.rest(),
            })
        })
    }
}

impl Serialize for EventAuth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        let secrets = [
            ("access_token", &self.access_token),
            ("refresh_token", &self.refresh_token),
            ("application_token", &self.application_token),
        ];
        for (k, v) in secrets {
            if let Some(v) = v {
                m.serialize_entry(k, v)?;
            }
        }
        let ints = [
            ("expires_in", self.expires_in),
            ("expires", self.expires),
            ("user_id", self.user_id),
        ];
        for (k, v) in ints {
            if let Some(v) = v {
                m.serialize_entry(k, &v)?;
            }
        }
        let texts = [
            ("scope", &self.scope),
            ("domain", &self.domain),
            ("server_endpoint", &self.server_endpoint),
            ("client_endpoint", &self.client_endpoint),
            ("member_id", &self.member_id),
            ("status", &self.status),
        ];
        for (k, v) in texts {
            if let Some(v) = v {
                m.serialize_entry(k, v)?;
            }
        }
        for (k, v) in &self.extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}
