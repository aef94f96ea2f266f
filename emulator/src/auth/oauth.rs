//! OAuth: access tokens that expire, and the authorization server's `refresh_token` grant,
//! which rotates the refresh token.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::clock;
use crate::config::OAuthConfig;
use crate::http::params;
use crate::http::reply::Fail;
use crate::rng::Rng;

/// A pair of tokens for a user.
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    /// The access token (goes in `auth`).
    pub access_token: String,
    /// The refresh token (for `grant_type=refresh_token`).
    pub refresh_token: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens { <redacted> }")
    }
}

#[derive(Debug)]
struct Access {
    user_id: u64,
    expires_at: f64,
}

/// Issued tokens.
pub struct OAuth {
    config: OAuthConfig,
    access: HashMap<String, Access>,
    refresh: HashMap<String, u64>,
    rng: Rng,
}

impl std::fmt::Debug for OAuth {
    // Tokens are credentials: only their number is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth")
            .field("config", &self.config)
            .field("access_tokens", &self.access.len())
            .field("refresh_tokens", &self.refresh.len())
            .finish_non_exhaustive()
    }
}

impl OAuth {
    /// No tokens issued yet.
    pub fn new(config: OAuthConfig, seed: u64) -> OAuth {
        OAuth {
            config,
            access: HashMap::new(),
            refresh: HashMap::new(),
            rng: Rng::new(seed ^ 0x0A17_0A17),
        }
    }

    /// Issues a fresh pair for `user_id`.
    pub fn issue(&mut self, user_id: u64) -> Tokens {
        let tokens = Tokens {
            access_token: self.rng.token(),
            refresh_token: self.rng.token(),
        };
        let expires_at = clock::now() + self.config.access_token_lifetime.as_secs_f64();
        self.access.insert(
            tokens.access_token.clone(),
            Access {
                user_id,
                expires_at,
            },
        );
        self.refresh.insert(tokens.refresh_token.clone(), user_id);
        tokens
    }

    /// Makes every access token issued so far expired, as if its lifetime had passed.
    pub fn expire_access_tokens(&mut self) {
        let now = clock::now();
        for access in self.access.values_mut() {
            access.expires_at = access.expires_at.min(now);
        }
    }

    /// The user an access token belongs to.
    ///
    /// # Errors
    /// HTTP 401 `expired_token` after its lifetime, `invalid_token` when unknown.
    pub fn user(&self, access_token: &str) -> Result<u64, Fail> {
        match self.access.get(access_token) {
            Some(a) if a.expires_at > clock::now() => Ok(a.user_id),
            Some(_) => Err(Fail::new(
                401,
                "expired_token",
                "The access token provided has expired.",
            )),
            None => Err(Fail::new(
                401,
                "invalid_token",
                "The access token provided is invalid.",
            )),
        }
    }

    /// The `/oauth/token/` endpoint. `base_url` fills the endpoints of the answer.
    ///
    /// # Errors
    /// `(status, body)` of the authorization server's error.
    pub fn token_endpoint(
        &mut self,
        p: &Map<String, Value>,
        base_url: &str,
    ) -> Result<Value, (u16, Value)> {
        let text = |key: &str| {
            params::get(p, key)
                .and_then(params::text)
                .unwrap_or_default()
        };
        let error = |status: u16, code: &str, message: &str| {
            (status, json!({"error": code, "error_description": message}))
        };
        if text("grant_type") != "refresh_token" {
            return Err(error(
                400,
                "unsupported_grant_type",
                "Only grant_type=refresh_token is supported",
            ));
        }
        if text("client_id") != self.config.client_id
            || text("client_secret") != self.config.client_secret
        {
            return Err(error(401, "invalid_client", "Invalid client credentials"));
        }
        let Some(user_id) = self.refresh.remove(&text("refresh_token")) else {
            return Err(error(400, "invalid_grant", "Invalid refresh token"));
        };
        Ok(Value::Object(self.grant(user_id, base_url)))
    }

    /// Issues a token pair for `user_id`, described as the authorization server answers it
    /// (also the `auth` block of an event). `base_url` fills the endpoints.
    pub fn grant(&mut self, user_id: u64, base_url: &str) -> Map<String, Value> {
        let tokens = self.issue(user_id);
        let lifetime = self.config.access_token_lifetime.as_secs();
        let domain = base_url.trim_start_matches("http://");
        crate::state::store::obj(json!({
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires": clock::unix_secs() + lifetime,
            "expires_in": lifetime,
            "scope": "app",
            "domain": domain,
            "server_endpoint": format!("{base_url}/oauth/rest/"),
            "client_endpoint": format!("{base_url}/rest/"),
            "member_id": "emulator",
            "user_id": user_id,
            "status": "L",
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn refresh_params(o: &OAuthConfig, token: &str) -> Map<String, Value> {
        crate::state::store::obj(
            json!({"grant_type": "refresh_token", "client_id": o.client_id,
            "client_secret": o.client_secret, "refresh_token": token}),
        )
    }

    #[test]
    fn refresh_rotates_and_old_refresh_token_is_spent() {
        let config = OAuthConfig::default();
        let mut oauth = OAuth::new(config.clone(), 1);
        let first = oauth.issue(1);
        assert_eq!(oauth.user(&first.access_token), Ok(1));
        let answer = oauth
            .token_endpoint(
                &refresh_params(&config, &first.refresh_token),
                "http://127.0.0.1:1",
            )
            .unwrap();
        let new_refresh = answer["refresh_token"].as_str().unwrap();
        assert_ne!(new_refresh, first.refresh_token);
        assert_eq!(oauth.user(answer["access_token"].as_str().unwrap()), Ok(1));
        let (status, body) = oauth
            .token_endpoint(&refresh_params(&config, &first.refresh_token), "")
            .unwrap_err();
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid_grant"))
        );
        let mut wrong = refresh_params(&config, new_refresh);
        wrong.insert("client_secret".into(), json!("nope"));
        assert_eq!(oauth.token_endpoint(&wrong, "").unwrap_err().0, 401);
    }

    #[test]
    fn debug_shows_no_tokens() {
        let mut oauth = OAuth::new(OAuthConfig::default(), 1);
        let t = oauth.issue(1);
        let dbg = format!("{oauth:?} {t:?}");
        assert!(
            !dbg.contains(&t.access_token) && !dbg.contains(&t.refresh_token),
            "{dbg}"
        );
        assert!(!dbg.contains("emulator-client-secret"), "{dbg}");
    }

    #[test]
    fn access_tokens_expire() {
        let config = OAuthConfig {
            access_token_lifetime: Duration::ZERO,
            ..OAuthConfig::default()
        };
        let mut oauth = OAuth::new(config, 1);
        let t = oauth.issue(1);
        assert_eq!(
            oauth.user(&t.access_token).unwrap_err().code,
            "expired_token"
        );
        assert_eq!(oauth.user("nope").unwrap_err().code, "invalid_token");
    }

    #[test]
    fn access_tokens_can_be_expired_at_once() {
        let mut oauth = OAuth::new(OAuthConfig::default(), 1);
        let t = oauth.issue(1);
        assert_eq!(oauth.user(&t.access_token), Ok(1));
        oauth.expire_access_tokens();
        assert_eq!(
            oauth.user(&t.access_token).unwrap_err().code,
            "expired_token"
        );
        // Tokens issued afterwards live their lifetime.
        let fresh = oauth.issue(1);
        assert_eq!(oauth.user(&fresh.access_token), Ok(1));
    }
}
