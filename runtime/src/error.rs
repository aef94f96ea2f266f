//! The one error type of a call, separating API errors from everything that went wrong before
//! or around them. Nothing here ever holds a webhook secret or an access token.
//!
//! # Messages and sources
//!
//! Every error here follows one convention, so that printing a chain (each error's `Display`,
//! then its [`source()`](std::error::Error::source), and so on, as `anyhow`'s `{:#}` does)
//! never shows a message twice:
//!
//! - `Display` says what happened, in one short message;
//! - [`source()`](std::error::Error::source) returns the lower-level cause (a `reqwest`,
//!   `serde_json` or other library error, or the error a variant wraps), and that cause is
//!   never also printed by `Display`;
//! - errors that carry their own data rather than a cause ([`ApiError`]: the server's code and
//!   message; [`ValidationErrors`]: the list of problems; [`Error::Decode`]: the body and the
//!   reason; [`Error::Timeout`]) print that data in `Display` and have no source. So do the
//!   [`Error::Api`] and [`Error::Validation`] variants that wrap them.
//!
//! So `Error::Transport` displays as `transport error` with the [`TransportError`] as its
//! source, which displays only the HTTP library's own message and whose source is that
//! library's cause (e.g. the refused connection).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::codes::ErrorCode;
use crate::common_error::CommonError;
use crate::limit::LimitError;
use crate::oauth::error::AuthError;
pub use crate::transport_error::TransportError;

/// A problem with one field: what the server's REST 3.0 `validation` list holds, and what the
/// local validator reports in the same shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldError {
    /// Path of the field, e.g. `fields.COMMUNICATIONS[0].VALUE`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Every problem the local validator found in a request; the request was not sent.
///
/// Iterate over it (by reference or by value) for the [`FieldError`]s, or look one up with
/// [`ValidationErrors::field`]. `Display` lists them all, separated by `; `.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    /// The problems found, in the order they were reported.
    pub(crate) fn new(errors: Vec<FieldError>) -> Self {
        ValidationErrors(errors)
    }

    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, FieldError> {
        self.0.iter()
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problem of a field, if any.
    pub fn field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }
}

impl IntoIterator for ValidationErrors {
    type Item = FieldError;
    type IntoIter = std::vec::IntoIter<FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a FieldError;
    type IntoIter = std::slice::Iter<'a, FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// An error answer of the API, with the code typed per method.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError<C> {
    /// The code (`error` in v1, `error.code` in REST 3.0).
    pub code: C,
    /// HTTP status of the answer.
    pub status: u16,
    /// The server's message (`error_description` in v1, `error.message` in REST 3.0).
    pub message: String,
    /// REST 3.0 per-field problems (`error.validation`); empty otherwise.
    pub validation: Vec<FieldError>,
}

impl<C: ErrorCode> fmt::Display for ApiError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (HTTP {})", self.code, self.status)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        for v in &self.validation {
            write!(f, "; {v}")?;
        }
        Ok(())
    }
}

/// A client could not be built from what it was given.
///
/// Equality compares variants only: two [`ConfigError::Http`] errors are equal whatever their
/// causes.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The portal or webhook address is not a valid URL (the address itself is not repeated,
    /// since a webhook URL holds the secret).
    #[error("the portal address is not a valid URL")]
    InvalidUrl,
    /// A webhook URL must look like `https://portal/rest/<user id>/<secret>/`.
    #[error("a webhook URL must look like https://<portal>/rest/<user id>/<secret>/")]
    NotAWebhookUrl,
    /// Plain HTTP is allowed only to loopback, and only when asked for.
    #[error("the portal address must use https (plain http is allowed only to loopback when enabled with allow_http_loopback)")]
    InsecureScheme,
    /// No credentials were given to the builder.
    #[error("no credentials: call webhook(), oauth() or oauth_app() on the builder")]
    MissingCredentials,
    /// An OAuth application's authorization server must be an https URL (plain http only to
    /// loopback, when allowed).
    #[error("the authorization server address must be an https URL (plain http is allowed only to loopback when enabled with allow_http_loopback)")]
    InvalidAuthServer,
    /// The HTTP client could not be created; the HTTP library's error is the source.
    #[error("the HTTP client could not be created")]
    Http(#[source] TransportError),
}

