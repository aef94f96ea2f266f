//! The event decoder against hostile posts: arbitrary bytes, form bodies cut anywhere, keys
//! of brackets and percents, nesting far past the cap, huge numbers in the envelope. None
//! panics; a refused post is a typed [`EventDecodeError`] whose message says what was wrong.

use proptest::prelude::*;

use super::{config, json_text, run_shared, ODD_NUMBERS};
use crate::event::{EventDecodeError, EventDecoder, EventPost};
use crate::secret::Secret;

/// A post as a portal sends it, with nested lists and an auth block.
const REAL_POST: &str = "event=ONCRMDEALADD&event_handler_id=185&data%5BFIELDS%5D%5BID%5D=6641\
&data[FIELDS][PRODUCTS][0][ID]=1&data[FIELDS][PRODUCTS][1][ID]=2&ts=1735374081\
&auth[access_token]=s6p6&auth[expires_in]=3600&auth[scope]=crm&auth[domain]=x.bitrix24.com\
&auth[member_id]=a223&auth[status]=L&auth[application_token]=51856fef&auth[client_endpoint]=\
https%3A%2F%2Fx.bitrix24.com%2Frest%2F";

/// Whatever the decoder says of `body` as a form, as JSON and by sniffing: a post, or a
/// typed refusal with a message. Returns the form's result.
fn decode_all(body: &[u8]) -> Result<EventPost, EventDecodeError> {
    let decoder = EventDecoder::default();
    for result in [
        decoder.json(body),
        decoder.body(None, body),
        decoder.body(Some("application/json; charset=utf-8"), body),
    ] {
        if let Err(e) = result {
            assert!(!e.to_string().is_empty());
        }
    }
    let form = decoder.form(body);
    if let Err(e) = &form {
        assert!(!e.to_string().is_empty());
    }
    form
}

/// Bytes drawn mostly from what form keys are made of.
fn form_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(&["event", "data", "auth", "ts", "FIELDS", "ID", "0", "1"][..])
                .prop_map(str::to_owned),
            6 => prop::sample::select(&["[", "]", "=", "&", "%", "%5B", "%5D", "%ZZ", "+", "%FF", "%00", "[]"][..])
                .prop_map(str::to_owned),
            1 => "[a-z0-9]{0,3}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(config(1))]

    #[test]
    fn arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode_all(&body);
    }

    #[test]
    fn form_shaped_text(body in form_text()) {
        let _ = decode_all(body.as_bytes());
    }

    #[test]
    fn real_posts_cut_anywhere(at in 0..REAL_POST.len()) {
        match decode_all(&REAL_POST.as_bytes()[..at]) {
            Ok(post) => prop_assert!("ONCRMDEALADD".starts_with(&post.name), "{}", post.name),
            Err(e) => prop_assert!(matches!(
                e,
                EventDecodeError::MissingEvent
                    | EventDecodeError::BadPercentEncoding { .. }
                    | EventDecodeError::MalformedKey { .. }
                    | EventDecodeError::ConflictingKey { .. }
                    | EventDecodeError::BadField { .. }
            ), "{e}"),
        }
    }

    #[test]
    fn json_posts(data in json_text(), ts in json_text()) {
        let body = format!(r#"{{"event": "ONCRMDEALADD", "data": {data}, "ts": {ts}}}"#);
        if let Err(e) = decode_all(body.as_bytes()) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn huge_numbers_in_the_envelope(n in prop::sample::select(ODD_NUMBERS)) {
        for field in ["event_handler_id", "ts"] {
            let body = format!("event=ONAPPINSTALL&{field}={n}");
            match EventDecoder::default().form(body.as_bytes()) {
                Ok(post) => {
                    // Only an integer in range is taken, and exactly; never a rounded, cut
                    // or saturated number.
                    let got = if field == "ts" { post.ts } else { post.handler_id };
                    let exact = match n {
                        "-0" | "-0.0" => Some(0),
                        "1E+2" => Some(100),
                        _ => n.parse::<i64>().ok(),
                    };
                    prop_assert!(exact.is_some(), "{field}={n} taken as {got:?}");
                    prop_assert_eq!(got, exact);
                }
                Err(e) => prop_assert!(
                    matches!(&e, EventDecodeError::BadField { field: f, .. } if *f == field),
                    "{field}={n}: {e}"
                ),
            }
        }
    }
}

#[test]
fn nesting_far_past_the_cap_is_refused_by_name() {
    run_shared(20, 1usize..200_000, |depth| {
        let form = format!("event=X&data{}=1", "[a]".repeat(depth));
        let json = format!(
            r#"{{"event": "X", "data": {}1{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let decoder = EventDecoder::default();
        let limit = decoder.max_depth;
        for (body, result) in [
            (&form, decoder.form(form.as_bytes())),
            (&json, decoder.json(json.as_bytes())),
        ] {
            match result {
                Ok(_) => prop_assert!(depth < limit, "{} bytes accepted", body.len()),
                Err(EventDecodeError::TooDeep { limit: l }) => prop_assert_eq!(l, limit),
                Err(EventDecodeError::BodyTooLarge { .. }) => prop_assert!(body.len() > 1 << 20),
                // serde_json stops at 128 levels before our own walk.
                Err(EventDecodeError::Json { message }) => {
                    prop_assert!(message.contains("recursion limit"), "{message}")
                }
                Err(e) => prop_assert!(false, "depth {depth}: {e}"),
            }
        }
        Ok(())
    });
}

#[test]
fn the_application_token_check_never_panics_and_matches_only_itself() {
    run_shared(1, ("[ -~]{0,40}", "[ -~]{0,40}"), |(sent, expected)| {
        let body = format!(
            "event=X&auth[application_token]={}",
            sent.replace('%', "%25")
                .replace('&', "%26")
                .replace('+', "%2B")
        );
        let Ok(post) = EventDecoder::default().form(body.as_bytes()) else {
            return Ok(());
        };
        let result = post.check_application_token(&Secret::new(expected.clone()));
        let sent_decoded = post
            .auth
            .as_ref()
            .and_then(|a| a.application_token.as_ref())
            .map(|t| t.expose().to_owned());
        let matches = !expected.is_empty() && sent_decoded.as_deref() == Some(expected.as_str());
        prop_assert_eq!(
            result.is_ok(),
            matches,
            "{:?} vs {:?}",
            sent_decoded,
            expected
        );
        Ok(())
    });
}
