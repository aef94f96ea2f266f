//! The response decoder ([`decode`]) on hostile bodies.

use std::fmt::Debug;

use proptest::prelude::*;
use proptest::sample::Index;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

use super::{config, deep, json_text, key, object, run_shared, Probe};
use crate::error::Error;
use crate::response::{decode, Response};
use crate::CommonError;

type Decoded<T> = Result<Response<T>, Error<CommonError>>;

/// Whether a decode error's reason says what was wrong: where serde stopped (line and column)
/// in the body or in `result`, which key did not fit, or one of decode's own findings.
fn names_the_problem(reason: &str, status: u16) -> bool {
    let at_position = |rest: &str| rest.contains(" at line ") && rest.contains(" column ");
    let own = [
        format!("HTTP {status} without an error object"),
        "the body is not a JSON answer: expected an object, found ".to_owned(),
        "`result.item` is missing".to_owned(),
    ];
    if own.iter().any(|o| reason.starts_with(o.as_str())) {
        return true;
    }
    let serde = [
        "the body is not JSON: ",
        "the body is not a JSON answer: ",
        "`result` is not an object: ",
        "`result` does not match the documented shape: ",
        "`result.item` does not match the documented shape: ",
    ];
    if let Some(rest) = serde.iter().find_map(|p| reason.strip_prefix(p)) {
        return at_position(rest) || names_a_field(rest);
    }
    // A value inside the result: its JSON path names the problem.
    if let Some((path, rest)) = reason.split_once("` does not match the documented shape: ") {
        return path.starts_with("`result") && !rest.is_empty();
    }
    // A key of the envelope: `total`, `time.start`, …
    match reason.split_once("` does not fit: ") {
        Some((path, rest)) => path.starts_with('`') && at_position(rest),
        None => false,
    }
}

/// Whether an error of a `#[bitrix_object]` type names the field, or says what the object is
/// instead. These are raised once the object is read, so serde adds no line and column.
fn names_a_field(rest: &str) -> bool {
    rest.starts_with("missing field `")
        || rest.starts_with("expected an object, found ")
        || (rest.starts_with('`') && rest.contains("`: "))
}

/// Decodes `body` as `T` and checks what came out against the body.
fn check<T: DeserializeOwned + Debug>(
    status: u16,
    body: &[u8],
    wrapper: Option<&'static str>,
) -> Decoded<T> {
    let decoded = decode::<T, CommonError>(status, body, wrapper);
    match &decoded {
        Ok(_) => {
            assert!((200..300).contains(&status), "{decoded:?}");
            assert!(serde_json::from_slice::<IgnoredAny>(body).is_ok());
        }
        Err(Error::Api(api)) => {
            assert_eq!(api.status, status);
            // Only an object whose `error` is set is an error answer (when it can be read).
            if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
                assert!(!map.get("error").unwrap_or(&Value::Null).is_null());
            }
        }
        Err(Error::Decode {
            status: s,
            body: kept,
            reason,
        }) => {
            assert_eq!(*s, status);
            assert_eq!(*kept, String::from_utf8_lossy(body));
            assert!(names_the_problem(reason, status), "{reason}");
        }
        Err(other) => panic!("not a decode or API error: {other:?}"),
    }
    decoded
}

/// Every output type the properties decode into.
fn check_all(status: u16, body: &[u8]) {
    check::<Value>(status, body, None).ok();
    check::<Value>(status, body, Some("item")).ok();
    check::<i64>(status, body, None).ok();
    check::<bool>(status, body, None).ok();
    check::<Probe>(status, body, None).ok();
    check::<Vec<Probe>>(status, body, Some("item")).ok();
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        3 => Just(200u16),
        1 => prop::sample::select(vec![0u16, 201, 204, 302, 400, 401, 403, 404, 500, 503]),
        1 => any::<u16>(),
    ]
}