impl PartialEq for ConfigError {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

impl Eq for ConfigError {}

/// Everything a call can fail with. `C` is the method's error-code type.
///
/// `Display` says what happened in one short message, and never repeats the lower-level cause
/// that [`source()`](std::error::Error::source) returns, so printing the chain (as `anyhow`'s
/// `{:#}` does) shows each message once: `transport error: error sending request: client
/// error (Connect): …`. [`Error::Api`], [`Error::Validation`], [`Error::Decode`] and
/// [`Error::Timeout`] carry their own data (the server's code and message, the list of
/// problems, the body and reason, the time waited), print it, and have no source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C: ErrorCode = CommonError> {
    /// The API answered with an error.
    #[error("Bitrix24 API error {0}")]
    Api(ApiError<C>),
    /// The request failed local validation and was not sent.
    #[error("request not sent, invalid parameters: {0}")]
    Validation(ValidationErrors),
    /// The request could not be serialized to JSON, and was not sent; the `serde_json` error
    /// is the source.
    #[error("request not sent, it could not be serialized")]
    Encode(#[source] serde_json::Error),
    /// The network failed; the [`TransportError`] is the source.
    #[error("transport error")]
    Transport(#[source] TransportError),
    /// No answer in time.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The answer could not be decoded; the body is kept.
    #[error("cannot decode the answer (HTTP {status}): {reason}")]
    Decode {
        /// HTTP status.
        status: u16,
        /// The raw body as received (lossily converted to UTF-8).
        body: String,
        /// What did not fit.
        reason: String,
    },
    /// A call of a batch did not run: an earlier call of its batch failed and the batch halts
    /// on errors.
    #[error("not run: an earlier call of the batch failed")]
    NotRun,
    /// The rate limiter could not be consulted (a shared store was unreachable); nothing was
    /// sent. The [`LimitError`] is the source.
    #[error("the rate limiter failed")]
    Limit(#[source] LimitError),
    /// No valid OAuth access token could be had (renewing it failed, or its store did);
    /// nothing was sent, or the call answered `expired_token` was not sent again. The
    /// [`AuthError`] is the source.
    #[error("no valid OAuth access token")]
    Auth(#[source] AuthError),
    /// The client was misconfigured; the [`ConfigError`] is the source.
    #[error("invalid client configuration")]
    Config(#[from] ConfigError),
    /// A call that changes data was sent and no usable answer came back, so it may or may
    /// not have been applied. A v1 write is not sent again, since a repeat could apply it
    /// twice: check the portal before repeating it. A REST 3.0 write went again under its
    /// `Idempotency-Key` until the retry policy or budget said stop: repeat it with the same
    /// key (within 24 hours, see [`crate::CallOptions::idempotency_key`]) and the portal
    /// runs it at most once. The [`UnknownOutcome`] says what happened and is the source.
    #[error("outcome unknown: `{method}` may or may not have been applied")]
    OutcomeUnknown {
        /// The method called.
        method: String,
        /// The `Idempotency-Key` the call went with (REST 3.0 writes).
        idempotency_key: Option<String>,
        /// What happened to the answer.
        #[source]
        cause: UnknownOutcome,
    },
}

/// Why the outcome of a write is unknown ([`Error::OutcomeUnknown`]).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum UnknownOutcome {
    /// The connection failed after the request went out; the [`TransportError`] is the
    /// source.
    #[error("the connection failed after the request was sent")]
    Transport(#[source] TransportError),
    /// No answer in time.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The answer was cut short: it is not the JSON the portal sends.
    #[error("the answer was cut short (HTTP {status})")]
    Truncated {
        /// HTTP status of the answer.
        status: u16,
    },
    /// The portal, or a gateway in front of it, failed while handling the call.
    #[error("the server failed while handling it (HTTP {status})")]
    ServerFailed {
        /// HTTP status of the answer (500, 502 or 504).
        status: u16,
    },
}

impl<C: ErrorCode> Error<C> {
    /// The API error, if the server answered with one.
    pub fn api(&self) -> Option<&ApiError<C>> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The typed code of an API error.
    pub fn code(&self) -> Option<&C> {
        self.api().map(|e| &e.code)
    }

    /// The local validation problems, if the request was refused before sending.
    pub fn validation(&self) -> Option<&ValidationErrors> {
        match self {
            Error::Validation(v) => Some(v),
            _ => None,
        }
    }

    /// Converts the code type (e.g. a method's typed codes into [`CommonError`]).
    pub fn map_code<D: ErrorCode>(self) -> Error<D> {
        match self {
            Error::Api(e) => Error::Api(ApiError {
                code: D::from_answer(e.code.code(), &e.message),
                status: e.status,
                message: e.message,
                validation: e.validation,
            }),
            Error::Validation(v) => Error::Validation(v),
            Error::Encode(e) => Error::Encode(e),
            Error::Transport(t) => Error::Transport(t),
            Error::Timeout(d) => Error::Timeout(d),
            Error::Decode {
                status,
                body,
                reason,
            } => Error::Decode {
                status,
                body,
                reason,
            },
            Error::NotRun => Error::NotRun,
            Error::Limit(l) => Error::Limit(l),
            Error::Auth(a) => Error::Auth(a),
            Error::Config(c) => Error::Config(c),
            Error::OutcomeUnknown {
                method,
                idempotency_key,
                cause,
            } => Error::OutcomeUnknown {
                method,
                idempotency_key,
                cause,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    /// Each message of the chain, outermost first (what `{:#}` prints, joined by `: `).
    fn chain(e: &dyn std::error::Error) -> Vec<String> {
        let mut out = vec![e.to_string()];
        let mut source = e.source();
        while let Some(s) = source {
            out.push(s.to_string());
            source = s.source();
        }
        out
    }

    /// No message of the chain repeats a message further down.
    fn assert_no_repeats(chain: &[String]) {
        for (i, outer) in chain.iter().enumerate() {
            assert!(!outer.is_empty(), "{chain:?}");
            for inner in &chain[i + 1..] {
                assert!(!outer.contains(inner.as_str()), "repeated: {chain:?}");
            }
        }
    }

    fn reqwest_error() -> reqwest::Error {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .build()
            .unwrap()
            .get("not a url")
            .build()
            .unwrap_err()
    }

    #[test]
    fn config_errors_chain_to_the_http_library() {
        let e: Error = Error::Config(ConfigError::Http(TransportError::new(reqwest_error())));
        let messages = chain(&e);
        assert_eq!(
            messages[..2],
            [
                "invalid client configuration",
                "the HTTP client could not be created"
            ]
        );
        assert!(
            messages.len() > 2,
            "the reqwest error is a source: {messages:?}"
        );
        assert_no_repeats(&messages);

        let e: Error = ConfigError::InsecureScheme.into();
        let messages = chain(&e);
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert_no_repeats(&messages);
    }

    #[test]
    fn config_errors_compare_by_variant() {
        let http = || ConfigError::Http(TransportError::new(reqwest_error()));
        assert_eq!(http(), http());
        assert_eq!(http().clone(), http());
        assert_ne!(http(), ConfigError::InvalidUrl);
        assert_ne!(ConfigError::InvalidUrl, ConfigError::NotAWebhookUrl);
    }

    #[test]
    fn limit_errors_chain_to_the_store_error() {
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let e: Error = Error::Limit(LimitError::with_source("cannot reach the store", refused));
        let messages = chain(&e);
        assert_eq!(
            messages,
            [
                "the rate limiter failed",
                "cannot reach the store",
                "refused"
            ]
        );
        assert_no_repeats(&messages);
        let e: Error = Error::Limit(LimitError::new("the store answered nonsense"));
        assert_eq!(
            chain(&e.map_code::<CommonError>()),
            ["the rate limiter failed", "the store answered nonsense"]
        );
    }

    #[test]
    fn auth_errors_chain_to_the_store_error() {
        let full = std::io::Error::new(std::io::ErrorKind::StorageFull, "disk full");
        let store = crate::oauth::StoreError::with_source(
            crate::oauth::StoreErrorKind::Unavailable,
            "cannot write the token file",
            full,
        );
        let e: Error = Error::Auth(AuthError::Store(store));
        let messages = chain(&e);
        assert_eq!(
            messages,
            [
                "no valid OAuth access token",
                "the token store failed",
                "cannot write the token file",
                "disk full"
            ]
        );
        assert_no_repeats(&messages);
        let e: Error = Error::Auth(AuthError::InvalidGrant {
            message: "Invalid refresh token".to_owned(),
        });
        let e = e.map_code::<CommonError>();
        assert!(
            matches!(&e, Error::Auth(AuthError::InvalidGrant { .. })),
            "{e:?}"
        );
        assert_no_repeats(&chain(&e));
    }

    #[test]
    fn outcome_unknown_says_what_was_lost_once() {
        let e: Error = Error::OutcomeUnknown {
            method: "crm.deal.add".to_owned(),
            idempotency_key: None,
            cause: UnknownOutcome::Truncated { status: 200 },
        };
        let messages = chain(&e);
        assert_eq!(
            messages,
            [
                "outcome unknown: `crm.deal.add` may or may not have been applied",
                "the answer was cut short (HTTP 200)"
            ]
        );
        let e: Error = Error::OutcomeUnknown {
            method: "crm.deal.add".to_owned(),
            idempotency_key: None,
            cause: UnknownOutcome::Transport(TransportError::new(reqwest_error())),
        };
        let messages = chain(&e);
        assert!(
            messages.len() > 2,
            "the reqwest error is a source: {messages:?}"
        );
        assert_no_repeats(&messages);
        assert!(matches!(
            e.map_code::<CommonError>(),
            Error::OutcomeUnknown { .. }
        ));
    }

    #[test]
    fn encode_errors_keep_serde_json_as_the_source() {
        let json = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        let detail = json.to_string();
        let e: Error<CommonError> = Error::Encode(json);
        assert_eq!(
            chain(&e),
            [
                "request not sent, it could not be serialized",
                detail.as_str()
            ]
        );
        assert!(matches!(e.map_code::<CommonError>(), Error::Encode(_)));
    }

    #[test]
    fn data_carrying_errors_print_their_data_and_have_no_source() {
        let problems = ValidationErrors::new(vec![
            FieldError {
                field: "a".to_owned(),
                message: "x".to_owned(),
            },
            FieldError {
                field: "b".to_owned(),
                message: "y".to_owned(),
            },
        ]);
        let e: Error = Error::Validation(problems.clone());
        assert_eq!(
            chain(&e),
            ["request not sent, invalid parameters: a: x; b: y"]
        );
        let e: Error = Error::Api(ApiError {
            code: CommonError::from_code("NOT_FOUND"),
            status: 400,
            message: "Item not found".to_owned(),
            validation: Vec::new(),
        });
        assert_eq!(
            chain(&e),
            ["Bitrix24 API error NOT_FOUND (HTTP 400): Item not found"]
        );
        let e: Error = Error::Decode {
            status: 502,
            body: "<html>".to_owned(),
            reason: "not JSON".to_owned(),
        };
        assert!(e.source().is_none());
        assert!(problems.source().is_none());
    }

    #[test]
    fn validation_errors_iterate() {
        let problems = ValidationErrors::new(vec![
            FieldError {
                field: "a".to_owned(),
                message: "x".to_owned(),
            },
            FieldError {
                field: "b".to_owned(),
                message: "y".to_owned(),
            },
        ]);
        assert_eq!(problems.len(), 2);
        assert!(!problems.is_empty());
        assert!(ValidationErrors::default().is_empty());
        assert_eq!(problems.field("b").unwrap().message, "y");
        assert!(problems.field("c").is_none());
        let by_ref: Vec<&str> = (&problems).into_iter().map(|e| e.field.as_str()).collect();
        assert_eq!(by_ref, ["a", "b"]);
        let mut fields = Vec::new();
        for e in &problems {
            fields.push(e.field.clone());
        }
        assert_eq!(fields, ["a", "b"]);
        assert_eq!(problems.iter().count(), 2);
        let owned: Vec<FieldError> = problems.into_iter().collect();
        assert_eq!(owned[1].message, "y");
    }
}
