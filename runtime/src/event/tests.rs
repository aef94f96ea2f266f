use serde_json::json;

use super::*;
use crate::secret::Secret;

const DEAL_ADD: &str = "event=ONCRMDEALADD&event_handler_id=185&data%5BFIELDS%5D%5BID%5D=6641\
    &ts=1735374081&auth%5Baccess_token%5D=s6p6ecl&auth%5Bexpires_in%5D=3600\
    &auth%5Bdomain%5D=some-domain.bitrix24.com&auth%5Bmember_id%5D=a223c6\
    &auth%5Bapplication_token%5D=51856fef&auth%5Bstatus%5D=L&auth%5Bnew_key%5D=x&extra=1";

#[test]
fn a_portal_post_reads_into_the_envelope() {
    let post = EventDecoder::default().form(DEAL_ADD.as_bytes()).unwrap();
    assert_eq!(post.name, "ONCRMDEALADD");
    assert!(post.is("onCrmDealAdd"));
    assert_eq!(post.handler_id, Some(185));
    assert_eq!(post.ts, Some(1_735_374_081));
    assert_eq!(post.data, json!({"FIELDS": {"ID": "6641"}}));
    assert_eq!(post.extra.get("extra"), Some(&json!("1")));
    let auth = post.auth.as_ref().unwrap();
    assert_eq!(auth.domain.as_deref(), Some("some-domain.bitrix24.com"));
    assert_eq!(auth.expires_in, Some(3600));
    assert_eq!(
        auth.access_token.as_ref().map(Secret::expose),
        Some("s6p6ecl")
    );
    assert_eq!(auth.extra.get("new_key"), Some(&json!("x")));
    // Serialized back, it is the body's JSON form again.
    let back = serde_json::to_value(&post).unwrap();
    assert_eq!(back["auth"]["application_token"], "51856fef");
    assert_eq!(back["event_handler_id"], 185);
    assert_eq!(back["extra"], "1");
}

#[test]
fn debug_shows_no_token() {
    let post = EventDecoder::default().form(DEAL_ADD.as_bytes()).unwrap();
    let debug = format!("{post:?}");
    assert!(
        !debug.contains("s6p6ecl") && !debug.contains("51856fef"),
        "{debug}"
    );
    assert!(debug.contains("Secret(***)"));
}

#[test]
fn application_token_is_checked() {
    let post = EventDecoder::default().form(DEAL_ADD.as_bytes()).unwrap();
    assert_eq!(
        post.check_application_token(&Secret::new("51856fef")),
        Ok(())
    );
    for wrong in ["51856feF", "51856fe", "51856fef0", ""] {
        let e = post
            .check_application_token(&Secret::new(wrong))
            .unwrap_err();
        assert_eq!(e, EventDecodeError::WrongApplicationToken, "{wrong}");
        assert!(e.is_unauthorized());
    }
    let bare = EventDecoder::default().form(b"event=X").unwrap();
    let e = bare.check_application_token(&Secret::new("t")).unwrap_err();
    assert_eq!(e.to_string(), "event post has no application token");
    assert!(e.is_unauthorized());
}

#[test]
fn json_bodies_read_the_same() {
    let body = json!({
        "event": "ONCRMDEALADD",
        "event_handler_id": "185",
        "data": {"FIELDS": {"ID": 6641}},
        "ts": 1735374081,
        "auth": {"application_token": "t"},
    });
    let d = EventDecoder::default();
    let post = d.json(body.to_string().as_bytes()).unwrap();
    assert_eq!(post.handler_id, Some(185));
    assert_eq!(post.data["FIELDS"]["ID"], 6641);
    let by_type = d.body(
        Some("application/json; charset=utf-8"),
        body.to_string().as_bytes(),
    );
    assert_eq!(by_type.unwrap(), post);
    let sniffed = d.body(None, format!("  {body}").as_bytes()).unwrap();
    assert_eq!(sniffed, post);
    let form = d
        .body(Some("application/x-www-form-urlencoded"), b"event=A")
        .unwrap();
    assert_eq!(form.name, "A");
}

#[test]
fn bad_envelopes_are_typed_errors() {
    let d = EventDecoder::default();
    assert_eq!(
        d.form(b"data[x]=1").unwrap_err(),
        EventDecodeError::MissingEvent
    );
    assert_eq!(
        d.form(b"event=").unwrap_err(),
        EventDecodeError::MissingEvent
    );
    assert_eq!(
        d.form(b"event[a]=1").unwrap_err(),
        EventDecodeError::MissingEvent
    );
    let e = d.form(b"event=A&ts=soon").unwrap_err();
    assert_eq!(e.to_string(), "`ts`: expected an integer, found \"soon\"");
    let e = d.form(b"event=A&auth=token").unwrap_err();
    assert!(
        matches!(e, EventDecodeError::BadField { field: "auth", .. }),
        "{e}"
    );
    assert!(!e.is_unauthorized());
    let e = d.json(b"{\"event\":").unwrap_err();
    assert!(e.to_string().starts_with("event body is not JSON: "), "{e}");
    assert_eq!(d.json(b"[1]").unwrap_err(), EventDecodeError::NotAnObject);
}

#[test]
fn caps_hold() {
    let d = EventDecoder {
        max_body_bytes: 16,
        ..EventDecoder::default()
    };
    let e = d.form(b"event=A&data=0123456789").unwrap_err();
    assert_eq!(e.to_string(), "event body is larger than 16 bytes");
    assert_eq!(
        d.json(&[b' '; 17]).unwrap_err(),
        EventDecodeError::BodyTooLarge { limit: 16 }
    );
    let d = EventDecoder {
        max_depth: 3,
        ..EventDecoder::default()
    };
    let deep = br#"{"event":"A","data":{"a":{"b":{"c":1}}}}"#;
    assert_eq!(
        d.json(deep).unwrap_err(),
        EventDecodeError::TooDeep { limit: 3 }
    );
    assert_eq!(
        d.form(b"event=A&data[a][b][c]=1").unwrap_err(),
        EventDecodeError::TooDeep { limit: 3 }
    );
    let d = EventDecoder {
        max_fields: 2,
        ..EventDecoder::default()
    };
    assert_eq!(
        d.form(b"event=A&a=1&b=2").unwrap_err(),
        EventDecodeError::TooManyFields { limit: 2 }
    );
}

#[test]
fn constant_time_compare_is_a_compare() {
    assert!(post::same_bytes(b"", b""));
    assert!(post::same_bytes(b"abc", b"abc"));
    assert!(!post::same_bytes(b"abc", b"abd"));
    assert!(!post::same_bytes(b"abc", b"ab"));
    assert!(!post::same_bytes(b"ab\0", b"ab"));
}
