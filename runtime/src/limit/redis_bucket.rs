//! A portal's leaky bucket kept in Redis, so that every process of every machine that calls
//! the portal shares one budget. The algorithm is the [`LocalBucket`](super::LocalBucket)'s
//! GCRA, run by one Lua script (`gcra.lua`) atomically on the Redis server, on the server's
//! clock: the clocks of the machines sharing the bucket do not matter.

use std::fmt;
use std::time::Duration;

use redis::aio::ConnectionManager;

use super::{Bucket, LimitError, LimitFuture, RateLimiter};
use crate::redis_connection::{connect, ConnectFailure, Connected, RedisCause};

/// The script: `acquire` or `refused` for one portal's key; answers the wait in microseconds.
const GCRA: &str = include_str!("gcra.lua");

/// A leaky bucket per portal, kept in Redis and shared by every client, process and machine
/// that uses the same Redis server and key prefix (cargo feature `redis`).
///
/// Each portal has one key, [`RedisBucket::key`]: the prefix followed by the portal's address
/// (e.g. `bitrix24:bucket:https://example.bitrix24.com`). It holds the time at which the
/// portal's bucket is empty again and expires then, so idle portals leave nothing behind.
/// Every process sharing a key should be given the same [`Bucket`].
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use bitrix_runtime::{Bucket, Client, RedisBucket};
///
/// let shared = RedisBucket::connect("redis://127.0.0.1:6379/0", Bucket::STANDARD).await?;
/// let client = Client::builder()
///     .webhook("https://example.bitrix24.com/rest/1/secret/")
///     .rate_limiter(Arc::new(shared))
///     .build()?;
/// # Ok(()) }
/// ```
///
/// When Redis cannot be reached, calls fail with [`Error::Limit`](crate::Error::Limit) and
/// nothing is sent; the connection is made again on the next call. `Debug` shows the server's
/// address, never the URL's user name or password.
pub struct RedisBucket {
    connection: ConnectionManager,
    script: redis::Script,
    prefix: String,
    /// Microseconds between two requests once the burst is spent.
    interval_us: u64,
    /// Microseconds the next place may be ahead of now and a request still go at once.
    tolerance_us: u64,
    /// Where the server is (host and port or socket path, and database), for `Debug`.
    server: String,
}

impl RedisBucket {
    /// The key prefix unless [`RedisBucket::with_prefix`] gives another.
    pub const DEFAULT_PREFIX: &'static str = "bitrix24:bucket:";

    /// Connects to the Redis server at `url` (`redis://[user:password@]host[:port][/db]`, or
    /// `redis+unix:///path`) and keeps portals' buckets of `bucket` there.
    ///
    /// # Errors
    /// A [`LimitError`] when the URL is not a Redis URL or the server cannot be reached; the
    /// Redis client's error is its source. Neither repeats the URL.
    pub async fn connect(url: &str, bucket: Bucket) -> Result<RedisBucket, LimitError> {
        let Connected { connection, server } = connect(url).await.map_err(|e| match e {
            ConnectFailure::BadUrl(e) => LimitError::with_source("the Redis URL is not valid", e),
            ConnectFailure::Unreachable(e) => {
                LimitError::with_source("cannot connect to the Redis bucket", e)
            }
        })?;
        Ok(RedisBucket {
            connection,
            script: redis::Script::new(GCRA),
            prefix: RedisBucket::DEFAULT_PREFIX.to_owned(),
            interval_us: micros(bucket.interval()).max(1),
            tolerance_us: micros(bucket.tolerance()),
            server,
        })
    }

    /// Keeps the keys under `prefix` instead of [`RedisBucket::DEFAULT_PREFIX`] (e.g. one per
    /// environment on a shared server).
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> RedisBucket {
        self.prefix = prefix.into();
        self
    }

    /// The key of `portal`'s bucket (`portal` as [`Client::portal`](crate::Client::portal)
    /// gives it).
    pub fn key(&self, portal: &str) -> String {
        format!("{}{portal}", self.prefix)
    }

    /// Runs the script for `portal`: `op` is `acquire` or `refused`; answers the wait.
    async fn run(&self, op: &str, portal: &str) -> Result<Duration, LimitError> {
        let mut connection = self.connection.clone();
        let wait: i64 = self
            .script
            .key(self.key(portal))
            .arg(op)
            .arg(self.interval_us)
            .arg(self.tolerance_us)
            .invoke_async(&mut connection)
            .await
            .map_err(|e| LimitError::with_source("the Redis bucket failed", RedisCause(e)))?;
        Ok(Duration::from_micros(u64::try_from(wait).unwrap_or(0)))
    }
}

impl RateLimiter for RedisBucket {
    fn acquire<'a>(&'a self, portal: &'a str) -> LimitFuture<'a> {
        Box::pin(async move {
            let wait = self.run("acquire", portal).await?;
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            Ok(())
        })
    }

    fn refused<'a>(&'a self, portal: &'a str) -> LimitFuture<'a> {
        Box::pin(async move { self.run("refused", portal).await.map(drop) })
    }
}

impl fmt::Debug for RedisBucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisBucket")
            .field("server", &self.server)
            .field("prefix", &self.prefix)
            .field("interval", &Duration::from_micros(self.interval_us))
            .field("tolerance", &Duration::from_micros(self.tolerance_us))
            .finish_non_exhaustive()
    }
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
#[path = "redis_tests.rs"]
mod tests;
