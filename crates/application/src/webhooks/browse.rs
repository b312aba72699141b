//! Reading endpoints (never their secrets).

use super::{ManageWebhookError, Webhooks};
use crate::listing::{Page, PageRequest};
use crate::ports::{WebhookEndpoint, WebhookId};

impl Webhooks {
    pub fn list(&self, page: PageRequest) -> Result<Page<WebhookEndpoint>, ManageWebhookError> {
        Ok(self.store.endpoints(page)?.in_range()?)
    }

    pub fn get(&self, id: WebhookId) -> Result<WebhookEndpoint, ManageWebhookError> {
        self.store.endpoint(id)?.ok_or(ManageWebhookError::NotFound)
    }
}
