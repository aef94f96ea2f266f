//! Wire quirks, in one place: numbers that arrive as strings, `Y`/`N` flags, `""` and `null`
//! for "no value", PHP arrays that arrive as objects with numeric keys.
//!
//! The serde impls the macros generate (see [`crate::object`]) read every field whose type is
//! built from numbers, booleans, strings, `Option` and `Vec` with [`lenient`], and write fields
//! marked `#[bitrix(yn)]` with [`serialize_yn`].

use std::collections::{BTreeMap, HashMap};

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serializer};
use serde_json::Value;

use crate::object::{nest, with_path};

/// A type that decodes from whatever JSON Bitrix24 sends for it.
pub trait Lenient: Sized {
    /// Whether `""` means "absent" for `Option<Self>` (true for everything but strings).
    const EMPTY_STRING_IS_NONE: bool = true;

    /// Whether `false` means "absent" for `Option<Self>` (PHP's way of sending no value; not
    /// for flags, where it is a value, nor for strings, where it reads as `"N"`).
    const FALSE_IS_NONE: bool = true;

    /// Whether `null` (and, where `""` is absent, `""`) is a value of its own, so a list item
    /// may be one (`Option`); for other types it would come back as `0`, `false` or `""`.
    const HOLDS_NULL: bool = false;

    /// Converts a JSON value; the error says what was expected.
    fn from_json(value: Value) -> Result<Self, String>;
}

/// `deserialize_with` target for lenient fields.
///
/// # Errors
/// When the value cannot mean a `T` at all (e.g. `"abc"` for a number).
pub fn lenient<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<T, D::Error> {
    T::from_json(Value::deserialize(d)?).map_err(D::Error::custom)
}

/// A finite number, from a JSON number or a numeric string. Rust's float parser also takes
/// `"inf"`, `"NaN"`, `"1e400"` (as infinity) and `"1e-400"` (as zero); none of them is a
/// number Bitrix24 means.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let text = s.trim();
            text.parse::<f64>()
                .ok()
                .filter(|f| *f != 0.0 || !underflows(text))
        }
        _ => None,
    }
    .filter(|f| f.is_finite())
}

/// A number sent as text (`"1269"`, `"12.50"`) as a JSON number, integers kept exact; `None`
/// for text that is no number Bitrix24 means (see [`number`]).
pub(crate) fn numeric_text(text: &str) -> Option<Value> {
    match text.trim().parse::<i64>() {
        Ok(i) => Some(Value::from(i)),
        Err(_) => number(&Value::from(text)).map(Value::from),
    }
}

/// Whether a number's text has a non-zero digit before its exponent (it parsed as zero, so
/// it was too small for a float).
fn underflows(text: &str) -> bool {
    text.split(['e', 'E'])
        .next()
        .is_some_and(|mantissa| mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)))
}

macro_rules! lenient_int {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            fn from_json(value: Value) -> Result<Self, String> {
                match &value {
                    Value::Null => Ok(0),
                    Value::String(s) if s.trim().is_empty() => Ok(0),
                    Value::Number(n) => {
                        if let Some(i) = n.as_i64() {
                            <$t>::try_from(i).map_err(|_| format!("{i} is out of range"))
                        } else if let Some(u) = n.as_u64() {
                            <$t>::try_from(u).map_err(|_| format!("{u} is out of range"))
                        } else {
                            integral(n.as_f64().unwrap_or(f64::NAN))
                        }
                    }
                    Value::String(s) => match (s.trim().parse::<i128>(), number(&value)) {
                        (Ok(i), _) => <$t>::try_from(i).map_err(|_| format!("{i} is out of range")),
                        (Err(_), Some(f)) => integral(f),
                        (Err(_), None) => Err(format!("expected an integer, found {value}")),
                    },
                    other => Err(format!("expected an integer, found {other}")),
                }
            }
        }
    )*};
}

/// A whole float as an integer, when it stands for one integer only. serde_json reads an
/// integer past the 64-bit range as a float, and past 2^53 a float stands for many integers:
/// `-9223372036854775809` reads as `i64::MIN` exactly.
fn integral<T: TryFrom<i64>>(f: f64) -> Result<T, String> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if !f.is_finite() || f.fract() != 0.0 {
        return Err(format!("expected an integer, found {f}"));
    }
    if f.abs() > EXACT {
        return Err(format!(
            "{f} is out of range (past 2^53 a number is not exact)"
        ));
    }
    T::try_from(f as i64).map_err(|_| format!("{f} is out of range"))
}

