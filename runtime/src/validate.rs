//! Local validation: every request is checked before it leaves the process, and every problem
//! is reported at once, in the server's own shape (field + message).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::error::{FieldError, ValidationErrors};

/// Dotted path of the value being validated, e.g. `fields.COMMUNICATIONS[0].VALUE`.
#[derive(Debug, Default, Clone)]
pub struct FieldPath(String);

impl FieldPath {
    /// Appends a field name; returns the length to [`FieldPath::truncate`] back to.
    pub fn push_field(&mut self, name: &str) -> usize {
        let len = self.0.len();
        if !self.0.is_empty() {
            self.0.push('.');
        }
        self.0.push_str(name);
        len
    }

    /// Appends an array index; returns the length to truncate back to.
    pub fn push_index(&mut self, index: usize) -> usize {
        let len = self.0.len();
        self.0.push('[');
        self.0.push_str(&index.to_string());
        self.0.push(']');
        len
    }

    /// Restores an earlier length.
    pub fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    /// The path so far.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Collects the problems of one request.
#[derive(Debug, Default)]
pub struct Validator {
    /// Where the validator is.
    pub path: FieldPath,
    errors: Vec<FieldError>,
}

impl Validator {
    /// Records a problem at the current path.
    pub fn report(&mut self, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: self.path.as_str().to_owned(),
            message: message.into(),
        });
    }

    /// Validates `value` under the field `name`.
    pub fn field<T: Validate + ?Sized>(&mut self, name: &str, value: &T) {
        let len = self.path.push_field(name);
        value.validate_into(self);
        self.path.truncate(len);
    }

    /// Runs `check` with the path set to the field `name`.
    pub fn at(&mut self, name: &str, check: impl FnOnce(&mut Self)) {
        let len = self.path.push_field(name);
        check(self);
        self.path.truncate(len);
    }

    /// Everything found, or `Ok` when nothing was.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors::new(self.errors))
        }
    }
}

/// A value that can check itself against the documented rules.
pub trait Validate {
    /// Reports every problem of `self` into `v`, at `v.path`.
    fn validate_into(&self, v: &mut Validator);

    /// Validates `self` as a whole request.
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut v = Validator::default();
        self.validate_into(&mut v);
        v.finish()
    }
}

macro_rules! always_valid {
    ($($t:ty),*) => {$(
        impl Validate for $t {
            fn validate_into(&self, _: &mut Validator) {}
        }
    )*};
}
always_valid!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64, bool, String, str, Value, Map<String, Value>);

