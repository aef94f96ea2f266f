//! The batch decoder ([`v1_outcomes`], [`v3_outcomes`]) on hostile answers, alone and after
//! the response decoder as a batch call runs them.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{config, deep, json_text, key, run_shared};
use crate::batch::wire::{key as command_key, v1_outcomes, v3_outcomes, Outcome};
use crate::error::Error;
use crate::response::{decode, from_result, Response, ResultShape};
use crate::CommonError;

/// Commands a generated batch holds.
const MAX: usize = 4;

/// Whether a batch decoder's reason names the part of the answer and what is wrong with it.
fn names_the_problem(reason: &str) -> bool {
    let at_position = |rest: &str| rest.contains(" at line ") && rest.contains(" column ");
    if !reason.starts_with("`result") {
        return false;
    }
    if let Some((_, rest)) = reason.split_once("` is not an object: ") {
        return at_position(rest);
    }
    if let Some((_, rest)) = reason.split_once("` is not a list: ") {
        return at_position(rest);
    }
    if reason.contains("`, which names none of the ")
        || reason.contains(" answers for the ")
        || reason.ends_with("` is not an error object with `error`")
    {
        return true;
    }
    // An entry that does not read: serde's message, or a count's.
    match reason.split_once("`: ") {
        Some((_, rest)) => {
            at_position(rest)
                || rest.starts_with("expected an integer, found ")
                || rest.contains(" is out of range")
        }
        None => false,
    }
}

/// A key of a v1 part: the commands', PHP's list positions, or none of them.
fn part_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0..MAX + 1).prop_map(command_key),
        2 => (0..MAX + 1).prop_map(|i| i.to_string()),
        1 => key(),
    ]
}

/// A v1 part: an object by key, a list, or anything.
fn part() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::btree_map(part_key(), json_text(), 0..MAX + 1)
            .prop_map(|m| super::object(&m.into_iter().collect::<Vec<_>>())),
        1 => prop::collection::vec(json_text(), 0..MAX + 1).prop_map(|v| format!("[{}]", v.join(","))),
        1 => json_text(),
    ]
}

/// The `result` of a v1 batch answer: its parts, some missing.
fn v1_result() -> impl Strategy<Value = String> {
    let names = [
        "result",
        "result_error",
        "result_total",
        "result_next",
        "result_time",
    ];
    prop_oneof![
        8 => prop::collection::vec(prop::option::of(part()), 5).prop_map(move |parts| {
            let entries: Vec<(String, String)> = names
                .iter()
                .zip(parts)
                .filter_map(|(n, p)| Some(((*n).to_owned(), p?)))
                .collect();
            super::object(&entries)
        }),
        1 => json_text(),
    ]
}

