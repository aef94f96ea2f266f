//! The no-loss check of a decoded answer: what the typed result serializes back to must be the
//! answer that came, modulo the wire quirks the decoder accepts — a number or flag sent as a
//! string, `Y`/`N` and `0`/`1` for a boolean, `null`, `""`, `false` and `[]` for an absent
//! value, `[]` for an empty object, a PHP list sent as an object with the keys `"0"`, `"1"`, ….

use serde_json::{Map, Value};

use super::{fail, Cause, Failure};
use crate::wire::dense_list;

/// The first value of `sent` that `back` (its re-encoding) lost or changed, with its JSON path
/// (`result[3].CONTACT.ID`).
pub(crate) fn lost(path: &str, sent: &Value, back: &Value) -> Option<Failure> {
    match (sent, back) {
        (Value::Object(a), Value::Object(b)) => objects(path, a, b),
        (Value::Object(a), Value::Array(b)) => match dense_list(a.clone()) {
            Ok(items) => lists(path, &items, b),
            Err(_) if a.is_empty() && b.is_empty() => None,
            Err(_) => Some(changed(path, sent, back)),
        },
        (Value::Array(a), Value::Array(b)) => lists(path, a, b),
        // PHP's empty array for an empty object.
        (Value::Array(a), Value::Object(b)) if a.is_empty() && b.is_empty() => None,
        (a, b) if same_scalar(a, b) => None,
        _ => Some(changed(path, sent, back)),
    }
}

fn objects(path: &str, sent: &Map<String, Value>, back: &Map<String, Value>) -> Option<Failure> {
    let at = |key: &str| format!("{path}.{key}");
    for (key, value) in sent {
        match back.get(key) {
            Some(b) => {
                if let Some(f) = lost(&at(key), value, b) {
                    return Some(f);
                }
            }
            None if is_empty(value) => {}
            None => {
                return Some(fail(
                    Cause::ResponseValueLost,
                    format!("`{}`: {value} is gone after re-encoding", at(key)),
                ))
            }
        }
    }
    back.iter()
        .find(|(key, value)| !sent.contains_key(*key) && !is_empty(value))
        .map(|(key, value)| {
            fail(
                Cause::ResponseValueChanged,
                format!("`{}`: {value} appears after re-encoding", at(key)),
            )
        })
}

fn lists(path: &str, sent: &[Value], back: &[Value]) -> Option<Failure> {
    if sent.len() != back.len() {
        return Some(fail(
            Cause::ResponseValueLost,
            format!(
                "`{path}`: {} items sent, {} after re-encoding",
                sent.len(),
                back.len()
            ),
        ));
    }
    sent.iter()
        .zip(back)
        .enumerate()
        .find_map(|(i, (a, b))| lost(&format!("{path}[{i}]"), a, b))
}

fn changed(path: &str, sent: &Value, back: &Value) -> Failure {
    fail(
        Cause::ResponseValueChanged,
        format!("`{path}`: sent {sent}, comes back {back}"),
    )
}

/// What the decoder reads as "no value".
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        Value::Bool(true) | Value::Number(_) => false,
    }
}

/// Whether two scalars mean the same value: equal, the same number, the same flag, or both
/// "no value".
fn same_scalar(a: &Value, b: &Value) -> bool {
    if a == b || (is_empty(a) && is_empty(b) && !a.is_boolean() && !b.is_boolean()) {
        return true;
    }
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return x == y;
    }
    match (flag(a), flag(b)) {
        (Some(x), Some(y)) => (a.is_boolean() || b.is_boolean() || is_yn(a) || is_yn(b)) && x == y,
        _ => false,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

fn is_yn(v: &Value) -> bool {
    matches!(v.as_str(), Some("Y" | "N" | "y" | "n"))
}

/// A flag in any spelling the decoder reads as one.
fn flag(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            <bool as crate::wire::Lenient>::from_json(v.clone()).ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(sent: Value, back: Value) -> Result<(), String> {
        match lost("result", &sent, &back) {
            None => Ok(()),
            Some(f) => Err(format!("{:?}: {}", f.cause, f.detail)),
        }
    }

    #[test]
    fn wire_quirks_are_the_same_value() {
        let sent = json!({
            "ID": "12", "SUM": "12.50", "DONE": "Y", "OPEN": "0", "F": "false",
            "NOTE": null, "EMPTY": "", "NO": false, "OBJ": [], "LIST": {"1": "b", "0": "a"},
            "N": 15, "S": "x",
        });
        let back = json!({
            "ID": 12, "SUM": 12.5, "DONE": true, "OPEN": false, "F": false,
            "OBJ": {}, "LIST": ["a", "b"], "N": "15", "S": "x",
        });
        assert_eq!(check(sent, back), Ok(()));
        assert_eq!(check(json!([]), json!({})), Ok(()));
        assert_eq!(check(json!({}), json!([])), Ok(()));
    }

    #[test]
    fn a_lost_or_changed_value_names_its_path() {
        assert_eq!(
            check(
                json!([{"A": 1}, {"A": 1, "UF_CRM_1": "x"}]),
                json!([{"A": 1}, {"A": 1}])
            ),
            Err(
                r#"ResponseValueLost: `result[1].UF_CRM_1`: "x" is gone after re-encoding"#
                    .to_owned()
            )
        );
        assert_eq!(
            check(json!({"C": {"ID": "7"}}), json!({"C": {"ID": 8}})),
            Err(r#"ResponseValueChanged: `result.C.ID`: sent "7", comes back 8"#.to_owned())
        );
        assert_eq!(
            check(json!([1, 2]), json!([1])),
            Err("ResponseValueLost: `result`: 2 items sent, 1 after re-encoding".to_owned())
        );
        assert_eq!(
            check(json!({}), json!({"X": 1})),
            Err("ResponseValueChanged: `result.X`: 1 appears after re-encoding".to_owned())
        );
        // A sparse PHP array is not the list it decoded to.
        assert_eq!(
            check(json!({"5": "a"}), json!(["a"])),
            Err(r#"ResponseValueChanged: `result`: sent {"5":"a"}, comes back ["a"]"#.to_owned())
        );
        // A flag is a flag only where one side is a boolean or Y/N: "1" is not "true".
        assert_eq!(
            check(json!("1"), json!("true")),
            Err(r#"ResponseValueChanged: `result`: sent "1", comes back "true""#.to_owned())
        );
        assert_eq!(
            check(json!("Y"), json!(false)),
            Err(r#"ResponseValueChanged: `result`: sent "Y", comes back false"#.to_owned())
        );
        assert_eq!(
            check(json!(true), json!(null)),
            Err("ResponseValueChanged: `result`: sent true, comes back null".to_owned())
        );
    }
}
