//! Batches on the wire. REST v1: `{"halt": 0, "cmd": {"c00": "method?query", …}}`, answered
//! with `result` holding `result`, `result_error`, `result_total`, `result_next` and
//! `result_time`, each keyed by command (PHP writes an empty one as `[]` and one keyed
//! `0, 1, …` as a list). REST 3.0: a JSON array of `{"method", "query"}`, answered with a
//! `result` array in the same order.

use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

use super::query;
use crate::error::UnknownOutcome;
use crate::response::Time;
use crate::wire::Lenient;

/// One command, as sent.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Command {
    /// Wire name of the method.
    pub(crate) method: String,
    /// Its parameters (a JSON object), references included.
    pub(crate) params: Value,
}

/// What one command answered.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// It ran: its `result` (still wrapped, for REST 3.0), and for v1 lists `total` and
    /// `next`, and its `time` block.
    Done {
        result: Box<RawValue>,
        total: Option<u64>,
        next: Option<u64>,
        time: Option<Time>,
    },
    /// It failed: its `error` (a v1 code, or a REST 3.0 `{code, message, …}` object) and v1
    /// `error_description`, decoded as any error answer is.
    Failed {
        error: Value,
        description: Option<String>,
    },
    /// It did not run: an earlier command failed and the batch halts on errors.
    NotRun,
    /// It was sent again, alone, and that answer was lost: it may or may not have run.
    Unknown {
        /// Wire name of the method.
        method: String,
        /// What happened to the answer.
        cause: UnknownOutcome,
    },
}

impl PartialEq for Outcome {
    fn eq(&self, other: &Outcome) -> bool {
        match (self, other) {
            (
                Outcome::Done {
                    result: a,
                    total: ta,
                    next: na,
                    time: ma,
                },
                Outcome::Done {
                    result: b,
                    total: tb,
                    next: nb,
                    time: mb,
                },
            ) => a.get() == b.get() && (ta, na, ma) == (tb, nb, mb),
            (
                Outcome::Failed {
                    error: a,
                    description: da,
                },
                Outcome::Failed {
                    error: b,
                    description: db,
                },
            ) => (a, da) == (b, db),
            (Outcome::NotRun, Outcome::NotRun) => true,
            (Outcome::Unknown { method: a, .. }, Outcome::Unknown { method: b, .. }) => a == b,
            _ => false,
        }
    }
}

/// The key of the `i`th command of a v1 batch: `c00` … `c49`. Not `0, 1, …`, so that PHP
/// writes the answer's maps as objects; zero-padded, so that the keys' text order (the order
/// a JSON object is written in here) is the order the commands must run in, references to an
/// earlier command included.
pub(crate) fn key(i: usize) -> String {
    format!("c{i:02}")
}

/// The body of a v1 batch.
pub(crate) fn v1_body(commands: &[Command], halt: bool) -> Value {
    let cmd: Map<String, Value> = commands
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let query = query::encode(&c.params);
            let line = if query.is_empty() {
                c.method.clone()
            } else {
                format!("{}?{query}", c.method)
            };
            (key(i), Value::String(line))
        })
        .collect();
    json!({"halt": u8::from(halt), "cmd": cmd})
}

/// One part of a v1 batch answer (`result`, `result_error`, …) by command key.
#[derive(Default)]
struct Keyed(BTreeMap<String, Box<RawValue>>);

impl Keyed {
    /// Part `name` of the answer: an object by command key, PHP's list form (keys `0, 1, …`),
    /// or `[]`/`null` when empty. Every key must name one of the `count_of` commands sent: an
    /// answer about other commands is not this batch's.
    fn read(raw: Option<Box<RawValue>>, name: &str, count_of: usize) -> Result<Keyed, String> {
        let Some(raw) = raw else {
            return Ok(Keyed::default());
        };
        let text = raw.get().trim_start();
        let problem = |e: serde_json::Error| format!("`result.{name}` is not an object: {e}");
        let map: BTreeMap<String, Box<RawValue>> = if text.starts_with('[') {
            let items: Vec<Box<RawValue>> = serde_json::from_str(text).map_err(problem)?;
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect()
        } else if text == "null" {
            BTreeMap::new()
        } else {
            serde_json::from_str(text).map_err(problem)?
        };
        let names_a_command = |k: &str| (0..count_of).any(|i| k == key(i) || k == i.to_string());
        if let Some(k) = map.keys().find(|k| !names_a_command(k)) {
            return Err(format!(
                "`result.{name}` has `{k}`, which names none of the {count_of} commands sent"
            ));
        }
        Ok(Keyed(map))
    }

