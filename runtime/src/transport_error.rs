//! [`TransportError`]: the network failed. On its own so that the errors that wrap it (the
//! call's [`crate::Error`], the OAuth errors) do not depend on each other.

use std::fmt;
use std::sync::Arc;

/// The network failed: connection refused or dropped, TLS, DNS. The URL (which holds the
/// webhook secret) is stripped before this is built.
///
/// `Display` is the HTTP library's own message (e.g. `error sending request`); the cause
/// (e.g. the refused connection) is its [`source()`](std::error::Error::source).
///
/// Cheap to clone: clones share the underlying error.
#[derive(Debug, Clone)]
pub struct TransportError(Arc<reqwest::Error>);

impl TransportError {
    pub(crate) fn new(e: reqwest::Error) -> Self {
        TransportError(Arc::new(e.without_url()))
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}