impl<T: Validate + ?Sized> Validate for &T {
    fn validate_into(&self, v: &mut Validator) {
        (**self).validate_into(v);
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate_into(&self, v: &mut Validator) {
        (**self).validate_into(v);
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_into(&self, v: &mut Validator) {
        if let Some(x) = self {
            x.validate_into(v);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_into(&self, v: &mut Validator) {
        for (i, x) in self.iter().enumerate() {
            let len = v.path.push_index(i);
            x.validate_into(v);
            v.path.truncate(len);
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate_into(&self, v: &mut Validator) {
        for (k, x) in self {
            v.field(k, x);
        }
    }
}

impl<T: Validate, S> Validate for HashMap<String, T, S> {
    fn validate_into(&self, v: &mut Validator) {
        // Sorted, so reports do not depend on the hasher.
        let mut entries: Vec<(&String, &T)> = self.iter().collect();
        entries.sort_by_key(|(k, _)| *k);
        for (k, x) in entries {
            v.field(k, x);
        }
    }
}

/// Values that can be "empty" in the server's sense: Bitrix24 treats `""`, `[]`, `{}` and
/// `null` in a required field as missing.
pub trait IsEmpty {
    /// Whether the value counts as missing.
    fn is_empty_value(&self) -> bool;
}

impl IsEmpty for String {
    fn is_empty_value(&self) -> bool {
        self.trim().is_empty()
    }
}

impl<T> IsEmpty for Vec<T> {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}

impl<T, S> IsEmpty for HashMap<String, T, S> {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}

impl<T> IsEmpty for BTreeMap<String, T> {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}

impl IsEmpty for Map<String, Value> {
    fn is_empty_value(&self) -> bool {
        self.is_empty()
    }
}

impl IsEmpty for Value {
    fn is_empty_value(&self) -> bool {
        match self {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            Value::Bool(_) | Value::Number(_) => false,
        }
    }
}

/// Numbers a range constraint applies to.
pub trait AsNumber {
    /// The value as `f64` for comparison.
    fn as_number(&self) -> f64;
}

macro_rules! as_number {
    ($($t:ty),*) => {$(
        impl AsNumber for $t {
            fn as_number(&self) -> f64 { *self as f64 }
        }
    )*};
}
as_number!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

/// The checks `#[bitrix_method]` and `#[bitrix_object]` expand to. Each reports at the
/// validator's current path.
pub mod check {
    use super::{AsNumber, IsEmpty, Validator};

    /// A required value must not be empty.
    pub fn required<T: IsEmpty + ?Sized>(v: &mut Validator, value: &T) {
        if value.is_empty_value() {
            v.report("required field is missing or empty");
        }
    }

    /// An optional value, when given, must not be empty.
    pub fn non_empty<T: IsEmpty + ?Sized>(v: &mut Validator, value: &T) {
        if value.is_empty_value() {
            v.report("must not be empty");
        }
    }

    /// Lower bound.
    pub fn minimum<T: AsNumber + ?Sized>(v: &mut Validator, value: &T, min: f64) {
        if value.as_number() < min {
            v.report(format!("must be at least {min}"));
        }
    }

    /// Upper bound.
    pub fn maximum<T: AsNumber + ?Sized>(v: &mut Validator, value: &T, max: f64) {
        if value.as_number() > max {
            v.report(format!("must be at most {max}"));
        }
    }

    /// Shortest string, in characters.
    pub fn min_length(v: &mut Validator, value: &str, min: usize) {
        if value.chars().count() < min {
            v.report(format!("must be at least {min} characters long"));
        }
    }

    /// Longest string, in characters.
    pub fn max_length(v: &mut Validator, value: &str, max: usize) {
        if value.chars().count() > max {
            v.report(format!("must be at most {max} characters long"));
        }
    }

    /// Fewest items (array elements or object keys); `count` is the value's length.
    pub fn min_items(v: &mut Validator, count: usize, min: usize) {
        if count < min {
            v.report(format!("must have at least {min} items"));
        }
    }

    /// Most items (array elements or object keys); `count` is the value's length.
    pub fn max_items(v: &mut Validator, count: usize, max: usize) {
        if count > max {
            v.report(format!("must have at most {max} items"));
        }
    }

    /// A value outside the documented list (an enum's `Unknown`).
    pub fn undocumented_value(v: &mut Validator, value: &dyn std::fmt::Display, documented: &str) {
        v.report(format!(
            "value `{value}` is not one of the documented values: {documented}"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_nest_and_restore() {
        let mut v = Validator::default();
        v.at("fields", |v| {
            let len = v.path.push_field("COMMUNICATIONS");
            let i = v.path.push_index(0);
            v.at("VALUE", |v| check::required(v, &String::new()));
            v.path.truncate(i);
            v.path.truncate(len);
            check::minimum(v, &0_i64, 1.0);
        });
        let errs: Vec<FieldError> = v.finish().unwrap_err().into_iter().collect();
        assert_eq!(errs[0].field, "fields.COMMUNICATIONS[0].VALUE");
        assert_eq!(errs[0].message, "required field is missing or empty");
        assert_eq!(errs[1].field, "fields");
        assert_eq!(errs[1].message, "must be at least 1");
    }

    #[test]
    fn emptiness_follows_the_server() {
        assert!(String::from("  ").is_empty_value());
        assert!(Value::Null.is_empty_value());
        assert!(serde_json::json!({}).is_empty_value());
        assert!(!serde_json::json!(0).is_empty_value());
        assert!(Vec::<i64>::new().is_empty_value());
    }
}
