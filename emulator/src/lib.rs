//! A Bitrix24 portal on loopback, driven by the same spec as the `bitrix24` client.
//!
//! Nobody can reach a real portal from a test machine or CI. This emulator serves every method
//! of the spec at its REST v1 (`/rest/…`) and REST 3.0 (`/rest/api/…`) paths, validates
//! requests from the spec and answers in the server's own shapes:
//!
//! - **auth**: inbound webhooks (`/rest/{user}/{secret}/{method}`) and OAuth (`auth` in the
//!   body), an authorization server at `/oauth/token/` (`grant_type=refresh_token`, rotating
//!   refresh tokens), access tokens that expire (`expired_token`), scopes (`insufficient_scope`);
//! - **state** for the seed families: `crm.activity.*`, `crm.item.*`, `crm.deal.*`,
//!   `crm.contact.*`, REST 3.0 e-mail messages, `event.bind/get/unbind`; every other method
//!   answers with its documented response, or one built from its result type;
//! - **protocol**: pages of 50 (`start`/`next`/`total`, `filter`, `order`, `select`), `batch`
//!   with `$result[…]` references, the `time` block, the leaky bucket (503
//!   `QUERY_LIMIT_EXCEEDED`), operating time (429 `OPERATION_TIME_LIMIT`), REST 3.0
//!   `Idempotency-Key`;
//! - **faults**, seeded: 500s, dropped connections before or after the write, slow and
//!   truncated answers, bursts of 503;
//! - **events**: `onCrmActivityAdd/Update/Delete` posted form-encoded to loopback handlers;
//! - **load**: off by default ([`Profile::Fast`]); [`Profile::Realistic`] delays answers and
//!   charges operating time by a [`CostModel`] calibrated from the docs (per request, per
//!   command, per row counted for `total`), [`Config::time_scale`] shrinks every duration
//!   alike, [`Config::generate_deals`] adds synthetic deals listed from an id index, and
//!   [`Emulator::stats`] counts the limit refusals sent.
//!
//! Answers are written as the portal writes them: v1 entity rows with ids and numbers as
//! strings, `Y`/`N` flags and `[]` for an empty object; `crm.item` with integer ids.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = bitrix24_emulator::Emulator::start(bitrix24_emulator::Config::default()).await?;
//! let webhook = emulator.webhook_url().expect("the default config has a webhook");
//! // point any Bitrix24 client at `webhook` (http:// on 127.0.0.1)
//! # drop(webhook); Ok(()) }
//! ```
//!
//! Data sets (`--fixtures`, `--state`) are the JSON form of [`Data`].

// `portal` runs a request through the stages, each a folder: `http` (route, body, answer
// shapes), `limits` (faults, leaky bucket, idempotency, operating time), `auth` (webhooks,
// OAuth), `spec` (lookup, validation, spec-shaped answers), `state` (data and the method
// handlers), `events` (posts to bound handlers).
mod auth;
#[cfg(feature = "cli")]
mod cli;
mod clock;
mod config;
mod events;
mod http;
mod limits;
mod portal;
mod profile;
mod rng;
mod spec;
mod state;
mod stats;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use auth::oauth::Tokens;
#[cfg(feature = "cli")]
pub use bitrix_cli::UsageError;
#[cfg(feature = "cli")]
pub use cli::{parse_args, Command};
pub use config::{Config, FaultRates, Faults, OAuthConfig, OperatingLimit, RateLimit, Webhook};
pub use profile::{
    CostModel, Profile, REALISTIC_COMMAND_SECS, REALISTIC_COUNT_SECS_PER_ROW,
    REALISTIC_REQUEST_SECS,
};
pub use spec::index::SpecIndex;
pub use state::store::{Data, Handler, Table, User};
pub use stats::Stats;

use portal::Portal;

/// Why the emulator could not start.
#[derive(Debug)]
pub enum StartError {
    /// The address could not be bound.
    Bind(SocketAddr, std::io::Error),
    /// The fixtures or state file could not be read.
    Data(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Bind(addr, e) => write!(f, "cannot listen on {addr}: {e}"),
            StartError::Data(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for StartError {}

/// A running emulator. Dropping it stops the server.
#[derive(Debug)]
pub struct Emulator {
    base_url: String,
    webhook: Option<Webhook>,
    portal: Arc<Portal>,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Emulator {
    /// Loads the data (state file, else fixtures, else the demo data; then the synthetic
    /// deals of [`Config::generate_deals`] unless a state file was loaded), binds the address
    /// and starts serving on the current tokio runtime.
    ///
    /// # Errors
    /// [`StartError`] when the address cannot be bound or a data file cannot be read.
    pub async fn start(config: Config) -> Result<Emulator, StartError> {
        let mut data = match (&config.state_file, &config.fixtures) {
            (Some(state), _) if state.exists() => Data::load(state).map_err(StartError::Data)?,
            (_, Some(fixtures)) => Data::load(fixtures).map_err(StartError::Data)?,
            _ => Data::demo(),
        };
        let from_state = config.state_file.as_ref().is_some_and(|s| s.exists());
        if let (Some(n), false) = (config.generate_deals, from_state) {
            data.generate_deals(n, config.generate_seed);
        }
        let addr = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| StartError::Bind(addr, e))?;
        let local = listener
            .local_addr()
            .map_err(|e| StartError::Bind(addr, e))?;
        let base_url = format!("http://{local}");
        let webhook = config.webhooks.first().cloned();
        let portal = Arc::new(Portal::new(
            SpecIndex::embedded(),
            base_url.clone(),
            config,
            data,
        ));
        let (shutdown, stop) = watch::channel(false);
        let task = tokio::spawn(http::server::serve(listener, Arc::clone(&portal), stop));
        Ok(Emulator {
            base_url,
            webhook,
            portal,
            shutdown,
            task,
        })
    }

    /// `http://127.0.0.1:{port}`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The first webhook's URL, `http://127.0.0.1:{port}/rest/{user}/{secret}/`.
    pub fn webhook_url(&self) -> Option<String> {
        self.webhook
            .as_ref()
            .map(|w| format!("{}/rest/{}/{}/", self.base_url, w.user_id, w.secret))
    }

    /// Issues an OAuth access and refresh token for `user_id`.
    pub fn issue_tokens(&self, user_id: u64) -> Tokens {
        self.portal.issue_tokens(user_id)
    }

    /// Makes every access token issued so far expired (calls with one are answered `401
    /// expired_token`), as if its lifetime had passed; their refresh tokens still work.
    pub fn expire_access_tokens(&self) {
        self.portal.expire_access_tokens();
    }

    /// The `application_token` every event carries.
    pub fn application_token(&self) -> String {
        self.portal.application_token()
    }

    /// Replaces the fault configuration; draws restart from its seed.
    pub fn set_faults(&self, faults: Faults) {
        self.portal.set_faults(faults);
    }

    /// Counts of requests, commands and limit refusals answered so far.
    pub fn stats(&self) -> Stats {
        self.portal.stats()
    }

    /// A copy of the portal's current data.
    pub fn data(&self) -> Data {
        self.portal.data()
    }

    /// Stops serving and waits for the accept loop to end.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        let _ = (&mut self.task).await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
