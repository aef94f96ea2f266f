//! An OAuth application's client against the emulator's portal and authorization server:
//! many calls that find the token stale at once renew it once and all succeed; a token about to
//! expire is renewed before calls; the renewed pair is saved before use; refusals are typed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bitrix24::{
    ApiVersion, AuthError, Client, CommonError, ConfigError, Error, FileStore, Limits, MemoryStore,
    OAuthApp, RefreshLock, StoreError, StoreErrorKind, StoreFuture, TokenSet, TokenStore,
};
use bitrix24_emulator::{Config, Emulator, Tokens};
use bitrix24_tests::{closed_port, error_chain, MockServer, Reply};
use serde_json::json;

const TASKS: usize = 100;
const HOUR: Duration = Duration::from_secs(3600);

/// A portal with no bucket (the test is about tokens), and its application.
async fn portal() -> (Emulator, OAuthApp) {
    let config = Config {
        rate_limit: None,
        ..Config::default()
    };
    let app = OAuthApp::new(
        config.oauth.client_id.clone(),
        config.oauth.client_secret.clone(),
    );
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let app = app.server(emulator.base_url());
    (emulator, app)
}

fn client(emulator: &Emulator, app: OAuthApp, store: Arc<dyn TokenStore>) -> Client {
    Client::builder()
        .oauth_app(emulator.base_url(), app, store)
        .allow_http_loopback(true)
        .limits(Limits::none())
        .build()
        .expect("a loopback application makes a client")
}

async fn user_current(client: &Client) -> Result<(), Error> {
    client
        .call_raw("user.current", ApiVersion::V1, &json!({}))
        .await
        .map(drop)
}

