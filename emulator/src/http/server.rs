//! HTTP/1.1 on a TCP listener (hyper), handing each request to the [`Portal`] and applying
//! the transport faults it asks for.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::{Incoming, Transport};
use crate::events::deliver::deliver;
use crate::portal::Portal;

/// Largest request body accepted (the portal's own limit is far above what tests send).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Accepts connections until `shutdown` changes.
pub async fn serve(
    listener: TcpListener,
    portal: Arc<Portal>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let portal = Arc::clone(&portal);
                tokio::spawn(async move {
                    let service = service_fn(move |req| handle(Arc::clone(&portal), req));
                    // A dropped connection (a fault, or the client leaving) ends here; nothing to report.
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
            _ = shutdown.changed() => break,
        }
    }
}

/// The connection is closed without an answer (an injected fault).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

async fn handle(portal: Arc<Portal>, req: Request<Body>) -> Result<Response<Full<Bytes>>, Dropped> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Ok(plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                r#"{"error":"INVALID_REQUEST","error_description":"Request body too large or unreadable"}"#,
            ))
        }
    };
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    let incoming = Incoming {
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        content_type: header("content-type")
            .unwrap_or_default()
            .to_ascii_lowercase(),
        idempotency_key: header("idempotency-key"),
        body: body.to_vec(),
    };
    let out = portal.answer(&incoming);
    for delivery in out.deliveries {
        tokio::spawn(deliver(delivery));
    }
    let mut bytes = out.body;
    if !out.delay.is_zero() {
        tokio::time::sleep(out.delay).await;
    }
    match out.transport {
        Transport::Drop => return Err(Dropped),
        Transport::Slow(delay) => tokio::time::sleep(delay).await,
        Transport::Truncate => bytes.truncate(bytes.len() / 2),
        Transport::Normal => {}
    }
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() =
        StatusCode::from_u16(out.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if out.replayed {
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

fn plain(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}
