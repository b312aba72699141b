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
    /// How long a claim lasts (see [`WebhookSettings::lease_for`]).
    pub lease: Duration,
}

/// Deliveries a worker claims at a time: few, since each may take the whole timeout (a receiver that hangs), and
/// the last of a batch must still be in its lease when its turn comes.
const BATCH_SIZE: u32 = 5;

impl WebhookSettings {
    /// The lease for deliveries that may each take `timeout`: a whole batch of them at their timeout, and two
    /// more for name resolution and recording, so that a live worker never loses a claimed delivery to another
    /// (which would send it twice). A dead worker's deliveries are due again when it ends.
    pub fn lease_for(timeout: Duration) -> Duration {
        timeout * (BATCH_SIZE + 2)
    }

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
            batch_size: BATCH_SIZE,
            lease: Self::lease_for(Duration::from_secs(10)),
        }
    }
}