/// Answers of every documented shape, with any values in them.
fn answer() -> impl Strategy<Value = String> {
    let time = prop::collection::vec((key(), json_text()), 0..3).prop_map(|e| object(&e));
    prop_oneof![
        (json_text(), json_text(), json_text(), time).prop_map(|(result, total, next, time)| {
            format!(r#"{{"result":{result},"total":{total},"next":{next},"time":{time}}}"#)
        }),
        (json_text(), json_text()).prop_map(|(code, description)| {
            format!(r#"{{"error":{code},"error_description":{description}}}"#)
        }),
        json_text().prop_map(|item| format!(r#"{{"result":{{"item":{item}}}}}"#)),
        (
            json_text(),
            json_text(),
            prop::collection::vec(json_text(), 0..3)
        )
            .prop_map(|(code, message, validation)| {
                format!(
                    r#"{{"error":{{"code":{code},"message":{message},"validation":[{}]}}}}"#,
                    validation.join(",")
                )
            }),
        prop::collection::vec((key(), json_text()), 0..6).prop_map(|e| object(&e)),
    ]
}

proptest! {
    #![proptest_config(config(1))]

    #[test]
    fn arbitrary_bytes(status in status(), body in prop::collection::vec(any::<u8>(), 0..256)) {
        check_all(status, &body);
    }

    #[test]
    fn json_alphabet_bytes(status in status(), body in "[\\[\\]{}\":,0-9eE.+\\- \\\\untrlsa]{0,64}") {
        check_all(status, body.as_bytes());
    }

    #[test]
    fn answers_whole_and_truncated(status in status(), answer in answer(), cut in any::<Index>()) {
        check_all(status, answer.as_bytes());
        let prefix = &answer.as_bytes()[..cut.index(answer.len())];
        check_all(status, prefix);
    }

    /// Huge numbers where integers are expected are refused, never rounded or saturated.
    #[test]
    fn huge_numbers_where_integers_are_expected(number in prop_oneof![
        super::select(super::ODD_NUMBERS),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<u64>().prop_map(|i| i.to_string()),
    ]) {
        let body = format!(r#"{{"result":{number}}}"#);
        if let Ok(r) = check::<i64>(200, body.as_bytes(), None) {
            prop_assert!(means(&number, r.result.into()), "{}", r.result);
        }
        for id in [number.clone(), format!("\"{number}\"")] {
            let body = format!(r#"{{"result":{{"ID":{id}}}}}"#);
            if let Ok(r) = check::<Probe>(200, body.as_bytes(), None) {
                prop_assert!(means(&number, r.result.id().into()), "{}", r.result.id());
            }
        }
        for key in ["total", "next"] {
            let body = format!(r#"{{"result":1,"{key}":{number}}}"#);
            if let Ok(r) = check::<i64>(200, body.as_bytes(), None) {
                let got = if key == "total" { r.total } else { r.next };
                let got = got.expect("a number is a count or an error");
                prop_assert!(means(&number, got.into()), "{}", got);
            }
        }
    }
}

/// Whether `n` is what `number` says: exactly, when it is an integer's text.
fn means(number: &str, n: i128) -> bool {
    match number.parse::<i128>() {
        Ok(i) => i == n,
        Err(_) => number.parse::<f64>().is_ok_and(|f| f == n as f64),
    }
}

#[test]
fn deep_nesting() {
    let cases = (
        status(),
        1usize..50_000,
        0usize..3,
        any::<bool>(),
        0usize..5,
    );
    run_shared(20, cases, |(status, depth, style, closed, place)| {
        let nest = deep(depth, style, closed);
        let body = match place {
            0 => nest,
            1 => format!(r#"{{"result":{nest}}}"#),
            2 => format!(r#"{{"result":{{"item":{nest}}}}}"#),
            3 => format!(r#"{{"error":{nest}}}"#),
            _ => format!(r#"{{"result":{{"ID":1,"INNER":{nest}}},"time":{nest}}}"#),
        };
        check_all(status, body.as_bytes());
        if closed && depth > 128 && place == 1 && status == 200 {
            match check::<Value>(status, body.as_bytes(), None) {
                Err(Error::Decode { reason, .. }) => prop_assert!(
                    reason.starts_with(
                        "`result` does not match the documented shape: recursion limit exceeded"
                    ),
                    "{}",
                    reason
                ),
                other => prop_assert!(false, "{:?}", other.map(|_| ())),
            }
        }
        Ok(())
    });
}

/// A million levels: the envelope skips `result` without recursing, and `T` stops at serde's
/// limit.
#[test]
fn a_million_levels() {
    for style in 0..3 {
        let body = format!(r#"{{"result":{}}}"#, deep(1_000_000, style, true));
        check_all(200, body.as_bytes());
        let body = format!(r#"{{"error":{}}}"#, deep(1_000_000, style, true));
        check_all(400, body.as_bytes());
        check_all(200, deep(1_000_000, style, false).as_bytes());
    }
}
