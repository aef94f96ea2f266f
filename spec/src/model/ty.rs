//! Types of values: what a parameter, a result, an event payload or a named type holds.
//!
//! The shape of a value is a [`Kind`]: a primitive, an object with its fields and key patterns,
//! an array with its element type, a union of alternatives, or a reference to a [`NamedType`].
//! Combinations the docs cannot mean (fields on a string, items on an object) have no
//! representation. A [`Field`] is a name, a required flag and a type; a [`KeyPattern`] is a
//! pattern (`UF_CRM_*`) and a type. The JSON form of all of them is in `json.rs`.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A type: the shape of a value and what the docs say about its values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Type {
    /// The shape.
    pub kind: Kind,
    /// Documented values (integers and strings).
    pub enum_values: Vec<EnumValue>,
    /// Documented default.
    pub default: Option<Value>,
    /// Documented constraints.
    pub constraints: Option<Constraints>,
    /// The type as spelled on the page, when it differs from the kind
    /// (e.g. `crm.enum.activitypriority`).
    pub doc_type: Option<String>,
    /// Whether the docs deprecate it.
    pub deprecated: bool,
    /// A credential (token, key): generated code keeps it out of `Debug`.
    pub secret: bool,
}

/// The shape of a value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Kind {
    /// A JSON number without fraction (v1 answers often send it as a string).
    Integer,
    /// A JSON number.
    Double,
    /// A JSON string.
    String,
    /// JSON `true`/`false`.
    Boolean,
    /// The strings `"Y"`/`"N"`.
    Yn,
    /// A `YYYY-MM-DD` string.
    Date,
    /// An ISO 8601 date-time string.
    DateTime,
    /// Unix seconds.
    Timestamp,
    /// A file id or `[name, base64]`.
    File,
    /// Any JSON value.
    #[default]
    Any,
    /// A JSON object with its known keys and key patterns (both may be empty: a free-form map).
    Object {
        /// Known keys.
        fields: Vec<Field>,
        /// Keys that are patterns, not names (`UF_CRM_*`).
        patterns: Vec<KeyPattern>,
    },
    /// A JSON array; `None` when the docs do not say what the elements are.
    Array(Option<Box<Type>>),
    /// One of the alternatives.
    Union(Vec<Type>),
    /// A reference to a named type of the spec (`types/<name>.json`).
    Named(String),
}

/// A known key of an object (or a request parameter, or a payload key).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Field {
    /// Wire name, exactly as sent.
    pub name: String,
    /// Whether the key must be sent.
    pub required: bool,
    /// Its type.
    pub ty: Type,
}

/// Keys of an object that follow a pattern (`UF_CRM_*`) rather than a name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyPattern {
    /// The pattern as the docs write it.
    pub pattern: String,
    /// Type of the values under such keys.
    pub ty: Type,
}

/// A named type from the docs' data-types pages (structure, enum list or alias).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NamedType {
    /// Name used in [`Kind::Named`] references.
    pub name: String,
    /// Page title.
    pub title: String,
    /// Official page.
    pub doc_url: String,
    /// Path inside the docs repository.
    pub source: String,
    /// What the name stands for.
    pub ty: Type,
}

impl Kind {
    /// An object without documented keys.
    pub fn object() -> Kind {
        Kind::Object {
            fields: Vec::new(),
            patterns: Vec::new(),
        }
    }

    /// An object with these fields and no key patterns.
    pub fn object_of(fields: Vec<Field>) -> Kind {
        Kind::Object {
            fields,
            patterns: Vec::new(),
        }
    }

    /// An object whose every key (the `*` pattern) holds a `values`: a map keyed by data.
    pub fn map_of(values: Type) -> Kind {
        Kind::Object {
            fields: Vec::new(),
            patterns: vec![KeyPattern {
                pattern: "*".to_owned(),
                ty: values,
            }],
        }
    }

    /// An array of `items`.
    pub fn array_of(items: Type) -> Kind {
        Kind::Array(Some(Box::new(items)))
    }

    /// The spelling in spec files (`integer`, `object`, …), or the referenced type's name.
    pub fn name(&self) -> &str {
        match self {
            Kind::Integer => "integer",
            Kind::Double => "double",
            Kind::String => "string",
            Kind::Boolean => "boolean",
            Kind::Yn => "yn",
            Kind::Date => "date",
            Kind::DateTime => "datetime",
            Kind::Timestamp => "timestamp",
            Kind::File => "file",
            Kind::Any => "any",
            Kind::Object { .. } => "object",
            Kind::Array(_) => "array",
            Kind::Union(_) => "union",
            Kind::Named(name) => name,
        }
    }

