//! The OpenID Connect variables: all unset means OIDC is off (its routes answer 503).

use std::time::Duration;

use orderflow_oidc::OidcSettings;

use super::{ConfigError, Vars};

pub const DEFAULT_SCOPES: &str = "openid email profile phone";

impl Vars<'_> {
    pub(super) fn oidc(&self) -> Result<Option<OidcSettings>, ConfigError> {
        let Some(issuer_url) = self.get("OIDC_ISSUER_URL") else {
            return Ok(None);
        };
        let because = "with OIDC_ISSUER_URL";
        let url = |name: &'static str, raw: String| -> Result<String, ConfigError> {
            match url::Url::parse(&raw) {
                Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(raw),
                _ => Err(ConfigError {
                    variable: name,
                    value: raw,
                    problem: "expected an http(s) URL".into(),
                }),
            }
        };
        let scopes: Vec<String> = self
            .get("OIDC_SCOPES")
            .unwrap_or_else(|| DEFAULT_SCOPES.into())
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if !scopes.iter().any(|s| s == "openid") {
            return Err(ConfigError {
                variable: "OIDC_SCOPES",
                value: scopes.join(" "),
                problem: "expected a list that includes openid".into(),
            });
        }
        Ok(Some(OidcSettings {
            issuer_url: url("OIDC_ISSUER_URL", issuer_url)?,
            client_id: self.required("OIDC_CLIENT_ID", because)?,
            client_secret: self.get("OIDC_CLIENT_SECRET").map(Into::into),
            redirect_url: url(
                "OIDC_REDIRECT_URL",
                self.required("OIDC_REDIRECT_URL", because)?,
            )?,
            scopes,
            timeout: Duration::from_secs(self.parsed(
                "OIDC_TIMEOUT_SECONDS",
                10,
                "a number of seconds (1-120)",
                |n: &u64| (1..=120).contains(n),
            )?),
            key_refresh_spacing: Duration::from_secs(self.parsed(
                "OIDC_KEY_REFRESH_SECONDS",
                10,
                "a number of seconds (0-3600)",
                |n: &u64| *n <= 3600,
            )?),
        }))
    }
}
