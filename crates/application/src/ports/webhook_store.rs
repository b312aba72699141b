//! Webhook endpoints and their deliveries, as admins manage and read them.

use chrono::{DateTime, Utc};
use orderflow_domain::webhooks::{DeliveryState, EventSelection, WebhookSecret};
use uuid::Uuid;

use super::RepositoryError;
use crate::listing::{Page, PageRequest};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WebhookId(pub Uuid);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WebhookDeliveryId(pub Uuid);

/// An endpoint as stored; its secrets are not part of it (they are read by the delivery workers only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    pub id: WebhookId,
    pub url: String,
    pub events: EventSelection,
    pub description: String,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A checked endpoint to store, with its first secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewWebhookEndpoint {
    pub id: WebhookId,
    pub url: String,
    pub events: EventSelection,
    pub description: String,
    pub secret: WebhookSecret,
}

/// Checked changes to an endpoint; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointChanges {
    pub url: Option<String>,
    pub events: Option<EventSelection>,
    pub description: Option<String>,
    pub is_active: Option<bool>,
}

/// One delivery (one event to one endpoint) and how its attempts went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub id: WebhookDeliveryId,
    pub endpoint_id: WebhookId,
    pub event_type: String,
    pub status: DeliveryState,
    pub attempts: u32,
    pub last_status_code: Option<u16>,
    /// Empty when there was none.
    pub last_error: String,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The exact body sent (`None` until the first attempt made it).
    pub body: Option<String>,
}

/// The webhook queue at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WebhookQueueFigures {
    pub pending: u64,
    pub failed: u64,
    pub sent: u64,
    /// When the oldest pending delivery's change happened.
    pub oldest_pending_since: Option<DateTime<Utc>>,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait WebhookStore: Send + Sync {
    fn create(
        &self,
        endpoint: &NewWebhookEndpoint,
        now: DateTime<Utc>,
    ) -> Result<WebhookEndpoint, RepositoryError>;

    /// Newest first.
    fn endpoints(&self, page: PageRequest) -> Result<Page<WebhookEndpoint>, RepositoryError>;

    fn endpoint(&self, id: WebhookId) -> Result<Option<WebhookEndpoint>, RepositoryError>;

    /// `None` if there is no such endpoint.
    fn update(
        &self,
        id: WebhookId,
        changes: &EndpointChanges,
        now: DateTime<Utc>,
    ) -> Result<Option<WebhookEndpoint>, RepositoryError>;

    /// Deletes the endpoint and its deliveries; `false` if there was none.
    fn delete(&self, id: WebhookId) -> Result<bool, RepositoryError>;

    /// Makes `secret` the endpoint's secret; the one it replaces keeps signing too until `previous_until`.
    /// `false` if there is no such endpoint.
    fn rotate_secret(
        &self,
        id: WebhookId,
        secret: &WebhookSecret,
        previous_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, RepositoryError>;

    /// Queues a `webhook.test` delivery of `body` to the endpoint, due now. `None` if there is no such endpoint.
    fn queue_test(
        &self,
        id: WebhookId,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<WebhookDeliveryId>, RepositoryError>;

    /// The endpoint's deliveries, newest first, in `status` if given (without their bodies).
    fn deliveries(
        &self,
        endpoint: WebhookId,
        status: Option<DeliveryState>,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>, RepositoryError>;

    /// One of the endpoint's deliveries, with its body.
    fn delivery(
        &self,
        endpoint: WebhookId,
        id: WebhookDeliveryId,
    ) -> Result<Option<WebhookDelivery>, RepositoryError>;

    /// Puts a `failed` delivery of the endpoint back to `pending`, due now, with its attempts reset (same
    /// message id and body). `false` if it is not a failed delivery of that endpoint.
    fn requeue_failed(
        &self,
        endpoint: WebhookId,
        id: WebhookDeliveryId,
        now: DateTime<Utc>,
    ) -> Result<bool, RepositoryError>;

    /// Deliveries by status, and the oldest pending one's time.
    fn figures(&self) -> Result<WebhookQueueFigures, RepositoryError>;
}
