//! Reading an endpoint's deliveries.

use orderflow_domain::webhooks::DeliveryState;

use super::{WebhookError, Webhooks};
use crate::listing::{Page, PageRequest};
use crate::ports::{WebhookDelivery, WebhookDeliveryId, WebhookId};

impl Webhooks {
    /// Newest first, in `status` if given; the endpoint must exist.
    pub fn deliveries(
        &self,
        endpoint: WebhookId,
        status: Option<DeliveryState>,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>, WebhookError> {
        self.get(endpoint)?;
        Ok(self.store.deliveries(endpoint, status, page)?.in_range()?)
    }

    /// One delivery with the exact body sent.
    pub fn delivery(
        &self,
        endpoint: WebhookId,
        id: WebhookDeliveryId,
    ) -> Result<WebhookDelivery, WebhookError> {
        self.store
            .delivery(endpoint, id)?
            .ok_or(WebhookError::DeliveryNotFound)
    }
}
