//! Runtime of the `bitrix24` crate: the [`Client`], credentials, transport, response decoding,
//! the [`Error`] type, local validation and the wire quirks of the Bitrix24 REST API.
//!
//! Generated code (and methods declared with `#[bitrix_method]`) implement [`Method`]; the
//! client runs them. Generated code never does HTTP itself. Most users depend on `bitrix24`,
//! which re-exports the public items listed here.
//!
//! The public API is the items at the crate root; the modules are private. What macro
//! expansions need lives in the hidden `__private` module, and the hidden `conformance` module
//! serves the generated crate's conformance test: neither is a stable API.

mod auth;
mod batch;
mod client;
mod codes;
mod common_error;
#[doc(hidden)]
pub mod conformance;
mod error;
mod event;
#[cfg(test)]
mod hostile;
mod limit;
mod list;
mod method;
mod oauth;
mod object;
mod random;
#[cfg(feature = "redis")]
mod redis_connection;
mod response;
mod retry;
mod secret;
mod stats;
mod transport_error;
mod validate;
mod wire;

pub use batch::{Batch, BatchAnswers, Bind, Handle, Placeholder, Ref, MAX_BATCH_COMMANDS};
pub use client::{CallOptions, Client, ClientBuilder, DEFAULT_TIMEOUT};
pub use codes::ErrorCode;
pub use common_error::CommonError;
pub use error::{
    ApiError, ConfigError, Error, FieldError, TransportError, UnknownOutcome, ValidationErrors,
};
#[cfg(feature = "axum")]
pub use event::{event_route, event_route_with, ReceivedEvent};
pub use event::{
    EventAuth, EventDecodeError, EventDecoder, EventPayloadError, EventPost, FromEventPost,
    OfflineAck, OfflineEvent, OfflineEvents,
};
#[cfg(feature = "redis")]
pub use limit::RedisBucket;
pub use limit::{Bucket, LimitError, LimitFuture, Limits, LocalBucket, RateLimiter};
pub use list::{List, Page, PAGE_SIZE};
pub use method::{ApiVersion, Method, Paging, PagingKind};
#[cfg(feature = "redis")]
pub use oauth::RedisTokenStore;
pub use oauth::{
    AuthError, FileStore, MemoryStore, OAuthApp, RefreshLock, StoreError, StoreErrorKind,
    StoreFuture, TokenSet, TokenStore, DEFAULT_REFRESH_AHEAD,
};
pub use response::{Response, Time};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use stats::CallStats;
pub use validate::{FieldPath, Validate, Validator};

/// The JSON library of untyped calls and loose result types.
pub use serde_json;

/// The web framework of [`event_route`], at the version it was built with.
#[cfg(feature = "axum")]
pub use axum;

/// What macro expansions refer to. Not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use crate::codes::is_message;
    pub use crate::object::{lenient, list, optional, plain, read, read_keeping, Num, Yn};
    pub use crate::response::decode as decode_answer;
    pub use crate::validate::check;
    pub use crate::wire::Lenient;
    pub use serde;
    pub use serde_json;
}
