//! The [`Client`]: builds the URL and body of a call, validates, sends, decodes.
//!
//! Errors follow the convention of [`crate::error`]: a failure of the HTTP library becomes
//! [`Error::Transport`] (short message, the library error as the source, its URL stripped),
//! one of `serde_json` while building the body [`Error::Encode`], and one while building the
//! HTTP client [`ConfigError::Http`]; their messages are never copied into another error's
//! text.

mod exchange;
mod options;
mod refresh;

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::auth::{self, Credentials, Portal};
use crate::common_error::CommonError;
use crate::error::{ConfigError, Error, FieldError, TransportError, ValidationErrors};
use crate::limit::{Limits, LocalBucket, OperatingTime, RateLimiter};
use crate::method::{ApiVersion, Method};
use crate::oauth::refresh::Refresher;
use crate::oauth::{OAuthApp, TokenStore, DEFAULT_REFRESH_AHEAD};
use crate::response::{decode, decode_shaped, Response, ResultShape};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::secret::Secret;
use crate::stats::{CallStats, Counters};
use exchange::{Answer, PostError};
pub use options::CallOptions;
pub(crate) use options::Plan;

/// Default time to wait for an answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A Bitrix24 REST client. Cheap to clone; clones share connections and credentials.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = bitrix_runtime::Client::from_webhook("https://example.bitrix24.com/rest/1/secret/")?;
/// let answer = client
///     .call_raw("crm.item.delete", bitrix_runtime::ApiVersion::V1, &serde_json::json!({"entityTypeId": 2, "id": 1}))
///     .await?;
/// println!("{:?}", answer.result);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// What every call of a client (and of its clones) shares.
pub(crate) struct Inner {
    http: reqwest::Client,
    pub(crate) portal: Portal,
    credentials: Credentials,
    timeout: Duration,
    pub(crate) limits: Limits,
    /// The portal's bucket; `None` when [`Limits::bucket`] is `None`.
    pub(crate) limiter: Option<Arc<dyn RateLimiter>>,
    pub(crate) operating: OperatingTime,
    /// What was sent and refused.
    pub(crate) counters: Counters,
    /// The client's retry policy.
    pub(crate) retry: RetryPolicy,
    /// Retries left to spend, shared by every call.
    pub(crate) retry_budget: RetryBudget,
    /// Renews the access token; `None` unless built with [`ClientBuilder::oauth_app`].
    pub(crate) oauth: Option<Arc<Refresher>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("portal", &self.inner.portal.as_str())
            .field("credentials", &self.inner.credentials)
            .field("timeout", &self.inner.timeout)
            .field("limits", &self.inner.limits)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    webhook_url: Option<Secret>,
    oauth: Option<(String, Secret)>,
    oauth_app: Option<(String, OAuthApp, Arc<dyn TokenStore>)>,
    refresh_ahead: Option<Duration>,
    allow_http_loopback: bool,
    timeout: Option<Duration>,
    limits: Option<Limits>,
    limiter: Option<Arc<dyn RateLimiter>>,
    retry: Option<RetryPolicy>,
}

impl ClientBuilder {
    /// Authenticate with an inbound webhook URL, `https://portal/rest/{user_id}/{secret}/`.
    pub fn webhook(mut self, webhook_url: impl Into<String>) -> Self {
        self.webhook_url = Some(Secret::new(webhook_url.into()));
        self.oauth = None;
        self.oauth_app = None;
        self
    }

    /// Authenticate with an OAuth access token against `portal` (e.g. `https://example.bitrix24.com`).
    pub fn oauth(mut self, portal: impl Into<String>, access_token: impl Into<Secret>) -> Self {
        self.oauth = Some((portal.into(), access_token.into()));
        self.webhook_url = None;
        self.oauth_app = None;
        self
    }

