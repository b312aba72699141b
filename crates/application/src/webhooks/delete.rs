//! An admin removes an endpoint; its deliveries go with it.

use super::{ManageWebhookError, Webhooks};
use crate::ports::WebhookId;

impl Webhooks {
    pub fn delete(&self, id: WebhookId) -> Result<(), ManageWebhookError> {
        if self.store.delete(id)? {
            Ok(())
        } else {
            Err(ManageWebhookError::NotFound)
        }
    }
}
