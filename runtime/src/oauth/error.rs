//! Why no valid access token could be had. Like the crate's other errors (see
//! [`crate::Error`]), each prints one short message and leaves its cause to `source()`; none
//! ever holds a token, the client secret, or a body the authorization server sent (a body may
//! hold tokens).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::transport_error::TransportError;

/// The access token could not be renewed (or first read from its store).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The authorization server refused the refresh token (`invalid_grant`): it was spent by
    /// a renewal whose tokens were not saved, revoked, or older than its 180 days. The
    /// application has to be authorized again.
    #[error("the refresh token was refused (invalid_grant): {message}")]
    InvalidGrant {
        /// The server's `error_description`.
        message: String,
    },
    /// The authorization server answered another error (e.g. `invalid_client` for a wrong
    /// client id or secret), or an error status without a code.
    #[error("the authorization server refused the renewal (HTTP {status}){}", detail(.code, .message))]
    Server {
        /// HTTP status.
        status: u16,
        /// The server's `error`; empty when it sent none.
        code: String,
        /// The server's `error_description`; empty when it sent none.
        message: String,
    },
    /// The authorization server could not be reached; the [`TransportError`] is the source.
    #[error("cannot reach the authorization server")]
    Transport(#[source] TransportError),
    /// The authorization server's answer was not a token pair. The body is not kept: it may
    /// hold tokens.
    #[error("cannot read the authorization server's answer (HTTP {status}): {reason}")]
    Decode {
        /// HTTP status.
        status: u16,
        /// What did not fit.
        reason: String,
    },
    /// The store holds no tokens: save the pair the application was first given in it.
    #[error("the token store holds no tokens")]
    NoTokens,
    /// The token store failed; the [`StoreError`] is the source.
    #[error("the token store failed")]
    Store(#[source] StoreError),
    /// The runtime shut down while the token was being renewed.
    #[error("the renewal was interrupted: the runtime is shutting down")]
    Interrupted,
    /// Another process held the store's refresh lock and saved no new tokens in this time.
    #[error("no new tokens within {0:?}: another process holds the refresh lock")]
    LockTimeout(Duration),
}

/// `: code: message`, leaving out what the server did not send.
fn detail(code: &str, message: &str) -> String {
    [code, message]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| format!(": {s}"))
        .collect()
}

/// What kind of failure a [`StoreError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// What the store holds is not a token pair.
    Corrupt,
    /// The storage could not be used (file system, network, server).
    Unavailable,
}

/// A [`TokenStore`](crate::TokenStore) failed.
///
/// `Display` is one short message of what failed; the lower-level cause, when there is one, is
/// its [`source()`](std::error::Error::source), never repeated in the message. Neither holds a
/// token or a store's password. Cheap to clone: clones share the cause.
#[derive(Debug, Clone)]
pub struct StoreError {
    kind: StoreErrorKind,
    message: Cow<'static, str>,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl StoreError {
    /// A failure without a lower-level cause.
    pub fn new(kind: StoreErrorKind, message: impl Into<Cow<'static, str>>) -> StoreError {
        StoreError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// A failure caused by `source`; `message` says what failed and should not repeat
    /// `source`'s own message.
    pub fn with_source(
        kind: StoreErrorKind,
        message: impl Into<Cow<'static, str>>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> StoreError {
        StoreError {
            kind,
            message: message.into(),
            source: Some(Arc::new(source)),
        }
    }

    /// What kind of failure it is.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn messages_are_short_and_the_cause_is_the_source() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let store = StoreError::with_source(StoreErrorKind::Unavailable, "cannot write", io);
        assert_eq!(store.kind(), StoreErrorKind::Unavailable);
        let e = AuthError::Store(store);
        assert_eq!(e.to_string(), "the token store failed");
        let source = e.source().unwrap();
        assert_eq!(source.to_string(), "cannot write");
        assert_eq!(source.source().unwrap().to_string(), "denied");

        let e = AuthError::InvalidGrant {
            message: "Invalid refresh token".to_owned(),
        };
        assert_eq!(
            e.to_string(),
            "the refresh token was refused (invalid_grant): Invalid refresh token"
        );
        assert!(e.source().is_none());
        let server = |code: &str, message: &str| AuthError::Server {
            status: 401,
            code: code.to_owned(),
            message: message.to_owned(),
        };
        assert_eq!(
            server("invalid_client", "Invalid client credentials").to_string(),
            "the authorization server refused the renewal (HTTP 401): invalid_client: Invalid client credentials"
        );
        assert_eq!(
            server("", "").to_string(),
            "the authorization server refused the renewal (HTTP 401)"
        );
        let e = StoreError::new(StoreErrorKind::Corrupt, "not tokens");
        assert!(e.source().is_none());
        assert_eq!(e.kind(), StoreErrorKind::Corrupt);
    }
}
