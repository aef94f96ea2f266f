//! Renewing a client's access token with no race: one renewal at a time per client, whoever
//! waits for it takes its result, and a store shared by processes lets one process renew.
//!
//! A renewal is asked for with the access token the caller found stale. Whoever gets to renew
//! first compares: when the client's token is no longer that one, someone renewed meanwhile
//! and there is nothing to do; when the store's is not, another process did and its pair is
//! taken. Only then is the refresh token spent, under the store's lock, and the new pair
//! saved before the client uses it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::{grant, is_due, AuthError, OAuthApp, TokenSet, TokenStore};
use crate::error::ConfigError;
use crate::secret::Secret;

/// How often a process waiting for another's renewal looks at the store.
const POLL: Duration = Duration::from_millis(50);
/// The shortest refresh lock: room for saving the pair, whatever the request timeout.
const MIN_LOCK_TTL: Duration = Duration::from_secs(2);

/// The renewal side of an OAuth application's client.
#[derive(Debug)]
pub(crate) struct Refresher {
    app: OAuthApp,
    token_url: String,
    store: Arc<dyn TokenStore>,
    http: reqwest::Client,
    /// Renew this long before the access token expires.
    ahead: Duration,
    /// The refresh lock's lifetime; also how long to wait for another holder's tokens.
    lock_ttl: Duration,
    /// The access token calls send (the client's credentials hold the same one).
    access: Arc<RwLock<Secret>>,
    /// When `access` is to be renewed ([`TokenSet::renew_from`]; `0`: not before a call is
    /// answered `expired_token`, or not read from the store yet).
    renew_from: AtomicU64,
    /// One renewal at a time. It holds a renewed pair the store failed to save: that pair is
    /// the only one the server still honours, so it is saved before anything else is tried.
    flight: tokio::sync::Mutex<Option<TokenSet>>,
    /// Refresh tokens spent.
    refreshes: AtomicU64,
}

impl Refresher {
    /// A refresher of `app`'s tokens kept in `store`; `access` is the client's access token
    /// (empty until the store is read).
    ///
    /// # Errors
    /// [`ConfigError::InvalidAuthServer`] when the authorization server is not https (or http
    /// to loopback when allowed).
    pub(crate) fn new(
        app: OAuthApp,
        store: Arc<dyn TokenStore>,
        http: reqwest::Client,
        timeout: Duration,
        ahead: Duration,
        allow_http_loopback: bool,
        access: Arc<RwLock<Secret>>,
    ) -> Result<Refresher, ConfigError> {
        Ok(Refresher {
            token_url: grant::token_url(&app, allow_http_loopback)?,
            app,
            store,
            http,
            ahead,
            // Twice the longest renewal request, so that a lock is not lost while its holder
            // still renews.
            lock_ttl: timeout.saturating_mul(2).max(MIN_LOCK_TTL),
            access,
            renew_from: AtomicU64::new(0),
            flight: tokio::sync::Mutex::new(None),
            refreshes: AtomicU64::new(0),
        })
    }

