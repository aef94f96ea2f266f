//! Checks a method type against wire examples: the request example must decode into the typed
//! request and serialize back to the same JSON (key order aside), and the response example must
//! decode into the typed result — strictly, every documented key in its documented type — and
//! serialize back to the same answer modulo the wire quirks (the `answer` module), so that no value is
//! lost. The generated crate runs this for every method of its spec that has both examples; it
//! works as well for methods declared with `#[bitrix_method]`.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::method::Method;
use crate::object;
use crate::response::{decode_shaped, ResultShape};

pub(crate) mod answer;

/// Why a method does not conform, grouped so failures can be counted by cause.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cause {
    /// The request example does not decode into the request type.
    RequestDoesNotDecode,
    /// The example sends keys the request type does not have (undocumented parameters).
    RequestHasUndocumentedKeys,
    /// A value comes back in another JSON type, e.g. a number the example sends as a string.
    RequestValueRetyped,
    /// A value comes back different in another way.
    RequestValueChanged,
    /// The response example does not decode into the result type.
    ResponseDoesNotDecode,
    /// A value of the response example is gone once the typed result is serialized again.
    ResponseValueLost,
    /// A value of the response example comes back different (beyond the wire quirks).
    ResponseValueChanged,
    /// The examples themselves are unusable (not the expected JSON shape).
    BadExample,
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Cause::RequestDoesNotDecode => {
                "the request example does not decode into the request type"
            }
            Cause::RequestHasUndocumentedKeys => {
                "the request example sends keys the parameter tables do not list"
            }
            Cause::RequestValueRetyped => {
                "a request value comes back in another JSON type (e.g. a number sent as a string)"
            }
            Cause::RequestValueChanged => "a request value comes back changed",
            Cause::ResponseDoesNotDecode => {
                "the response example does not decode into the result type"
            }
            Cause::ResponseValueLost => "a response value is lost by decoding and re-encoding",
            Cause::ResponseValueChanged => {
                "a response value comes back changed after decoding and re-encoding"
            }
            Cause::BadExample => "the example is not a JSON object",
        })
    }
}

/// A failed check: its cause and the detail (the first path that differs, or the error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The group.
    pub cause: Cause,
    /// What exactly went wrong.
    pub detail: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.cause, self.detail)
    }
}

fn fail(cause: Cause, detail: impl Into<String>) -> Failure {
    Failure {
        cause,
        detail: detail.into(),
    }
}

/// Checks `M` against a request body and a response body (the whole answer, `result` and all).
///
/// # Errors
/// The first way in which `M` does not reproduce the examples.
pub fn check<M>(request: &Value, response: &Value) -> Result<(), Failure>
where
    M: Method + DeserializeOwned,
    M::Output: Serialize,
{
    if !request.is_object() {
        return Err(fail(
            Cause::BadExample,
            "the request example is not an object",
        ));
    }
    let typed: M = serde_json::from_value(request.clone())
        .map_err(|e| fail(Cause::RequestDoesNotDecode, e.to_string()))?;
    let back = serde_json::to_value(&typed).map_err(|e| {
        fail(
            Cause::RequestDoesNotDecode,
            format!("does not serialize: {e}"),
        )
    })?;
    if let Some(failure) = compare("", request, &back) {
        return Err(failure);
    }
    // A page may show the `result` alone rather than the whole answer.
    let whole = response.get("result").is_some() || response.get("error").is_some();
    if whole {
        result_survives::<M>(response, true)
    } else {
        result_survives::<M>(&serde_json::json!({ "result": response }), true)
    }
}

