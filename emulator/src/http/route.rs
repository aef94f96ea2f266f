//! Which endpoint a request path names.

use bitrix_spec::Version;

/// A request's endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// A REST call.
    Api {
        /// `/rest/…` (v1) or `/rest/api/…` (REST 3.0).
        version: Version,
        /// Webhook credentials in the path, or none (OAuth: `auth` in the body).
        webhook: Option<(String, String)>,
        /// The method name as sent, without a `.json` suffix.
        method: String,
    },
    /// The authorization server (`/oauth/token/`).
    Token,
    /// Anything else.
    NotFound,
}

/// Reads a path: `/rest/{user}/{secret}/{method}`, `/rest/{method}`, the same under
/// `/rest/api/`, and `/oauth/token/`. A `.json` suffix on the method is accepted.
pub fn parse(path: &str) -> Route {
    let path = path.trim_end_matches('/');
    if path == "/oauth/token" {
        return Route::Token;
    }
    let Some(rest) = path.strip_prefix("/rest/") else {
        return Route::NotFound;
    };
    let (version, rest) = match rest.strip_prefix("api/") {
        Some(r) => (Version::V3, r),
        None => (Version::V1, rest),
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let (webhook, method) = match segments.as_slice() {
        [method] => (None, *method),
        [user, secret, method] => (Some(((*user).to_owned(), (*secret).to_owned())), *method),
        _ => return Route::NotFound,
    };
    let method = method.strip_suffix(".json").unwrap_or(method);
    if method.is_empty() {
        return Route::NotFound;
    }
    Route::Api {
        version,
        webhook,
        method: method.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(version: Version, webhook: Option<(&str, &str)>, method: &str) -> Route {
        Route::Api {
            version,
            webhook: webhook.map(|(u, s)| (u.to_owned(), s.to_owned())),
            method: method.to_owned(),
        }
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse("/rest/1/abc/crm.deal.list"),
            api(Version::V1, Some(("1", "abc")), "crm.deal.list")
        );
        assert_eq!(
            parse("/rest/1/abc/crm.deal.list.json"),
            api(Version::V1, Some(("1", "abc")), "crm.deal.list")
        );
        assert_eq!(
            parse("/rest/crm.deal.list/"),
            api(Version::V1, None, "crm.deal.list")
        );
        assert_eq!(
            parse("/rest/api/1/abc/mail.message.get"),
            api(Version::V3, Some(("1", "abc")), "mail.message.get")
        );
        assert_eq!(
            parse("/rest/api/mail.message.get"),
            api(Version::V3, None, "mail.message.get")
        );
        assert_eq!(parse("/oauth/token/"), Route::Token);
        assert_eq!(parse("/rest/1/abc/"), Route::NotFound);
        assert_eq!(parse("/index.html"), Route::NotFound);
        assert_eq!(parse("/rest/a/b/c/d"), Route::NotFound);
    }
}
