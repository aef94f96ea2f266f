//! Serde for the structs the macros generate. Each generated impl is a line per field that
//! calls into here, instead of serde_derive's visitors: with 1,600 methods the derived code
//! was most of the crate's build time.
//!
//! Reading goes through a JSON object map, so an object is accepted as Bitrix24 sends it:
//! unknown keys are ignored, PHP's empty array `[]` is an empty object, and each field is
//! converted by the same functions the wire rules use ([`lenient`](crate::wire::lenient),
//! [`empty_as_none`](crate::wire::empty_as_none), or plain serde).

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::wire::{serialize_yn, YesNo};

/// The keys of one JSON object, taken field by field.
pub struct Fields {
    map: Map<String, Value>,
}

/// Decodes an object: reads it, then lets `build` take its fields.
///
/// # Errors
/// When the input is not an object (or `[]`), or `build` fails; the message names the field.
pub fn read<'de, D: Deserializer<'de>, T>(
    d: D,
    build: impl FnOnce(&mut Fields) -> Result<T, String>,
) -> Result<T, D::Error> {
    let map = match Value::deserialize(d)? {
        Value::Object(map) => map,
        Value::Array(items) if items.is_empty() => Map::new(),
        other => {
            return Err(D::Error::custom(format!(
                "expected an object, found {}",
                kind(&other)
            )))
        }
    };
    build(&mut Fields { map }).map_err(D::Error::custom)
}

impl Fields {
    /// A field that must be present.
    ///
    /// # Errors
    /// When the key is missing or its value does not convert.
    pub fn required<T>(
        &mut self,
        wire: &str,
        convert: impl FnOnce(Value) -> Result<T, serde_json::Error>,
    ) -> Result<T, String> {
        match self.map.remove(wire) {
            Some(value) => convert(value).map_err(|e| format!("`{wire}`: {e}")),
            None => Err(format!("missing field `{wire}`")),
        }
    }

    /// A field whose absence means its default (`None`, empty list or map).
    ///
    /// # Errors
    /// When a present value does not convert.
    pub fn defaulted<T: Default>(
        &mut self,
        wire: &str,
        convert: impl FnOnce(Value) -> Result<T, serde_json::Error>,
    ) -> Result<T, String> {
        match self.map.remove(wire) {
            Some(value) => convert(value).map_err(|e| format!("`{wire}`: {e}")),
            None => Ok(T::default()),
        }
    }

    /// The keys no field took (for a struct's `extra` map).
    pub fn rest<C: FromIterator<(String, Value)>>(&mut self) -> C {
        std::mem::take(&mut self.map).into_iter().collect()
    }
}

/// Plain serde conversion of a field's value.
///
/// # Errors
/// When the value does not fit `T`.
pub fn plain<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

/// Serializes a flag as `"Y"`/`"N"` (fields marked `#[bitrix(yn)]`).
pub struct Yn<'a, T: YesNo>(pub &'a T);

impl<T: YesNo> Serialize for Yn<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_yn(self.0, s)
    }
}

/// Serializes a number field: an integral value as an integer (`15`, not `15.0`), as the docs'
/// examples and PHP write it.
pub struct Num<'a>(pub &'a f64);

impl Serialize for Num<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // 2^53: beyond it not every integer is a distinct f64.
        const EXACT: f64 = 9_007_199_254_740_992.0;
        let v = *self.0;
        if v.fract() == 0.0 && v.abs() < EXACT {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string {}", Value::String(s.clone())),
        Value::Array(_) => "a non-empty array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq)]
    struct Pair {
        id: i64,
        name: Option<String>,
        rest: Map<String, Value>,
    }

    impl<'de> Deserialize<'de> for Pair {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            read(d, |f| {
                let id = f.required("ID", crate::wire::lenient)?;
                let name = f.defaulted("NAME", plain)?;
                let rest = f.rest();
                Ok(Pair { id, name, rest })
            })
        }
    }

    #[test]
    fn fields_are_taken_by_wire_name_and_the_rest_is_kept() {
        let p: Pair = serde_json::from_value(json!({"ID": "7", "X": 1})).unwrap();
        assert_eq!(p.id, 7);
        assert_eq!(p.name, None);
        assert_eq!(p.rest.get("X"), Some(&json!(1)));
    }

    #[test]
    fn bad_input_names_the_field() {
        let e = serde_json::from_value::<Pair>(json!({"NAME": "x"})).unwrap_err();
        assert_eq!(e.to_string(), "missing field `ID`");
        let e = serde_json::from_value::<Pair>(json!({"ID": "abc"})).unwrap_err();
        assert_eq!(e.to_string(), "`ID`: expected an integer, found \"abc\"");
        let e = serde_json::from_value::<Pair>(json!({"ID": 1, "NAME": 5})).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("`NAME`: invalid type: integer `5`"),
            "{e}"
        );
        let e = serde_json::from_value::<Pair>(json!("x")).unwrap_err();
        assert_eq!(e.to_string(), "expected an object, found string \"x\"");
        let e = serde_json::from_value::<Pair>(json!([1])).unwrap_err();
        assert_eq!(e.to_string(), "expected an object, found a non-empty array");
    }

    #[test]
    fn php_empty_array_is_an_empty_object() {
        let e = serde_json::from_value::<Pair>(json!([])).unwrap_err();
        assert_eq!(e.to_string(), "missing field `ID`");
    }

    #[test]
    fn integral_numbers_are_written_as_integers() {
        assert_eq!(serde_json::to_string(&Num(&15.0)).unwrap(), "15");
        assert_eq!(serde_json::to_string(&Num(&-3.0)).unwrap(), "-3");
        assert_eq!(serde_json::to_string(&Num(&2.5)).unwrap(), "2.5");
        assert_eq!(serde_json::to_string(&Num(&1e300)).unwrap(), "1e+300");
        assert_eq!(serde_json::to_string(&Num(&f64::NAN)).unwrap(), "null");
    }

    #[test]
    fn yn_flags() {
        assert_eq!(serde_json::to_value(Yn(&true)).unwrap(), json!("Y"));
        assert_eq!(serde_json::to_value(Yn(&false)).unwrap(), json!("N"));
    }
}
