//! Delivering an event post to its loopback handler, as the portal sends them.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::handler_url::is_loopback_http;
use super::post::Delivery;

/// Time allowed for a handler to answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Posts the event; failures are reported on stderr (the portal does not retry).
pub async fn deliver(delivery: Delivery) {
    if let Err(e) = tokio::time::timeout(TIMEOUT, post(&delivery))
        .await
        .unwrap_or_else(|_| Err("timed out".into()))
    {
        eprintln!(
            "bitrix24-emulator: event delivery to {} failed: {e}",
            delivery.url
        );
    }
}

async fn post(delivery: &Delivery) -> Result<(), String> {
    if !is_loopback_http(&delivery.url) {
        return Err("not a loopback http:// handler".into());
    }
    let rest = delivery.url.trim_start_matches("http://");
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let address = if authority.contains(':') && !authority.ends_with(']') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let address = address.replacen("localhost", "127.0.0.1", 1);
    let mut stream = TcpStream::connect(&address)
        .await
        .map_err(|e| e.to_string())?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: Bitrix24 Webhook Engine\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        delivery.body.len(),
        delivery.body
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}