    /// Authenticate as OAuth application `app` against `portal`, with the tokens kept in
    /// `store` (which must hold the first pair). The access token is renewed shortly before
    /// it expires (see [`ClientBuilder::refresh_ahead`]) and when a call is answered `401
    /// expired_token`; that call then goes again, once. Each renewed pair is saved in `store`
    /// before any call uses it.
    pub fn oauth_app(
        mut self,
        portal: impl Into<String>,
        app: OAuthApp,
        store: Arc<dyn TokenStore>,
    ) -> Self {
        self.oauth_app = Some((portal.into(), app, store));
        self.webhook_url = None;
        self.oauth = None;
        self
    }

    /// How long before its expiry an OAuth application's access token is renewed (default
    /// [`DEFAULT_REFRESH_AHEAD`]); never before half the token's lifetime, when the
    /// authorization server told it.
    pub fn refresh_ahead(mut self, slack: Duration) -> Self {
        self.refresh_ahead = Some(slack);
        self
    }

    /// Allow plain `http://` to a loopback address (tests, the emulator). Off by default.
    pub fn allow_http_loopback(mut self, allow: bool) -> Self {
        self.allow_http_loopback = allow;
        self
    }

    /// Time to wait for an answer (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The limits the client keeps to (default [`Limits::standard`]: the standard plan's
    /// bucket of 50 requests draining 2 per second, and the 480 s operating-time budget).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Shares a portal's bucket with other clients or processes (a [`LocalBucket`] shared by
    /// several clients, or a store shared across processes). By default each client has its
    /// own [`LocalBucket`] of [`Limits::bucket`].
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// How calls go again after failures in transit (default [`RetryPolicy::standard`]);
    /// [`CallOptions`] overrides it for one call. Only calls that cannot be applied twice go
    /// again: reads, and REST 3.0 writes, which carry an `Idempotency-Key`.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    /// A [`ConfigError`] when the address or credentials are unusable.
    pub fn build(self) -> Result<Client, ConfigError> {
        let loopback = self.allow_http_loopback;
        let token_credentials = |token: Secret| Credentials::OAuth {
            token: Arc::new(RwLock::new(token)),
        };
        let (portal, credentials) = match (self.webhook_url, self.oauth, &self.oauth_app) {
            (Some(url), _, _) => auth::parse_webhook_url(url.expose(), loopback)?,
            (None, Some((portal, token)), _) => {
                (Portal::parse(&portal, loopback)?, token_credentials(token))
            }
            // An application's access token is read from its store by the first call.
            (None, None, Some((portal, _, _))) => (
                Portal::parse(portal, loopback)?,
                token_credentials(Secret::new(String::new())),
            ),
            (None, None, None) => return Err(ConfigError::MissingCredentials),
        };
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        // reqwest is built without a bundled crypto provider; ring is ours unless the
        // application installed another one first.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // No redirects: following one could downgrade to http, and would send the webhook
        // URL (it holds the secret) as Referer or the OAuth body to another host.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .timeout(timeout)
            .user_agent(concat!("bitrix24-rs/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::Http(TransportError::new(e)))?;
        let oauth = match (self.oauth_app, &credentials) {
            (Some((_, app, store)), Credentials::OAuth { token }) => {
                Some(Arc::new(Refresher::new(
                    app,
                    store,
                    http.clone(),
                    timeout,
                    self.refresh_ahead.unwrap_or(DEFAULT_REFRESH_AHEAD),
                    self.allow_http_loopback,
                    Arc::clone(token),
                )?))
            }
            _ => None,
        };
        let limits = self.limits.unwrap_or_default();
        let retry = self.retry.unwrap_or_default();
        let limiter = self.limiter.or_else(|| {
            limits
                .bucket
                .map(|b| Arc::new(LocalBucket::new(b)) as Arc<dyn RateLimiter>)
        });
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                portal,
                credentials,
                timeout,
                limits,
                limiter,
                operating: OperatingTime::new(limits.operating_budget, limits.operating_slowdown),
                counters: Counters::default(),
                retry,
                retry_budget: RetryBudget::new(retry.budget),
                oauth,
            }),
        })
    }
}