lenient_int!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! lenient_float {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            fn from_json(value: Value) -> Result<Self, String> {
                match &value {
                    Value::Null => Ok(0.0),
                    Value::String(s) if s.trim().is_empty() => Ok(0.0),
                    _ => number(&value)
                        .map(|f| f as $t)
                        .ok_or_else(|| format!("expected a number, found {value}")),
                }
            }
        }
    )*};
}
lenient_float!(f32, f64);

impl Lenient for bool {
    const FALSE_IS_NONE: bool = false;

    fn from_json(value: Value) -> Result<Self, String> {
        match &value {
            Value::Null => Ok(false),
            Value::Bool(b) => Ok(*b),
            Value::Number(n) => Ok(n.as_f64().is_some_and(|f| f != 0.0)),
            Value::String(s) => match s.trim() {
                "Y" | "y" | "1" | "true" | "TRUE" | "True" => Ok(true),
                "N" | "n" | "0" | "false" | "FALSE" | "False" | "" => Ok(false),
                _ => Err(format!(
                    "expected a flag (Y/N, true/false, 1/0), found {value}"
                )),
            },
            other => Err(format!(
                "expected a flag (Y/N, true/false, 1/0), found {other}"
            )),
        }
    }
}

impl Lenient for String {
    const EMPTY_STRING_IS_NONE: bool = false;
    const FALSE_IS_NONE: bool = false;

    fn from_json(value: Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(String::new()),
            Value::String(s) => Ok(s),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(if b { "Y" } else { "N" }.to_owned()),
            other => Err(format!("expected a string, found {other}")),
        }
    }
}

impl<T: Lenient> Lenient for Option<T> {
    const HOLDS_NULL: bool = true;

    fn from_json(value: Value) -> Result<Self, String> {
        match &value {
            Value::Null => Ok(None),
            Value::Bool(false) if T::FALSE_IS_NONE => Ok(None),
            Value::String(s) if T::EMPTY_STRING_IS_NONE && s.trim().is_empty() => Ok(None),
            _ => T::from_json(value).map(Some),
        }
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn from_json(value: Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(Vec::new()),
            Value::String(s) if s.trim().is_empty() => Ok(Vec::new()),
            Value::Array(items) => items_of(items),
            // PHP sends a list as an object with the keys "0", "1", …; a sparse array's keys
            // may be ids, so it is not taken for a list (that would drop them).
            Value::Object(map) => match dense_list(map) {
                Ok(items) => items_of(items),
                Err(map) => Err(format!("expected an array, found {}", Value::Object(map))),
            },
            other => Err(format!("expected an array, found {other}")),
        }
    }
}

/// Each item converted; an error names the item's index.
fn items_of<T: Lenient>(items: Vec<Value>) -> Result<Vec<T>, String> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let blank = v.is_null()
                || (T::EMPTY_STRING_IS_NONE && v.as_str().is_some_and(|s| s.trim().is_empty()));
            if blank && !T::HOLDS_NULL {
                // Read as 0 it would come back changed: the list does not fit.
                return Err(nest(
                    &format!("[{i}]"),
                    &format!("expected a value, found {v}"),
                ));
            }
            T::from_json(v).map_err(|e| nest(&format!("[{i}]"), &e))
        })
        .collect()
}

/// The values of a PHP list sent as an object: its keys are exactly `"0"`, `"1"`, …, `"n-1"`
/// (in any order). Any other object comes back unchanged.
///
/// # Errors
/// The map itself, when it is not such a list.
pub fn dense_list(
    map: serde_json::Map<String, Value>,
) -> Result<Vec<Value>, serde_json::Map<String, Value>> {
    let dense = (0..map.len()).all(|i| map.contains_key(&i.to_string()));
    if !dense || map.is_empty() {
        return Err(map);
    }
    let mut map = map;
    Ok((0..map.len())
        .map(|i| map.remove(&i.to_string()).unwrap_or_default())
        .collect())
}

impl<T: Lenient> Lenient for Box<T> {
    fn from_json(value: Value) -> Result<Self, String> {
        T::from_json(value).map(Box::new)
    }
}

