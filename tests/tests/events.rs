//! Event posts end to end: every documented example body, form-encoded as a portal sends it
//! and as JSON, decodes into its own typed variant; real posts from the emulator decode and
//! carry its application token; unknown events and keys are kept; bad posts are refused with
//! typed errors.

use std::path::PathBuf;
use std::time::Duration;

use bitrix24::serde_json::{self, json, Map, Value};
use bitrix24::{ApiVersion, Event, EventDecodeError, EventDecoder, EventPost, Secret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// PHP's `http_build_query`: nested keys in brackets, lists by index, `true` as `1`, `false`
/// as the empty string, `null` and empty arrays left out; spaces as `+`.
fn form_encode(body: &Map<String, Value>) -> String {
    fn walk(prefix: &str, value: &Value, out: &mut Vec<String>) {
        let mut child = |key: &str, v: &Value| walk(&format!("{prefix}[{key}]"), v, out);
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| child(k, v)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| child(&i.to_string(), v)),
            Value::Null => {}
            scalar => {
                let text = match scalar {
                    Value::Bool(b) => if *b { "1" } else { "" }.to_owned(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                out.push(format!("{}={}", encode(prefix), encode(&text)));
            }
        }
    }
    let mut out = Vec::new();
    for (k, v) in body {
        match v {
            Value::Object(_) | Value::Array(_) => {
                let mut nested = Vec::new();
                walk(k, v, &mut nested);
                out.extend(nested);
            }
            other => walk(k, other, &mut out),
        }
    }
    out.join("&")
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `(event name, example body)` for every request example of `spec/events`.
fn spec_examples() -> Vec<(String, Map<String, Value>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/events");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("spec/events is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let event: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let name = event["name"].as_str().unwrap().to_owned();
        for example in event["examples"].as_array().into_iter().flatten() {
            if let (Some("request"), Value::Object(body)) =
                (example["kind"].as_str(), &example["body"])
            {
                out.push((name.clone(), body.clone()));
            }
        }
    }
    out
}

fn expect_known(name: &str, post: EventPost) -> Event {
    let event = Event::from_post(post).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(!matches!(event, Event::Unknown(_)), "{name}: unknown");
    assert_eq!(event.name(), name);
    event
}

#[test]
fn every_spec_example_decodes_as_its_event_form_encoded_and_as_json() {
    let examples = spec_examples();
    assert!(examples.len() >= 100, "only {} examples", examples.len());
    let decoder = EventDecoder::default();
    for (name, body) in &examples {
        let form = form_encode(body);
        let post = decoder
            .form(form.as_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}\n{form}"));
        expect_known(name, post);
        let json = serde_json::to_vec(body).unwrap();
        let post = decoder
            .json(&json)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        expect_known(name, post);
    }
    println!(
        "events: {} examples decoded as form and JSON",
        examples.len()
    );
}

#[test]
fn a_deal_post_is_typed_with_nested_lists_and_unknown_keys_kept() {
    let body = "event=ONCRMDEALADD&event_handler_id=185&data%5BFIELDS%5D%5BID%5D=6641\
        &data[FIELDS][PRODUCTS][0][ID]=1&data[FIELDS][PRODUCTS][1][ID]=2\
        &data[FIELDS][TITLE]=Caf%C3%A9+%26+Co&data[NEW_BLOCK]=x&ts=1735374081\
        &auth%5Baccess_token%5D=s6p6ecl&auth%5Bapplication_token%5D=51856fef\
        &auth%5Bdomain%5D=some-domain.bitrix24.com&later=1";
    let post = EventDecoder::default().form(body.as_bytes()).unwrap();
    post.check_application_token(&Secret::new("51856fef"))
        .unwrap();
    let Event::OnCrmDealAdd(deal) = Event::from_post(post).unwrap() else {
        panic!("not a deal")
    };
    let debug = format!("{deal:?}");
    assert!(
        !debug.contains("s6p6ecl") && !debug.contains("51856fef"),
        "{debug}"
    );
    assert_eq!(deal.event.as_deref(), Some("ONCRMDEALADD"));
    assert_eq!(deal.event_handler_id, Some(185));
    assert_eq!(deal.ts, Some(1_735_374_081));
    assert_eq!(deal.extra.get("later"), Some(&json!("1")));
    let auth = deal.auth.as_ref().unwrap();
    assert_eq!(auth.domain.as_deref(), Some("some-domain.bitrix24.com"));
    let data = deal.data.as_ref().unwrap();
    assert_eq!(data.extra.get("NEW_BLOCK"), Some(&json!("x")));
    let fields = data.fields.as_ref().unwrap();
    assert_eq!(fields.id, Some(6641));
    assert_eq!(fields.extra["TITLE"], json!("Café & Co"));
    assert_eq!(fields.extra["PRODUCTS"], json!([{"ID": "1"}, {"ID": "2"}]));
}

#[test]
fn unknown_events_are_kept_whole() {
    let body = "event=ONSOMETHINGNEW&data[A][0]=x&ts=1&auth[application_token]=t";
    let post = EventDecoder::default().form(body.as_bytes()).unwrap();
    let Event::Unknown(post) = Event::from_post(post).unwrap() else {
        panic!("typed an unknown event")
    };
    assert_eq!(post.name, "ONSOMETHINGNEW");
    assert_eq!(post.data, json!({"A": ["x"]}));
}

#[test]
fn a_payload_value_that_does_not_fit_is_kept_raw() {
    // A documented integer sent as text the type cannot read: the event still decodes, the
    // typed field stays empty and the value is kept, under its key, in the payload's extra map.
    let body = "event=ONCRMDEALADD&data[FIELDS][ID]=not-a-number&auth[application_token]=t";
    let post = EventDecoder::default().form(body.as_bytes()).unwrap();
    let Event::OnCrmDealAdd(event) = Event::from_post(post).unwrap() else {
        panic!("ONCRMDEALADD is a known event")
    };
    let fields = event.data.unwrap().fields.unwrap();
    assert_eq!(fields.id, None);
    assert_eq!(fields.get_extra("ID"), Some(&json!("not-a-number")));
}

#[test]
fn hostile_posts_get_typed_errors() {
    let d = EventDecoder::default();
    let cases: [(&[u8], EventDecodeError); 5] = [
        (
            b"event=A&a=1&a[b]=2",
            EventDecodeError::ConflictingKey { key: "a[b]".into() },
        ),
        (
            b"event=A&x=%G1",
            EventDecodeError::BadPercentEncoding { at: "%G1".into() },
        ),
        (b"data[FIELDS][ID]=1", EventDecodeError::MissingEvent),
        (
            b"event=A&a[b=1",
            EventDecodeError::MalformedKey { key: "a[b".into() },
        ),
        (b"event=A&x=%C3%28", EventDecodeError::InvalidUtf8),
    ];
    for (body, expected) in cases {
        assert_eq!(d.form(body).unwrap_err(), expected);
    }
    let deep = format!("event=A&{}=1", "a".to_owned() + &"[a]".repeat(100));
    assert_eq!(
        d.form(deep.as_bytes()).unwrap_err(),
        EventDecodeError::TooDeep { limit: 32 }
    );
    let big = vec![b'a'; (1 << 20) + 1];
    assert_eq!(
        d.form(&big).unwrap_err(),
        EventDecodeError::BodyTooLarge { limit: 1 << 20 }
    );
    let many = "a[]=1&".repeat(10_001);
    assert_eq!(
        d.form(many.as_bytes()).unwrap_err(),
        EventDecodeError::TooManyFields { limit: 10_000 }
    );
}

/// Accepts one HTTP/1.1 POST on `listener` and returns its body (answering 200).
async fn receive_one(listener: &TcpListener) -> (String, Vec<u8>) {
    let (mut stream, _) = listener.accept().await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head_end, length) = loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before the headers ended");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse::<usize>().unwrap());
            break (end + 4, length);
        }
    };
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "connection closed before the body ended");
        buf.extend_from_slice(&chunk[..n]);
    }
    stream
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    (head, buf[head_end..head_end + length].to_vec())
}