    /// The key and entry of the `i`th command (`c{i}`, or `{i}` in the list form).
    fn take(&mut self, i: usize) -> Option<(String, Box<RawValue>)> {
        self.0
            .remove_entry(&key(i))
            .or_else(|| self.0.remove_entry(&i.to_string()))
    }
}

/// A command's `result_total` or `result_next`: a count, as a number or a numeric string.
fn count(entry: Option<(String, Box<RawValue>)>, name: &str) -> Result<Option<u64>, String> {
    let Some((k, raw)) = entry else {
        return Ok(None);
    };
    serde_json::from_str::<Value>(raw.get())
        .map_err(|e| e.to_string())
        .and_then(Option::<u64>::from_json)
        .map_err(|e| format!("`result.{name}.{k}`: {e}"))
}

/// The outcome of every command of a v1 batch from the answer's `result`.
///
/// # Errors
/// What does not fit: `result` or one of its parts is not an object, a key names no command
/// sent, an error entry has no `error`, a count is not a count.
pub(crate) fn v1_outcomes(result: &RawValue, count_of: usize) -> Result<Vec<Outcome>, String> {
    let text = result.get().trim();
    let mut parts: BTreeMap<String, Box<RawValue>> = if text == "[]" {
        BTreeMap::new()
    } else {
        serde_json::from_str(text).map_err(|e| format!("`result` is not an object: {e}"))?
    };
    let mut part = |name: &str| Keyed::read(parts.remove(name), name, count_of);
    let mut results = part("result")?;
    let mut errors = part("result_error")?;
    let mut totals = part("result_total")?;
    let mut nexts = part("result_next")?;
    let mut times = part("result_time")?;
    (0..count_of)
        .map(|i| {
            if let Some((k, error)) = errors.take(i) {
                let entry: Value = serde_json::from_str(error.get())
                    .map_err(|e| format!("`result.result_error.{k}`: {e}"))?;
                return failure(&entry).ok_or_else(|| {
                    format!("`result.result_error.{k}` is not an error object with `error`")
                });
            }
            let Some((_, result)) = results.take(i) else {
                return Ok(Outcome::NotRun);
            };
            Ok(Outcome::Done {
                result,
                total: count(totals.take(i), "result_total")?,
                next: count(nexts.take(i), "result_next")?,
                // Informational: a block that does not fit is dropped, as in any answer.
                time: times
                    .take(i)
                    .and_then(|(_, t)| serde_json::from_str(t.get()).ok()),
            })
        })
        .collect()
}

/// The body of a REST 3.0 batch.
pub(crate) fn v3_body(commands: &[Command]) -> Value {
    Value::Array(
        commands
            .iter()
            .map(|c| json!({"method": c.method, "query": c.params}))
            .collect(),
    )
}

/// The outcome of every command of a REST 3.0 batch from the answer's `result` array, where a
/// failed command's entry is an `error` object.
///
/// # Errors
/// What does not fit: `result` is not a list, or holds more answers than commands were sent.
pub(crate) fn v3_outcomes(result: &RawValue, count_of: usize) -> Result<Vec<Outcome>, String> {
    let items: Vec<Box<RawValue>> =
        serde_json::from_str(result.get()).map_err(|e| format!("`result` is not a list: {e}"))?;
    if items.len() > count_of {
        return Err(format!(
            "`result` has {} answers for the {count_of} commands sent",
            items.len()
        ));
    }
    let mut items = items.into_iter().enumerate();
    (0..count_of)
        .map(|_| match items.next() {
            Some((i, raw)) => v3_outcome(raw).map_err(|e| format!("`result[{i}].error`: {e}")),
            None => Ok(Outcome::NotRun),
        })
        .collect()
}

