//! One call being answered from the data: its method, parameters and user, the helpers every
//! family handler reads them with, and what the call changed and raised.

use bitrix_spec::{Method, Version};
use serde_json::{Map, Value};

use crate::http::params;
use crate::http::reply::{Done, Fail};
use crate::state::store::User;

/// An event raised by a call, delivered once the call is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    /// Event name in upper case (`ONCRMACTIVITYADD`).
    pub event: String,
    /// The id the event is about (`data[FIELDS][ID]`).
    pub id: u64,
}

/// One call being answered.
#[derive(Debug)]
pub struct Call<'a> {
    /// The spec (for event names).
    pub index: &'a crate::spec::index::SpecIndex,
    /// The method's spec.
    pub method: &'a Method,
    /// The parameters (already validated against the spec).
    pub params: &'a Map<String, Value>,
    /// The calling user.
    pub user: User,
    /// Events to deliver after answering.
    pub fired: Vec<Fired>,
    /// Whether the call changed the data (it is then saved to `--state`).
    pub changed: bool,
    /// Rows a list counted for `total` (the cost model charges for them).
    pub counted: u64,
}

/// What a family handler gives back: `None` when the method is not its own.
pub type Handled = Option<Result<Done, Fail>>;

impl Call<'_> {
    /// A parameter (any case for v1).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self.method.version {
            Version::V1 => params::get(self.params, key),
            Version::V3 => self.params.get(key),
        }
    }

    /// A non-negative integer parameter (0 when absent: validation already ran).
    pub fn id(&self, key: &str) -> u64 {
        self.get(key).and_then(params::uint).unwrap_or(0)
    }

    /// An object parameter (empty when absent).
    pub fn object(&self, key: &str) -> Map<String, Value> {
        match self.get(key) {
            Some(Value::Object(map)) => map.clone(),
            _ => Map::new(),
        }
    }

    /// The documented error `code` (the one whose message contains `hint`).
    pub fn fail(&self, code: &str, hint: &str) -> Fail {
        Fail::documented(self.method, code, hint, hint)
    }

    /// `ACCESS_DENIED` as documented, for a read-only user.
    ///
    /// # Errors
    /// The documented access error.
    pub fn writable(&self) -> Result<(), Fail> {
        if self.user.read_only {
            Err(Fail::documented(
                self.method,
                "ACCESS_DENIED",
                "access denied",
                "Access denied",
            ))
        } else {
            Ok(())
        }
    }

    /// Whether the spec documents the event `name` (any case).
    pub fn event_known(&self, name: &str) -> bool {
        self.index
            .spec()
            .events
            .keys()
            .any(|e| e.eq_ignore_ascii_case(name))
    }

    /// Records a change and the event it raises.
    pub fn fire(&mut self, event: &str, id: u64) {
        self.changed = true;
        self.fired.push(Fired {
            event: event.to_owned(),
            id,
        });
    }
}
