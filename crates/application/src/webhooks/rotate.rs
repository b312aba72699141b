//! An admin replaces an endpoint's secret. The old one keeps signing beside the new one for a while, so that
//! receivers can switch to the new secret without refusing deliveries in between.

use chrono::Duration;
use orderflow_domain::webhooks::WebhookSecret;

use super::{ManageWebhookError, Webhooks};
use crate::ports::WebhookId;

/// How long the replaced secret keeps signing.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);

impl Webhooks {
    /// The new secret, to show once.
    pub fn rotate_secret(&self, id: WebhookId) -> Result<WebhookSecret, ManageWebhookError> {
        let secret = self.secrets.generate();
        let now = self.clock.now();
        if self
            .store
            .rotate_secret(id, &secret, now + ROTATION_OVERLAP, now)?
        {
            Ok(secret)
        } else {
            Err(ManageWebhookError::NotFound)
        }
    }
}
