//! Server-side validation of a request against the method's spec: required parameters, JSON
//! kinds, numeric bounds and date formats. Every problem is collected, as REST 3.0 reports
//! them all; REST v1 answers with the first.

use bitrix_spec::{Kind, Method, Type, Version};
use serde_json::{Map, Value};

use super::index::SpecIndex;
use crate::http::params;
use crate::http::reply::Fail;

/// One problem with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted path of the parameter (`fields.SUBJECT`).
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// Whether the value is missing (rather than malformed).
    pub missing: bool,
}

/// Every problem of `params` against `method`'s parameters.
pub fn check(index: &SpecIndex, method: &Method, params: &Map<String, Value>) -> Vec<Problem> {
    // Update methods send only what changes: nested "required" marks describe creation.
    let last = method.name.rsplit('.').next().unwrap_or_default();
    let nested_required = !last.to_ascii_lowercase().starts_with("update");
    let mut checker = Checker {
        index,
        version: method.version,
        nested_required,
        problems: Vec::new(),
    };
    for f in &method.params {
        let value = lookup(params, &f.name, method.version);
        checker.field(f.required, &f.ty, &f.name, value, true);
    }
    checker.problems
}

fn lookup<'a>(map: &'a Map<String, Value>, key: &str, version: Version) -> Option<&'a Value> {
    match version {
        Version::V1 => params::get(map, key),
        Version::V3 => map.get(key),
    }
}

struct Checker<'a> {
    index: &'a SpecIndex,
    version: Version,
    nested_required: bool,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn report(&mut self, field: &str, message: String, missing: bool) {
        self.problems.push(Problem {
            field: field.to_owned(),
            message,
            missing,
        });
    }

    fn field(&mut self, required: bool, ty: &Type, path: &str, value: Option<&Value>, top: bool) {
        let must = required && ty.default.is_none() && (top || self.nested_required);
        if params::is_blank(value) {
            if must {
                self.report(path, format!("Required field `{path}` is missing"), true);
            }
            return;
        }
        if let Some(v) = value {
            self.value(ty, path, v);
        }
    }

    fn value(&mut self, ty: &Type, path: &str, value: &Value) {
        let index = self.index;
        let ty = index.resolve(ty);
        let ok = match &ty.kind {
            Kind::Integer => params::int(value).is_some(),
            Kind::Double | Kind::Timestamp => params::number(value).is_some(),
            Kind::Boolean | Kind::Yn => params::flag(value).is_some(),
            Kind::String => !matches!(value, Value::Object(_) | Value::Array(_)),
            Kind::Date | Kind::DateTime => match value {
                Value::String(s) => crate::clock::is_datetime(s.trim()),
                _ => false,
            },
            Kind::Object { .. } => self.object(ty, path, value),
            Kind::Array(items) => self.array(items.as_deref(), path, value),
            Kind::Union(variants) => variants.iter().any(|v| self.accepts(v, value)),
            _ => true,
        };
        if !ok {
            let expected = match &ty.kind {
                Kind::Yn => "Y or N".to_owned(),
                Kind::Date | Kind::DateTime => "a date in ISO 8601 format".to_owned(),
                Kind::Double | Kind::Timestamp => "a number".to_owned(),
                Kind::Union(_) => "one of the documented forms".to_owned(),
                other => format!("of type {other}"),
            };
            self.report(path, format!("Field `{path}` must be {expected}"), false);
            return;
        }
        self.bounds(ty, path, value);
    }

    /// Whether `value` fits `ty` with no problem reported (for union variants).
    fn accepts(&self, ty: &Type, value: &Value) -> bool {
        let mut probe = Checker {
            index: self.index,
            version: self.version,
            nested_required: self.nested_required,
            problems: Vec::new(),
        };
        probe.value(ty, "", value);
        probe.problems.is_empty()
    }

    fn object(&mut self, ty: &Type, path: &str, value: &Value) -> bool {
        let map = match value {
            Value::Object(map) => map,
            // PHP writes an empty map as `[]`.
            Value::Array(items) if items.is_empty() => return true,
            _ => return false,
        };
        for field in ty.fields() {
            let name = &field.name;
            let v = lookup(map, name, self.version);
            self.field(
                field.required,
                &field.ty,
                &format!("{path}.{name}"),
                v,
                false,
            );
        }
        true
    }

    /// An array of `item` (of anything when the docs do not say).
    fn array(&mut self, item: Option<&Type>, path: &str, value: &Value) -> bool {
        match value {
            Value::Array(items) => {
                if let Some(item) = item {
                    for (i, v) in items.iter().enumerate() {
                        self.value(item, &format!("{path}[{i}]"), v);
                    }
                }
                true
            }
            // Lists keyed by id, and PHP maps, are sent as objects.
            Value::Object(_) => true,
            // A single value where a list is documented is taken as a list of one.
            _ => item.is_none_or(|item| self.accepts(item, value)),
        }
    }

    fn bounds(&mut self, ty: &Type, path: &str, value: &Value) {
        let Some(c) = &ty.constraints else {
            return;
        };
        if let Some(n) = params::number(value) {
            if c.minimum.is_some_and(|min| n < min) || c.maximum.is_some_and(|max| n > max) {
                self.report(path, format!("Field `{path}` is out of range"), false);
            }
        }
        if let Value::String(s) = value {
            let len = u64::try_from(s.chars().count()).unwrap_or(u64::MAX);
            if c.min_length.is_some_and(|m| len < m) || c.max_length.is_some_and(|m| len > m) {
                self.report(path, format!("Field `{path}` has an invalid length"), false);
            }
        }
    }
}

