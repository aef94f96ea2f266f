//! A minimal HTTP/1.1 client for the emulator's own tests (loopback only).

#![allow(dead_code)]

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub use bitrix24_emulator::{Config, Emulator};

/// A raw answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Starts an emulator with the rate limit off unless the test sets one.
pub async fn start(config: Config) -> Emulator {
    Emulator::start(config).await.expect("the emulator starts")
}

/// A config without the leaky bucket (tests make many calls).
pub fn unlimited() -> Config {
    Config {
        rate_limit: None,
        ..Config::default()
    }
}

/// Sends one request; `None` when the connection closed without an answer.
pub async fn send(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<Answer> {
    let authority = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).await.expect("connect");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.ok()?;
    stream.write_all(body).await.ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.ok()?;
    if raw.is_empty() {
        return None;
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Some(Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

/// POSTs JSON.
pub async fn post_json(base: &str, path: &str, body: &Value) -> Answer {
    send(
        base,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    )
    .await
    .expect("an answer")
}

/// POSTs a form.
pub async fn post_form(base: &str, path: &str, body: &str) -> Answer {
    send(
        base,
        "POST",
        path,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    )
    .await
    .expect("an answer")
}

/// A webhook call: `/rest/1/secret/{method}` with a JSON body.
pub async fn v1(emu: &Emulator, method: &str, body: Value) -> Answer {
    post_json(emu.base_url(), &format!("/rest/1/secret/{method}"), &body).await
}

/// A REST 3.0 webhook call.
pub async fn v3(emu: &Emulator, method: &str, body: Value) -> Answer {
    post_json(
        emu.base_url(),
        &format!("/rest/api/1/secret/{method}"),
        &body,
    )
    .await
}
