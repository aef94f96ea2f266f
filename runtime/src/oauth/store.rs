//! Where an application's tokens are kept: the [`TokenStore`] trait and the in-process
//! [`MemoryStore`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use super::{StoreError, TokenSet};

/// A future a [`TokenStore`] returns; boxed so that the trait stays object-safe.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The tokens of one credential (one application on one portal, for one user), kept where
/// they outlive the process.
///
/// The refresh token changes with every renewal and the old one is spent, so
/// [`TokenStore::save`] must return only once the new pair is safely kept: the client uses
/// it only after that. A store shared by several processes also implements
/// [`TokenStore::lock_refresh`], so that only one of them renews at a time; the others wait
/// for the pair it saves.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The tokens kept, or `None` when there are none yet.
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>>;

    /// Keeps `tokens` in place of the previous pair, durably, before returning.
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()>;

    /// Tries to take the lock that lets one holder renew the tokens, for at most `ttl` (a
    /// holder that dies must not block the others for longer). `None` when someone else holds
    /// it. The default, for stores used by one process, always grants it: the client already
    /// renews one at a time.
    fn lock_refresh(&self, ttl: Duration) -> StoreFuture<'_, Option<RefreshLock>> {
        let _ = ttl;
        Box::pin(async { Ok(Some(RefreshLock::new(String::new()))) })
    }

    /// Releases a lock taken by [`TokenStore::lock_refresh`], unless it has expired and been
    /// taken by someone else since.
    fn unlock_refresh(&self, lock: RefreshLock) -> StoreFuture<'_, ()> {
        drop(lock);
        Box::pin(async { Ok(()) })
    }
}

/// A held refresh lock: the value that proves who holds it.
#[derive(Debug, PartialEq, Eq)]
pub struct RefreshLock {
    token: String,
}

impl RefreshLock {
    /// A lock held under `token`, a value unique to this holder.
    pub fn new(token: impl Into<String>) -> RefreshLock {
        RefreshLock {
            token: token.into(),
        }
    }

    /// The holder's value.
    pub fn token(&self) -> &str {
        &self.token
    }
}

/// Tokens kept in memory: for one process that gets its first pair elsewhere and need not
/// keep renewed ones (tests, short jobs). Renewed tokens are lost when the process ends.
#[derive(Default)]
pub struct MemoryStore {
    tokens: Mutex<Option<TokenSet>>,
}

impl MemoryStore {
    /// A store holding `tokens`.
    pub fn new(tokens: TokenSet) -> MemoryStore {
        MemoryStore {
            tokens: Mutex::new(Some(tokens)),
        }
    }

    /// The tokens held now.
    pub fn tokens(&self) -> Option<TokenSet> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<TokenSet>> {
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("tokens", &self.lock())
            .finish()
    }
}

impl TokenStore for MemoryStore {
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>> {
        let tokens = self.tokens();
        Box::pin(async move { Ok(tokens) })
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()> {
        *self.lock() = Some(tokens.clone());
        Box::pin(async { Ok(()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_store_keeps_the_last_pair() {
        let store = MemoryStore::default();
        assert_eq!(store.load().await.unwrap(), None);
        let tokens = TokenSet::new("acc-1", "ref-1", 10);
        store.save(&tokens).await.unwrap();
        assert_eq!(store.load().await.unwrap(), Some(tokens));
        let dbg = format!("{store:?}");
        assert!(!dbg.contains("acc-1") && !dbg.contains("ref-1"), "{dbg}");
        // One process: the lock is always granted.
        let lock = store.lock_refresh(Duration::from_secs(1)).await.unwrap();
        store.unlock_refresh(lock.unwrap()).await.unwrap();
    }
}
