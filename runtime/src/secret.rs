//! Secrets (webhook codes, access tokens) that never show in Debug, Display, errors or logs.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::validate::{IsEmpty, Validate, Validator};

/// A credential. Its `Debug` prints `Secret(***)`; it has no `Display`. It serializes as the
/// plain string (it has to reach the wire), so never log a serialized request.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

impl Validate for Secret {
    fn validate_into(&self, _: &mut Validator) {}
}

impl IsEmpty for Secret {
    fn is_empty_value(&self) -> bool {
        self.0.trim().is_empty()
    }
}