/// The `result` of a REST 3.0 batch answer: a list of entries, or anything.
fn v3_result() -> impl Strategy<Value = String> {
    let entry = prop_oneof![
        json_text().prop_map(|e| format!(r#"{{"error":{e}}}"#)),
        (json_text(), json_text()).prop_map(|(r, t)| format!(r#"{{"result":{r},"time":{t}}}"#)),
        json_text(),
    ];
    prop_oneof![
        8 => prop::collection::vec(entry, 0..MAX + 2).prop_map(|v| format!("[{}]", v.join(","))),
        1 => json_text(),
    ]
}

/// `text` as a raw value, when it is JSON at all (the response decoder refuses it otherwise).
fn raw(text: &str) -> Option<Box<RawValue>> {
    serde_json::from_str(text).ok()
}

/// The outcome of command `i`, checked against the v1 answer it came from.
fn check_v1_outcome(answer: &Value, i: usize, outcome: &Outcome) {
    let entry = |part: &str| {
        let p = &answer[part];
        let by_key = p.get(command_key(i));
        by_key.or_else(|| p.get(i.to_string()).or_else(|| p.get(i)))
    };
    match outcome {
        Outcome::Failed { error, .. } => {
            assert_eq!(
                Some(error),
                entry("result_error").and_then(|e| e.get("error"))
            );
        }
        Outcome::Done { result, .. } => {
            assert!(entry("result_error").is_none());
            let result: Value = serde_json::from_str(result.get()).unwrap();
            assert_eq!(Some(&result), entry("result"));
        }
        Outcome::NotRun => {
            assert!(entry("result_error").is_none() && entry("result").is_none());
        }
        // Only a command sent again can end here, never a decoded answer.
        Outcome::Unknown { method, .. } => panic!("decoded as unknown: {method}"),
    }
}

proptest! {
    #![proptest_config(config(1))]

    #[test]
    fn v1_answers(result in v1_result(), count_of in 0..MAX + 1) {
        let Some(raw) = raw(&result) else { return Ok(()) };
        match v1_outcomes(&raw, count_of) {
            Ok(outcomes) => {
                prop_assert_eq!(outcomes.len(), count_of);
                // Where a `Value` can hold the answer, each outcome is the one it says.
                if let Ok(answer) = serde_json::from_str::<Value>(&result) {
                    for (i, o) in outcomes.iter().enumerate() {
                        check_v1_outcome(&answer, i, o);
                    }
                }
            }
            Err(reason) => prop_assert!(names_the_problem(&reason), "{}", reason),
        }
    }

    #[test]
    fn v3_answers(result in v3_result(), count_of in 0..MAX + 1) {
        let Some(raw) = raw(&result) else { return Ok(()) };
        match v3_outcomes(&raw, count_of) {
            Ok(outcomes) => prop_assert_eq!(outcomes.len(), count_of),
            Err(reason) => prop_assert!(names_the_problem(&reason), "{}", reason),
        }
    }

    /// What a batch call does with a body: the response decoder, then the batch decoder,
    /// then each command's result decoded as its method's output.
    #[test]
    fn batch_bodies_whole_and_truncated(
        v1 in any::<bool>(),
        result in prop_oneof![v1_result(), v3_result()],
        cut in any::<Index>(),
        count_of in 0..MAX + 1,
    ) {
        let body = format!(r#"{{"result":{result}}}"#);
        for body in [&body[..], &body[..cut.index(body.len())]] {
            let decoded: Result<Response<Box<RawValue>>, Error<CommonError>> =
                decode(200, body.as_bytes(), None);
            let Ok(answer) = decoded else { continue };
            let outcomes = if v1 {
                v1_outcomes(&answer.result, count_of)
            } else {
                v3_outcomes(&answer.result, count_of)
            };
            for outcome in outcomes.iter().flatten() {
                if let Outcome::Done { result, .. } = outcome {
                    match from_result::<Value, CommonError>(200, result, ResultShape::default()) {
                        Ok(_) => {}
                        Err(Error::Decode { reason, .. }) => prop_assert!(
                            reason.starts_with("`result` does not match the documented shape: "),
                            "{}", reason
                        ),
                        Err(other) => prop_assert!(false, "{:?}", other),
                    }
                }
            }
        }
    }
}

#[test]
fn deep_nesting() {
    run_shared(
        20,
        (1usize..50_000, 0usize..3, 0usize..5),
        |(depth, style, place)| {
            let nest = deep(depth, style, true);
            // serde_json reads 127 levels; style 2 nests two per step, in a leaf `{}`.
            let too_deep = if style == 2 { 2 * depth + 1 } else { depth } > 127;
            let (v1, result) = match place {
                0 => (true, format!(r#"{{"result":{{"c00":{nest}}}}}"#)),
                1 => (true, format!(r#"{{"result_error":{{"c00":{nest}}}}}"#)),
                2 => (
                    true,
                    format!(
                        r#"{{"result":{{"c00":1}},"result_total":{{"c00":{nest}}},"result_time":{{"c00":{nest}}}}}"#
                    ),
                ),
                3 => (false, format!("[{nest}]")),
                _ => (false, format!(r#"[{{"error":{nest}}}]"#)),
            };
            let raw = raw(&result).expect("raw values have no depth limit");
            let outcomes = if v1 {
                v1_outcomes(&raw, 1)
            } else {
                v3_outcomes(&raw, 1)
            };
            match outcomes {
                Ok(outcomes) => {
                    // Nothing deep is a valid error entry or count.
                    prop_assert!(place == 0 || place == 3 || (place == 4 && !too_deep));
                    if let Outcome::Done { result, .. } = &outcomes[0] {
                        let value =
                            from_result::<Value, CommonError>(200, result, ResultShape::default());
                        prop_assert_eq!(value.is_err(), too_deep);
                    }
                }
                Err(reason) => {
                    prop_assert!(names_the_problem(&reason), "{}", reason);
                    prop_assert!(
                        place == 1 || place == 2 || (place == 4 && too_deep),
                        "{}",
                        reason
                    );
                }
            }
            Ok(())
        },
    );
}

/// A million levels under every part of a v1 answer and in a REST 3.0 entry.
#[test]
fn a_million_levels() {
    let nest = deep(1_000_000, 0, true);
    for part in [
        "result",
        "result_error",
        "result_total",
        "result_next",
        "result_time",
    ] {
        let raw = raw(&format!(r#"{{"{part}":{{"c00":{nest}}}}}"#)).unwrap();
        if let Err(reason) = v1_outcomes(&raw, 1) {
            assert!(reason.contains("recursion limit exceeded"), "{reason}");
        }
    }
    let raw = raw(&format!(r#"[{{"error":{nest}}}]"#)).unwrap();
    assert_eq!(
        v3_outcomes(&raw, 1).unwrap_err(),
        "`result[0].error`: recursion limit exceeded at line 1 column 128"
    );
}
