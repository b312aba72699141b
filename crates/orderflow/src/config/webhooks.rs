//! The webhook variables (`WEBHOOK_*`): which destinations are allowed, and how deliveries are retried.

use std::time::Duration;

use orderflow_application::webhooks::WebhookSettings;
use orderflow_domain::notifications::RetryPolicy;

use super::{ConfigError, Vars};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhooksConfig {
    pub settings: WebhookSettings,
    /// The whole request, answer included (`WEBHOOK_TIMEOUT_SECONDS`).
    pub timeout: Duration,
}

impl Vars<'_> {
    pub(super) fn webhooks(&self) -> Result<WebhooksConfig, ConfigError> {
        let timeout = Duration::from_secs(self.parsed(
            "WEBHOOK_TIMEOUT_SECONDS",
            10,
            "a number of seconds (1-120)",
            |n: &u64| (1..=120).contains(n),
        )?);
        let max_attempts = self.parsed(
            "WEBHOOK_MAX_ATTEMPTS",
            8,
            "a number of attempts (1-100)",
            |n: &u32| (1..=100).contains(n),
        )?;
        let base_delay = Duration::from_millis(self.parsed(
            "WEBHOOK_RETRY_BASE_MS",
            30_000,
            "milliseconds (0-86400000)",
            |n: &u64| *n <= 86_400_000,
        )?);
        let max_delay = Duration::from_millis(self.parsed(
            "WEBHOOK_RETRY_MAX_MS",
            21_600_000,
            "milliseconds (0-604800000)",
            |n: &u64| *n <= 604_800_000,
        )?);
        Ok(WebhooksConfig {
            settings: WebhookSettings {
                allow_http: self.switch("WEBHOOK_ALLOW_HTTP", false)?,
                allow_private: self.switch("WEBHOOK_ALLOW_PRIVATE", false)?,
                retry: RetryPolicy {
                    max_attempts,
                    base_delay,
                    max_delay: max_delay.max(base_delay),
                },
                batch_size: WebhookSettings::default().batch_size,
                lease: WebhookSettings::lease_for(timeout),
            },
            timeout,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::Config;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_are_https_only_public_only_ten_seconds_and_eight_attempts() {
        let webhooks = config(&[]).unwrap().webhooks;
        assert!(!webhooks.settings.allow_http && !webhooks.settings.allow_private);
        assert_eq!(webhooks.timeout, Duration::from_secs(10));
        assert_eq!(webhooks.settings.retry.max_attempts, 8);
        assert_eq!(webhooks.settings.retry.base_delay, Duration::from_secs(30));
        assert!(
            webhooks.settings.lease > webhooks.timeout * (webhooks.settings.batch_size + 1),
            "a batch at its timeout stays within its lease"
        );
    }

    #[test]
    fn variables_are_read_and_bad_values_named() {
        let webhooks = config(&[
            ("WEBHOOK_ALLOW_HTTP", "true"),
            ("WEBHOOK_ALLOW_PRIVATE", "on"),
            ("WEBHOOK_RETRY_BASE_MS", "200"),
            ("WEBHOOK_MAX_ATTEMPTS", "3"),
            ("WEBHOOK_TIMEOUT_SECONDS", "2"),
        ])
        .unwrap()
        .webhooks;
        assert!(webhooks.settings.allow_http && webhooks.settings.allow_private);
        assert_eq!(
            webhooks.settings.retry.base_delay,
            Duration::from_millis(200)
        );
        assert_eq!(webhooks.settings.retry.max_attempts, 3);
        assert_eq!(webhooks.timeout, Duration::from_secs(2));
        let error = config(&[("WEBHOOK_MAX_ATTEMPTS", "0")]).unwrap_err();
        assert_eq!(error.variable, "WEBHOOK_MAX_ATTEMPTS");
        let error = config(&[("WEBHOOK_ALLOW_PRIVATE", "maybe")]).unwrap_err();
        assert_eq!(error.variable, "WEBHOOK_ALLOW_PRIVATE");
    }
}