impl Client {
    /// What every call of this client shares (the pipeline's state).
    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for an inbound webhook URL, `https://portal/rest/{user_id}/{secret}/`.
    ///
    /// # Errors
    /// A [`ConfigError`] when the URL is not a webhook URL or not https.
    pub fn from_webhook(webhook_url: &str) -> Result<Client, ConfigError> {
        Client::builder().webhook(webhook_url).build()
    }

    /// A client for an OAuth access token against `portal`.
    ///
    /// # Errors
    /// A [`ConfigError`] when the portal address is not an https URL.
    pub fn from_oauth(
        portal: &str,
        access_token: impl Into<Secret>,
    ) -> Result<Client, ConfigError> {
        Client::builder().oauth(portal, access_token).build()
    }

    /// The portal's base address (never includes credentials).
    pub fn portal(&self) -> &str {
        self.inner.portal.as_str()
    }

    /// How many requests this client (and its clones) sent, and how many the portal refused
    /// for its limits.
    pub fn stats(&self) -> CallStats {
        let mut stats = self.inner.counters.snapshot();
        if let Some(refresher) = &self.inner.oauth {
            stats.token_refreshes = refresher.refreshes();
        }
        stats
    }

    /// Replaces the OAuth access token (after a refresh done elsewhere). No effect for webhook
    /// clients; a client of an [`OAuthApp`] renews its token itself, and this one is used
    /// until that client's next renewal.
    pub fn set_access_token(&self, access_token: impl Into<Secret>) {
        if let Credentials::OAuth { token } = &self.inner.credentials {
            *token
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = access_token.into();
        }
    }

    /// Calls a typed method: validates it (nothing is sent when it is invalid), sends it,
    /// and decodes the answer into the method's output type. A REST 3.0 method that changes
    /// data is sent with a fresh `Idempotency-Key`, the same on every retry.
    ///
    /// # Errors
    /// [`Error::Validation`] and [`Error::Encode`] before sending; [`Error::Api`] with the
    /// method's typed code; [`Error::OutcomeUnknown`] for a v1 write whose answer was lost;
    /// [`Error::Transport`], [`Error::Timeout`] and [`Error::Decode`] otherwise.
    pub async fn call<M: Method>(
        &self,
        method: &M,
    ) -> Result<Response<M::Output>, Error<M::Error>> {
        self.call_with(method, &CallOptions::default()).await
    }

    /// [`Client::call`] with settings of this call's own: a retry policy, or an
    /// `Idempotency-Key`.
    ///
    /// # Errors
    /// As [`Client::call`], and [`Error::Validation`] for a malformed key.
    pub async fn call_with<M: Method>(
        &self,
        method: &M,
        options: &CallOptions,
    ) -> Result<Response<M::Output>, Error<M::Error>> {
        method.validate().map_err(Error::Validation)?;
        let plan = Plan::new(M::VERSION, M::MUTATES, options, self.inner.retry)?;
        let body = serde_json::to_value(method).map_err(Error::Encode)?;
        let answer = self
            .inner
            .exchange(M::VERSION, M::NAME, &body, &plan)
            .await?;
        decode_shaped(answer.status, &answer.body, ResultShape::of::<M>())
            .map(|r| r.replayed(answer.replayed))
    }

    /// Calls any method by name with JSON parameters, for what the spec does not cover.
    /// Whether it changes data is not known, so it is treated as a write: a v1 call whose
    /// answer is lost ends in [`Error::OutcomeUnknown`], and a REST 3.0 call carries an
    /// `Idempotency-Key`.
    ///
    /// # Errors
    /// As [`Client::call`]; codes are decoded into [`CommonError`].
    pub async fn call_raw(
        &self,
        method: &str,
        version: ApiVersion,
        params: &Value,
    ) -> Result<Response<Value>, Error<CommonError>> {
        self.call_raw_with(method, version, params, &CallOptions::default())
            .await
    }