/// PHP sends an empty object as `[]`; maps accept it.
fn object_entries(value: Value) -> Result<serde_json::Map<String, Value>, String> {
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(serde_json::Map::new()),
        Value::Array(items) if items.is_empty() => Ok(serde_json::Map::new()),
        Value::String(s) if s.trim().is_empty() => Ok(serde_json::Map::new()),
        other => Err(format!("expected an object, found {other}")),
    }
}

impl Lenient for serde_json::Map<String, Value> {
    fn from_json(value: Value) -> Result<Self, String> {
        object_entries(value)
    }
}

impl<T: DeserializeOwned> Lenient for BTreeMap<String, T> {
    fn from_json(value: Value) -> Result<Self, String> {
        serde_path_to_error::deserialize(Value::Object(object_entries(value)?)).map_err(with_path)
    }
}

impl<T: DeserializeOwned, S: std::hash::BuildHasher + Default> Lenient for HashMap<String, T, S> {
    fn from_json(value: Value) -> Result<Self, String> {
        BTreeMap::<String, T>::from_json(value).map(|m| m.into_iter().collect())
    }
}

/// `deserialize_with` target for informational fields (the `time` block): a value that does
/// not fit is dropped rather than failing the whole answer.
///
/// # Errors
/// Only when the input is not JSON at all.
pub fn tolerant<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    Ok(Option::<T>::from_json(Value::deserialize(d)?)
        .ok()
        .flatten())
}

/// Flags sent as `"Y"`/`"N"`.
pub trait YesNo {
    /// The flag, or `None` to send nothing.
    fn flag(&self) -> Option<bool>;
}

impl YesNo for bool {
    fn flag(&self) -> Option<bool> {
        Some(*self)
    }
}

impl YesNo for Option<bool> {
    fn flag(&self) -> Option<bool> {
        *self
    }
}

