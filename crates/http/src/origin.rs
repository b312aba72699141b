//! Where a request came from, and under which address the service is reached: the base of every absolute URL
//! the API writes (pagination links, image URLs), the scheme that decides a cookie's `Secure` flag, and the
//! client address the login throttle counts.
//!
//! Any client can send `Host`, `X-Forwarded-Host`, `X-Forwarded-Proto` and `X-Forwarded-For`. With
//! `PUBLIC_BASE_URL` set, URLs start with it whatever the headers say. The forwarded headers are believed only
//! when the connection comes from a proxy listed in `TRUSTED_PROXIES`; from anyone else they are ignored.

use std::net::IpAddr;
use std::str::FromStr;

use actix_web::http::header::HOST;
use actix_web::http::uri::Authority;
use actix_web::web::Data;
use actix_web::HttpRequest;

use crate::state::AppState;

/// How the service is addressed from outside, from the configuration.
#[derive(Debug, Clone, Default)]
pub struct PublicOrigin {
    /// `https://shop.example.com` (a path prefix kept, no trailing slash); `None`: from the request.
    pub base_url: Option<url::Url>,
    /// Proxies whose `X-Forwarded-*` headers are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// One request's view of [`PublicOrigin`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOrigin {
    /// `https://shop.example.com` or `http://127.0.0.1:8000`, with any path prefix, without a trailing slash.
    pub base: String,
    /// Whether clients reach the service over TLS.
    pub secure: bool,
    /// The client's address: the peer's, or the one a trusted proxy forwarded.
    pub client_ip: Option<IpAddr>,
}

const FORWARDED_FOR: &str = "x-forwarded-for";
const FORWARDED_PROTO: &str = "x-forwarded-proto";
const FORWARDED_HOST: &str = "x-forwarded-host";

impl RequestOrigin {
    /// The origin of `request` under the application's settings.
    pub fn of(request: &HttpRequest) -> Self {
        match request.app_data::<Data<AppState>>() {
            Some(state) => state.settings.origin.resolve(request),
            None => PublicOrigin::default().resolve(request),
        }
    }
}

impl PublicOrigin {
    pub fn resolve(&self, request: &HttpRequest) -> RequestOrigin {
        let peer = request.peer_addr().map(|address| address.ip());
        let from_proxy = peer.is_some_and(|ip| self.is_trusted(ip));
        let client_ip = if from_proxy {
            self.forwarded_client(request).or(peer)
        } else {
            peer
        };
        if let Some(url) = &self.base_url {
            return RequestOrigin {
                base: url.as_str().trim_end_matches('/').to_owned(),
                secure: url.scheme() == "https",
                client_ip,
            };
        }
        let forwarded = |name: &str| {
            from_proxy
                .then(|| header_text(request, name))
                .flatten()
                .and_then(|value| value.split(',').next().map(str::trim))
                .filter(|value| !value.is_empty())
        };
        let scheme = match forwarded(FORWARDED_PROTO).map(str::to_ascii_lowercase) {
            Some(scheme) if scheme == "https" || scheme == "http" => scheme,
            _ if request.app_config().secure() => "https".to_owned(),
            _ => "http".to_owned(),
        };
        let host = forwarded(FORWARDED_HOST)
            .and_then(valid_host)
            .or_else(|| header_text(request, HOST.as_str()).and_then(valid_host))
            .unwrap_or_else(|| request.app_config().host().to_owned());
        RequestOrigin {
            secure: scheme == "https",
            base: format!("{scheme}://{host}"),
            client_ip,
        }
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.trusted_proxies.iter().any(|net| net.contains(&ip))
    }

    /// The client a chain of trusted proxies forwarded: the right-most address of `X-Forwarded-For` that is not
    /// one of them (each proxy appends the address it saw, so anything left of that was written by the client).
    fn forwarded_client(&self, request: &HttpRequest) -> Option<IpAddr> {
        let mut last = None;
        for header in request.headers().get_all(FORWARDED_FOR).rev() {
            let text = header.to_str().ok()?;
            for part in text.rsplit(',') {
                let ip = parse_forwarded_address(part.trim())?;
                last = Some(ip);
                if !self.is_trusted(ip) {
                    return Some(ip);
                }
            }
        }
        last
    }
}

fn header_text<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request.headers().get(name)?.to_str().ok()
}

