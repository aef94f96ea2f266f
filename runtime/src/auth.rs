//! Credentials and the portal address: parsing webhook URLs, checking schemes, building the
//! URL of a call. The only place that puts a secret into a URL or a body.

use std::net::IpAddr;
use std::sync::{Arc, RwLock};

use serde_json::Value;
use url::Url;

use crate::error::ConfigError;
use crate::method::ApiVersion;
use crate::secret::Secret;

/// How calls authenticate.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// An inbound webhook: `https://portal/rest/{user_id}/{secret}/`.
    Webhook {
        /// The user the webhook acts as.
        user_id: u64,
        /// The webhook code.
        secret: Secret,
    },
    /// An OAuth access token, sent as `auth` in the body.
    OAuth {
        /// The current access token (replaced on refresh).
        token: Arc<RwLock<Secret>>,
    },
}

/// The portal's base address (scheme, host, port, and any path before `/rest/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portal {
    base: String,
}

impl Portal {
    /// Parses and checks a portal address: https, or http to loopback when allowed.
    ///
    /// # Errors
    /// [`ConfigError::InvalidUrl`] or [`ConfigError::InsecureScheme`].
    pub fn parse(address: &str, allow_http_loopback: bool) -> Result<Portal, ConfigError> {
        let url = Url::parse(address).map_err(|_| ConfigError::InvalidUrl)?;
        Portal::from_url(&url, allow_http_loopback)
    }

    fn from_url(url: &Url, allow_http_loopback: bool) -> Result<Portal, ConfigError> {
        let host = url.host_str().ok_or(ConfigError::InvalidUrl)?;
        match url.scheme() {
            "https" => {}
            "http" if allow_http_loopback && is_loopback(host) => {}
            "http" => return Err(ConfigError::InsecureScheme),
            _ => return Err(ConfigError::InvalidUrl),
        }
        let mut base = format!("{}://{}", url.scheme(), host);
        if let Some(port) = url.port() {
            base.push_str(&format!(":{port}"));
        }
        let path = url.path().trim_end_matches('/');
        let before_rest = path.split("/rest").next().unwrap_or("");
        base.push_str(before_rest);
        Ok(Portal { base })
    }

    /// The base address, without any credential.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// The URL of a call. For webhooks it holds the secret: never log it.
    pub(crate) fn call_url(
        &self,
        version: ApiVersion,
        method: &str,
        creds: &Credentials,
    ) -> String {
        let mut url = String::with_capacity(self.base.len() + method.len() + 48);
        url.push_str(&self.base);
        url.push_str(version.path_prefix());
        if let Credentials::Webhook { user_id, secret } = creds {
            url.push_str(&user_id.to_string());
            url.push('/');
            url.push_str(secret.expose());
            url.push('/');
        }
        url.push_str(method);
        url
    }
}

/// Splits `https://portal/rest/{user_id}/{secret}/` into portal and credentials.
///
/// # Errors
/// [`ConfigError::NotAWebhookUrl`] when the path does not have that shape, and the errors of
/// [`Portal::parse`].
pub fn parse_webhook_url(
    webhook_url: &str,
    allow_http_loopback: bool,
) -> Result<(Portal, Credentials), ConfigError> {
    let url = Url::parse(webhook_url).map_err(|_| ConfigError::InvalidUrl)?;
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|seg| !seg.is_empty()).collect())
        .unwrap_or_default();
    let rest = segments
        .iter()
        .position(|s| *s == "rest")
        .ok_or(ConfigError::NotAWebhookUrl)?;
    let (user, secret) = match &segments[rest + 1..] {
        [user, secret] | [user, secret, _] => (*user, *secret),
        _ => return Err(ConfigError::NotAWebhookUrl),
    };
    let user_id = user.parse().map_err(|_| ConfigError::NotAWebhookUrl)?;
    if secret.is_empty() {
        return Err(ConfigError::NotAWebhookUrl);
    }
    let portal = Portal::from_url(&url, allow_http_loopback)?;
    Ok((
        portal,
        Credentials::Webhook {
            user_id,
            secret: Secret::new(secret),
        },
    ))
}

/// Adds the OAuth token to a request body as `auth`.
pub(crate) fn add_auth(body: &mut Value, creds: &Credentials) {
    if let Credentials::OAuth { token } = creds {
        let token = token
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .expose()
            .to_owned();
        if !body.is_object() {
            *body = Value::Object(serde_json::Map::new());
        }
        if let Value::Object(map) = body {
            map.insert("auth".to_owned(), Value::String(token));
        }
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_urls() {
        let (portal, creds) =
            parse_webhook_url("https://b24.example.com/rest/1/abc123/", false).unwrap();
        assert_eq!(portal.as_str(), "https://b24.example.com");
        let url = portal.call_url(ApiVersion::V3, "mail.message.createchat", &creds);
        assert_eq!(
            url,
            "https://b24.example.com/rest/api/1/abc123/mail.message.createchat"
        );
        let url = portal.call_url(ApiVersion::V1, "crm.item.delete", &creds);
        assert_eq!(url, "https://b24.example.com/rest/1/abc123/crm.item.delete");
        assert!(!format!("{creds:?}").contains("abc123"));
    }

    #[test]
    fn webhook_url_errors_do_not_echo_the_secret() {
        for bad in [
            "https://b24.example.com/rest/x/abc123/",
            "https://b24.example.com/other/1/abc123/",
            "https://b24.example.com/rest/1/",
            "not a url abc123",
        ] {
            let e = parse_webhook_url(bad, false).unwrap_err();
            assert!(!e.to_string().contains("abc123"), "{e}");
        }
        assert_eq!(
            parse_webhook_url("http://b24.example.com/rest/1/abc123/", true).unwrap_err(),
            ConfigError::InsecureScheme
        );
    }

    #[test]
    fn http_only_to_loopback_when_allowed() {
        assert_eq!(
            Portal::parse("http://127.0.0.1:8080", false),
            Err(ConfigError::InsecureScheme)
        );
        assert_eq!(
            Portal::parse("http://127.0.0.1:8080", true)
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080"
        );
        assert!(Portal::parse("http://[::1]:1", true).is_ok());
        assert!(Portal::parse("http://localhost", true).is_ok());
        assert_eq!(
            Portal::parse("http://10.0.0.1", true),
            Err(ConfigError::InsecureScheme)
        );
        assert_eq!(Portal::parse("ftp://x", true), Err(ConfigError::InvalidUrl));
    }
}