/// `serialize_with` target for `#[bitrix(yn)]` fields: `true` → `"Y"`, `false` → `"N"`.
///
/// # Errors
/// Only those of the serializer.
pub fn serialize_yn<T: YesNo, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    match value.flag() {
        Some(true) => s.serialize_str("Y"),
        Some(false) => s.serialize_str("N"),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_arrive_as_strings() {
        assert_eq!(i64::from_json(json!("42")), Ok(42));
        assert_eq!(i64::from_json(json!(42)), Ok(42));
        assert_eq!(i64::from_json(json!(42.0)), Ok(42));
        assert_eq!(Option::<i64>::from_json(json!("")), Ok(None));
        assert_eq!(Option::<i64>::from_json(json!(null)), Ok(None));
        assert_eq!(Option::<i64>::from_json(json!(false)), Ok(None));
        assert_eq!(Option::<Vec<i64>>::from_json(json!(false)), Ok(None));
        assert_eq!(Option::<bool>::from_json(json!(false)), Ok(Some(false)));
        assert_eq!(
            Option::<String>::from_json(json!(false)),
            Ok(Some("N".to_owned()))
        );
        assert_eq!(
            i64::from_json(json!(true)),
            Err("expected an integer, found true".to_owned())
        );
        assert_eq!(f64::from_json(json!("0.5")), Ok(0.5));
        assert!(i64::from_json(json!("abc"))
            .unwrap_err()
            .contains("expected an integer"));
        assert!(u8::from_json(json!(300))
            .unwrap_err()
            .contains("out of range"));
    }

    #[test]
    fn huge_and_odd_numbers_are_out_of_range_or_not_numbers() {
        // Past i64::MAX: a cast to i64 saturated, and the message said "expected an integer".
        let big = json!(18_446_744_073_709_551_616.0_f64);
        assert_eq!(
            i64::from_json(big),
            Err(
                "18446744073709552000 is out of range (past 2^53 a number is not exact)".to_owned()
            )
        );
        // Found by `hostile::response::huge_numbers_where_integers_are_expected`: serde_json
        // reads this as the float -2^63, which was taken as i64::MIN.
        let below_min: Value = serde_json::from_str("-9223372036854775809").unwrap();
        assert_eq!(
            i64::from_json(below_min),
            Err(
                "-9223372036854776000 is out of range (past 2^53 a number is not exact)".to_owned()
            )
        );
        assert_eq!(
            u64::from_json(json!(9_007_199_254_740_992.0)),
            Ok(9_007_199_254_740_992)
        );
        assert_eq!(
            i64::from_json(json!("18446744073709551616")),
            Err("18446744073709551616 is out of range".to_owned())
        );
        assert_eq!(
            u8::from_json(json!("1e3")),
            Err("1000 is out of range".to_owned())
        );
        assert_eq!(i64::from_json(json!(-0.0)), Ok(0));
        // Found by `hostile::events::huge_numbers_in_the_envelope`: a number too small for a
        // float parsed as 0 and was taken as the integer 0.
        assert_eq!(
            i64::from_json(json!("1e-400")),
            Err(r#"expected an integer, found "1e-400""#.to_owned())
        );
        assert_eq!(i64::from_json(json!("0e-400")), Ok(0));
        assert_eq!(f64::from_json(json!("-0.000e5")), Ok(0.0));
        assert_eq!(
            i64::from_json(json!("2.5")),
            Err("expected an integer, found 2.5".to_owned())
        );
        // Rust's float parser takes these; Bitrix24 never means them.
        for text in ["1e400", "inf", "-infinity", "NaN"] {
            let found = Value::String(text.to_owned());
            assert_eq!(
                i64::from_json(found.clone()),
                Err(format!("expected an integer, found {found}"))
            );
            assert_eq!(
                f64::from_json(found.clone()),
                Err(format!("expected a number, found {found}"))
            );
        }
    }

    #[test]
    fn flags_and_strings() {
        assert_eq!(bool::from_json(json!("Y")), Ok(true));
        assert_eq!(bool::from_json(json!("N")), Ok(false));
        assert_eq!(bool::from_json(json!(1)), Ok(true));
        assert!(bool::from_json(json!("maybe")).is_err());
        assert_eq!(String::from_json(json!(15)), Ok("15".to_owned()));
        assert_eq!(
            Option::<String>::from_json(json!("")),
            Ok(Some(String::new()))
        );
    }

    #[test]
    fn php_arrays_as_objects() {
        assert_eq!(
            Vec::<i64>::from_json(json!({"0": "1", "1": 2})),
            Ok(vec![1, 2])
        );
        assert_eq!(
            Vec::<i64>::from_json(json!({"1": 1, "0": 0, "2": 2})),
            Ok(vec![0, 1, 2])
        );
        // Sparse keys may be ids: taking the values alone would lose them.
        assert_eq!(
            Vec::<i64>::from_json(json!({"0": 0, "10": 10})),
            Err(r#"expected an array, found {"0":0,"10":10}"#.to_owned())
        );
        assert_eq!(
            Vec::<i64>::from_json(json!({"a": 1})),
            Err(r#"expected an array, found {"a":1}"#.to_owned())
        );
        assert_eq!(
            dense_list(serde_json::Map::new()),
            Err(serde_json::Map::new())
        );
        assert_eq!(Vec::<i64>::from_json(json!([])), Ok(vec![]));
        // Found by `hostile::no_loss`: a null item was read as 0 and came back changed.
        assert_eq!(
            Vec::<i64>::from_json(json!([1, null])),
            Err("`[1]`: expected a value, found null".to_owned())
        );
        assert_eq!(
            Vec::<Option<i64>>::from_json(json!([null, ""])),
            Ok(vec![None, None])
        );
    }

    #[test]
    fn empty_php_arrays_are_empty_objects() {
        let m = serde_json::Map::<String, Value>::from_json(json!([])).unwrap();
        assert!(m.is_empty());
        let m = BTreeMap::<String, i64>::from_json(json!({"a": 1})).unwrap();
        assert_eq!(m["a"], 1);
        assert!(BTreeMap::<String, i64>::from_json(json!([1])).is_err());
        let t: Option<f64> = tolerant(json!("2024-08-26T16:11:37+03:00")).unwrap();
        assert_eq!(t, None);
    }

    #[test]
    fn yn_serializes_as_letters() {
        let v = serde_json::to_value(Flag(true)).unwrap();
        assert_eq!(v, json!("Y"));
        let v = serde_json::to_value(Flag(false)).unwrap();
        assert_eq!(v, json!("N"));
    }

    struct Flag(bool);
    impl serde::Serialize for Flag {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize_yn(&self.0, s)
        }
    }
}
