//! Events a portal posts to an application's handlers, read without any web framework: the
//! body (form-encoded as portals send it, or JSON) becomes an [`EventPost`], whose
//! `application_token` is checked in constant time. The generated crate types the payload
//! (`bitrix24::Event`); `offline` polls the events a portal keeps for applications without a
//! public handler.

#[cfg(feature = "axum")]
mod axum_route;
mod form;
mod offline;
mod post;

#[cfg(test)]
mod tests;

#[cfg(feature = "axum")]
pub use axum_route::{event_route, event_route_with, ReceivedEvent};
pub use offline::{FromEventPost, OfflineAck, OfflineEvent, OfflineEvents};
pub use post::{EventAuth, EventDecoder, EventPost};

/// Why an event post was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventDecodeError {
    /// The body is larger than [`EventDecoder::max_body_bytes`].
    #[error("event body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The cap.
        limit: usize,
    },
    /// A `%` not followed by two hex digits.
    #[error("bad percent-encoding at `{at}`")]
    BadPercentEncoding {
        /// The bad sequence.
        at: String,
    },
    /// A decoded key or value is not UTF-8.
    #[error("form field is not UTF-8")]
    InvalidUtf8,
    /// A key that is not `name[a][b]…` (`[a]`, `a[b`, `a[b]c`).
    #[error("malformed form key `{key}`")]
    MalformedKey {
        /// The decoded key.
        key: String,
    },
    /// A key that clashes with an earlier one (`a=1&a[b]=2`, or the same key twice).
    #[error("key `{key}` conflicts with an earlier key")]
    ConflictingKey {
        /// The decoded key.
        key: String,
    },
    /// Keys or JSON nested deeper than [`EventDecoder::max_depth`].
    #[error("event body is nested deeper than {limit} levels")]
    TooDeep {
        /// The cap.
        limit: usize,
    },
    /// More pairs than [`EventDecoder::max_fields`].
    #[error("event body has more than {limit} fields")]
    TooManyFields {
        /// The cap.
        limit: usize,
    },
    /// A JSON body that does not parse.
    #[error("event body is not JSON: {message}")]
    Json {
        /// serde_json's message.
        message: String,
    },
    /// The body is not an object of keys (a JSON array, a form of only `0=…&1=…`).
    #[error("event body is not an object")]
    NotAnObject,
    /// No (or an empty) `event` key.
    #[error("event body has no `event` name")]
    MissingEvent,
    /// An envelope key (`event_handler_id`, `ts`, `auth`) has an impossible value.
    #[error("`{field}`: {message}")]
    BadField {
        /// The key.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The post has no `auth[application_token]`.
    #[error("event post has no application token")]
    MissingApplicationToken,
    /// The post's `auth[application_token]` is not the application's.
    #[error("event post has a wrong application token")]
    WrongApplicationToken,
}

impl EventDecodeError {
    /// Whether the post was refused for its application token (answer 401), not its shape
    /// (answer 400).
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self,
            EventDecodeError::MissingApplicationToken | EventDecodeError::WrongApplicationToken
        )
    }
}

/// A post of a known event whose payload does not fit the event's documented type: the post
/// is kept whole, so the event is not lost.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("event `{}` does not fit its documented payload: {message}", post.name)]
#[non_exhaustive]
pub struct EventPayloadError {
    /// The post, as decoded.
    pub post: Box<EventPost>,
    /// Which field did not fit, and why.
    pub message: String,
}

impl EventPayloadError {
    /// Wraps a post and the typing error.
    pub fn new(post: EventPost, message: impl Into<String>) -> Self {
        EventPayloadError {
            post: Box::new(post),
            message: message.into(),
        }
    }
}