/// The first difference between the example and what the typed request serializes to.
fn compare(path: &str, sent: &Value, back: &Value) -> Option<Failure> {
    let at = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (sent, back) {
        (Value::Object(a), Value::Object(b)) => {
            let dropped: Vec<String> = a
                .keys()
                .filter(|k| !b.contains_key(*k))
                .map(|k| at(k))
                .collect();
            if !dropped.is_empty() {
                return Some(fail(Cause::RequestHasUndocumentedKeys, dropped.join(", ")));
            }
            compare_maps(a, b, &at)
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| compare(&at(&i.to_string()), x, y)),
        (a, b) if a == b => None,
        (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => Some(fail(
            Cause::RequestValueRetyped,
            format!("`{path}`: sent {a}, comes back {b}"),
        )),
        (a, b) => Some(fail(
            Cause::RequestValueChanged,
            format!("`{path}`: sent {a}, comes back {b}"),
        )),
    }
}

fn compare_maps(
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    at: &dyn Fn(&str) -> String,
) -> Option<Failure> {
    for (k, x) in a {
        if let Some(f) = compare(&at(k), x, &b[k]) {
            return Some(f);
        }
    }
    b.keys()
        .find(|k| !a.contains_key(*k))
        .map(|k| fail(Cause::RequestValueChanged, format!("`{}` appears", at(k))))
}

/// Checks `M` against examples given as JSON text (how the generated tests hold them).
///
/// # Errors
/// As [`check`]; [`Cause::BadExample`] when a text is not JSON.
pub fn check_json<M>(request: &str, response: &str) -> Result<(), Failure>
where
    M: Method + DeserializeOwned,
    M::Output: Serialize,
{
    let parse = |what: &str, text: &str| {
        serde_json::from_str::<Value>(text).map_err(|e| {
            fail(
                Cause::BadExample,
                format!("the {what} example is not JSON: {e}"),
            )
        })
    };
    check::<M>(&parse("request", request)?, &parse("response", response)?)
}

/// Checks `M`'s typed result against a whole answer recorded from a portal, decoded as the
/// client decodes it (values that do not fit their documented type are kept, not refused):
/// the answer must decode, and serializing the result again must give back every value it
/// held, the wire quirks aside.
///
/// # Errors
/// [`Cause::ResponseDoesNotDecode`] when the answer does not decode, or the first value lost
/// or changed ([`Cause::ResponseValueLost`], [`Cause::ResponseValueChanged`]) with its path.
pub fn check_answer<M>(answer: &Value) -> Result<(), Failure>
where
    M: Method,
    M::Output: Serialize,
{
    result_survives::<M>(answer, false)
}

/// Decodes a whole answer into `M`'s result (strictly, or as the client does), serializes the
/// result again and finds the first value lost or changed beyond the wire quirks.
fn result_survives<M>(answer: &Value, strict: bool) -> Result<(), Failure>
where
    M: Method,
    M::Output: Serialize,
{
    let body = serde_json::to_vec(answer).unwrap_or_default();
    let run = || decode_shaped::<M::Output, M::Error>(200, &body, ResultShape::of::<M>());
    let decoded = if strict { object::strict(run) } else { run() }
        .map_err(|e| fail(Cause::ResponseDoesNotDecode, e.to_string()))?;
    let back = serde_json::to_value(&decoded.result).map_err(|e| {
        fail(
            Cause::ResponseDoesNotDecode,
            format!("the result does not serialize: {e}"),
        )
    })?;
    let mut sent = answer.get("result").unwrap_or(&Value::Null);
    let mut path = "result".to_owned();
    if let Some(key) = M::RESULT_WRAPPER {
        // The decode found it, so it is there.
        sent = sent.get(key).unwrap_or(&Value::Null);
        path = format!("result.{key}");
    }
    answer::lost(&path, sent, &back).map_or(Ok(()), Err)
}

/// One method's check, as the generated conformance test lists them.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// Wire name and version, e.g. `crm.activity.add (v1)`.
    pub method: &'static str,
    /// Runs the check.
    pub run: fn() -> Result<(), Failure>,
}

/// The outcome of a set of cases.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Cases that passed.
    pub passed: usize,
    /// Cases run.
    pub total: usize,
    /// Failures by method.
    pub failures: Vec<(&'static str, Failure)>,
}

impl Summary {
    /// Runs every case.
    pub fn run(cases: &[Case]) -> Summary {
        let mut summary = Summary {
            total: cases.len(),
            ..Summary::default()
        };
        for case in cases {
            match (case.run)() {
                Ok(()) => summary.passed += 1,
                Err(f) => summary.failures.push((case.method, f)),
            }
        }
        summary
    }

    /// Whether at least `percent` % of the cases passed (true for no cases).
    pub fn at_least(&self, percent: usize) -> bool {
        self.passed * 100 >= self.total * percent
    }
}

impl fmt::Display for Summary {
    /// `conformance: N/M`, then the failures grouped by cause, a few examples each (all of
    /// them with `{:#}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = if f.alternate() { usize::MAX } else { 3 };
        writeln!(f, "conformance: {}/{}", self.passed, self.total)?;
        let mut by_cause: std::collections::BTreeMap<&Cause, Vec<String>> = Default::default();
        for (method, failure) in &self.failures {
            by_cause
                .entry(&failure.cause)
                .or_default()
                .push(format!("{method}: {}", failure.detail));
        }
        for (cause, list) in by_cause {
            writeln!(f, "  {:4}  {cause}", list.len())?;
            for line in list.iter().take(shown) {
                let line: String = line
                    .chars()
                    .take(if f.alternate() { 400 } else { 160 })
                    .collect();
                writeln!(f, "          e.g. {line}")?;
            }
        }
        Ok(())
    }
}