    /// The kind a spec file's `type` spells: a primitive, or else a named type reference.
    /// Objects, arrays and unions come without their parts.
    pub fn from_name(name: &str) -> Kind {
        match name {
            "integer" => Kind::Integer,
            "double" => Kind::Double,
            "string" => Kind::String,
            "boolean" => Kind::Boolean,
            "yn" => Kind::Yn,
            "date" => Kind::Date,
            "datetime" => Kind::DateTime,
            "timestamp" => Kind::Timestamp,
            "file" => Kind::File,
            "any" => Kind::Any,
            "object" => Kind::object(),
            "array" => Kind::Array(None),
            "union" => Kind::Union(Vec::new()),
            other => Kind::Named(other.to_owned()),
        }
    }

    /// Whether a spec file's `type` spelling names a primitive rather than a named type.
    pub fn is_primitive_name(name: &str) -> bool {
        !matches!(Kind::from_name(name), Kind::Named(_))
    }

    /// Numbers: integers, doubles and timestamps (what `minimum`/`maximum` apply to).
    pub fn is_numeric(&self) -> bool {
        matches!(self, Kind::Integer | Kind::Double | Kind::Timestamp)
    }

    /// Text: strings, dates and date-times (what length constraints apply to).
    pub fn is_text(&self) -> bool {
        matches!(self, Kind::String | Kind::Date | Kind::DateTime)
    }

    /// Whether `false` and `null` are values of this kind (flags and untyped values) rather
    /// than the absence of one: such a result cannot be `result_optional`.
    pub fn holds_false_and_null(&self) -> bool {
        matches!(self, Kind::Boolean | Kind::Yn | Kind::Any)
    }

    /// The referenced type's name, for [`Kind::Named`].
    pub fn named(&self) -> Option<&str> {
        match self {
            Kind::Named(name) => Some(name),
            _ => None,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<Kind> for Type {
    fn from(kind: Kind) -> Type {
        Type {
            kind,
            ..Type::default()
        }
    }
}

impl Type {
    /// A bare type of the given kind.
    pub fn of(kind: Kind) -> Type {
        Type::from(kind)
    }

    /// The known keys, when it is an object (empty otherwise).
    pub fn fields(&self) -> &[Field] {
        match &self.kind {
            Kind::Object { fields, .. } => fields,
            _ => &[],
        }
    }

    /// The known keys, for changing them, when it is an object.
    pub fn fields_mut(&mut self) -> Option<&mut Vec<Field>> {
        match &mut self.kind {
            Kind::Object { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// The key patterns, when it is an object (empty otherwise).
    pub fn patterns(&self) -> &[KeyPattern] {
        match &self.kind {
            Kind::Object { patterns, .. } => patterns,
            _ => &[],
        }
    }

    /// The element type, when it is an array whose elements are documented.
    pub fn items(&self) -> Option<&Type> {
        match &self.kind {
            Kind::Array(items) => items.as_deref(),
            _ => None,
        }
    }

    /// The alternatives, when it is a union (empty otherwise).
    pub fn variants(&self) -> &[Type] {
        match &self.kind {
            Kind::Union(variants) => variants,
            _ => &[],
        }
    }

    /// Every type directly inside this one: fields, key patterns, items and alternatives.
    pub fn children(&self) -> Vec<&Type> {
        match &self.kind {
            Kind::Object { fields, patterns } => fields
                .iter()
                .map(|f| &f.ty)
                .chain(patterns.iter().map(|p| &p.ty))
                .collect(),
            Kind::Array(Some(items)) => vec![items],
            Kind::Union(variants) => variants.iter().collect(),
            _ => Vec::new(),
        }
    }
}

impl Field {
    /// A field of type `ty`.
    pub fn new(name: impl Into<String>, required: bool, ty: Type) -> Field {
        Field {
            name: name.into(),
            required,
            ty,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for name in [
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
            "crm_multifield",
        ] {
            assert_eq!(Kind::from_name(name).name(), name);
        }
        assert!(Kind::is_primitive_name("yn"));
        assert!(!Kind::is_primitive_name("crm_multifield"));
    }

    #[test]
    fn parts_of_other_kinds_are_empty() {
        let s = Type::of(Kind::String);
        assert!(s.fields().is_empty() && s.patterns().is_empty() && s.variants().is_empty());
        assert!(s.items().is_none() && s.children().is_empty());
        let a = Type::of(Kind::array_of(Type::of(Kind::Integer)));
        assert_eq!(a.items().map(|t| &t.kind), Some(&Kind::Integer));
    }
}
