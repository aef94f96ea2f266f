//! The serde model of the spec files. `FORMAT.md` describes every key.

use std::collections::BTreeMap;
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
    pub params: Vec<Ty>,
    /// Shape of `result` (inside [`Method::result_wrapper`] for REST 3.0).
    pub result: Ty,
    /// REST 3.0 key wrapping the payload inside `result`.
    #[serde(default)]
    pub result_wrapper: Option<ResultWrapper>,
    /// Paging style of list methods.
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

/// Paging style of a list method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Paging {
    /// v1: `start` in the request, `next` and `total` in the answer.
    Start,
    /// v3: a `pagination` object (`page`, `limit`, `offset`).
    Pagination,
}

/// The primitive type names. Any other `type` names a [`NamedType`].
pub const PRIMITIVES: &[&str] = &[
    "integer",
    "double",
    "string",
    "boolean",
    "yn",
    "date",
    "datetime",
    "timestamp",
    "file",
    "any",
    "object",
    "array",
    "union",
];

/// A type, a field (a type with `name` and `required`), or a key pattern (a type with `pattern`).
///
/// One struct serves all three so that unknown keys are rejected everywhere; validation checks
/// that fields carry `name` and `required`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ty {
    /// Wire name (fields only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the field must be sent (fields only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// Key pattern such as `UF_CRM_*` (patterns only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// A primitive from [`PRIMITIVES`] or the name of a named type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Element type of an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Ty>>,
    /// Known keys of an object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Ty>,
    /// Key patterns of an object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<Ty>,
    /// Alternatives of a union.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Ty>,
    /// Documented values.
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<EnumValue>,
    /// Documented default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Documented constraints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Constraints>,
    /// The type as spelled on the page, when it differs from `type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    /// Whether the docs deprecate this field.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// A credential (token, key): generated code keeps it out of `Debug`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

impl Ty {
    /// A bare type of the given kind.
    pub fn of(kind: &str) -> Self {
        Ty {
            kind: kind.to_owned(),
            ..Ty::default()
        }
    }

    /// Whether `kind` is a primitive rather than a named type reference.
    pub fn is_primitive(&self) -> bool {
        PRIMITIVES.contains(&self.kind.as_str())
    }

    /// Wire name of a field (empty when absent, which validation reports).
    pub fn wire_name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// Whether a field is required (false when absent, which validation reports).
    pub fn is_required(&self) -> bool {
        self.required.unwrap_or(false)
    }
}

/// One documented enum value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// The wire value (integer or string).
    pub value: EnumLiteral,
    /// Short label the docs give the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An enum value on the wire.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EnumLiteral {
    /// Integer value.
    Int(i64),
    /// String value.
    Str(String),
}

impl fmt::Display for EnumLiteral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnumLiteral::Int(i) => write!(f, "{i}"),
            EnumLiteral::Str(s) => f.write_str(s),
        }
    }
}

/// Documented constraints of a value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    /// Smallest allowed number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// Largest allowed number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// Shortest allowed string, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// Longest allowed string, in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// Fewest array items (or object keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// Most array items (or object keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// Regular expression the string must match (documentation only; not checked locally).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The value must not be empty even when optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_empty: Option<bool>,
}

/// A documented error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorEntry {
    /// Wire code (`error` in v1, `error.code` in v3); may be empty.
    pub code: String,
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

/// A named type from the docs' data-types pages (structure, enum list or alias).
///
/// Repeats the type keys of [`Ty`] rather than flattening it: serde cannot combine
/// `flatten` with `deny_unknown_fields`, and unknown keys must be rejected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedType {
    /// Name used in `type` references.
    pub name: String,
    /// Page title.
    pub title: String,
    /// Official page.
    pub doc_url: String,
    /// Path inside the docs repository.
    pub source: String,
    /// Underlying primitive (`object`, `integer` with `enum`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// Element type of an array.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Ty>>,
    /// Known keys of an object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Ty>,
    /// Key patterns of an object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub patterns: Vec<Ty>,
    /// Alternatives of a union.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Ty>,
    /// Documented values.
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<EnumValue>,
    /// Documented default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Documented constraints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Constraints>,
    /// The type as spelled on the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<String>,
    /// Whether the docs deprecate the type.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// A credential: generated code keeps it out of `Debug`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

impl NamedType {
    /// The type part of the named type, as a [`Ty`].
    pub fn ty(&self) -> Ty {
        Ty {
            name: None,
            required: None,
            pattern: None,
            kind: self.kind.clone(),
            items: self.items.clone(),
            fields: self.fields.clone(),
            patterns: self.patterns.clone(),
            variants: self.variants.clone(),
            enum_values: self.enum_values.clone(),
            default: self.default.clone(),
            constraints: self.constraints.clone(),
            doc_type: self.doc_type.clone(),
            deprecated: self.deprecated,
            secret: self.secret,
        }
    }
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
    pub payload: Vec<Ty>,
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
}
