//! The model of the spec files. `FORMAT.md` describes every key.

mod json;
mod paging;
mod ty;

pub use paging::{Paging, PagingKind};
pub use ty::{Constraints, EnumLiteral, EnumValue, Field, KeyPattern, Kind, NamedType, Type};

pub(crate) use json::message;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// REST API generation a method belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Version {
    /// The classic REST API, served under `/rest/`.
    #[serde(rename = "v1")]
    V1,
    /// REST 3.0, served under `/rest/api/`.
    #[serde(rename = "v3")]
    V3,
}

impl Version {
    /// The spelling used in the spec and in folder names (`v1`, `v3`).
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1 => "v1",
            Version::V3 => "v3",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One documented method, keyed by `(name, version)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    /// Wire name, e.g. `crm.activity.todo.updateColor`.
    pub name: String,
    /// REST generation.
    pub version: Version,
    /// The generated Rust type name (`CrmDealAdd`), recorded so that it survives a change of
    /// the wire name's casing in the docs; absent in hand-written specs, where the generator
    /// derives it from the name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// Permission scope; also the cargo feature of the generated code.
    pub scope: String,
    /// Page title without the method name.
    pub title: String,
    /// Official documentation page.
    pub doc_url: String,
    /// Path of the page inside the docs repository.
    pub source: String,
    /// Whether the method changes data.
    pub mutates: bool,
    /// Deprecation, when the docs deprecate the method.
    pub deprecated: Option<Deprecation>,
    /// Request parameters (top-level keys of the JSON body).
    pub params: Vec<Field>,
    /// Shape of `result` (inside [`Method::result_wrapper`] for REST 3.0).
    pub result: Type,
    /// Whether the docs say `result` may be `null` or `false` instead (not found, no access):
    /// the generated call answers `Option<_>`. Never set on a boolean, Y/N or untyped result,
    /// where `false` and `null` are values, nor on a paged list.
    #[serde(default, skip_serializing_if = "is_false")]
    pub result_optional: bool,
    /// REST 3.0 key wrapping the payload inside `result`.
    #[serde(default)]
    pub result_wrapper: Option<ResultWrapper>,
    /// How a list method pages; `None` for a method that is not a paged list.
    #[serde(default)]
    pub paging: Option<Paging>,
    /// Documented method-specific errors.
    pub errors: Vec<ErrorEntry>,
    /// Documented wire examples.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
    /// How sure the transcription is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
}

/// Deprecation of a method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deprecation {
    /// The method to use instead, when the docs name one.
    pub replacement: Option<String>,
}

/// REST 3.0 result wrapping key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultWrapper {
    /// `result.item`
    Item,
    /// `result.items`
    Items,
    /// `result.result`
    Result,
}

impl ResultWrapper {
    /// The JSON key.
    pub fn key(self) -> &'static str {
        match self {
            ResultWrapper::Item => "item",
            ResultWrapper::Items => "items",
            ResultWrapper::Result => "result",
        }
    }
}

/// A documented error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorEntry {
    /// Wire code (`error` in v1, `error.code` in v3). Absent where the docs list the error by
    /// its message only: the server then sends an empty code, and the message tells it apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// HTTP status.
    pub status: u16,
    /// The server's message.
    pub message: String,
    /// REST 3.0 exception class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    /// REST 3.0 field the error is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A documented wire example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// What the body is.
    pub kind: ExampleKind,
    /// HTTP status of a response or error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The JSON body.
    pub body: Value,
}

/// Kind of a wire example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExampleKind {
    /// A request body (or an event payload).
    Request,
    /// A successful response.
    Response,
    /// An error response.
    Error,
}

/// Confidence in a transcription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Confidence {
    /// Overall level.
    pub level: ConfidenceLevel,
    /// Why.
    pub reasons: Vec<String>,
}

/// Confidence level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfidenceLevel {
    /// Unclear page; the result may be loose.
    Low,
    /// Some doubts.
    Medium,
    /// Clean transcription.
    High,
}

/// An event a handler can subscribe to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Event name, e.g. `onCrmActivityAdd`.
    pub name: String,
    /// Permission scope.
    pub scope: String,
    /// Page title.
    pub title: String,
    /// Official page.
    pub doc_url: String,
    /// Path inside the docs repository.
    pub source: String,
    /// Top-level keys of the payload.
    pub payload: Vec<Field>,
    /// Documented payload examples.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Example>,
}

/// A catalogue of errors shared by many methods (system errors, REST 3.0 exceptions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCatalogue {
    /// Catalogue name (`system`, `rest-v3`).
    pub name: String,
    /// Page title.
    pub title: String,
    /// Official page.
    pub doc_url: String,
    /// Path inside the docs repository.
    pub source: String,
    /// The errors.
    pub errors: Vec<ErrorEntry>,
}

/// Key of a method: `(name, version)`.
pub type MethodKey = (String, Version);

/// A whole spec, sorted by key so every consumer sees the same order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spec {
    /// Methods by `(name, version)`.
    pub methods: BTreeMap<MethodKey, Method>,
    /// Named types by name.
    pub types: BTreeMap<String, NamedType>,
    /// Events by name.
    pub events: BTreeMap<String, Event>,
    /// Error catalogues by name.
    pub catalogues: BTreeMap<String, ErrorCatalogue>,
}

impl Spec {
    /// Looks a method up.
    pub fn method(&self, name: &str, version: Version) -> Option<&Method> {
        self.methods.get(&(name.to_owned(), version))
    }

    /// Looks a method up by its name in any casing: the server does not tell `disk.file.copyto`
    /// from `disk.file.copyTo`, so neither does a method's identity.
    pub fn method_ignoring_case(&self, name: &str, version: Version) -> Option<&Method> {
        self.method(name, version).or_else(|| {
            self.methods
                .iter()
                .find(|((n, v), _)| *v == version && n.eq_ignore_ascii_case(name))
                .map(|(_, m)| m)
        })
    }

    /// The named types some method's result or some event's payload reaches, directly or
    /// through other named types: answers, whose fields generated code reads as optional.
    pub fn types_in_answers(&self) -> BTreeSet<String> {
        let roots = self.methods.values().map(|m| &m.result).chain(
            self.events
                .values()
                .flat_map(|e| e.payload.iter().map(|f| &f.ty)),
        );
        named_types_reached(roots, &self.types)
    }

    /// The named types some method's parameters reach, directly or through other named types:
    /// structures callers build and send.
    pub fn types_in_requests(&self) -> BTreeSet<String> {
        let roots = self
            .methods
            .values()
            .flat_map(|m| m.params.iter().map(|p| &p.ty));
        named_types_reached(roots, &self.types)
    }

    /// What a type is underneath its named-type references: `ty` itself unless it refers to a
    /// named type of this spec. An unknown name comes back as it is.
    pub fn resolve<'a>(&'a self, ty: &'a Type) -> &'a Type {
        let mut current = ty;
        // A named type may refer to another; the bound keeps a cycle from looping.
        for _ in 0..8 {
            match current.kind.named().and_then(|n| self.types.get(n)) {
                Some(named) => current = &named.ty,
                None => break,
            }
        }
        current
    }
}

/// For `skip_serializing_if`: a flag that is off is not written.
fn is_false(flag: &bool) -> bool {
    !*flag
}

/// The named types `roots` refer to, directly or through other named types of `types`.
pub fn named_types_reached<'a>(
    roots: impl IntoIterator<Item = &'a Type>,
    types: &BTreeMap<String, NamedType>,
) -> BTreeSet<String> {
    fn walk(t: &Type, types: &BTreeMap<String, NamedType>, seen: &mut BTreeSet<String>) {
        if let Some(named) = t.kind.named().and_then(|n| types.get(n)) {
            if seen.insert(named.name.clone()) {
                walk(&named.ty, types, seen);
            }
        }
        for child in t.children() {
            walk(child, types, seen);
        }
    }
    let mut seen = BTreeSet::new();
    for root in roots {
        walk(root, types, &mut seen);
    }
    seen
}
