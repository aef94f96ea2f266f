//! Serde for the structs the macros generate. Each generated impl is a line per field that
//! calls into here, instead of serde_derive's visitors: with 1,600 methods the derived code
//! was most of the crate's build time.
//!
//! Reading goes through a JSON object map, so an object is accepted as Bitrix24 sends it:
//! PHP's empty array `[]` is an empty object, and each field is converted by the same
//! functions the wire rules use ([`lenient`], [`optional`], [`list`], [`plain`]).
//!
//! A struct with an `extra` map ([`read_keeping`]) keeps what the docs do not describe: keys
//! they do not list, and — unless [`strict`] is on — a documented key whose value does not fit
//! its documented type even after the wire quirks (the field stays `None`, the raw value goes
//! to `extra` under its key, and a `tracing` debug event names it). So a real answer always
//! decodes and re-encodes to what came; the conformance check runs strict to find the misfits.
//!
//! Errors name the JSON path of the value that does not fit, as `` `CONTACT.ID`: reason ``;
//! each enclosing object or list prepends its key or index ([`nest`]).

use std::cell::Cell;
use std::fmt::Display;

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::wire::{serialize_yn, Lenient, YesNo};

thread_local! {
    static STRICT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with strict decoding on this thread: a documented key whose value does not fit
/// fails the decode (naming its path) instead of being kept in the struct's `extra` map.
pub fn strict<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            STRICT.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(STRICT.with(|s| s.replace(true)));
    f()
}

fn is_strict() -> bool {
    STRICT.with(Cell::get)
}

/// The keys of one JSON object, taken field by field.
pub struct Fields {
    map: Map<String, Value>,
    /// The struct's name, for the debug event of a kept misfit; `None` when the struct has no
    /// `extra` map to keep one in.
    keeper: Option<&'static str>,
    /// Documented keys whose values did not fit, kept raw for the `extra` map.
    misfits: Map<String, Value>,
}

/// Decodes an object: reads it, then lets `build` take its fields.
///
/// # Errors
/// When the input is not an object (or `[]`), or `build` fails; the message names the path.
pub fn read<'de, D: Deserializer<'de>, T>(
    d: D,
    build: impl FnOnce(&mut Fields) -> Result<T, String>,
) -> Result<T, D::Error> {
    read_object(d, None, build)
}

/// As [`read`], for a struct named `name` whose `extra` map keeps what does not fit (see the
/// module docs); `build` must end with `Fields::rest`.
///
/// # Errors
/// When the input is not an object (or `[]`), or a value does not fit and strict mode is on.
pub fn read_keeping<'de, D: Deserializer<'de>, T>(
    d: D,
    name: &'static str,
    build: impl FnOnce(&mut Fields) -> Result<T, String>,
) -> Result<T, D::Error> {
    read_object(d, Some(name), build)
}

fn read_object<'de, D: Deserializer<'de>, T>(
    d: D,
    keeper: Option<&'static str>,
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
    let mut fields = Fields {
        map,
        keeper,
        misfits: Map::new(),
    };
    build(&mut fields).map_err(D::Error::custom)
}

impl Fields {
    /// A field that must be present.
    ///
    /// # Errors
    /// When the key is missing or its value does not convert.
    pub fn required<T, E: Display>(
        &mut self,
        wire: &str,
        convert: impl FnOnce(Value) -> Result<T, E>,
    ) -> Result<T, String> {
        match self.map.remove(wire) {
            Some(value) => convert(value).map_err(|e| nest(wire, &e.to_string())),
            None => Err(format!("missing field `{wire}`")),
        }
    }

