use std::time::Duration;

use orderflow_domain::notifications::RetryPolicy;
use orderflow_domain::webhooks::UrlRules;

/// What the operator configured for webhooks (`WEBHOOK_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookSettings {
    /// `http` URLs as well as `https` (`WEBHOOK_ALLOW_HTTP`).
    pub allow_http: bool,
    /// Destinations resolving to loopback, private, link-local... addresses (`WEBHOOK_ALLOW_PRIVATE`).
    pub allow_private: bool,
    /// Attempts and backoff (`WEBHOOK_MAX_ATTEMPTS`, `WEBHOOK_RETRY_BASE_MS`).
    pub retry: RetryPolicy,
    /// Deliveries claimed per round.
    pub batch_size: u32,
    /// How long a claim lasts: longer than a request can take (`WEBHOOK_TIMEOUT_SECONDS`), so a live worker
    /// never loses a delivery to another.
    pub lease: Duration,
}

impl WebhookSettings {
    pub fn url_rules(&self) -> UrlRules {
        UrlRules {
            allow_http: self.allow_http,
        }
    }
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_http: false,
            allow_private: false,
            retry: RetryPolicy {
                max_attempts: 8,
                base_delay: Duration::from_secs(30),
                max_delay: Duration::from_secs(6 * 3600),
            },
            batch_size: 20,
            lease: Duration::from_secs(60),
        }
    }
}