/// One entry of a REST 3.0 batch answer: `{"error": …}`, `{"result": …, "time": …}`, or the
/// command's result itself. Fails only when its `error` cannot be read (nested too deep).
fn v3_outcome(raw: Box<RawValue>) -> Result<Outcome, serde_json::Error> {
    // Only an object can be an envelope: serde would read a list as one, field by field.
    let mut entry: BTreeMap<String, Box<RawValue>> = if raw.get().starts_with('{') {
        serde_json::from_str(raw.get()).unwrap_or_default()
    } else {
        BTreeMap::new()
    };
    let error = match entry.get("error") {
        Some(e) => serde_json::from_str::<Value>(e.get())?,
        None => Value::Null,
    };
    if !error.is_null() {
        return Ok(Outcome::Failed {
            error,
            description: None,
        });
    }
    Ok(match entry.remove("result") {
        Some(result) => Outcome::Done {
            result,
            total: None,
            next: None,
            time: entry
                .get("time")
                .and_then(|t| serde_json::from_str(t.get()).ok()),
        },
        None => Outcome::Done {
            result: raw,
            total: None,
            next: None,
            time: None,
        },
    })
}

/// A failed v1 command: `{"error", "error_description"}`; `None` when `entry` has no `error`.
fn failure(entry: &Value) -> Option<Outcome> {
    let error = entry.get("error").filter(|e| !e.is_null())?;
    Some(Outcome::Failed {
        error: error.clone(),
        description: entry
            .get("error_description")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command(method: &str, params: Value) -> Command {
        Command {
            method: method.to_owned(),
            params,
        }
    }

    #[test]
    fn v1_commands_are_method_and_query() {
        let body = v1_body(
            &[
                command("crm.deal.get", json!({"id": 7})),
                command("server.time", json!({})),
            ],
            true,
        );
        assert_eq!(
            body,
            json!({"halt": 1, "cmd": {"c00": "crm.deal.get?id=7", "c01": "server.time"}})
        );
    }

    fn raw(v: Value) -> Box<RawValue> {
        RawValue::from_string(v.to_string()).unwrap()
    }

    fn done_result(o: &Outcome) -> Value {
        match o {
            Outcome::Done { result, .. } => serde_json::from_str(result.get()).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn v1_answers_give_every_commands_outcome() {
        let result = raw(json!({
            "result": {"c00": [{"ID": "1"}], "c02": true},
            "result_error": {"c01": {"error": "NOT_FOUND", "error_description": "Not found"}},
            "result_total": {"c00": "120"},
            "result_next": {"c00": 50},
            "result_time": {"c00": {"operating": 0.5, "duration": 0.1}},
        }));
        let outcomes = v1_outcomes(&result, 4).unwrap();
        let Outcome::Done {
            total, next, time, ..
        } = &outcomes[0]
        else {
            panic!("{outcomes:?}")
        };
        assert_eq!((*total, *next), (Some(120), Some(50)));
        assert_eq!(time.as_ref().and_then(|t| t.operating), Some(0.5));
        assert_eq!(done_result(&outcomes[0]), json!([{"ID": "1"}]));
        assert_eq!(
            outcomes[1],
            Outcome::Failed {
                error: json!("NOT_FOUND"),
                description: Some("Not found".into())
            }
        );
        assert_eq!(done_result(&outcomes[2]), json!(true));
        assert_eq!(outcomes[3], Outcome::NotRun);
        // PHP's empty arrays, and the list form.
        let empty = raw(json!({"result": [], "result_error": [], "result_total": []}));
        assert_eq!(v1_outcomes(&empty, 1).unwrap(), [Outcome::NotRun]);
        let list = raw(json!({"result": [7, 8]}));
        assert_eq!(done_result(&v1_outcomes(&list, 2).unwrap()[1]), json!(8));
    }

    #[test]
    fn v3_answers_are_in_order() {
        let body = v3_body(&[command("tasks.task.get", json!({"id": 1}))]);
        assert_eq!(
            body,
            json!([{"method": "tasks.task.get", "query": {"id": 1}}])
        );
        let result = raw(json!([
            {"item": {"id": 1}},
            {"error": {"code": "BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION", "message": "Access denied"}},
            {"result": {"item": {"id": 2}}, "time": {"operating": 1}}
        ]));
        let outcomes = v3_outcomes(&result, 4).unwrap();
        assert_eq!(done_result(&outcomes[0]), json!({"item": {"id": 1}}));
        assert!(
            matches!(&outcomes[1], Outcome::Failed { error, .. } if error["code"] == "BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION")
        );
        assert_eq!(done_result(&outcomes[2]), json!({"item": {"id": 2}}));
        assert_eq!(outcomes[3], Outcome::NotRun);
    }

    fn v1_problem(text: &str, count_of: usize) -> String {
        let raw = RawValue::from_string(text.to_owned()).unwrap();
        v1_outcomes(&raw, count_of).unwrap_err()
    }

    #[test]
    fn bad_v1_answers_say_what_is_wrong() {
        // Each of these was read as "no command ran", or as an error without a code.
        assert_eq!(
            v1_problem("5", 1),
            "`result` is not an object: invalid type: integer `5`, expected a map at line 1 column 1"
        );
        assert_eq!(
            v1_problem(r#"{"result":"x"}"#, 1),
            "`result.result` is not an object: invalid type: string \"x\", expected a map at line 1 column 3"
        );
        assert_eq!(
            v1_problem(r#"{"result":{"c00":1,"c07":2}}"#, 2),
            "`result.result` has `c07`, which names none of the 2 commands sent"
        );
        assert_eq!(
            v1_problem(r#"{"result_total":[1,2,3]}"#, 2),
            "`result.result_total` has `2`, which names none of the 2 commands sent"
        );
        assert_eq!(
            v1_problem(r#"{"result_error":{"c00":5}}"#, 1),
            "`result.result_error.c00` is not an error object with `error`"
        );
        assert_eq!(
            v1_problem(r#"{"result":{"c00":[]},"result_total":{"c00":"many"}}"#, 1),
            "`result.result_total.c00`: expected an integer, found \"many\""
        );
        assert_eq!(
            v1_problem(r#"{"result":{"c00":[]},"result_next":{"c00":-1}}"#, 1),
            "`result.result_next.c00`: -1 is out of range"
        );
        // PHP's empty parts, `null` parts and an informational block that does not fit are
        // not problems.
        let fine =
            raw(json!({"result": {"c00": 1}, "result_error": null, "result_time": {"c00": 5}}));
        assert_eq!(done_result(&v1_outcomes(&fine, 1).unwrap()[0]), json!(1));
        assert_eq!(v1_outcomes(&raw(json!([])), 1).unwrap(), [Outcome::NotRun]);
    }

    #[test]
    fn bad_v3_answers_say_what_is_wrong() {
        let problem = |v: Value, n| v3_outcomes(&raw(v), n).unwrap_err();
        assert_eq!(
            problem(json!({"a": 1}), 1),
            "`result` is not a list: invalid type: map, expected a sequence at line 1 column 0"
        );
        assert_eq!(
            problem(json!([1, 2, 3]), 2),
            "`result` has 3 answers for the 2 commands sent"
        );
        // A list is a result, not an envelope read field by field (its first item was the
        // `error`).
        let outcomes = v3_outcomes(&raw(json!([["CODE", 1]])), 1).unwrap();
        assert_eq!(done_result(&outcomes[0]), json!(["CODE", 1]));
        // `error: null` is no error; a `time` that does not fit is dropped.
        let outcomes = v3_outcomes(
            &raw(json!([{"error": null, "result": {"item": 1}, "time": "x"}])),
            1,
        )
        .unwrap();
        assert_eq!(done_result(&outcomes[0]), json!({"item": 1}));
    }
}