/// `TASKS` calls at once (they all wait for one another before calling); every answer.
async fn all_at_once(client: &Client) -> Vec<Result<(), Error>> {
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (client, barrier) = (client.clone(), Arc::clone(&barrier));
            tokio::spawn(async move {
                barrier.wait().await;
                user_current(&client).await
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(TASKS);
    for task in tasks {
        answers.push(task.await.expect("the task ends"));
    }
    answers
}

fn pair(tokens: &Tokens, lifetime: Duration) -> TokenSet {
    TokenSet::expiring_in(
        tokens.access_token.as_str(),
        tokens.refresh_token.as_str(),
        lifetime,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_calls_on_an_expired_token_renew_it_once_and_all_succeed() {
    let (emulator, app) = portal().await;
    let first = emulator.issue_tokens(1);
    // The client thinks the token good for an hour; the portal has expired it.
    let store = Arc::new(MemoryStore::new(pair(&first, HOUR)));
    emulator.expire_access_tokens();
    let client = client(&emulator, app, store.clone());

    let answers = all_at_once(&client).await;
    for answer in &answers {
        assert!(answer.is_ok(), "{answer:?}");
    }
    let portal = emulator.stats();
    let stats = client.stats();
    assert_eq!(portal.token_requests, 1, "one renewal: {portal:?}");
    assert_eq!(stats.token_refreshes, 1, "{stats:?}");
    // Every call that went with the expired token went again, and only once.
    assert!(portal.expired_tokens >= 1, "{portal:?}");
    assert_eq!(stats.expired_tokens, portal.expired_tokens);
    assert_eq!(portal.requests, TASKS as u64 + portal.expired_tokens);
    eprintln!(
        "{TASKS} calls: {} answered expired_token, {} token request(s)",
        portal.expired_tokens, portal.token_requests
    );
    let saved = store.tokens().expect("tokens");
    assert_ne!(saved.refresh_token.expose(), first.refresh_token, "rotated");
    let hour_from_now = TokenSet::expiring_in("", "", HOUR).expires_at;
    assert!(saved.expires_at + 60 >= hour_from_now, "{saved:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_about_to_expire_is_renewed_once_before_calls() {
    let (emulator, app) = portal().await;
    let first = emulator.issue_tokens(1);
    // Ten seconds left (of a lifetime not known): within the default minute of slack.
    let expires_at = TokenSet::expiring_in("", "", Duration::from_secs(10)).expires_at;
    let store = Arc::new(MemoryStore::new(TokenSet::new(
        first.access_token.as_str(),
        first.refresh_token.as_str(),
        expires_at,
    )));
    let client = client(&emulator, app, store);
    for answer in all_at_once(&client).await {
        assert!(answer.is_ok(), "{answer:?}");
    }
    let stats = emulator.stats();
    assert_eq!(
        (stats.token_requests, stats.expired_tokens),
        (1, 0),
        "{stats:?}"
    );
    assert_eq!(stats.requests, TASKS as u64);

    // With no slack, a token is used until it expires.
    let (emulator, app) = portal().await;
    let first = emulator.issue_tokens(1);
    let store = Arc::new(MemoryStore::new(pair(&first, HOUR)));
    let client = Client::builder()
        .oauth_app(emulator.base_url(), app, store)
        .allow_http_loopback(true)
        .refresh_ahead(Duration::ZERO)
        .build()
        .unwrap();
    user_current(&client).await.unwrap();
    assert_eq!(emulator.stats().token_requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_calls_renew_a_short_lived_token_once() {
    let lifetime = Duration::from_secs(2);
    let mut config = Config {
        rate_limit: None,
        ..Config::default()
    };
    config.oauth.access_token_lifetime = lifetime;
    let app = OAuthApp::new(
        config.oauth.client_id.clone(),
        config.oauth.client_secret.clone(),
    );
    let emulator = Emulator::start(config).await.unwrap();
    let app = app.server(emulator.base_url());
    let first = emulator.issue_tokens(1);
    let store = Arc::new(MemoryStore::new(pair(&first, lifetime)));
    let client = client(&emulator, app, store);
    tokio::time::sleep(lifetime + Duration::from_millis(100)).await;
    for answer in all_at_once(&client).await {
        assert!(answer.is_ok(), "{answer:?}");
    }
    // The renewed token lives two seconds too: it is used, not renewed again at once, although
    // the client renews a minute ahead.
    let stats = emulator.stats();
    assert_eq!(
        (stats.token_requests, stats.expired_tokens, stats.requests),
        (1, 0, TASKS as u64),
        "{stats:?}"
    );
}

#[tokio::test]
async fn a_spent_refresh_token_is_a_typed_invalid_grant() {
    let (emulator, app) = portal().await;
    let first = emulator.issue_tokens(1);
    let store = Arc::new(MemoryStore::new(TokenSet::new(
        first.access_token.as_str(),
        "spent-refresh-token",
        0,
    )));
    emulator.expire_access_tokens();
    let client = client(&emulator, app, store);
    let e = user_current(&client).await.unwrap_err();
    assert!(
        matches!(&e, Error::Auth(AuthError::InvalidGrant { message }) if message == "Invalid refresh token"),
        "{e:?}"
    );
    assert_eq!(
        error_chain(&e),
        "no valid OAuth access token: the refresh token was refused (invalid_grant): Invalid refresh token"
    );
    assert!(!format!("{e:?}").contains(&first.access_token));
    let stats = emulator.stats();
    assert_eq!(
        (stats.requests, stats.token_requests),
        (1, 1),
        "not sent again: {stats:?}"
    );
}

#[tokio::test]
async fn a_wrong_client_secret_and_an_empty_store_are_typed_errors() {
    let (emulator, _) = portal().await;
    let first = emulator.issue_tokens(1);
    emulator.expire_access_tokens();
    let wrong = OAuthApp::new("local.emulator.app", "not-the-secret").server(emulator.base_url());
    let store = Arc::new(MemoryStore::new(pair(&first, HOUR)));
    let e = user_current(&client(&emulator, wrong.clone(), store))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Auth(AuthError::Server { status: 401, code, .. }) if code == "invalid_client"),
        "{e:?}"
    );
    assert!(!error_chain(&e).contains("not-the-secret"), "{e}");

    // Nothing to send with: nothing is sent.
    let before = emulator.stats().requests;
    let e = user_current(&client(&emulator, wrong, Arc::new(MemoryStore::default())))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Auth(AuthError::NoTokens)), "{e:?}");
    assert_eq!(emulator.stats().requests, before);
}

/// A store whose saves fail while `broken` is set.
#[derive(Debug, Default)]
struct Flaky {
    inner: MemoryStore,
    broken: AtomicBool,
}

impl TokenStore for Flaky {
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>> {
        self.inner.load()
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()> {
        if self.broken.load(Ordering::SeqCst) {
            return Box::pin(async {
                Err(StoreError::new(StoreErrorKind::Unavailable, "disk full"))
            });
        }
        self.inner.save(tokens)
    }
}

#[tokio::test]
async fn a_renewed_pair_is_used_only_once_saved() {
    let (emulator, app) = portal().await;
    let first = emulator.issue_tokens(1);
    let store = Arc::new(Flaky::default());
    store.inner.save(&pair(&first, HOUR)).await.unwrap();
    store.broken.store(true, Ordering::SeqCst);
    emulator.expire_access_tokens();
    let client = client(&emulator, app, store.clone());
    let e = user_current(&client).await.unwrap_err();
    assert_eq!(
        error_chain(&e),
        "no valid OAuth access token: the token store failed: disk full"
    );
    assert_eq!(
        emulator.stats().requests,
        1,
        "not sent with the unsaved token"
    );
    // The renewed pair was kept aside: once the store works, it is saved and used, with no
    // second renewal (the first refresh token is spent).
    store.broken.store(false, Ordering::SeqCst);
    user_current(&client).await.unwrap();
    let saved = store.inner.tokens().unwrap();
    assert_ne!(saved.access_token.expose(), first.access_token);
    assert_eq!(emulator.stats().token_requests, 1);
}

#[tokio::test]
async fn a_file_store_keeps_the_renewed_pair_for_the_next_process() {
    let (emulator, app) = portal().await;
    let first = emulator.issue_tokens(1);
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("oauth-tokens-{}.json", std::process::id()));
    let store = FileStore::new(&path);
    store.save(&pair(&first, HOUR)).await.unwrap();
    emulator.expire_access_tokens();
    user_current(&client(
        &emulator,
        app.clone(),
        Arc::new(FileStore::new(&path)),
    ))
    .await
    .unwrap();
    let saved = store.load().await.unwrap().unwrap();
    assert_ne!(saved.refresh_token.expose(), first.refresh_token);
    // A new client (a restarted process) starts from the file, without renewing.
    user_current(&client(&emulator, app, Arc::new(FileStore::new(&path))))
        .await
        .unwrap();
    assert_eq!(emulator.stats().token_requests, 1);
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_call_goes_again_only_once_after_expired_token() {
    // One server for the portal and the authorization server: it answers in order.
    let server = MockServer::start();
    let expired = json!({"error": "expired_token", "error_description": "The access token provided has expired."});
    server.reply(Reply::json(401, &expired));
    server.reply(Reply::json(
        200,
        &json!({"access_token": "acc-2", "refresh_token": "ref-2", "expires_in": 3600}),
    ));
    server.reply(Reply::json(401, &expired));
    let store = Arc::new(MemoryStore::new(TokenSet::new("acc-1", "ref-1", 0)));
    let client = Client::builder()
        .oauth_app(
            server.base_url(),
            OAuthApp::new("app-id", "app-secret").server(server.base_url()),
            store,
        )
        .allow_http_loopback(true)
        .build()
        .unwrap();
    let e = user_current(&client).await.unwrap_err();
    assert_eq!(e.code(), Some(&CommonError::ExpiredToken), "{e:?}");
    let sent = server.requests();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0].json()["auth"], "acc-1");
    assert_eq!(sent[1].path, "/oauth/token/");
    let form = String::from_utf8_lossy(&sent[1].body).into_owned();
    assert_eq!(
        form,
        "grant_type=refresh_token&client_id=app-id&client_secret=app-secret&refresh_token=ref-1"
    );
    assert_eq!(sent[2].json()["auth"], "acc-2");
    let stats = client.stats();
    assert_eq!((stats.expired_tokens, stats.token_refreshes), (2, 1));
}

#[tokio::test]
async fn a_caller_that_gives_up_does_not_lose_the_renewed_pair() {
    let server = MockServer::start();
    server.reply(Reply::json(401, &json!({"error": "expired_token"})));
    server.reply(
        Reply::json(
            200,
            &json!({"access_token": "acc-2", "refresh_token": "ref-2", "expires_in": 3600}),
        )
        .delayed(Duration::from_millis(400)),
    );
    let store = Arc::new(MemoryStore::new(TokenSet::new("acc-1", "ref-1", 0)));
    let client = Client::builder()
        .oauth_app(
            server.base_url(),
            OAuthApp::new("app-id", "app-secret").server(server.base_url()),
            store.clone(),
        )
        .allow_http_loopback(true)
        .build()
        .unwrap();
    // The call is dropped while the authorization server is answering; the refresh token is
    // spent all the same, so its successor must still be saved.
    let gave_up = tokio::time::timeout(Duration::from_millis(150), user_current(&client)).await;
    assert!(gave_up.is_err(), "{gave_up:?}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    let saved = store.tokens().unwrap();
    assert_eq!(
        (saved.access_token.expose(), saved.refresh_token.expose()),
        ("acc-2", "ref-2")
    );
    assert_eq!(client.stats().token_refreshes, 1);
}

/// A shared store whose refresh lock another process holds, and never saves a pair.
#[derive(Debug)]
struct LockedElsewhere(MemoryStore);

impl TokenStore for LockedElsewhere {
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>> {
        self.0.load()
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()> {
        self.0.save(tokens)
    }

    fn lock_refresh(&self, _: Duration) -> StoreFuture<'_, Option<RefreshLock>> {
        Box::pin(async { Ok(None) })
    }
}

#[tokio::test]
async fn waiting_for_another_process_ends_and_an_unreachable_server_is_typed() {
    let server = MockServer::start();
    server.reply(Reply::json(401, &json!({"error": "expired_token"})));
    let store = LockedElsewhere(MemoryStore::new(TokenSet::new("acc-1", "ref-1", 0)));
    let client = Client::builder()
        .oauth_app(
            server.base_url(),
            OAuthApp::new("app-id", "app-secret").server(server.base_url()),
            Arc::new(store),
        )
        .allow_http_loopback(true)
        // The shortest lock (two seconds): the client gives up after twice that.
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let e = user_current(&client).await.unwrap_err();
    assert!(
        matches!(e, Error::Auth(AuthError::LockTimeout(d)) if d == Duration::from_secs(4)),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "no valid OAuth access token",
        "the cause is the source"
    );
    assert_eq!(server.requests().len(), 1, "no refresh, no second call");

    let server = MockServer::start();
    server.reply(Reply::json(401, &json!({"error": "expired_token"})));
    let nowhere = format!("http://127.0.0.1:{}", closed_port());
    let client = Client::builder()
        .oauth_app(
            server.base_url(),
            OAuthApp::new("app-id", "app-secret").server(nowhere),
            Arc::new(MemoryStore::new(TokenSet::new("acc-1", "ref-1", 0))),
        )
        .allow_http_loopback(true)
        .build()
        .unwrap();
    let e = user_current(&client).await.unwrap_err();
    assert!(matches!(e, Error::Auth(AuthError::Transport(_))), "{e:?}");
    assert!(
        error_chain(&e)
            .starts_with("no valid OAuth access token: cannot reach the authorization server: "),
        "{}",
        error_chain(&e)
    );
}

#[test]
fn the_authorization_server_must_be_https_and_debug_shows_no_secret() {
    let store = Arc::new(MemoryStore::new(TokenSet::new("acc-x", "ref-x", 0)));
    let build = |server: &str, loopback: bool| {
        Client::builder()
            .oauth_app(
                "https://portal.example.com",
                OAuthApp::new("app-id-x", "app-secret-x").server(server),
                store.clone(),
            )
            .allow_http_loopback(loopback)
            .build()
    };
    assert_eq!(
        build("http://auth.example.com", true).unwrap_err(),
        ConfigError::InvalidAuthServer
    );
    assert_eq!(
        build("http://127.0.0.1:1", false).unwrap_err(),
        ConfigError::InvalidAuthServer
    );
    let client = build(OAuthApp::DEFAULT_SERVER, false).unwrap();
    let dbg = format!("{client:?}");
    for secret in ["acc-x", "ref-x", "app-id-x", "app-secret-x"] {
        assert!(!dbg.contains(secret), "{dbg}");
    }
}
