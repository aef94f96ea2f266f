//! Batches on the wire. REST v1: `{"halt": 0, "cmd": {"c00": "method?query", …}}`, answered
//! with `result` holding `result`, `result_error`, `result_total`, `result_next` and
//! `result_time`, each keyed by command (PHP writes an empty one as `[]` and one keyed
//! `0, 1, …` as a list). REST 3.0: a JSON array of `{"method", "query"}`, answered with a
//! `result` array in the same order.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

use super::query;
use crate::error::UnknownOutcome;
use crate::response::Time;

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

/// One part of a v1 batch answer (`result`, `result_error`, …) by command key. PHP writes an
/// empty one as `[]`, and one keyed `0, 1, …` as a list.
#[derive(Default)]
struct Keyed(BTreeMap<String, Box<RawValue>>);

impl<'de> Deserialize<'de> for Keyed {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keyed, D::Error> {
        // Raw values cannot go through serde's untagged enums: look at the text instead.
        let raw = Box::<RawValue>::deserialize(d)?;
        let text = raw.get().trim_start();
        let map = if text.starts_with('{') {
            serde_json::from_str(text).map_err(serde::de::Error::custom)?
        } else if text.starts_with('[') {
            let items: Vec<Box<RawValue>> =
                serde_json::from_str(text).map_err(serde::de::Error::custom)?;
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect()
        } else {
            BTreeMap::new()
        };
        Ok(Keyed(map))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct V1Answer {
    result: Keyed,
    result_error: Keyed,
    result_total: Keyed,
    result_next: Keyed,
    result_time: Keyed,
}

impl Keyed {
    /// The entry of the `i`th command (`c{i}`, or `{i}` in the list form).
    fn take(&mut self, i: usize) -> Option<Box<RawValue>> {
        self.0
            .remove(&key(i))
            .or_else(|| self.0.remove(&i.to_string()))
    }
}

fn count(raw: Option<Box<RawValue>>) -> Option<u64> {
    match serde_json::from_str::<Value>(raw?.get()).ok()? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The outcome of every command of a v1 batch from the answer's `result`.
pub(crate) fn v1_outcomes(result: &RawValue, count_of: usize) -> Vec<Outcome> {
    let mut answer: V1Answer = serde_json::from_str(result.get()).unwrap_or_default();
    (0..count_of)
        .map(|i| {
            if let Some(error) = answer.result_error.take(i) {
                return failure(&serde_json::from_str(error.get()).unwrap_or(Value::Null));
            }
            match answer.result.take(i) {
                Some(result) => Outcome::Done {
                    result,
                    total: count(answer.result_total.take(i)),
                    next: count(answer.result_next.take(i)),
                    time: answer
                        .result_time
                        .take(i)
                        .and_then(|t| serde_json::from_str(t.get()).ok()),
                },
                None => Outcome::NotRun,
            }
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
pub(crate) fn v3_outcomes(result: &RawValue, count_of: usize) -> Vec<Outcome> {
    #[derive(Deserialize)]
    struct Entry {
        #[serde(default)]
        error: Option<Value>,
        #[serde(default)]
        result: Option<Box<RawValue>>,
        #[serde(default)]
        time: Option<Time>,
    }
    let items: Vec<Box<RawValue>> = serde_json::from_str(result.get()).unwrap_or_default();
    let mut items = items.into_iter();
    (0..count_of)
        .map(|_| {
            let Some(raw) = items.next() else {
                return Outcome::NotRun;
            };
            match serde_json::from_str::<Entry>(raw.get()) {
                Ok(Entry {
                    error: Some(error), ..
                }) => failure(&json!({ "error": error })),
                Ok(Entry {
                    result: Some(result),
                    time,
                    ..
                }) => Outcome::Done {
                    result,
                    total: None,
                    next: None,
                    time,
                },
                // The entry is the command's result itself.
                _ => Outcome::Done {
                    result: raw,
                    total: None,
                    next: None,
                    time: None,
                },
            }
        })
        .collect()
}

/// A failed command: v1 `{"error", "error_description"}` or REST 3.0 `{"error": {"code",
/// "message"}}`.
fn failure(entry: &Value) -> Outcome {
    Outcome::Failed {
        error: entry.get("error").cloned().unwrap_or(Value::Null),
        description: entry
            .get("error_description")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
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
        let outcomes = v1_outcomes(&result, 4);
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
        assert_eq!(v1_outcomes(&empty, 1), [Outcome::NotRun]);
        let list = raw(json!({"result": [7, 8]}));
        assert_eq!(done_result(&v1_outcomes(&list, 2)[1]), json!(8));
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
        let outcomes = v3_outcomes(&result, 4);
        assert_eq!(done_result(&outcomes[0]), json!({"item": {"id": 1}}));
        assert!(
            matches!(&outcomes[1], Outcome::Failed { error, .. } if error["code"] == "BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION")
        );
        assert_eq!(done_result(&outcomes[2]), json!({"item": {"id": 2}}));
        assert_eq!(outcomes[3], Outcome::NotRun);
    }
}
