//! Delivering an event post to its loopback handler: a form-encoded POST over hyper's HTTP/1.1
//! client, on a connection of its own, as the portal's webhook engine sends them.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::header::{CONNECTION, CONTENT_TYPE, HOST, USER_AGENT};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::handler_url::Target;
use super::post::Delivery;

/// Time allowed for a handler to answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Posts the event; failures are reported on stderr (the portal does not retry).
pub async fn deliver(delivery: Delivery) {
    let Delivery { url, body } = delivery;
    if let Err(e) = tokio::time::timeout(TIMEOUT, post(&url, body))
        .await
        .unwrap_or_else(|_| Err("timed out".into()))
    {
        eprintln!("bitrix24-emulator: event delivery to {url} failed: {e}");
    }
}

async fn post(url: &str, body: String) -> Result<(), String> {
    let target = Target::of(url)?;
    let stream = TcpStream::connect(target.address)
        .await
        .map_err(|e| e.to_string())?;
    // Title-Case header names, as the portal's own posts carry them.
    let (mut sender, connection) = http1::Builder::new()
        .title_case_headers(true)
        .handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    // hyper adds Content-Length from the body's known length.
    let request = Request::post(target.path)
        .header(HOST, target.host)
        .header(USER_AGENT, "Bitrix24 Webhook Engine")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        // One post per connection: nothing is kept open between events.
        .header(CONNECTION, "close")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let exchange = async {
        let answer = sender.send_request(request).await?;
        // The handler's answer is read to its end and otherwise ignored.
        answer.into_body().collect().await.map(drop)
    };
    // The connection does the I/O only while this post waits; it is dropped (closed) with it,
    // so a timed-out delivery leaves nothing running.
    tokio::select! {
        answered = exchange => answered.map_err(|e| e.to_string()),
        Err(e) = connection => Err(e.to_string()),
    }
}
