//! Request parameters: decoding a body by version and content type, and reading values the
//! way the portal does (v1 keys in any case, numbers sent as strings).

use bitrix_spec::Version;
use serde_json::{Map, Value};

use super::form;
use super::reply::Fail;

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// REST 3.0 accepts JSON only.
    NotJson(String),
    /// The JSON is valid but not an object.
    NotAnObject,
}

impl BodyError {
    /// The HTTP 400 the server answers with, in the code of `version`.
    pub fn fail(&self, version: Version) -> Fail {
        let detail = match self {
            BodyError::NotJson(why) => format!("The request body is not valid JSON: {why}"),
            BodyError::NotAnObject => "The request body must be a JSON object".to_owned(),
        };
        match version {
            Version::V1 => Fail::new(400, "INVALID_REQUEST", detail),
            Version::V3 => Fail::new(400, "BITRIX_REST_V3_EXCEPTION_INVALIDJSONEXCEPTION", detail),
        }
    }
}

/// Parameters of a REST v1 call: the query string, then the body (JSON or form) over it.
///
/// # Errors
/// [`BodyError::NotJson`] when the body says JSON and is not.
pub fn v1(query: &str, content_type: &str, body: &[u8]) -> Result<Map<String, Value>, BodyError> {
    let mut params = form::decode(query);
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else if content_type.contains("json") || looks_like_json(body) {
        json_object(body)?
    } else {
        form::decode(&String::from_utf8_lossy(body))
    };
    params.extend(from_body);
    Ok(params)
}

/// Parameters of a REST 3.0 call: a JSON object body (an empty body is `{}`).
///
/// # Errors
/// [`BodyError::NotJson`] for a form or otherwise non-JSON body.
pub fn v3(content_type: &str, body: &[u8]) -> Result<Map<String, Value>, BodyError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    if content_type.contains("x-www-form-urlencoded") || content_type.contains("multipart") {
        return Err(BodyError::NotJson(format!(
            "the body is `{content_type}`; REST 3.0 accepts application/json only"
        )));
    }
    json_object(body)
}

fn looks_like_json(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{' || *b == b'[')
}

fn json_object(body: &[u8]) -> Result<Map<String, Value>, BodyError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyError::NotAnObject),
        Err(e) => Err(BodyError::NotJson(e.to_string())),
    }
}

/// A key of `map`, exactly or (for REST v1, whose PHP side folds case) in any case.
pub fn get<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// An integer sent as a number or a numeric string.
pub fn int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                // Checked just above: integral and in range.
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A non-negative integer (an id) sent as a number or a numeric string.
pub fn uint(value: &Value) -> Option<u64> {
    int(value).and_then(|i| u64::try_from(i).ok())
}

/// A number sent as a number or a numeric string.
pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A flag sent as `true`/`false`, `Y`/`N`, `1`/`0` or `"true"`/`"false"`.
pub fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "y" | "1" | "true" => Some(true),
            "n" | "0" | "false" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A value as the text PHP would see (strings as they are, numbers printed).
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "Y" } else { "N" }.to_owned()),
        _ => None,
    }
}

/// Whether a value counts as not given: absent, null or an empty string.
pub fn is_blank(value: Option<&Value>) -> bool {
    matches!(value, None | Some(Value::Null))
        || matches!(value, Some(Value::String(s)) if s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v1_reads_json_form_and_query() {
        let p = v1("start=50", "application/json", br#"{"filter":{">ID":3}}"#).unwrap();
        assert_eq!(
            Value::Object(p),
            json!({"start": "50", "filter": {">ID": 3}})
        );
        let p = v1("", "application/x-www-form-urlencoded", b"fields[TITLE]=A").unwrap();
        assert_eq!(Value::Object(p), json!({"fields": {"TITLE": "A"}}));
        assert!(matches!(
            v1("", "application/json", b"{oops"),
            Err(BodyError::NotJson(_))
        ));
    }

    #[test]
    fn v3_takes_json_only() {
        assert_eq!(v3("application/json", b"").unwrap(), Map::new());
        assert!(matches!(
            v3("application/x-www-form-urlencoded", b"messageId=1"),
            Err(BodyError::NotJson(_))
        ));
        assert!(matches!(
            v3("application/json", b"messageId=1"),
            Err(BodyError::NotJson(_))
        ));
        assert_eq!(v3("application/json", b"[1]"), Err(BodyError::NotAnObject));
    }

    #[test]
    fn values_read_like_php() {
        assert_eq!(int(&json!("42")), Some(42));
        assert_eq!(int(&json!(42.0)), Some(42));
        assert_eq!(int(&json!("4x")), None);
        assert_eq!(flag(&json!("Y")), Some(true));
        assert_eq!(flag(&json!(0)), Some(false));
        let m = json!({"FIELDS": {"A": 1}});
        assert!(get(m.as_object().unwrap(), "fields").is_some());
        assert!(is_blank(Some(&json!(" "))));
    }
}
