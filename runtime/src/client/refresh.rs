//! The OAuth step of the call pipeline: before a request leaves, the access token it goes with
//! (renewed first when about to expire); after a `401 expired_token`, the token renewed and the
//! call sent again, once. Going again is safe for writes: the portal ran nothing with an
//! expired token. It is not a retry: it does not count against any retry budget.
//!
//! [`exchange`](super::exchange) calls [`CallAuth::before_send`] before every request of a
//! call and [`CallAuth::renewed_after`] on every answer.

use super::Inner;
use crate::codes::ErrorCode;
use crate::error::Error;
use crate::secret::Secret;

/// The OAuth state of one call (all its requests).
#[derive(Debug, Default)]
pub(crate) struct CallAuth {
    /// The access token the last request went with; `None` without an OAuth application.
    sent: Option<Secret>,
    /// Whether the call already went again after an expired token.
    replayed: bool,
}

impl CallAuth {
    /// Before each request: makes sure the access token is there and not about to expire.
    ///
    /// # Errors
    /// [`Error::Auth`] when it had to be renewed and could not be.
    pub(crate) async fn before_send<C: ErrorCode>(
        &mut self,
        inner: &Inner,
    ) -> Result<(), Error<C>> {
        if let Some(refresher) = &inner.oauth {
            self.sent = Some(refresher.fresh().await.map_err(Error::Auth)?);
        }
        Ok(())
    }

    /// After each answer (`code` is the answer's error code, in either shape): whether it was
    /// `401 expired_token` and the call should go again with the renewed token. Only the
    /// first such answer of a call is; a second is the caller's.
    ///
    /// # Errors
    /// [`Error::Auth`] when the token could not be renewed.
    pub(crate) async fn renewed_after<C: ErrorCode>(
        &mut self,
        inner: &Inner,
        status: u16,
        code: Option<&str>,
    ) -> Result<bool, Error<C>> {
        if status != 401 || code != Some("expired_token") {
            return Ok(false);
        }
        inner.counters.expired_token();
        let (Some(refresher), Some(sent)) = (&inner.oauth, &self.sent) else {
            return Ok(false);
        };
        if self.replayed {
            return Ok(false);
        }
        self.replayed = true;
        tracing::debug!("access token expired; renewing it and sending the call again");
        refresher.expired(sent).await.map_err(Error::Auth)?;
        Ok(true)
    }
}
