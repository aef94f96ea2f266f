//! The authorization server's `refresh_token` grant: one POST that spends a refresh token and
//! answers a new pair, and the address it goes to.

use serde_json::Value;

use super::{unix_now, AuthError, OAuthApp, TokenSet};
use crate::auth::Portal;
use crate::error::ConfigError;
use crate::secret::Secret;
use crate::transport_error::TransportError;

/// The token endpoint of `app`'s server: `<server>/oauth/token/`, where the server is https,
/// or http to loopback when `allow_http_loopback`.
///
/// # Errors
/// [`ConfigError::InvalidAuthServer`] otherwise.
pub(crate) fn token_url(app: &OAuthApp, allow_http_loopback: bool) -> Result<String, ConfigError> {
    let server = Portal::parse(&app.server, allow_http_loopback)
        .map_err(|_| ConfigError::InvalidAuthServer)?;
    let base = server.as_str().trim_end_matches('/');
    let base = base.strip_suffix("/oauth/token").unwrap_or(base);
    Ok(format!("{base}/oauth/token/"))
}

/// Spends `refresh_token` at `url` for a new pair.
///
/// # Errors
/// [`AuthError::InvalidGrant`] when the server refuses the refresh token, [`AuthError::Server`]
/// for its other errors, [`AuthError::Transport`] and [`AuthError::Decode`].
pub(crate) async fn refresh(
    http: &reqwest::Client,
    url: &str,
    app: &OAuthApp,
    refresh_token: &Secret,
) -> Result<TokenSet, AuthError> {
    // In the body, not the query: URLs end up in logs.
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("client_id", app.client_id.expose())
        .append_pair("client_secret", app.client_secret.expose())
        .append_pair("refresh_token", refresh_token.expose())
        .finish();
    tracing::debug!("bitrix24 token refresh");
    let transport = |e: reqwest::Error| AuthError::Transport(TransportError::new(e));
    let response = http
        .post(url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(reqwest::header::ACCEPT, "application/json")
        .body(body)
        .send()
        .await
        .map_err(transport)?;
    let status = response.status().as_u16();
    let body = response.bytes().await.map_err(transport)?;
    tracing::debug!(status, "bitrix24 token refresh answer");
    answer(status, &body, unix_now())
}

/// Reads the server's answer; `now` (unix seconds) dates a pair that gives `expires_in` only.
fn answer(status: u16, body: &[u8], now: u64) -> Result<TokenSet, AuthError> {
    let decode = |reason: &str| AuthError::Decode {
        status,
        reason: reason.to_owned(),
    };
    let json: Value = match serde_json::from_slice(body) {
        Ok(json) => json,
        Err(_) if !(200..300).contains(&status) => return Err(server(status, "", "")),
        Err(_) => return Err(decode("not JSON")),
    };
    let text = |key: &str| json.get(key).and_then(Value::as_str).unwrap_or_default();
    if let Some(code) = json.get("error").and_then(Value::as_str) {
        let message = text("error_description");
        return Err(if code == "invalid_grant" {
            AuthError::InvalidGrant {
                message: message.to_owned(),
            }
        } else {
            server(status, code, message)
        });
    }
    if !(200..300).contains(&status) {
        return Err(server(status, "", ""));
    }
    let (access, refresh) = (text("access_token"), text("refresh_token"));
    if access.is_empty() || refresh.is_empty() {
        return Err(decode("no access_token or refresh_token"));
    }
    // Numbers, or numbers written as text: both are seen from PHP servers.
    let number = |key: &str| match json.get(key) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    let expires_in = number("expires_in");
    let expires_at = number("expires")
        .or_else(|| expires_in.map(|secs| now.saturating_add(secs)))
        .unwrap_or(0);
    Ok(TokenSet {
        expires_in: expires_in.unwrap_or(0),
        ..TokenSet::new(access, refresh, expires_at)
    })
}

fn server(status: u16, code: &str, message: &str) -> AuthError {
    AuthError::Server {
        status,
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_urls() {
        let url =
            |server: &str, loopback| token_url(&OAuthApp::new("i", "s").server(server), loopback);
        assert_eq!(
            url(OAuthApp::DEFAULT_SERVER, false).unwrap(),
            "https://oauth.bitrix.info/oauth/token/"
        );
        assert_eq!(
            url("https://auth.example.com/oauth/token/", false).unwrap(),
            "https://auth.example.com/oauth/token/"
        );
        assert_eq!(
            url("http://127.0.0.1:8080", true).unwrap(),
            "http://127.0.0.1:8080/oauth/token/"
        );
        for (bad, loopback) in [
            ("http://127.0.0.1:8080", false),
            ("http://auth.example.com", true),
            ("not a url", true),
        ] {
            assert_eq!(
                url(bad, loopback).unwrap_err(),
                ConfigError::InvalidAuthServer,
                "{bad}"
            );
        }
    }

    #[test]
    fn a_new_pair() {
        let body = br#"{"access_token": "a2", "refresh_token": "r2", "expires": 1700003600,
            "expires_in": 3600, "member_id": "m", "scope": "app"}"#;
        let tokens = answer(200, body, 5).unwrap();
        assert_eq!(
            (tokens.access_token.expose(), tokens.refresh_token.expose()),
            ("a2", "r2")
        );
        assert_eq!(
            (tokens.expires_at, tokens.expires_in),
            (1_700_003_600, 3600)
        );
        let body = br#"{"access_token": "a2", "refresh_token": "r2", "expires_in": "3600"}"#;
        assert_eq!(answer(200, body, 5).unwrap().expires_at, 3605);
        let body = br#"{"access_token": "a2", "refresh_token": "r2"}"#;
        assert_eq!(answer(200, body, 5).unwrap().expires_at, 0, "unknown");
    }

    #[test]
    fn refusals_are_typed_and_bodies_are_not_kept() {
        let e = answer(
            400,
            br#"{"error": "invalid_grant", "error_description": "Invalid refresh token"}"#,
            0,
        )
        .unwrap_err();
        assert!(
            matches!(&e, AuthError::InvalidGrant { message } if message == "Invalid refresh token"),
            "{e:?}"
        );
        // An error in a 200 answer is still an error.
        let e = answer(200, br#"{"error": "invalid_grant"}"#, 0).unwrap_err();
        assert!(matches!(e, AuthError::InvalidGrant { .. }), "{e:?}");
        let e = answer(
            401,
            br#"{"error": "invalid_client", "error_description": "Invalid client credentials"}"#,
            0,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the authorization server refused the renewal (HTTP 401): invalid_client: Invalid client credentials"
        );
        let e = answer(502, b"<html>bad gateway</html>", 0).unwrap_err();
        assert!(
            matches!(&e, AuthError::Server { status: 502, code, .. } if code.is_empty()),
            "{e:?}"
        );
        let e = answer(200, b"<html>", 0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot read the authorization server's answer (HTTP 200): not JSON"
        );
        let e = answer(200, br#"{"access_token": "leaked-a"}"#, 0).unwrap_err();
        assert!(matches!(e, AuthError::Decode { status: 200, .. }), "{e:?}");
        assert!(!format!("{e:?} {e}").contains("leaked-a"));
    }
}
