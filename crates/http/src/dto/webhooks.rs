use chrono::{DateTime, Utc};
use orderflow_application::ports::{WebhookDelivery, WebhookEndpoint};
use orderflow_application::webhooks::CreatedWebhook;
use paperclip::actix::Apiv2Schema;
use serde::Serialize;

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "Webhook")]
pub struct WebhookBody {
    pub id: uuid::Uuid,
    pub url: String,
    /// Event names (`order.created`, `order.status_changed`, `order.paid`, `order.cancelled`,
    /// `product.low_stock`), or `["*"]` for all.
    pub events: Vec<String>,
    pub description: String,
    /// Deliveries of an inactive endpoint wait until it is active again.
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<WebhookEndpoint> for WebhookBody {
    fn from(endpoint: WebhookEndpoint) -> Self {
        Self {
            id: endpoint.id.0,
            url: endpoint.url,
            events: endpoint
                .events
                .names()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            description: endpoint.description,
            is_active: endpoint.is_active,
            created_at: endpoint.created_at,
            updated_at: endpoint.updated_at,
        }
    }
}

/// A new endpoint with its secret: the only answer, with the rotation's, that shows a secret.
#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "CreatedWebhook")]
pub struct CreatedWebhookBody {
    #[serde(flatten)]
    pub webhook: WebhookBody,
    /// `whsec_` + base64 of 32 random bytes: the key receivers verify signatures with. Shown once.
    pub secret: String,
}

impl From<CreatedWebhook> for CreatedWebhookBody {
    fn from(created: CreatedWebhook) -> Self {
        Self {
            webhook: created.endpoint.into(),
            secret: created.secret.expose(),
        }
    }
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "WebhookSecret")]
pub struct WebhookSecretBody {
    /// The new secret. The previous one keeps signing too (a second signature) for 24 hours.
    pub secret: String,
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "WebhookDelivery")]
pub struct WebhookDeliveryBody {
    pub id: uuid::Uuid,
    pub event_type: String,
    /// `pending` (waiting, being sent, or waiting for a retry), `sent` or `failed` (every attempt failed).
    pub status: String,
    pub attempts: u32,
    /// The HTTP status of the last answer, if one came.
    pub last_status_code: Option<u16>,
    /// The last failure (with the start of the receiver's answer), if any.
    pub last_error: Option<String>,
    /// When the next attempt is due (`null` once sent or failed).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<WebhookDelivery> for WebhookDeliveryBody {
    fn from(delivery: WebhookDelivery) -> Self {
        Self {
            id: delivery.id.0,
            event_type: delivery.event_type,
            status: delivery.status.as_str().to_owned(),
            attempts: delivery.attempts,
            last_status_code: delivery.last_status_code,
            last_error: Some(delivery.last_error).filter(|error| !error.is_empty()),
            next_attempt_at: delivery.next_attempt_at,
            created_at: delivery.created_at,
            delivered_at: delivery.delivered_at,
        }
    }
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "WebhookDeliveryDetail")]
pub struct WebhookDeliveryDetailBody {
    #[serde(flatten)]
    pub delivery: WebhookDeliveryBody,
    /// The exact body sent (`null` until the first attempt).
    pub body: Option<String>,
}

impl From<WebhookDelivery> for WebhookDeliveryDetailBody {
    fn from(mut delivery: WebhookDelivery) -> Self {
        let body = delivery.body.take();
        Self {
            delivery: delivery.into(),
            body,
        }
    }
}
