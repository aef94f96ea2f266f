//! The HTTP edge: the hyper server, which endpoint a path names, decoding bodies (PHP-style
//! forms, JSON) into parameters, and writing answers in the REST v1 and REST 3.0 shapes.

pub mod form;
pub mod params;
pub mod reply;
pub mod route;
pub mod server;

use std::time::Duration;

use serde_json::Value;

use crate::events::post::Delivery;

/// An HTTP request, reduced to what the portal reads.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    /// The path (`/rest/1/secret/crm.deal.list`).
    pub path: String,
    /// The query string, without `?`.
    pub query: String,
    /// The `Content-Type` header.
    pub content_type: String,
    /// The `Idempotency-Key` header.
    pub idempotency_key: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// How the answer leaves (faults change it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Sent as it is.
    Normal,
    /// The connection is closed without an answer.
    Drop,
    /// Sent after a delay.
    Slow(Duration),
    /// Sent with the body cut in half.
    Truncate,
}

/// The portal's answer.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: Vec<u8>,
    /// Whether this is a stored REST 3.0 answer replayed for an `Idempotency-Key`.
    pub replayed: bool,
    /// How long the portal takes before answering (the cost model's latency).
    pub delay: Duration,
    /// How to send it.
    pub transport: Transport,
    /// Event deliveries to make once answered.
    pub deliveries: Vec<Delivery>,
}

impl Outgoing {
    /// `body` as JSON with `status`, sent as it is, with no deliveries.
    pub fn json(status: u16, body: &Value) -> Outgoing {
        Outgoing {
            status,
            body: serde_json::to_vec(body).unwrap_or_default(),
            replayed: false,
            delay: Duration::ZERO,
            transport: Transport::Normal,
            deliveries: Vec::new(),
        }
    }
}