#[tokio::test]
async fn the_emulators_deal_posts_decode_and_carry_its_token() {
    let (client, emulator) = bitrix24_tests::emulated(bitrix24_emulator::Config::default()).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let handler = format!("http://{}/events", listener.local_addr().unwrap());
    let bind = json!({"event": "onCrmDealAdd", "handler": handler});
    client
        .call_raw("event.bind", ApiVersion::V1, &bind)
        .await
        .unwrap();
    let added = client
        .call_raw(
            "crm.deal.add",
            ApiVersion::V1,
            &json!({"fields": {"TITLE": "Posted"}}),
        )
        .await
        .unwrap();
    let id = added.result.as_i64().unwrap();
    let (head, body) = tokio::time::timeout(Duration::from_secs(10), receive_one(&listener))
        .await
        .expect("the emulator posts the event");
    assert!(
        head.to_ascii_lowercase()
            .contains("application/x-www-form-urlencoded"),
        "{head}"
    );
    let post = EventDecoder::default()
        .body(Some("application/x-www-form-urlencoded"), &body)
        .unwrap();
    post.check_application_token(&Secret::new(emulator.application_token()))
        .unwrap();
    assert_eq!(
        post.check_application_token(&Secret::new("forged")),
        Err(EventDecodeError::WrongApplicationToken)
    );
    let Event::OnCrmDealAdd(deal) = Event::from_post(post).unwrap() else {
        panic!("not a deal")
    };
    assert_eq!(
        deal.data.and_then(|d| d.fields).and_then(|f| f.id),
        Some(id)
    );
    assert!(deal.event_handler_id.is_some());
    assert!(deal.auth.and_then(|a| a.access_token).is_some());
}
