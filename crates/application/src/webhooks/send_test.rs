//! An admin asks for a test delivery to one endpoint (`webhook.test`), delivered like any other.

use super::body::test_body;
use super::{ManageWebhookError, Webhooks};
use crate::ports::{WebhookDeliveryId, WebhookId};

impl Webhooks {
    pub fn send_test(&self, id: WebhookId) -> Result<WebhookDeliveryId, ManageWebhookError> {
        let now = self.clock.now();
        self.store
            .queue_test(id, &test_body(id.0, now), now)?
            .ok_or(ManageWebhookError::NotFound)
    }
}
