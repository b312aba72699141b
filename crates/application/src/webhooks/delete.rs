//! An admin removes an endpoint; its deliveries go with it.

use super::{WebhookError, Webhooks};
use crate::ports::WebhookId;

impl Webhooks {
    pub fn delete(&self, id: WebhookId) -> Result<(), WebhookError> {
        if self.store.delete(id)? {
            Ok(())
        } else {
            Err(WebhookError::NotFound)
        }
    }
}