    /// The access token calls go with now.
    pub(crate) fn current(&self) -> Secret {
        self.access
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// How many refresh tokens this client spent.
    pub(crate) fn refreshes(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    /// Before a call: reads the store the first time, and renews a token that is about to
    /// expire. Answers the token the call goes with.
    pub(crate) async fn fresh(self: &Arc<Self>) -> Result<Secret, AuthError> {
        let current = self.current();
        let unread = current.expose().is_empty();
        if unread || is_due(self.renew_from.load(Ordering::Acquire)) {
            self.renew(&current, false).await?;
            return Ok(self.current());
        }
        Ok(current)
    }

    /// A call sent with `sent` was answered `expired_token`: renews it unless that was done
    /// already.
    pub(crate) async fn expired(self: &Arc<Self>, sent: &Secret) -> Result<(), AuthError> {
        self.renew(sent, true).await
    }

    /// Replaces `stale` (the token the caller found expired, or about to expire when not
    /// `expired`) unless someone already did.
    async fn renew(self: &Arc<Self>, stale: &Secret, expired: bool) -> Result<(), AuthError> {
        // In a task of its own: a caller that gives up (a timeout, a dropped future) must not
        // stop a renewal between spending the refresh token and saving the new pair.
        let this = Arc::clone(self);
        let stale = stale.clone();
        match tokio::spawn(async move { this.renew_now(&stale, expired).await }).await {
            Ok(renewed) => renewed,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(AuthError::Interrupted),
        }
    }

    async fn renew_now(&self, stale: &Secret, expired: bool) -> Result<(), AuthError> {
        let mut unsaved = self.flight.lock().await;
        if self.current() != *stale {
            return Ok(());
        }
        if let Some(tokens) = unsaved.take() {
            if let Err(e) = self.store.save(&tokens).await {
                *unsaved = Some(tokens);
                return Err(AuthError::Store(e));
            }
            self.publish(&tokens);
            return Ok(());
        }
        let stored = self.load().await?;
        let mut stale = stale.clone();
        if stored.access_token != stale {
            // The store's is newer than what this client had: take it, unless it too is about
            // to expire (then renew it).
            if expired || !stored.due(self.ahead) {
                self.publish(&stored);
                return Ok(());
            }
            stale = stored.access_token;
        }
        let waiting_since = Instant::now();
        loop {
            let lock = self
                .store
                .lock_refresh(self.lock_ttl)
                .await
                .map_err(AuthError::Store)?;
            if let Some(lock) = lock {
                let renewed = self.refresh_locked(&stale, &mut unsaved).await;
                if let Err(e) = self.store.unlock_refresh(lock).await {
                    // It expires by itself; the others only wait longer.
                    tracing::warn!(error = %e, "cannot release the token store's refresh lock");
                }
                self.publish(&renewed?);
                return Ok(());
            }
            // Another process renews: wait for the pair it saves (past twice the lock's
            // lifetime, its holders keep failing).
            let patience = self.lock_ttl.saturating_mul(2);
            if waiting_since.elapsed() > patience {
                return Err(AuthError::LockTimeout(patience));
            }
            tokio::time::sleep(POLL).await;
            let stored = self.load().await?;
            if stored.access_token != stale {
                self.publish(&stored);
                return Ok(());
            }
        }
    }

    /// Under the store's lock: spends the refresh token unless the store already holds a pair
    /// newer than `stale`, and saves the new pair.
    async fn refresh_locked(
        &self,
        stale: &Secret,
        unsaved: &mut Option<TokenSet>,
    ) -> Result<TokenSet, AuthError> {
        // Again under the lock: another process may have saved since the last look.
        let stored = self.load().await?;
        if stored.access_token != *stale {
            return Ok(stored);
        }
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        let tokens = match grant::refresh(
            &self.http,
            &self.token_url,
            &self.app,
            &stored.refresh_token,
        )
        .await
        {
            Ok(tokens) => tokens,
            Err(e @ AuthError::InvalidGrant { .. }) => {
                // Spent by a process that renewed without the lock: its pair is in the store.
                let now = self.load().await?;
                return if now.refresh_token == stored.refresh_token {
                    Err(e)
                } else {
                    Ok(now)
                };
            }
            Err(e) => return Err(e),
        };
        if let Err(e) = self.store.save(&tokens).await {
            *unsaved = Some(tokens);
            return Err(AuthError::Store(e));
        }
        Ok(tokens)
    }

    async fn load(&self) -> Result<TokenSet, AuthError> {
        self.store
            .load()
            .await
            .map_err(AuthError::Store)?
            .ok_or(AuthError::NoTokens)
    }

    /// Makes `tokens` the ones calls go with.
    fn publish(&self, tokens: &TokenSet) {
        *self
            .access
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = tokens.access_token.clone();
        self.renew_from
            .store(tokens.renew_from(self.ahead), Ordering::Release);
    }
}
