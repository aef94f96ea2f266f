//! What the Redis-backed stores share (cargo feature `redis`): opening a connection that
//! reconnects quickly, and the Redis error as a cause that prints its message once.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// A connection to a Redis server, and where the server is (host and port or socket path,
/// and database; never the password), for `Debug`.
pub(crate) struct Connected {
    pub(crate) connection: ConnectionManager,
    pub(crate) server: String,
}

/// Why [`connect`] failed.
pub(crate) enum ConnectFailure {
    /// The URL is not a Redis URL.
    BadUrl(RedisCause),
    /// The server could not be reached.
    Unreachable(RedisCause),
}

/// Connects to the Redis server at `url` (`redis://[user:password@]host[:port][/db]`, or
/// `redis+unix:///path`). A store that cannot answer holds calls back, so the connection gives
/// up and reconnects quickly.
pub(crate) async fn connect(url: &str) -> Result<Connected, ConnectFailure> {
    let client = redis::Client::open(url).map_err(|e| ConnectFailure::BadUrl(RedisCause(e)))?;
    let info = client.get_connection_info();
    let server = format!("{}/{}", info.addr(), info.redis_settings().db());
    let config = ConnectionManagerConfig::new()
        .set_number_of_retries(2)
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(Duration::from_secs(2)));
    let connection = ConnectionManager::new_with_config(client, config)
        .await
        .map_err(|e| ConnectFailure::Unreachable(RedisCause(e)))?;
    Ok(Connected { connection, server })
}

/// The Redis client's error, as the source of a [`LimitError`](crate::LimitError) and of the
/// token store's errors. Its message already prints its cause (e.g. `Connection refused (os
/// error 111)`), which its `source()` returns again; this one skips that cause and goes on
/// with the cause's own source, so that a printed chain shows each message once (as
/// [`TransportError`](crate::TransportError) does for reqwest).
#[derive(Debug)]
pub(crate) struct RedisCause(pub(crate) redis::RedisError);

impl fmt::Display for RedisCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for RedisCause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.0).and_then(std::error::Error::source)
    }
}
