//! OAuth 2.0 for a Bitrix24 application: its tokens, where they are kept, and their renewal.
//!
//! An access token lives an hour; the refresh token renews it, and is itself replaced by every
//! renewal (the old one is spent). A renewed pair that is lost therefore locks the application
//! out, so a [`TokenStore`] saves each new pair before any call uses it.
//!
//! A client built with [`ClientBuilder::oauth_app`](crate::ClientBuilder::oauth_app) renews
//! its access token a little before it expires, and when a call is answered `401
//! expired_token` (the call then goes again, once). However many calls find the token stale at
//! once, one renewal runs per client and the others take its result; a store shared across
//! processes ([`RedisTokenStore`], cargo feature `redis`) also lets only one process renew.

pub(crate) mod error;
mod file_store;
pub(crate) mod grant;
#[cfg(feature = "redis")]
mod redis_store;
pub(crate) mod refresh;
mod store;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

pub use error::{AuthError, StoreError, StoreErrorKind};
pub use file_store::FileStore;
#[cfg(feature = "redis")]
pub use redis_store::RedisTokenStore;
pub use store::{MemoryStore, RefreshLock, StoreFuture, TokenStore};

/// How long before its expiry an access token is renewed, unless
/// [`ClientBuilder::refresh_ahead`](crate::ClientBuilder::refresh_ahead) says otherwise: room
/// for clocks that differ and for calls already on their way.
pub const DEFAULT_REFRESH_AHEAD: Duration = Duration::from_secs(60);

/// A Bitrix24 application: its credentials and the authorization server that renews its
/// tokens. `Debug` shows the server only.
#[derive(Clone, Debug)]
pub struct OAuthApp {
    pub(crate) client_id: Secret,
    pub(crate) client_secret: Secret,
    pub(crate) server: String,
}

impl OAuthApp {
    /// Bitrix24's authorization server, for cloud portals.
    pub const DEFAULT_SERVER: &'static str = "https://oauth.bitrix.info";

    /// An application with the `client_id` and `client_secret` it was registered with,
    /// renewing its tokens at [`OAuthApp::DEFAULT_SERVER`].
    pub fn new(client_id: impl Into<Secret>, client_secret: impl Into<Secret>) -> OAuthApp {
        OAuthApp {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            server: OAuthApp::DEFAULT_SERVER.to_owned(),
        }
    }

    /// Renews tokens at another authorization server (its base address; `/oauth/token/` is
    /// added). It must be https, or http to loopback when the client allows that.
    #[must_use]
    pub fn server(mut self, address: impl Into<String>) -> OAuthApp {
        self.server = address.into();
        self
    }

    /// The authorization server's address as given.
    pub fn server_address(&self) -> &str {
        &self.server
    }
}

/// An access token, the refresh token that renews it, and when the access token expires.
///
/// Stores keep it as JSON: `{"access_token": …, "refresh_token": …, "expires_at": <unix
/// seconds>, "expires_in": <seconds>}`. `Debug` shows the times only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    /// The access token, sent with every call.
    pub access_token: Secret,
    /// The refresh token, spent by the next renewal.
    pub refresh_token: Secret,
    /// When the access token expires, in seconds since the Unix epoch (the authorization
    /// server's `expires`). `0` when unknown: the token is then used until a call is answered
    /// `expired_token`.
    pub expires_at: u64,
    /// The access token's lifetime in seconds (the server's `expires_in`); `0` when unknown.
    /// A token is renewed no earlier than halfway through it, however long the client's
    /// [`refresh_ahead`](crate::ClientBuilder::refresh_ahead).
    #[serde(default)]
    pub expires_in: u64,
}

impl TokenSet {
    /// A pair whose access token expires at `expires_at` (seconds since the Unix epoch), of
    /// unknown lifetime.
    pub fn new(
        access_token: impl Into<Secret>,
        refresh_token: impl Into<Secret>,
        expires_at: u64,
    ) -> TokenSet {
        TokenSet {
            access_token: access_token.into(),
            refresh_token: refresh_token.into(),
            expires_at,
            expires_in: 0,
        }
    }

