//! The JSON form of types, fields, key patterns and named types.
//!
//! In spec files a type is one flat object (`{"name", "required", "type", "items", "fields", …}`)
//! whatever it stands for. Reading goes through that flat form and then checks that the parts
//! fit the kind: `items` only on arrays, `fields` and `patterns` only on objects, `variants`
//! only on unions, `name`/`required` only on fields, `pattern` only on key patterns. Writing
//! emits the keys in one fixed order, so that a spec file written twice is the same bytes.

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::ty::{Constraints, EnumValue, Field, KeyPattern, Kind, NamedType, Type};

/// The flat form of a type, a field or a key pattern, as read from a file.
///
/// The keys after `type` are repeated in [`FlatNamedType`]: serde cannot combine `flatten`
/// with `deny_unknown_fields`, and unknown keys must be refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlatType {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    required: Option<bool>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    items: Option<Box<Type>>,
    #[serde(default)]
    fields: Vec<Field>,
    #[serde(default)]
    patterns: Vec<KeyPattern>,
    #[serde(default)]
    variants: Vec<Type>,
    #[serde(default, rename = "enum")]
    enum_values: Vec<EnumValue>,
    #[serde(default)]
    default: Option<Value>,
    #[serde(default)]
    constraints: Option<Constraints>,
    #[serde(default)]
    doc_type: Option<String>,
    #[serde(default)]
    deprecated: bool,
    #[serde(default)]
    secret: bool,
}

/// The flat form of a named type: its metadata, then the keys of its type.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlatNamedType {
    name: String,
    title: String,
    doc_url: String,
    source: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    items: Option<Box<Type>>,
    #[serde(default)]
    fields: Vec<Field>,
    #[serde(default)]
    patterns: Vec<KeyPattern>,
    #[serde(default)]
    variants: Vec<Type>,
    #[serde(default, rename = "enum")]
    enum_values: Vec<EnumValue>,
    #[serde(default)]
    default: Option<Value>,
    #[serde(default)]
    constraints: Option<Constraints>,
    #[serde(default)]
    doc_type: Option<String>,
    #[serde(default)]
    deprecated: bool,
    #[serde(default)]
    secret: bool,
}

/// The keys of a type besides `type`, taken from either flat form.
struct Parts {
    items: Option<Box<Type>>,
    fields: Vec<Field>,
    patterns: Vec<KeyPattern>,
    variants: Vec<Type>,
    enum_values: Vec<EnumValue>,
    default: Option<Value>,
    constraints: Option<Constraints>,
    doc_type: Option<String>,
    deprecated: bool,
    secret: bool,
}

/// Moves the type keys of a flat form into [`Parts`].
macro_rules! parts_of {
    ($flat:expr) => {
        Parts {
            items: $flat.items,
            fields: $flat.fields,
            patterns: $flat.patterns,
            variants: $flat.variants,
            enum_values: $flat.enum_values,
            default: $flat.default,
            constraints: $flat.constraints,
            doc_type: $flat.doc_type,
            deprecated: $flat.deprecated,
            secret: $flat.secret,
        }
    };
}

/// Messages shared with the raw-JSON pass of the loader, which reports every such problem of a
/// file at once (serde stops at the first).
pub(crate) mod message {
    /// `items` on something other than an array.
    pub fn items_on(kind: &str) -> String {
        format!("`items` on a `{kind}`; only arrays have items")
    }
    /// `fields` on something other than an object.
    pub fn fields_on(kind: &str) -> String {
        format!("`fields` on a `{kind}`; only objects have fields")
    }
    /// `patterns` on something other than an object.
    pub fn patterns_on(kind: &str) -> String {
        format!("`patterns` on a `{kind}`; only objects have patterns")
    }
    /// `variants` on something other than a union.
    pub fn variants_on(kind: &str) -> String {
        format!("`variants` on a `{kind}`; only unions have variants")
    }
    /// `name` or `required` where no field is.
    pub const NOT_A_FIELD: &str = "only fields take `name`/`required`";
    /// `pattern` on a field.
    pub const PATTERN_ON_FIELD: &str = "`pattern` belongs to `patterns` entries, not to fields";
    /// `pattern` where no key pattern is.
    pub const NOT_A_PATTERN: &str = "only `patterns` entries take `pattern`";
}

