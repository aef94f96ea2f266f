//! Handler URLs: the emulator binds and posts to `http://` handlers on a loopback address only,
//! so a test run never sends events (which carry tokens) off the machine.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use url::{Host, Position, Url};

/// `http://127.0.0.1:…`, `http://localhost:…` or `http://[::1]:…`.
pub fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    match host.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Where a post to a handler URL goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The loopback address to connect to (`localhost` is the IPv4 loopback, not looked up).
    pub address: SocketAddr,
    /// The `Host` header: the URL's host, and its port unless it is the default 80.
    pub host: String,
    /// The request target: path and query, without the fragment.
    pub path: String,
}

impl Target {
    /// Reads a handler URL that [`is_loopback_http`] accepts.
    ///
    /// # Errors
    /// A message when the URL is not a loopback `http://` URL or does not parse.
    pub fn of(url: &str) -> Result<Target, String> {
        let not_loopback = || "not a loopback http:// handler".to_owned();
        if !is_loopback_http(url) {
            return Err(not_loopback());
        }
        let url = Url::parse(url).map_err(|e| e.to_string())?;
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(Host::Domain(name)) if name.eq_ignore_ascii_case("localhost") => {
                IpAddr::V4(Ipv4Addr::LOCALHOST)
            }
            _ => return Err(not_loopback()),
        };
        // Checked again on the parsed host: the address connected to is loopback, always.
        if !ip.is_loopback() {
            return Err(not_loopback());
        }
        Ok(Target {
            address: SocketAddr::new(ip, url.port_or_known_default().unwrap_or(80)),
            host: url[Position::BeforeHost..Position::AfterPort].to_owned(),
            path: url[Position::BeforePath..Position::AfterQuery].to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{is_loopback_http, Target};

    #[test]
    fn only_loopback_handlers() {
        assert!(is_loopback_http("http://127.0.0.1:9000/hook"));
        assert!(is_loopback_http("http://localhost/hook"));
        assert!(is_loopback_http("http://[::1]:80/"));
        assert!(!is_loopback_http("https://127.0.0.1/hook"));
        assert!(!is_loopback_http("http://example.com/hook"));
        assert!(!is_loopback_http("http://127.0.0.1.example.com/"));
        assert!(!is_loopback_http("http://user@10.0.0.1/"));
    }

    #[test]
    fn targets_of_handler_urls() {
        let t = Target::of("http://localhost:9000/hook?x=1#part").unwrap();
        assert_eq!(t.address, "127.0.0.1:9000".parse().unwrap());
        assert_eq!(
            (t.host.as_str(), t.path.as_str()),
            ("localhost:9000", "/hook?x=1")
        );
        let t = Target::of("http://[::1]").unwrap();
        assert_eq!(t.address, "[::1]:80".parse().unwrap());
        assert_eq!((t.host.as_str(), t.path.as_str()), ("[::1]", "/"));
        assert!(Target::of("http://example.com/hook").is_err());
        assert!(Target::of("http://127.0.0.1:8080.example.com/").is_err());
    }
}
