//! Tokens kept in Redis, shared by every process that renews them, with a lock so that one
//! renews at a time: `SET key value NX PX ttl` takes it under a value unique to the holder,
//! and a script deletes it only if that value is still there (a holder whose lock expired
//! must not release the next holder's).

use std::fmt;
use std::time::Duration;

use redis::aio::ConnectionManager;

use super::{RefreshLock, StoreError, StoreErrorKind, StoreFuture, TokenSet, TokenStore};
use crate::random::random_u64;
use crate::redis_connection::{connect, ConnectFailure, Connected, RedisCause};

/// Deletes `KEYS[1]` if it holds `ARGV[1]`.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
";

/// One credential's tokens in one Redis key, shared by every process that uses the key
/// (cargo feature `redis`, like [`RedisBucket`](crate::RedisBucket)).
///
/// The tokens are the JSON of [`TokenSet`] at [`RedisTokenStore::key`], kept without expiry
/// (the refresh token lives 180 days; the key is overwritten by each renewal). The refresh
/// lock is the key followed by `:lock`; it expires by itself, so a process that dies while
/// renewing holds the others back for a timeout at most.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use bitrix_runtime::{Client, OAuthApp, RedisTokenStore};
///
/// let store = RedisTokenStore::connect("redis://127.0.0.1:6379/0", "bitrix24:tokens:example").await?;
/// let client = Client::builder()
///     .oauth_app("https://example.bitrix24.com", OAuthApp::new("app.id", "app-secret"), Arc::new(store))
///     .build()?;
/// # Ok(()) }
/// ```
///
/// `Debug` shows the server's address and the key, never the URL's password or a token.
pub struct RedisTokenStore {
    connection: ConnectionManager,
    unlock: redis::Script,
    key: String,
    lock_key: String,
    /// Where the server is (host and port or socket path, and database), for `Debug`.
    server: String,
}

impl RedisTokenStore {
    /// Connects to the Redis server at `url` (`redis://[user:password@]host[:port][/db]`, or
    /// `redis+unix:///path`) and keeps the tokens at `key` (one key per credential, e.g. per
    /// application and portal).
    ///
    /// # Errors
    /// A [`StoreError`] ([`StoreErrorKind::Unavailable`]) when the URL is not a Redis URL or
    /// the server cannot be reached; the Redis client's error is its source. Neither repeats
    /// the URL.
    pub async fn connect(url: &str, key: impl Into<String>) -> Result<RedisTokenStore, StoreError> {
        let Connected { connection, server } = connect(url).await.map_err(|e| match e {
            ConnectFailure::BadUrl(RedisCause(e)) => unavailable("the Redis URL is not valid", e),
            ConnectFailure::Unreachable(RedisCause(e)) => {
                unavailable("cannot connect to the Redis token store", e)
            }
        })?;
        let key = key.into();
        Ok(RedisTokenStore {
            connection,
            unlock: redis::Script::new(UNLOCK),
            lock_key: format!("{key}:lock"),
            key,
            server,
        })
    }

    /// The key that holds the tokens.
    pub fn key(&self) -> &str {
        &self.key
    }

    async fn get(&self) -> Result<Option<TokenSet>, StoreError> {
        let mut connection = self.connection.clone();
        let value: Option<Vec<u8>> = redis::cmd("GET")
            .arg(&self.key)
            .query_async(&mut connection)
            .await
            .map_err(|e| unavailable("cannot read the Redis token store", e))?;
        let Some(value) = value else {
            return Ok(None);
        };
        serde_json::from_slice(&value).map(Some).map_err(|e| {
            // serde_json's message names a line and column, never the text: no token leaks.
            StoreError::with_source(
                StoreErrorKind::Corrupt,
                "the Redis token key does not hold tokens",
                e,
            )
        })
    }

    async fn set(&self, tokens: &TokenSet) -> Result<(), StoreError> {
        let json = serde_json::to_vec(tokens).map_err(|e| {
            StoreError::with_source(StoreErrorKind::Corrupt, "cannot serialize the tokens", e)
        })?;
        let mut connection = self.connection.clone();
        redis::cmd("SET")
            .arg(&self.key)
            .arg(json)
            .query_async::<()>(&mut connection)
            .await
            .map_err(|e| unavailable("cannot write the Redis token store", e))
    }

    async fn lock(&self, ttl: Duration) -> Result<Option<RefreshLock>, StoreError> {
        let token = lock_token();
        let mut connection = self.connection.clone();
        let taken: Option<String> = redis::cmd("SET")
            .arg(&self.lock_key)
            .arg(&token)
            .arg("NX")
            .arg("PX")
            .arg(u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1))
            .query_async(&mut connection)
            .await
            .map_err(|e| unavailable("cannot take the Redis refresh lock", e))?;
        Ok(taken.map(|_| RefreshLock::new(token)))
    }

    async fn unlock(&self, lock: RefreshLock) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        self.unlock
            .key(&self.lock_key)
            .arg(lock.token())
            .invoke_async::<i64>(&mut connection)
            .await
            .map(drop)
            .map_err(|e| unavailable("cannot release the Redis refresh lock", e))
    }
}

impl TokenStore for RedisTokenStore {
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>> {
        Box::pin(self.get())
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()> {
        Box::pin(self.set(tokens))
    }

    fn lock_refresh(&self, ttl: Duration) -> StoreFuture<'_, Option<RefreshLock>> {
        Box::pin(self.lock(ttl))
    }

    fn unlock_refresh(&self, lock: RefreshLock) -> StoreFuture<'_, ()> {
        Box::pin(self.unlock(lock))
    }
}

impl fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTokenStore")
            .field("server", &self.server)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// A value no other holder has: this process and a number that differs on every call.
fn lock_token() -> String {
    format!("{}-{:016x}", std::process::id(), random_u64())
}

fn unavailable(message: &'static str, e: redis::RedisError) -> StoreError {
    StoreError::with_source(StoreErrorKind::Unavailable, message, RedisCause(e))
}

#[cfg(test)]
#[path = "redis_store_tests.rs"]
mod tests;