impl Parts {
    /// The type these parts make with the kind spelled `kind`, or what does not fit it.
    fn into_type(self, kind: &str) -> Result<Type, String> {
        let shape = Kind::from_name(kind);
        let (array, object, union) = (
            matches!(shape, Kind::Array(_)),
            matches!(shape, Kind::Object { .. }),
            matches!(shape, Kind::Union(_)),
        );
        if self.items.is_some() && !array {
            return Err(message::items_on(kind));
        }
        if !self.fields.is_empty() && !object {
            return Err(message::fields_on(kind));
        }
        if !self.patterns.is_empty() && !object {
            return Err(message::patterns_on(kind));
        }
        if !self.variants.is_empty() && !union {
            return Err(message::variants_on(kind));
        }
        let kind = match shape {
            Kind::Object { .. } => Kind::Object {
                fields: self.fields,
                patterns: self.patterns,
            },
            Kind::Array(_) => Kind::Array(self.items),
            Kind::Union(_) => Kind::Union(self.variants),
            other => other,
        };
        Ok(Type {
            kind,
            enum_values: self.enum_values,
            default: self.default,
            constraints: self.constraints,
            doc_type: self.doc_type,
            deprecated: self.deprecated,
            secret: self.secret,
        })
    }
}

impl<'de> Deserialize<'de> for Type {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let flat = FlatType::deserialize(deserializer)?;
        if flat.name.is_some() || flat.required.is_some() {
            return Err(serde::de::Error::custom(message::NOT_A_FIELD));
        }
        if flat.pattern.is_some() {
            return Err(serde::de::Error::custom(message::NOT_A_PATTERN));
        }
        let kind = flat.kind.clone();
        parts_of!(flat)
            .into_type(&kind)
            .map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let flat = FlatType::deserialize(deserializer)?;
        if flat.pattern.is_some() {
            return Err(serde::de::Error::custom(message::PATTERN_ON_FIELD));
        }
        let name = flat
            .name
            .ok_or_else(|| serde::de::Error::missing_field("name"))?;
        let required = flat
            .required
            .ok_or_else(|| serde::de::Error::missing_field("required"))?;
        let ty = parts_of!(flat)
            .into_type(&flat.kind)
            .map_err(serde::de::Error::custom)?;
        Ok(Field { name, required, ty })
    }
}

impl<'de> Deserialize<'de> for KeyPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let flat = FlatType::deserialize(deserializer)?;
        if flat.name.is_some() || flat.required.is_some() {
            return Err(serde::de::Error::custom(message::NOT_A_FIELD));
        }
        let pattern = flat
            .pattern
            .ok_or_else(|| serde::de::Error::missing_field("pattern"))?;
        let ty = parts_of!(flat)
            .into_type(&flat.kind)
            .map_err(serde::de::Error::custom)?;
        Ok(KeyPattern { pattern, ty })
    }
}

impl<'de> Deserialize<'de> for NamedType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let flat = FlatNamedType::deserialize(deserializer)?;
        let ty = parts_of!(flat)
            .into_type(&flat.kind)
            .map_err(serde::de::Error::custom)?;
        Ok(NamedType {
            name: flat.name,
            title: flat.title,
            doc_url: flat.doc_url,
            source: flat.source,
            ty,
        })
    }
}

