//! The one error type of a call, separating API errors from everything that went wrong before
//! or around them. Nothing here ever holds a webhook secret or an access token.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::codes::{CommonError, ErrorCode};

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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
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

/// The network failed: connection refused or dropped, TLS, DNS. The URL (which holds the
/// webhook secret) is stripped before this is built.
#[derive(Debug)]
pub struct TransportError(reqwest::Error);

impl TransportError {
    pub(crate) fn new(e: reqwest::Error) -> Self {
        TransportError(e.without_url())
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)?;
        let mut source = std::error::Error::source(&self.0);
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {}

/// A client could not be built from what it was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    #[error("no credentials: call webhook() or oauth() on the builder")]
    MissingCredentials,
    /// The HTTP client could not be created.
    #[error("the HTTP client could not be created: {0}")]
    Http(String),
}

/// Everything a call can fail with. `C` is the method's error-code type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C: ErrorCode = CommonError> {
    /// The API answered with an error.
    #[error("Bitrix24 API error {0}")]
    Api(ApiError<C>),
    /// The request failed local validation and was not sent.
    #[error("request not sent, invalid parameters: {0}")]
    Validation(ValidationErrors),
    /// The network failed.
    #[error("transport error: {0}")]
    Transport(TransportError),
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
    /// The client was misconfigured.
    #[error("invalid client configuration: {0}")]
    Config(#[from] ConfigError),
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
                code: D::from_code(e.code.code()),
                status: e.status,
                message: e.message,
                validation: e.validation,
            }),
            Error::Validation(v) => Error::Validation(v),
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
            Error::Config(c) => Error::Config(c),
        }
    }
}
