//! Decoding answers: v1 (`result`, `next`, `total`, `time`), REST 3.0 (`result` wrapping
//! `item`, `items` or `result`), and both error shapes, into one [`Response`] or one [`Error`].

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::codes::ErrorCode;
use crate::error::{ApiError, Error, FieldError};
use crate::method::Method;
use crate::object;
use crate::wire::{lenient, tolerant};

/// A successful answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    /// The decoded `result` (unwrapped from `item`/`items`/`result` for REST 3.0).
    pub result: T,
    /// v1 lists: total number of records.
    pub total: Option<u64>,
    /// v1 lists: `start` of the next page, absent on the last page.
    pub next: Option<u64>,
    /// Timing and operating-limit information.
    pub time: Option<Time>,
    /// REST 3.0: the portal answered from its store of `Idempotency-Key`s
    /// (`Idempotent-Replayed: true`): an earlier attempt of this call ran, and this is its
    /// answer; the call did not run again.
    pub replayed: bool,
}

impl<T> Response<T> {
    /// With the replay flag set as the answer's headers said.
    pub(crate) fn replayed(mut self, replayed: bool) -> Self {
        self.replayed = replayed;
        self
    }

    /// The result alone.
    pub fn into_result(self) -> T {
        self.result
    }
}

/// The `time` block of every answer. All keys are optional: the set varies by method.
///
/// Decoding never fails on this block: a value of an unexpected shape (the docs show
/// `operating_reset_at` as a date string once) becomes `None`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Time {
    /// Unix time the request started, in seconds.
    #[serde(default, deserialize_with = "tolerant")]
    pub start: Option<f64>,
    /// Unix time the request finished, in seconds.
    #[serde(default, deserialize_with = "tolerant")]
    pub finish: Option<f64>,
    /// Seconds between start and finish.
    #[serde(default, deserialize_with = "tolerant")]
    pub duration: Option<f64>,
    /// Seconds spent processing.
    #[serde(default, deserialize_with = "tolerant")]
    pub processing: Option<f64>,
    /// Start as a date-time string.
    #[serde(default, deserialize_with = "tolerant")]
    pub date_start: Option<String>,
    /// Finish as a date-time string.
    #[serde(default, deserialize_with = "tolerant")]
    pub date_finish: Option<String>,
    /// Unix time when part of the method's operating-time budget is released.
    #[serde(default, deserialize_with = "tolerant")]
    pub operating_reset_at: Option<f64>,
    /// Seconds of operating time this method has used in the current window.
    #[serde(default, deserialize_with = "tolerant")]
    pub operating: Option<f64>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    result: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<Value>,
    #[serde(default, deserialize_with = "lenient")]
    error_description: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    next: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    total: Option<u64>,
    #[serde(default)]
    time: Option<Time>,
}

/// Where a method's `result` sits in its answer, and whether the answer may leave it out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResultShape {
    /// The REST 3.0 key inside `result` that holds the payload (`item`, `items`, `result`).
    pub wrapper: Option<&'static str>,
    /// Whether `result` may be `null`, `false`, `""` or PHP's `[]` for "none" (the docs say
    /// so): the result type is then an `Option`, and those answers are `None`.
    pub optional: bool,
}

impl ResultShape {
    /// The shape of `M`'s answers.
    pub fn of<M: Method>() -> ResultShape {
        ResultShape {
            wrapper: M::RESULT_WRAPPER,
            optional: M::RESULT_OPTIONAL,
        }
    }
}

/// Decodes an answer body. `wrapper` is the REST 3.0 key inside `result`, if any.
///
/// # Errors
/// [`Error::Api`] for an error answer, [`Error::Decode`] (with the body) for anything that
/// does not fit.
pub fn decode<T: DeserializeOwned, C: ErrorCode>(
    status: u16,
    body: &[u8],
    wrapper: Option<&'static str>,
) -> Result<Response<T>, Error<C>> {
    decode_shaped(
        status,
        body,
        ResultShape {
            wrapper,
            optional: false,
        },
    )
}

