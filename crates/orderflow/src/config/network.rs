//! Where the service is reached from: its public address, the proxies in front of it, and the metrics' listener.

use super::{ConfigError, Vars};

impl Vars<'_> {
    /// `PUBLIC_BASE_URL`: `https://shop.example.com` (a path prefix such as `/orderflow` is kept); no query,
    /// fragment or credentials.
    pub(super) fn public_base_url(&self) -> Result<Option<url::Url>, ConfigError> {
        let Some(raw) = self.get("PUBLIC_BASE_URL") else {
            return Ok(None);
        };
        let invalid = |problem: &str| ConfigError {
            variable: "PUBLIC_BASE_URL",
            value: raw.clone(),
            problem: problem.to_owned(),
        };
        let url = url::Url::parse(&raw)
            .map_err(|_| invalid("expected an absolute URL such as https://shop.example.com"))?;
        if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
            return Err(invalid("expected an http:// or https:// URL with a host"));
        }
        if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
            return Err(invalid("expected no query, fragment or credentials"));
        }
        Ok(Some(url))
    }

    /// `TRUSTED_PROXIES`: comma-separated addresses or CIDR blocks (`10.0.0.0/8, ::1`).
    pub(super) fn trusted_proxies(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        let Some(raw) = self.get("TRUSTED_PROXIES") else {
            return Ok(Vec::new());
        };
        raw.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse::<ipnet::IpNet>()
                    .or_else(|_| part.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| ConfigError {
                        variable: "TRUSTED_PROXIES",
                        value: raw.clone(),
                        problem: format!(
                            "{part:?} is not an IP address or CIDR block (such as 10.0.0.0/8)"
                        ),
                    })
            })
            .collect()
    }

    /// `METRICS_ADDR`: `127.0.0.1:9100` serves `/metrics` there, on a listener of its own, instead of beside the
    /// API. Unset: on HOST:PORT.
    pub(super) fn metrics_addr(&self) -> Result<Option<std::net::SocketAddr>, ConfigError> {
        let Some(raw) = self.get("METRICS_ADDR") else {
            return Ok(None);
        };
        raw.parse().map(Some).map_err(|_| ConfigError {
            variable: "METRICS_ADDR",
            value: raw.clone(),
            problem: "expected an address and port such as 127.0.0.1:9100 or [::1]:9100".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::config;

    #[test]
    fn the_public_base_url_is_an_http_origin() {
        let config_with = |value| config(&[("PUBLIC_BASE_URL", value)]);
        assert_eq!(
            config_with("https://shop.example.com")
                .unwrap()
                .public_base_url
                .unwrap()
                .as_str(),
            "https://shop.example.com/"
        );
        for bad in [
            "shop.example.com",
            "ftp://shop.example.com",
            "https://shop.example.com/?a=1",
            "https://user:pw@shop.example.com",
        ] {
            assert_eq!(
                config_with(bad).unwrap_err().variable,
                "PUBLIC_BASE_URL",
                "{bad}"
            );
        }
    }

    #[test]
    fn trusted_proxies_are_addresses_or_blocks() {
        let proxies = config(&[("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,::1")])
            .unwrap()
            .trusted_proxies;
        let shown: Vec<String> = proxies.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.0/8", "127.0.0.1/32", "::1/128"]);
        let error = config(&[("TRUSTED_PROXIES", "10.0.0.0/8,proxy.local")]).unwrap_err();
        assert_eq!(error.variable, "TRUSTED_PROXIES");
        assert!(error.to_string().contains("proxy.local"), "{error}");
    }

    #[test]
    fn metrics_are_served_beside_the_api_unless_an_address_of_their_own_is_given() {
        assert_eq!(config(&[]).unwrap().metrics_addr, None);
        let address = config(&[("METRICS_ADDR", "0.0.0.0:9100")])
            .unwrap()
            .metrics_addr
            .unwrap();
        assert_eq!(address.to_string(), "0.0.0.0:9100");
        for bad in ["9100", "localhost:9100", "127.0.0.1"] {
            let error = config(&[("METRICS_ADDR", bad)]).unwrap_err();
            assert_eq!(error.variable, "METRICS_ADDR", "{bad}");
        }
    }
}
