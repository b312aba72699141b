//! The `data` of webhook bodies: the order or product rendered by the same types, and so the same JSON, as the
//! API's own answers; an order as it was when its event happened.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use orderflow_application::ports::{
    CatalogueQueries, OrderQueries, OrderView, RepositoryError, WebhookPayloads,
};
use orderflow_domain::catalogue::ProductId;
use orderflow_domain::identity::PhoneNumber;
use orderflow_domain::ordering::{
    DeliveryDetails, Order, OrderId, OrderStatus, Payment, StoredOrder,
};

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
        .map_err(|e| RepositoryError::Failed(format!("rendering a webhook body: {e}").into()))
}

/// An order's changing fields as the `webhooks` migration records them with an event.
#[derive(serde::Deserialize)]
struct RecordedState {
    status: String,
    is_paid: bool,
    payment_method: String,
    payment_reference: String,
    shipping_address: String,
    billing_address: String,
    phone_number: String,
    notes: String,
    updated_at: DateTime<Utc>,
}

/// The order as it was when the event happened: its recorded changing fields put back over the present ones
/// (nothing else of an order changes after its placement), so that every derived field follows.
fn as_it_was(view: &mut OrderView, state: &str) -> Result<(), RepositoryError> {
    let corrupt = |e: &dyn std::fmt::Display| {
        RepositoryError::Failed(format!("a webhook delivery's recorded order state: {e}").into())
    };
    let recorded: RecordedState = serde_json::from_str(state).map_err(|e| corrupt(&e))?;
    let now = &view.order;
    view.order = Order::restore(StoredOrder {
        id: now.id,
        number: now.number.clone(),
        customer_id: now.customer_id,
        status: recorded
            .status
            .parse::<OrderStatus>()
            .map_err(|e| corrupt(&e))?,
        total_amount: now.total_amount(),
        details: DeliveryDetails {
            shipping_address: recorded.shipping_address,
            billing_address: recorded.billing_address,
            // Empty: the owner's profile phone is used (as the column says).
            phone_number: Some(recorded.phone_number.as_str())
                .filter(|raw| !raw.is_empty())
                .map(PhoneNumber::parse)
                .transpose()
                .map_err(|e| corrupt(&e))?,
            notes: recorded.notes,
        },
        payment: Payment {
            is_paid: recorded.is_paid,
            method: recorded.payment_method,
            reference: recorded.payment_reference,
        },
        created_at: now.created_at,
        updated_at: recorded.updated_at,
        items: now.items().to_vec(),
    });
    Ok(())
}

impl WebhookPayloads for ApiPayloads {
    fn order(&self, id: OrderId, state: Option<&str>) -> Result<Option<String>, RepositoryError> {
        let Some(mut view) = self.orders.order(id)? else {
            return Ok(None);
        };
        if let Some(state) = state {
            as_it_was(&mut view, state)?;
        }
        json(&OrderBody::from(view)).map(Some)
    }

    fn product(&self, id: ProductId) -> Result<Option<String>, RepositoryError> {
        self.catalogue
            .product(id)?
            .map(|details| json(&ProductBody::new(details, &self.media)))
            .transpose()
    }
}