    /// A field whose absence means its default (`None`, empty list or map). In a struct read
    /// by [`read_keeping`], a value that does not convert is kept raw for the `extra` map and
    /// the field takes its default, unless [`strict`] is on.
    ///
    /// # Errors
    /// When a present value does not convert and cannot be kept.
    pub fn defaulted<T: Default, E: Display>(
        &mut self,
        wire: &str,
        convert: impl FnOnce(Value) -> Result<T, E>,
    ) -> Result<T, String> {
        let Some(value) = self.map.remove(wire) else {
            return Ok(T::default());
        };
        let keeper = self.keeper.filter(|_| !is_strict());
        let Some(name) = keeper else {
            return convert(value).map_err(|e| nest(wire, &e.to_string()));
        };
        // Scalars are cheap to copy; the copy is what survives a misfit.
        let raw = value.clone();
        convert(value).or_else(|e| {
            let error = nest(wire, &e.to_string());
            tracing::debug!(
                target: "bitrix24::decode",
                object = name,
                %error,
                "a value does not fit its documented type; kept in `extra`"
            );
            self.misfits.insert(wire.to_owned(), raw);
            Ok(T::default())
        })
    }

    /// The keys no field took, and the misfits kept by [`Fields::defaulted`] (for a struct's
    /// `extra` map).
    pub fn rest<C: FromIterator<(String, Value)>>(&mut self) -> C {
        let mut rest = std::mem::take(&mut self.map);
        rest.append(&mut self.misfits);
        rest.into_iter().collect()
    }
}

/// Puts `segment` (a key, or an index as `[3]`) in front of the path an error message names:
/// `` `ID`: reason `` under `CONTACT` becomes `` `CONTACT.ID`: reason ``; a message without a
/// path becomes `` `CONTACT`: message ``.
pub fn nest(segment: &str, message: &str) -> String {
    match split_path(message) {
        Some((path, reason)) if path.starts_with('[') => format!("`{segment}{path}`: {reason}"),
        Some((path, reason)) => format!("`{segment}.{path}`: {reason}"),
        None => format!("`{segment}`: {message}"),
    }
}

/// The path a message names and the reason, for messages made by [`nest`].
pub(crate) fn split_path(message: &str) -> Option<(&str, &str)> {
    let (path, reason) = message.strip_prefix('`')?.split_once("`: ")?;
    (!path.is_empty() && !path.contains('`')).then_some((path, reason))
}

/// A serde error with the path serde walked (lists, maps, `Option`s of std types) put in front
/// of the path the message names.
pub(crate) fn with_path(e: serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = e.path().to_string();
    let message = e.into_inner().to_string();
    if path == "." {
        message
    } else {
        nest(&path, &message)
    }
}

/// Plain serde conversion of a field's value (nested structs, enums, lists of them).
///
/// # Errors
/// When the value does not fit `T`; the message names the path inside the value.
pub fn plain<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(with_path)
}

/// A field built from numbers, flags, strings and lists of them (see [`Lenient`]).
///
/// # Errors
/// When the value cannot mean a `T` at all (e.g. `"abc"` for a number).
pub fn lenient<T: Lenient>(value: Value) -> Result<T, String> {
    T::from_json(value)
}

/// An optional nested object: `null`, `""`, `false` and PHP's empty `[]` mean "absent".
///
/// # Errors
/// When a present value does not fit `T`.
pub fn optional<T: DeserializeOwned>(value: Value) -> Result<Option<T>, String> {
    match &value {
        Value::Null | Value::Bool(false) => Ok(None),
        Value::Array(items) if items.is_empty() => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        _ => plain(value).map(Some),
    }
}

/// A list of nested objects (`T` is `Vec<_>` or `Option<Vec<_>>`): `""` and `false` mean
/// "absent", and a PHP list sent as an object with the keys `"0"`, `"1"`, … is that list.
///
/// # Errors
/// When the value does not fit `T`; an object with other keys (PHP's sparse array, keyed by
/// something that may matter) is not a list.
pub fn list<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    let value = match value {
        Value::Bool(false) => Value::Null,
        Value::String(s) if s.trim().is_empty() => Value::Null,
        Value::Object(map) => match crate::wire::dense_list(map) {
            Ok(items) => Value::Array(items),
            Err(map) => Value::Object(map),
        },
        other => other,
    };
    plain(value)
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
mod tests;