    /// [`Client::call_raw`] with settings of this call's own.
    ///
    /// # Errors
    /// As [`Client::call_raw`], and [`Error::Validation`] for a malformed key.
    pub async fn call_raw_with(
        &self,
        method: &str,
        version: ApiVersion,
        params: &Value,
        options: &CallOptions,
    ) -> Result<Response<Value>, Error<CommonError>> {
        if !is_method_name(method) {
            return Err(Error::Validation(ValidationErrors::new(vec![FieldError {
                field: "method".to_owned(),
                message: format!("`{method}` is not a method name"),
            }])));
        }
        let plan = Plan::new(version, true, options, self.inner.retry)?;
        let answer = self.inner.exchange(version, method, params, &plan).await?;
        decode(answer.status, &answer.body, None).map(|r| r.replayed(answer.replayed))
    }

    /// Calls a typed method and returns only its result.
    ///
    /// # Errors
    /// As [`Client::call`].
    pub async fn call_result<M: Method>(&self, method: &M) -> Result<M::Output, Error<M::Error>> {
        self.call(method).await.map(Response::into_result)
    }
}

impl Inner {
    /// The transport: one POST of `body` (with the credentials, and the `Idempotency-Key`
    /// when there is one) to `method`.
    pub(crate) async fn post(
        &self,
        version: ApiVersion,
        method: &str,
        body: &Value,
        idempotency_key: Option<&str>,
    ) -> Result<Answer, PostError> {
        let mut body = match body {
            Value::Null => Value::Object(serde_json::Map::new()),
            other => other.clone(),
        };
        auth::add_auth(&mut body, &self.credentials);
        let bytes = serde_json::to_vec(&body).map_err(PostError::Encode)?;
        let url = self.portal.call_url(version, method, &self.credentials);
        let started = Instant::now();
        tracing::debug!(method, %version, "bitrix24 call");
        let mut request = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.body(bytes).send().await.map_err(|e| {
            if e.is_connect() {
                PostError::NotSent(TransportError::new(e))
            } else {
                self.lost(e)
            }
        })?;
        let status = response.status().as_u16();
        let replayed = response
            .headers()
            .get("idempotent-replayed")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
        let body = response.bytes().await.map_err(|e| self.lost(e))?.to_vec();
        tracing::debug!(
            method,
            %version,
            status,
            replayed,
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "bitrix24 answer"
        );
        Ok(Answer {
            status,
            body,
            replayed,
        })
    }

    fn lost(&self, e: reqwest::Error) -> PostError {
        if e.is_timeout() {
            PostError::Timeout
        } else {
            PostError::Lost(TransportError::new(e))
        }
    }
}

/// Same rule as the spec: dot-separated segments of ASCII letters, digits and `_`.
fn is_method_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .split('.')
            .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_credentials() {
        let c = Client::from_webhook("https://b24.example.com/rest/7/topsecret42/").unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("topsecret42"), "{dbg}");
        assert!(dbg.contains("b24.example.com"));
        let c = Client::from_oauth("https://b24.example.com", "tok-abcdef").unwrap();
        assert!(!format!("{c:?}").contains("tok-abcdef"));
        let b = Client::builder().webhook("https://b24.example.com/rest/7/topsecret42/");
        assert!(!format!("{b:?}").contains("topsecret42"));
    }

    #[test]
    fn builder_needs_credentials() {
        assert_eq!(
            Client::builder().build().unwrap_err(),
            ConfigError::MissingCredentials
        );
        assert_eq!(
            Client::from_webhook("http://b24.example.com/rest/1/x/").unwrap_err(),
            ConfigError::InsecureScheme
        );
    }

    #[test]
    fn method_names() {
        assert!(is_method_name("crm.activity.todo.updateColor"));
        assert!(!is_method_name("crm..x"));
        assert!(!is_method_name("../etc"));
        assert!(!is_method_name(""));
    }
}