/// Writes the keys of a type, after whatever keys the caller wrote first.
fn type_keys<M: SerializeMap>(map: &mut M, t: &Type) -> Result<(), M::Error> {
    map.serialize_entry("type", t.kind.name())?;
    match &t.kind {
        Kind::Array(Some(items)) => map.serialize_entry("items", items)?,
        Kind::Object { fields, patterns } => {
            if !fields.is_empty() {
                map.serialize_entry("fields", fields)?;
            }
            if !patterns.is_empty() {
                map.serialize_entry("patterns", patterns)?;
            }
        }
        Kind::Union(variants) if !variants.is_empty() => {
            map.serialize_entry("variants", variants)?;
        }
        _ => {}
    }
    if !t.enum_values.is_empty() {
        map.serialize_entry("enum", &t.enum_values)?;
    }
    if let Some(default) = &t.default {
        map.serialize_entry("default", default)?;
    }
    if let Some(constraints) = &t.constraints {
        map.serialize_entry("constraints", constraints)?;
    }
    if let Some(doc_type) = &t.doc_type {
        map.serialize_entry("doc_type", doc_type)?;
    }
    if t.deprecated {
        map.serialize_entry("deprecated", &true)?;
    }
    if t.secret {
        map.serialize_entry("secret", &true)?;
    }
    Ok(())
}

impl Serialize for Type {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        type_keys(&mut map, self)?;
        map.end()
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry("required", &self.required)?;
        type_keys(&mut map, &self.ty)?;
        map.end()
    }
}

impl Serialize for KeyPattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("pattern", &self.pattern)?;
        type_keys(&mut map, &self.ty)?;
        map.end()
    }
}

impl Serialize for NamedType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry("title", &self.title)?;
        map.serialize_entry("doc_url", &self.doc_url)?;
        map.serialize_entry("source", &self.source)?;
        type_keys(&mut map, &self.ty)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_field_round_trips_in_key_order() {
        let text = r#"{"name":"fields","required":true,"type":"object","fields":[{"name":"ID","required":false,"type":"integer","enum":[{"value":1}]}],"patterns":[{"pattern":"UF_*","type":"any"}],"doc_type":"object","deprecated":true}"#;
        let f: Field = serde_json::from_str(text).unwrap();
        assert_eq!(f.ty.fields()[0].ty.kind, Kind::Integer);
        assert_eq!(f.ty.patterns()[0].pattern, "UF_*");
        assert_eq!(serde_json::to_string(&f).unwrap(), text);
    }

    #[test]
    fn parts_that_do_not_fit_the_kind_are_refused() {
        let refused = |v: Value| serde_json::from_value::<Type>(v).unwrap_err().to_string();
        assert_eq!(
            refused(json!({"type": "string", "items": {"type": "any"}})),
            "`items` on a `string`; only arrays have items"
        );
        assert_eq!(
            refused(
                json!({"type": "array", "fields": [{"name": "a", "required": true, "type": "any"}]})
            ),
            "`fields` on a `array`; only objects have fields"
        );
        assert_eq!(
            refused(json!({"type": "crm_x", "variants": [{"type": "any"}]})),
            "`variants` on a `crm_x`; only unions have variants"
        );
        assert_eq!(
            refused(json!({"name": "x", "type": "any"})),
            message::NOT_A_FIELD
        );
        assert!(refused(json!({"type": "any", "color": 1})).contains("unknown field `color`"));
        let field = serde_json::from_value::<Field>(json!({"name": "x", "type": "any"}));
        assert_eq!(field.unwrap_err().to_string(), "missing field `required`");
        let pattern = serde_json::from_value::<KeyPattern>(json!({"type": "any"}));
        assert_eq!(pattern.unwrap_err().to_string(), "missing field `pattern`");
    }

    #[test]
    fn arrays_without_items_stay_so() {
        let t: Type = serde_json::from_value(json!({"type": "array"})).unwrap();
        assert_eq!(t.kind, Kind::Array(None));
        assert_eq!(serde_json::to_value(&t).unwrap(), json!({"type": "array"}));
    }
}
