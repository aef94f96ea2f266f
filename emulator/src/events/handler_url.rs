//! Handler URLs: the emulator binds and posts to `http://` handlers on a loopback address only,
//! so a test run never sends events (which carry tokens) off the machine.

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
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback_http;

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
}
