//! The webhook queue's figures, for the metrics.

use std::time::Duration;

use super::{WebhookDeliveryError, Webhooks};

/// Deliveries by status, and how long the oldest pending one has waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WebhookFigures {
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    /// `None`: nothing is waiting.
    pub oldest_pending_age: Option<Duration>,
}

impl Webhooks {
    pub fn figures(&self) -> Result<WebhookFigures, WebhookDeliveryError> {
        let figures = self.store.figures()?;
        let now = self.clock.now();
        Ok(WebhookFigures {
            pending: figures.pending,
            sent: figures.sent,
            failed: figures.failed,
            // A change dated a moment ahead (clocks of two machines) has waited no time.
            oldest_pending_age: figures
                .oldest_pending_since
                .map(|since| (now - since).to_std().unwrap_or_default()),
        })
    }
}