/// A host and optional port, as `Host` carries them: no path, no credentials, nothing else.
fn valid_host(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let authority = Authority::from_str(raw).ok()?;
    (!raw.contains('@') && !authority.host().is_empty()).then(|| authority.as_str().to_owned())
}

/// `203.0.113.7`, `203.0.113.7:51234`, `2001:db8::1` or `[2001:db8::1]:51234`.
fn parse_forwarded_address(text: &str) -> Option<IpAddr> {
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    text.parse::<std::net::SocketAddr>()
        .ok()
        .map(|address| canonical(address.ip()))
}

/// An IPv4 address as the IPv6 socket of a dual-stack listener reports it (`::ffff:10.0.0.1`) is that IPv4
/// address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn from(peer: &str, headers: &[(&str, &str)]) -> HttpRequest {
        let mut request = TestRequest::get()
            .uri("/api/v1/products/")
            .peer_addr(peer.parse().unwrap());
        for header in headers {
            request = request.insert_header(*header);
        }
        request.to_http_request()
    }

    fn trusting(proxies: &[&str]) -> PublicOrigin {
        PublicOrigin {
            base_url: None,
            trusted_proxies: proxies.iter().map(|p| p.parse().unwrap()).collect(),
        }
    }

    const FORGED: &[(&str, &str)] = &[
        ("host", "shop.example:8000"),
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "https"),
        ("x-forwarded-for", "198.51.100.9"),
    ];

    #[test]
    fn forwarded_headers_from_an_untrusted_peer_are_ignored() {
        let origin = PublicOrigin::default().resolve(&from("203.0.113.5:4000", FORGED));
        assert_eq!(origin.base, "http://shop.example:8000");
        assert!(!origin.secure);
        assert_eq!(origin.client_ip, Some("203.0.113.5".parse().unwrap()));
    }

    #[test]
    fn a_trusted_proxy_tells_scheme_host_and_client() {
        let origin = trusting(&["10.0.0.0/8"]).resolve(&from("10.1.2.3:4000", FORGED));
        assert_eq!(origin.base, "https://evil.example");
        assert!(origin.secure);
        assert_eq!(origin.client_ip, Some("198.51.100.9".parse().unwrap()));
    }

    #[test]
    fn the_public_base_url_wins_over_every_header() {
        let origin = PublicOrigin {
            base_url: Some("https://shop.example.com/store/".parse().unwrap()),
            trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
        }
        .resolve(&from("10.1.2.3:4000", FORGED));
        assert_eq!(origin.base, "https://shop.example.com/store");
        assert!(origin.secure);
        assert_eq!(origin.client_ip, Some("198.51.100.9".parse().unwrap()));
    }

    #[test]
    fn the_client_is_the_rightmost_address_no_trusted_proxy_wrote() {
        // The client itself wrote 1.1.1.1; the outer proxy (10.0.0.2) saw 198.51.100.9 and appended it.
        let request = from(
            "10.0.0.1:4000",
            &[("x-forwarded-for", "1.1.1.1, 198.51.100.9, 10.0.0.2")],
        );
        let origin = trusting(&["10.0.0.0/8"]).resolve(&request);
        assert_eq!(origin.client_ip, Some("198.51.100.9".parse().unwrap()));
        let garbage = from("10.0.0.1:4000", &[("x-forwarded-for", "not-an-ip")]);
        assert_eq!(
            trusting(&["10.0.0.0/8"]).resolve(&garbage).client_ip,
            Some("10.0.0.1".parse().unwrap()),
            "an unreadable chain falls back to the peer"
        );
    }

    #[test]
    fn a_host_header_that_is_not_a_host_is_not_used() {
        for bad in ["evil.example/path", "user@evil.example", "a b"] {
            let origin =
                PublicOrigin::default().resolve(&from("203.0.113.5:4000", &[("host", bad)]));
            assert!(!origin.base.contains("evil"), "{bad}: {}", origin.base);
        }
    }

    #[test]
    fn mapped_ipv4_peers_match_ipv4_blocks() {
        let origin = trusting(&["127.0.0.1/32"]).resolve(&from(
            "[::ffff:127.0.0.1]:4000",
            &[("x-forwarded-for", "198.51.100.9")],
        ));
        assert_eq!(origin.client_ip, Some("198.51.100.9".parse().unwrap()));
    }
}
