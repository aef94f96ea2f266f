//! v1 `batch`: up to 50 commands `method?query`, run in order, with `$result[cmd][…]`
//! references to earlier results and `halt` on the first error.

use serde_json::{json, Map, Value};

use crate::http::form;
use crate::http::params;
use crate::http::reply::{Done, Fail};

/// Commands one batch may hold.
pub const MAX_COMMANDS: usize = 50;

/// What one command produced: its answer and `time` block, or its error.
pub type CommandOutcome = Result<(Done, Value), Fail>;

/// Runs a batch. `exec` runs one command (method name, parameters).
///
/// # Errors
/// HTTP 400 `ERROR_BATCH_LENGTH_EXCEEDED` over 50 commands; HTTP 400 when `cmd` is missing.
pub fn run(
    p: &Map<String, Value>,
    mut exec: impl FnMut(&str, Map<String, Value>) -> CommandOutcome,
) -> Result<Done, Fail> {
    let halt = params::get(p, "halt")
        .and_then(params::flag)
        .unwrap_or(false);
    let (commands, as_list): (Vec<(String, String)>, bool) = match params::get(p, "cmd") {
        Some(Value::Object(map)) => (
            map.iter()
                .map(|(k, v)| (k.clone(), params::text(v).unwrap_or_default()))
                .collect(),
            false,
        ),
        Some(Value::Array(items)) => (
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), params::text(v).unwrap_or_default()))
                .collect(),
            true,
        ),
        _ => {
            return Err(Fail::new(
                400,
                "INVALID_ARG_VALUE",
                "Parameter `cmd` is required",
            ))
        }
    };
    if commands.len() > MAX_COMMANDS {
        return Err(Fail::new(
            400,
            "ERROR_BATCH_LENGTH_EXCEEDED",
            "Max batch length exceeded",
        ));
    }
    let mut results: Vec<(String, Value)> = Vec::new();
    let mut errors = Vec::new();
    let mut totals = Vec::new();
    let mut nexts = Vec::new();
    let mut times = Vec::new();
    for (key, command) in commands {
        let (method, query) = command.split_once('?').unwrap_or((command.as_str(), ""));
        let method = method.trim().trim_end_matches(".json");
        let mut args = Value::Object(form::decode(query));
        resolve_references(&mut args, &results);
        let args = match args {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let outcome = if method.eq_ignore_ascii_case("batch") {
            Err(Fail::new(
                405,
                "ERROR_BATCH_METHOD_NOT_ALLOWED",
                "Method is not allowed for batch usage",
            ))
        } else {
            exec(method, args)
        };
        match outcome {
            Ok((done, time)) => {
                if let Some(t) = done.total {
                    totals.push((key.clone(), json!(t)));
                }
                if let Some(n) = done.next {
                    nexts.push((key.clone(), json!(n)));
                }
                times.push((key.clone(), time));
                results.push((key, done.result));
            }
            Err(fail) => {
                errors.push((
                    key,
                    json!({"error": fail.code, "error_description": fail.message}),
                ));
                if halt {
                    break;
                }
            }
        }
    }
    Ok(Done::new(json!({
        "result": php_map(results, as_list),
        "result_error": php_map(errors, as_list),
        "result_total": php_map(totals, as_list),
        "result_next": php_map(nexts, as_list),
        "result_time": php_map(times, as_list),
    })))
}

/// A keyed map as PHP's `json_encode` writes an array: empty → `[]`, keys `0..n` in order →
/// a list, anything else → an object.
fn php_map(entries: Vec<(String, Value)>, list_keys: bool) -> Value {
    let sequential = entries
        .iter()
        .enumerate()
        .all(|(i, (k, _))| *k == i.to_string());
    if entries.is_empty() || (list_keys && sequential) {
        Value::Array(entries.into_iter().map(|(_, v)| v).collect())
    } else {
        Value::Object(entries.into_iter().collect())
    }
}