/// [`decode`] for a result of the given shape.
///
/// # Errors
/// As [`decode`].
pub fn decode_shaped<T: DeserializeOwned, C: ErrorCode>(
    status: u16,
    body: &[u8],
    shape: ResultShape,
) -> Result<Response<T>, Error<C>> {
    let decode_error = |reason: String| Error::Decode {
        status,
        body: String::from_utf8_lossy(body).into_owned(),
        reason,
    };
    let envelope = envelope(body).map_err(decode_error)?;

    if let Some(error) = envelope.error {
        return Err(Error::Api(api_error(
            status,
            error,
            envelope.error_description,
        )));
    }
    if !(200..300).contains(&status) {
        return Err(decode_error(format!(
            "HTTP {status} without an error object"
        )));
    }

    let result = unwrap_result(
        envelope.result.unwrap_or(RawValue::NULL),
        shape,
        decode_error,
    )?;
    Ok(Response {
        result,
        total: envelope.total,
        next: envelope.next,
        time: envelope.time,
        replayed: false,
    })
}

/// The answer's envelope, or what is wrong with it: broken JSON, or the key that does not fit
/// (`total`, `time`, …; one type, so naming the path costs one instantiation).
fn envelope(body: &[u8]) -> Result<Envelope<'_>, String> {
    // Serde reads a struct from a list too, field by field: `[null, "CODE"]` was an error
    // answer. Only an object is an answer.
    let first = body.trim_ascii_start().first().copied();
    if first != Some(b'{') {
        serde_json::from_slice::<serde::de::IgnoredAny>(body)
            .map_err(|e| format!("the body is not JSON: {e}"))?;
        let found = match first {
            Some(b'[') => "a list",
            Some(b'"') => "a string",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            _ => "a number",
        };
        return Err(format!(
            "the body is not a JSON answer: expected an object, found {found}"
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    let problem = |e: serde_path_to_error::Error<serde_json::Error>| {
        let path = e.path().to_string();
        let e = e.into_inner();
        if e.is_syntax() || e.is_eof() || e.is_io() {
            format!("the body is not JSON: {e}")
        } else if path == "." {
            format!("the body is not a JSON answer: {e}")
        } else {
            format!("`{path}` does not fit: {e}")
        }
    };
    let envelope = serde_path_to_error::deserialize(&mut *de).map_err(problem)?;
    de.end().map_err(|e| format!("the body is not JSON: {e}"))?;
    Ok(envelope)
}

/// Decodes a `result` that arrived inside another answer (a batch command's), of the given
/// shape. `status` is the status of the answer it arrived in.
///
/// # Errors
/// [`Error::Decode`] (with the result as its body) when it does not fit `T`.
pub(crate) fn from_result<T: DeserializeOwned, C: ErrorCode>(
    status: u16,
    result: &RawValue,
    shape: ResultShape,
) -> Result<T, Error<C>> {
    unwrap_result(result, shape, |reason| Error::Decode {
        status,
        body: result.get().to_owned(),
        reason,
    })
}

/// `result` (or, for REST 3.0, its `wrapper` key) decoded as `T`; `decode_error` turns a
/// reason into the caller's error.
fn unwrap_result<T: DeserializeOwned, C: ErrorCode>(
    result: &RawValue,
    shape: ResultShape,
    decode_error: impl Fn(String) -> Error<C>,
) -> Result<T, Error<C>> {
    // "None" as PHP spells it, before a wrapper is looked for: there is no payload to wrap.
    if shape.optional && matches!(result.get().trim(), "null" | "false" | "\"\"" | "[]") {
        return serde_json::from_str("null").map_err(|e| decode_error(e.to_string()));
    }
    let (mut raw, mut at) = (result, "result".to_owned());
    if let Some(key) = shape.wrapper {
        // Owned keys: a borrowed `&str` cannot hold a key written with escapes (`"it\u0065m"`).
        let mut outer: std::collections::BTreeMap<String, &RawValue> =
            serde_json::from_str(raw.get())
                .map_err(|e| decode_error(format!("`result` is not an object: {e}")))?;
        raw = outer
            .remove(key)
            .ok_or_else(|| decode_error(format!("`result.{key}` is missing")))?;
        at = format!("result.{key}");
    }
    let de = &mut serde_json::Deserializer::from_str(raw.get());
    let error = match serde_path_to_error::deserialize(de) {
        Ok(value) => return Ok(value),
        Err(e) if e.inner().is_syntax() || e.inner().is_eof() => e.into_inner().to_string(),
        Err(e) => match quirk_forms(raw) {
            Some(value) => return Ok(value),
            None => object::nest(&at, &object::with_path(e)),
        },
    };
    let (path, reason) = object::split_path(&error).unwrap_or((&at, &error));
    Err(decode_error(format!(
        "`{path}` does not match the documented shape: {reason}"
    )))
}

/// A result that does not fit as sent, read in the forms its wire quirks stand for: a PHP list
/// sent as an object with the keys `"0"`, `"1"`, …, a number sent as a string (alone or in a
/// list: `["1269", "1271"]`), a flag sent as `Y`/`N`, `"true"`/`"false"` or `0`/`1`. `None`
/// when no form fits.
fn quirk_forms<T: DeserializeOwned>(raw: &RawValue) -> Option<T> {
    let sent: Value = serde_json::from_str(raw.get()).ok()?;
    let mut forms = Vec::new();
    match &sent {
        Value::Object(map) => {
            forms.extend(crate::wire::dense_list(map.clone()).ok().map(Value::Array))
        }
        Value::Array(items) => {
            let numbers: Vec<Value> = items
                .iter()
                .map(|item| {
                    item.as_str()
                        .and_then(crate::wire::numeric_text)
                        .unwrap_or_else(|| item.clone())
                })
                .collect();
            if numbers != *items {
                forms.push(Value::Array(numbers));
            }
        }
        Value::String(text) => forms.extend(crate::wire::numeric_text(text)),
        _ => {}
    }
    forms.extend(
        <bool as crate::wire::Lenient>::from_json(sent)
            .ok()
            .map(Value::Bool),
    );
    forms.into_iter().find_map(|form| object::plain(form).ok())
}

/// The code of an `error` value in either shape: v1 `"CODE"`, REST 3.0 `{"code": "CODE", …}`.
pub(crate) fn error_code(error: &Value) -> Option<&str> {
    match error {
        Value::String(code) => Some(code),
        Value::Object(e) => e.get("code").and_then(Value::as_str),
        _ => None,
    }
}

/// v1 `{"error": "CODE", "error_description": "…"}` or REST 3.0
/// `{"error": {"code", "message", "validation": [{field, message}]}}`.
pub(crate) fn api_error<C: ErrorCode>(
    status: u16,
    error: Value,
    description: Option<String>,
) -> ApiError<C> {
    match error {
        Value::Object(mut obj) => {
            let text = |v: Option<Value>| match v {
                Some(Value::String(s)) => s,
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            let code = text(obj.remove("code"));
            let message = text(obj.remove("message"));
            let validation = match obj.remove("validation") {
                Some(Value::Array(items)) => items
                    .into_iter()
                    .map(|item| FieldError {
                        field: text(item.get("field").cloned()),
                        message: text(item.get("message").cloned()),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            ApiError {
                code: C::from_answer(&code, &message),
                status,
                message,
                validation,
            }
        }
        other => {
            let code = match other {
                Value::String(s) => s,
                Value::Null => String::new(),
                v => v.to_string(),
            };
            let message = description.unwrap_or_default();
            ApiError {
                code: C::from_answer(&code, &message),
                status,
                message,
                validation: Vec::new(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CommonError;

    type R<T> = Result<Response<T>, Error<CommonError>>;

    #[test]
    fn v1_list_with_paging() {
        let r: R<Vec<Value>> = decode(200, br#"{"result":[{"ID":"1"}],"next":50,"total":"120","time":{"start":1.5,"operating":"0"}}"#, None);
        let r = r.unwrap();
        assert_eq!(r.result.len(), 1);
        assert_eq!(r.next, Some(50));
        assert_eq!(r.total, Some(120));
        assert_eq!(r.time.unwrap().operating, Some(0.0));
    }

    #[test]
    fn a_result_that_does_not_fit_names_its_json_path() {
        let reason =
            |body: &[u8], wrapper| match decode::<Vec<Vec<i64>>, CommonError>(200, body, wrapper) {
                Err(Error::Decode { reason, .. }) => reason,
                other => panic!("unexpected {other:?}"),
            };
        assert_eq!(
            reason(br#"{"result":[[1],[2,{"a":1}]]}"#, None),
            "`result[1][1]` does not match the documented shape: invalid type: map, \
             expected i64 at line 1 column 8"
        );
        assert_eq!(
            reason(br#"{"result":{"items":5}}"#, Some("items")),
            "`result.items` does not match the documented shape: invalid type: integer `5`, \
             expected a sequence at line 1 column 1"
        );
    }

    #[test]
    fn a_scalar_result_is_read_through_its_wire_quirks() {
        let flag: R<bool> = decode(200, br#"{"result":"Y"}"#, None);
        assert!(flag.unwrap().result);
        let flag: R<bool> = decode(200, br#"{"result":0}"#, None);
        assert!(!flag.unwrap().result);
        let id: R<i64> = decode(200, br#"{"result":"42"}"#, None);
        assert_eq!(id.unwrap().result, 42);
        let sum: R<f64> = decode(200, br#"{"result":"12.50"}"#, None);
        assert_eq!(sum.unwrap().result, 12.5);
        // A list of numbers sent as strings, as `sonet_group.user.add` answers.
        let ids: R<Vec<i64>> = decode(200, br#"{"result":["1269","1271",7]}"#, None);
        assert_eq!(ids.unwrap().result, [1269, 1271, 7]);
        let texts: R<Vec<String>> = decode(200, br#"{"result":["1269","x"]}"#, None);
        assert_eq!(texts.unwrap().result, ["1269", "x"]);
        let bad: R<Vec<i64>> = decode(200, br#"{"result":["1269","x"]}"#, None);
        assert!(matches!(bad, Err(Error::Decode { .. })), "{bad:?}");
        // A string stays a string.
        let text: R<String> = decode(200, br#"{"result":"Y"}"#, None);
        assert_eq!(text.unwrap().result, "Y");
        let bad: R<i64> = decode(200, br#"{"result":"abc"}"#, None);
        assert!(
            matches!(&bad, Err(Error::Decode { reason, .. }) if reason == "`result` does not match the documented shape: invalid type: string \"abc\", expected i64 at line 1 column 5"),
            "{bad:?}"
        );
    }

    #[test]
    fn an_optional_result_sent_as_false_null_or_empty_is_none() {
        let optional = ResultShape {
            wrapper: None,
            optional: true,
        };
        // `Vec` reads `[]` as a list of none: only the shape tells it is "no result".
        for body in [
            &br#"{"result":false}"#[..],
            br#"{"result":null}"#,
            br#"{"result":[]}"#,
            br#"{"result":""}"#,
        ] {
            let r: R<Option<Vec<i64>>> = decode_shaped(200, body, optional);
            assert_eq!(r.unwrap().result, None, "{}", String::from_utf8_lossy(body));
        }
        let r: R<Option<Vec<i64>>> = decode_shaped(200, br#"{"result":[7]}"#, optional);
        assert_eq!(r.unwrap().result, Some(vec![7]));
        // Without the shape, `[]` is a result, and `false` does not fit a list.
        let r: R<Option<Vec<i64>>> = decode(200, br#"{"result":[]}"#, None);
        assert_eq!(r.unwrap().result, Some(vec![]));
        let r: R<Option<Vec<i64>>> = decode(200, br#"{"result":false}"#, None);
        assert!(
            matches!(&r, Err(Error::Decode { reason, .. }) if reason.starts_with("`result` does not match the documented shape")),
            "{r:?}"
        );
    }

    #[test]
    fn a_php_list_sent_as_an_object_is_a_list() {
        let r: R<Vec<i64>> = decode(200, br#"{"result":{"1":20,"0":10}}"#, None);
        assert_eq!(r.unwrap().result, [10, 20]);
        // Sparse keys may be ids: not a list.
        let r: R<Vec<i64>> = decode(200, br#"{"result":{"0":10,"7":20}}"#, None);
        assert!(
            matches!(&r, Err(Error::Decode { reason, .. }) if reason.starts_with("`result` does not match the documented shape: invalid type: map")),
            "{r:?}"
        );
    }

    #[test]
    fn v3_wrapped_item() {
        let r: R<Value> = decode(200, br#"{"result":{"item":{"id":42}}}"#, Some("item"));
        assert_eq!(r.unwrap().result, serde_json::json!({"id": 42}));
        let missing: R<Value> = decode(200, br#"{"result":{}}"#, Some("item"));
        match missing.unwrap_err() {
            Error::Decode { reason, body, .. } => {
                assert!(reason.contains("result.item"), "{reason}");
                assert_eq!(body, r#"{"result":{}}"#);
            }
            e => panic!("unexpected {e:?}"),
        }
    }

    #[test]
    fn v1_error() {
        let r: R<Value> = decode(401, br#"{"error":"expired_token","error_description":"The access token provided has expired."}"#, None);
        let e = r.unwrap_err();
        let api = e.api().unwrap();
        assert_eq!(api.code, CommonError::ExpiredToken);
        assert_eq!(api.status, 401);
        assert_eq!(api.message, "The access token provided has expired.");
    }

    #[test]
    fn v3_error_with_validation() {
        let body = br#"{"error":{"code":"BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION","message":"Error validating request object","validation":[{"message":"Required field `messageId` is missing","field":"messageId"}]}}"#;
        let r: R<Value> = decode(400, body, None);
        let e = r.unwrap_err();
        let api = e.api().unwrap();
        assert_eq!(api.code, CommonError::RequestValidationException);
        assert_eq!(api.validation[0].field, "messageId");
        assert!(e.to_string().contains("messageId"));
    }

    #[test]
    fn unknown_code_is_not_a_decode_error() {
        let r: R<Value> = decode(
            400,
            br#"{"error":"BRAND_NEW","error_description":"x"}"#,
            None,
        );
        assert_eq!(
            r.unwrap_err().code(),
            Some(&CommonError::Unknown("BRAND_NEW".into()))
        );
    }

    fn reason<T: DeserializeOwned + std::fmt::Debug>(
        body: &str,
        wrapper: Option<&'static str>,
    ) -> String {
        match decode::<T, CommonError>(200, body.as_bytes(), wrapper) {
            Err(Error::Decode { reason, .. }) => reason,
            other => panic!("{body}: {other:?}"),
        }
    }

    #[test]
    fn bad_answers_say_what_is_wrong() {
        assert_eq!(
            reason::<Value>(r#"{"result":[],"total":-5}"#, None),
            "`total` does not fit: -5 is out of range at line 1 column 24"
        );
        assert_eq!(
            reason::<Value>(r#"{"result":1,"time":"soon"}"#, None),
            "`time` does not fit: invalid type: string \"soon\", expected struct Time at line 1 column 25"
        );
        // A list was read as the envelope, field by field: this was an error answer.
        let list: R<Value> = decode(400, br#"[null, "ACCESS_DENIED"]"#, None);
        match list.unwrap_err() {
            Error::Decode { reason, .. } => assert_eq!(
                reason,
                "the body is not a JSON answer: expected an object, found a list"
            ),
            e => panic!("unexpected {e:?}"),
        }
        assert_eq!(
            reason::<Value>(" 5", None),
            "the body is not a JSON answer: expected an object, found a number"
        );
        assert_eq!(
            reason::<Value>(r#"{"result":1,"result":2}"#, None),
            "the body is not a JSON answer: duplicate field `result` at line 1 column 20"
        );
        assert_eq!(
            reason::<Value>("", None),
            "the body is not JSON: EOF while parsing a value at line 1 column 0"
        );
        assert_eq!(
            reason::<Value>(r#"{"result":1} x"#, None),
            "the body is not JSON: trailing characters at line 1 column 14"
        );
        assert_eq!(
            reason::<Value>(r#"{"result":[1"#, None),
            "the body is not JSON: EOF while parsing a list at line 1 column 12"
        );
        assert_eq!(
            reason::<i64>(r#"{"result":{"item":"x"}}"#, Some("item")),
            "`result.item` does not match the documented shape: invalid type: string \"x\", expected i64 at line 1 column 3"
        );
    }

    #[test]
    fn wrapper_keys_written_with_escapes_are_found() {
        // A borrowed key could not hold the escape, and the whole `result` was "not an object".
        let r: R<Value> = decode(
            200,
            br#"{"result":{"it\u0065m":{"id":1},"\u00e9":2}}"#,
            Some("item"),
        );
        assert_eq!(r.unwrap().result, serde_json::json!({"id": 1}));
    }

    #[test]
    fn garbage_keeps_the_body() {
        let r: R<Value> = decode(502, b"<html>bad gateway</html>", None);
        match r.unwrap_err() {
            Error::Decode { status, body, .. } => {
                assert_eq!(status, 502);
                assert_eq!(body, "<html>bad gateway</html>");
            }
            e => panic!("unexpected {e:?}"),
        }
        let r: R<i64> = decode(200, br#"{"result":"abc"}"#, None);
        assert!(matches!(r.unwrap_err(), Error::Decode { .. }));
    }
}