    /// A pair whose access token was just issued for `lifetime`.
    pub fn expiring_in(
        access_token: impl Into<Secret>,
        refresh_token: impl Into<Secret>,
        lifetime: Duration,
    ) -> TokenSet {
        TokenSet {
            expires_in: lifetime.as_secs(),
            ..TokenSet::new(
                access_token,
                refresh_token,
                unix_now().saturating_add(lifetime.as_secs()),
            )
        }
    }

    /// The unix second from which the access token is renewed: `ahead` before it expires,
    /// but not before half its lifetime (a client renewing a minute ahead would otherwise
    /// renew a token that lives less than a minute on every call). `0`: never (the expiry is
    /// unknown).
    pub(crate) fn renew_from(&self, ahead: Duration) -> u64 {
        if self.expires_at == 0 {
            return 0;
        }
        let mut ahead = ahead.as_secs();
        if self.expires_in > 0 {
            ahead = ahead.min(self.expires_in / 2);
        }
        self.expires_at.saturating_sub(ahead).max(1)
    }

    /// Whether the access token is to be renewed now (see [`TokenSet::renew_from`]).
    pub(crate) fn due(&self, ahead: Duration) -> bool {
        is_due(self.renew_from(ahead))
    }
}

/// Whether the time of [`TokenSet::renew_from`] has come.
pub(crate) fn is_due(renew_from: u64) -> bool {
    renew_from != 0 && renew_from <= unix_now()
}

/// Seconds since the Unix epoch (0 on a clock set before it).
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_credentials_and_tokens() {
        let app = OAuthApp::new("app.id.42", "shh-secret").server("https://auth.example.com");
        let dbg = format!("{app:?}");
        assert!(
            !dbg.contains("app.id.42") && !dbg.contains("shh-secret"),
            "{dbg}"
        );
        assert!(dbg.contains("auth.example.com"), "{dbg}");
        assert_eq!(app.server_address(), "https://auth.example.com");
        assert_eq!(
            OAuthApp::new("a", "b").server_address(),
            OAuthApp::DEFAULT_SERVER
        );
        let tokens = TokenSet::new("acc-123", "ref-456", 1_700_000_000);
        let dbg = format!("{tokens:?}");
        assert!(
            !dbg.contains("acc-123") && !dbg.contains("ref-456"),
            "{dbg}"
        );
        assert!(dbg.contains("1700000000"), "{dbg}");
    }

    #[test]
    fn renewal_time() {
        let minute = Duration::from_secs(60);
        let hour = Duration::from_secs(3600);
        let fresh = TokenSet::expiring_in("a", "r", hour);
        assert!(!fresh.due(minute));
        assert_eq!(fresh.renew_from(minute), fresh.expires_at - 60);
        // Never earlier than halfway through the token's life.
        assert_eq!(fresh.renew_from(2 * hour), fresh.expires_at - 1800);
        let short = TokenSet::expiring_in("a", "r", Duration::from_secs(10));
        assert!(!short.due(minute), "a new ten-second token is used first");
        // Of unknown lifetime: the whole slack.
        let unknown = TokenSet::new("a", "r", short.expires_at);
        assert!(unknown.due(minute));
        assert!(TokenSet::new("a", "r", 1).due(Duration::ZERO));
        // Unknown expiry: used until the portal says it expired.
        assert_eq!(TokenSet::new("a", "r", 0).renew_from(hour), 0);
        assert!(!TokenSet::new("a", "r", 0).due(hour));
    }

    #[test]
    fn stored_as_plain_json() {
        let tokens = TokenSet::new("a", "r", 5);
        let json = serde_json::to_value(&tokens).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"access_token": "a", "refresh_token": "r", "expires_at": 5, "expires_in": 0})
        );
        assert_eq!(serde_json::from_value::<TokenSet>(json).unwrap(), tokens);
        let old = serde_json::json!({"access_token": "a", "refresh_token": "r", "expires_at": 5});
        assert_eq!(serde_json::from_value::<TokenSet>(old).unwrap(), tokens);
    }
}