/// Replaces `$result[cmd][field]…` in every string of `args` with the earlier result it
/// names. A string that is exactly one reference takes the referenced value whole.
fn resolve_references(args: &mut Value, results: &[(String, Value)]) {
    match args {
        Value::Object(map) => map
            .values_mut()
            .for_each(|v| resolve_references(v, results)),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| resolve_references(v, results)),
        Value::String(s) if s.contains("$result[") => {
            if let Some((value, len)) = reference(s, results) {
                if len == s.len() {
                    *args = value;
                    return;
                }
            }
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(at) = rest.find("$result[") {
                out.push_str(&rest[..at]);
                match reference(&rest[at..], results) {
                    Some((value, len)) => {
                        out.push_str(&params::text(&value).unwrap_or_default());
                        rest = &rest[at + len..];
                    }
                    None => {
                        out.push_str("$result[");
                        rest = &rest[at + "$result[".len()..];
                    }
                }
            }
            out.push_str(rest);
            *s = out;
        }
        _ => {}
    }
}

/// The value a reference at the start of `text` names, and the reference's length.
fn reference(text: &str, results: &[(String, Value)]) -> Option<(Value, usize)> {
    let mut rest = text.strip_prefix("$result")?;
    let mut consumed = "$result".len();
    let mut path = Vec::new();
    while let Some(inner) = rest.strip_prefix('[') {
        let close = inner.find(']')?;
        path.push(&inner[..close]);
        consumed += close + 2;
        rest = &inner[close + 1..];
    }
    let (first, tail) = path.split_first()?;
    let mut value = &results.iter().find(|(k, _)| k == first)?.1;
    for segment in tail {
        value = match value {
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            Value::Object(map) => map.get(*segment)?,
            _ => return None,
        };
    }
    Some((value.clone(), consumed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo(method: &str, args: Map<String, Value>) -> CommandOutcome {
        match method {
            "fail" => Err(Fail::new(400, "NOT_FOUND", "Not found")),
            "list" => Ok((
                Done {
                    result: json!([{"ID": 7}, {"ID": 9}]),
                    total: Some(2),
                    next: None,
                },
                json!({"t": 1}),
            )),
            _ => Ok((
                Done::new(json!({"method": method, "args": args})),
                json!({"t": 1}),
            )),
        }
    }

    #[test]
    fn references_and_answer_shape() {
        let p = crate::state::store::obj(json!({"cmd": {
            "a": "list",
            "b": "get?id=$result[a][1][ID]&label=x$result[a][0][ID]y&all=$result[a]",
        }}));
        let done = run(&p, echo).unwrap();
        let r = &done.result;
        assert_eq!(
            r["result"]["b"]["args"],
            json!({"id": 9, "label": "x7y", "all": [{"ID": 7}, {"ID": 9}]})
        );
        assert_eq!(r["result_total"], json!({"a": 2}));
        assert_eq!(r["result_error"], json!([]));
        assert_eq!(r["result_next"], json!([]));
        assert_eq!(r["result_time"]["a"], json!({"t": 1}));
    }

    #[test]
    fn halt_stops_at_the_first_error_and_lists_stay_lists() {
        let p = crate::state::store::obj(json!({"halt": 1, "cmd": ["list", "fail", "list"]}));
        let r = run(&p, echo).unwrap().result;
        assert_eq!(
            r["result_error"],
            json!({"1": {"error": "NOT_FOUND", "error_description": "Not found"}})
        );
        assert_eq!(r["result"], json!([[{"ID": 7}, {"ID": 9}]]));
        let p = crate::state::store::obj(json!({"halt": "0", "cmd": ["list", "fail", "list"]}));
        let r = run(&p, echo).unwrap().result;
        assert_eq!(
            r["result"],
            json!({"0": [{"ID": 7}, {"ID": 9}], "2": [{"ID": 7}, {"ID": 9}]})
        );
    }

    #[test]
    fn limits_and_nesting() {
        let cmds: Map<String, Value> = (0..51).map(|i| (format!("c{i}"), json!("x"))).collect();
        let p = crate::state::store::obj(json!({"cmd": cmds}));
        assert_eq!(
            run(&p, echo).unwrap_err().code,
            "ERROR_BATCH_LENGTH_EXCEEDED"
        );
        let p = crate::state::store::obj(json!({"cmd": {"inner": "batch?cmd[x]=y"}}));
        let r = run(&p, echo).unwrap().result;
        assert_eq!(
            r["result_error"]["inner"]["error"],
            json!("ERROR_BATCH_METHOD_NOT_ALLOWED")
        );
        assert_eq!(run(&Map::new(), echo).unwrap_err().status, 400);
    }
}
