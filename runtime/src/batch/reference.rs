//! References from one call of a v1 batch to the result of an earlier one
//! (`$result[c00][ID]`), typed: a [`Ref<T>`] can only fill a parameter of type `T` (or
//! `Option<T>`), which the compiler checks.
//!
//! A bound parameter holds a stand-in value ([`Placeholder`]) in the typed call; once the call
//! is serialized, the stand-in is found in the JSON and replaced by the reference text. That
//! works for parameters at any depth, with no per-method code.

use std::marker::PhantomData;

use serde_json::Value;

use super::{wire, MAX_BATCH_COMMANDS};
use crate::method::ApiVersion;

/// A value inside the result of an earlier call of the same batch, filled in by the portal
/// when it runs the batch. `T` is what the value is.
#[derive(Debug)]
pub struct Ref<T> {
    command: usize,
    path: Vec<String>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Ref<T> {
    fn clone(&self) -> Self {
        Ref {
            command: self.command,
            path: self.path.clone(),
            ty: PhantomData,
        }
    }
}

impl<T> Ref<T> {
    pub(crate) fn new(command: usize, path: Vec<String>) -> Ref<T> {
        Ref {
            command,
            path,
            ty: PhantomData,
        }
    }

    /// A value further inside: `deals.at::<Vec<Value>>(&[]).item::<i64>(&["0", "ID"])`.
    pub fn item<U>(&self, path: &[&str]) -> Ref<U> {
        let mut full = self.path.clone();
        full.extend(path.iter().map(|s| (*s).to_owned()));
        Ref::new(self.command, full)
    }
}

/// A parameter type that can hold a stand-in until the portal fills it.
pub trait Placeholder {
    /// What a reference that fills it must be.
    type Value;
    /// The stand-in number `n`.
    fn placeholder(n: usize) -> Self;
    /// Whether `value` is the JSON of stand-in number `n`.
    fn is_placeholder(value: &Value, n: usize) -> bool;
}

/// Integers far from any id or count a portal sends.
const INT_MARK: i64 = -0x3b5f_0000_0000_0000;

impl Placeholder for i64 {
    type Value = i64;
    fn placeholder(n: usize) -> i64 {
        INT_MARK - i64::try_from(n).unwrap_or(0)
    }
    fn is_placeholder(value: &Value, n: usize) -> bool {
        value.as_i64() == Some(Self::placeholder(n))
    }
}

impl Placeholder for String {
    type Value = String;
    fn placeholder(n: usize) -> String {
        format!("\u{1}bitrix24-reference-{n}\u{1}")
    }
    fn is_placeholder(value: &Value, n: usize) -> bool {
        value.as_str() == Some(Self::placeholder(n).as_str())
    }
}

impl<T: Placeholder> Placeholder for Option<T> {
    type Value = T::Value;
    fn placeholder(n: usize) -> Option<T> {
        Some(T::placeholder(n))
    }
    fn is_placeholder(value: &Value, n: usize) -> bool {
        T::is_placeholder(value, n)
    }
}

/// Where the parameters of a call take references, for [`super::Batch::push_with`]:
///
/// ```ignore
/// batch.push_with(CrmDealGet::new(0), |b| b.set(|m| &mut m.id, list.at::<i64>(&["0", "ID"])))?;
/// ```
#[derive(Debug)]
pub struct Bind<M> {
    method: M,
    placed: Vec<Placed>,
}

/// A reference put in place of stand-in number `n`.
#[derive(Debug)]
pub(crate) struct Placed {
    command: usize,
    path: Vec<String>,
    is_placeholder: fn(&Value, usize) -> bool,
}

impl Placed {
    /// The call it refers to.
    pub(crate) fn command(&self) -> usize {
        self.command
    }
}

impl<M> Bind<M> {
    pub(crate) fn new(method: M) -> Bind<M> {
        Bind {
            method,
            placed: Vec::new(),
        }
    }

    /// Fills the parameter `field` selects with `value`. The parameter's type decides what the
    /// reference must be: an `i64` (or `Option<i64>`) parameter takes a `Ref<i64>`.
    pub fn set<T: Placeholder>(
        mut self,
        field: impl FnOnce(&mut M) -> &mut T,
        value: Ref<T::Value>,
    ) -> Self {
        let n = self.placed.len();
        *field(&mut self.method) = T::placeholder(n);
        self.placed.push(Placed {
            command: value.command,
            path: value.path,
            is_placeholder: T::is_placeholder,
        });
        self
    }

    pub(crate) fn into_parts(self) -> (M, Vec<Placed>) {
        (self.method, self.placed)
    }
}

/// Puts the reference text where each stand-in is in `params`, and gives the wire paths of the
/// bound parameters (as validation names them).
///
/// # Errors
/// A message when a stand-in is not found (the selected field is not sent) or the batch is
/// REST 3.0.
pub(crate) fn place(
    params: &mut Value,
    placed: &[Placed],
    version: ApiVersion,
) -> Result<Vec<String>, String> {
    if placed.is_empty() {
        return Ok(Vec::new());
    }
    if version == ApiVersion::V3 {
        return Err("references are a REST v1 batch feature".to_owned());
    }
    let mut paths = Vec::new();
    for (n, p) in placed.iter().enumerate() {
        let mut text = format!("$result[{}]", wire::key(p.command % MAX_BATCH_COMMANDS));
        for segment in &p.path {
            text.push_str(&format!("[{segment}]"));
        }
        let path = replace(params, n, p.is_placeholder, &text, String::new())
            .ok_or_else(|| format!("reference {n} fills no parameter that is sent"))?;
        paths.push(path);
    }
    Ok(paths)
}

/// Replaces stand-in `n` under `value` by `text`; the path where it was.
fn replace(
    value: &mut Value,
    n: usize,
    is_placeholder: fn(&Value, usize) -> bool,
    text: &str,
    path: String,
) -> Option<String> {
    if is_placeholder(value, n) {
        *value = Value::String(text.to_owned());
        return Some(path);
    }
    match value {
        Value::Object(map) => map.iter_mut().find_map(|(k, v)| {
            let here = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            replace(v, n, is_placeholder, text, here)
        }),
        Value::Array(items) => items
            .iter_mut()
            .enumerate()
            .find_map(|(i, v)| replace(v, n, is_placeholder, text, format!("{path}[{i}]"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[derive(Default)]
    struct Call {
        id: i64,
        owner: Option<String>,
    }

    #[test]
    fn stand_ins_become_reference_texts_at_any_depth() {
        let bound = Bind::new(Call::default())
            .set(
                |c| &mut c.id,
                Ref::<i64>::new(3, vec!["0".into(), "ID".into()]),
            )
            .set(
                |c| &mut c.owner,
                Ref::<String>::new(52, vec!["NAME".into()]),
            );
        let (call, placed) = bound.into_parts();
        let mut params = json!({
            "id": call.id,
            "fields": {"OWNER": call.owner, "LIST": [1, 2]},
        });
        let paths = place(&mut params, &placed, ApiVersion::V1).unwrap();
        assert_eq!(params["id"], json!("$result[c03][0][ID]"));
        // A command's key is its place within its group of 50.
        assert_eq!(params["fields"]["OWNER"], json!("$result[c02][NAME]"));
        assert_eq!(paths, ["id", "fields.OWNER"]);
        assert_eq!(
            place(&mut json!({}), &placed, ApiVersion::V3).unwrap_err(),
            "references are a REST v1 batch feature"
        );
        assert_eq!(
            place(&mut json!({"id": 1}), &placed, ApiVersion::V1).unwrap_err(),
            "reference 0 fills no parameter that is sent"
        );
    }
}
