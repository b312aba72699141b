//! The `data` of webhook bodies: the order or product rendered by the same types, and so the same JSON, as the
//! API's own answers.

use std::sync::Arc;

use orderflow_application::ports::{
    CatalogueQueries, OrderQueries, RepositoryError, WebhookPayloads,
};
use orderflow_domain::catalogue::ProductId;
use orderflow_domain::ordering::OrderId;

use crate::dto::{OrderBody, ProductBody};
use crate::media::MediaUrls;

pub struct ApiPayloads {
    orders: Arc<dyn OrderQueries>,
    catalogue: Arc<dyn CatalogueQueries>,
    media: MediaUrls,
}

impl ApiPayloads {
    /// `public_base`: the service's public address (`PUBLIC_BASE_URL`, no trailing slash) for absolute image
    /// URLs; with none there is no request to take it from, and image URLs are relative (`/media/...`).
    pub fn new(
        orders: Arc<dyn OrderQueries>,
        catalogue: Arc<dyn CatalogueQueries>,
        public_base: Option<&str>,
    ) -> Self {
        Self {
            orders,
            catalogue,
            media: MediaUrls::for_base(public_base.unwrap_or_default()),
        }
    }
}

fn json(value: &impl serde::Serialize) -> Result<String, RepositoryError> {
    serde_json::to_string(value)
        .map_err(|e| RepositoryError::Failed(format!("rendering a webhook body: {e}")))
}

impl WebhookPayloads for ApiPayloads {
    fn order(&self, id: OrderId) -> Result<Option<String>, RepositoryError> {
        self.orders
            .order(id)?
            .map(|view| json(&OrderBody::from(view)))
            .transpose()
    }

    fn product(&self, id: ProductId) -> Result<Option<String>, RepositoryError> {
        self.catalogue
            .product(id)?
            .map(|details| json(&ProductBody::new(details, &self.media)))
            .transpose()
    }
}
