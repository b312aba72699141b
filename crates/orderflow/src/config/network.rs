//! Where the service is reached from: its public address, and the proxies in front of it.

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
}
