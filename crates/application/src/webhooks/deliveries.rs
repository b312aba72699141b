//! Reading an endpoint's deliveries.

use orderflow_domain::webhooks::DeliveryState;

use super::{WebhookDeliveryError, Webhooks};
use crate::listing::{Page, PageRequest};
use crate::ports::{WebhookDelivery, WebhookDeliveryId, WebhookId};

impl Webhooks {
    /// Newest first, in `status` if given; the endpoint must exist.
    pub fn deliveries(
        &self,
        endpoint: WebhookId,
        status: Option<DeliveryState>,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>, WebhookDeliveryError> {
        self.store
            .endpoint(endpoint)?
            .ok_or(WebhookDeliveryError::NotFound)?;
        Ok(self.store.deliveries(endpoint, status, page)?.in_range()?)
    }

    /// One delivery with the exact body sent.
    pub fn delivery(
        &self,
        endpoint: WebhookId,
        id: WebhookDeliveryId,
    ) -> Result<WebhookDelivery, WebhookDeliveryError> {
        self.store
            .delivery(endpoint, id)?
            .ok_or(WebhookDeliveryError::DeliveryNotFound)
    }
}