/// The error answer for `problems`, in the server's shape for the method's version: REST v1
/// the first problem, as the page documents it where it does; REST 3.0 all of them.
pub fn failure(method: &Method, problems: &[Problem]) -> Option<Fail> {
    let first = problems.first()?;
    match method.version {
        Version::V1 => Some(v1_failure(method, first)),
        Version::V3 => {
            let mut fail = Fail::new(
                400,
                "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
                "Error validating request object",
            );
            fail.validation = problems
                .iter()
                .map(|p| {
                    let documented = method.errors.iter().find(|e| {
                        e.field.as_deref() == Some(p.field.as_str())
                            && e.code
                                .as_deref()
                                .is_some_and(|c| c.ends_with("REQUESTVALIDATIONEXCEPTION"))
                            && describes(&e.message, p.missing)
                    });
                    let message =
                        documented.map_or_else(|| p.message.clone(), |e| e.message.clone());
                    (p.field.clone(), message)
                })
                .collect();
            Some(fail)
        }
    }
}

fn v1_failure(method: &Method, problem: &Problem) -> Fail {
    let leaf = problem.field.rsplit('.').next().unwrap_or(&problem.field);
    let names_field = |m: &str| {
        m.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| w.eq_ignore_ascii_case(leaf))
    };
    let documented = method
        .errors
        .iter()
        .filter(|e| e.status == 400)
        .find(|e| names_field(&e.message) && describes(&e.message, problem.missing))
        .or_else(|| {
            method
                .errors
                .iter()
                .filter(|e| e.status == 400)
                .find(|e| describes(&e.message, problem.missing))
        });
    match documented {
        Some(e) => Fail::from_entry(e),
        None => Fail::new(400, "INVALID_ARG_VALUE", &problem.message),
    }
}

/// Whether a documented message describes a missing value (`missing`) or a malformed one.
fn describes(message: &str, missing: bool) -> bool {
    let m = message.to_ascii_lowercase();
    let words: &[&str] = if missing {
        &[
            "required",
            "not specified",
            "missing",
            "not defined",
            "not provided",
            "not filled",
            "mandatory",
            "empty",
        ]
    } else {
        &["incorrect", "invalid", "format"]
    };
    words.iter().any(|w| m.contains(w))
}
