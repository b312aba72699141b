//! Rows as SQL returns them, and their conversion to the ports' types.

use chrono::{DateTime, Utc};
use diesel::sql_types::{
    Array, BigInt, Bool, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel::QueryableByName;
use orderflow_application::ports::{
    WebhookDelivery, WebhookDeliveryId, WebhookEndpoint, WebhookId,
};
use orderflow_domain::webhooks::{self, DeliveryState, EventSelection};
use uuid::Uuid;

use crate::error::corrupt_row;
use crate::RepositoryError;

pub(super) const ENDPOINT_COLUMNS: &str =
    "id, url, events, description, is_active, created_at, updated_at";

#[derive(QueryableByName)]
pub(super) struct EndpointRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = Array<Text>)]
    events: Vec<String>,
    #[diesel(sql_type = Text)]
    description: String,
    #[diesel(sql_type = Bool)]
    is_active: bool,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    updated_at: DateTime<Utc>,
}

impl EndpointRow {
    pub(super) fn into_endpoint(self) -> Result<WebhookEndpoint, RepositoryError> {
        Ok(WebhookEndpoint {
            id: WebhookId(self.id),
            url: self.url,
            events: webhooks::events(&self.events)
                .map_err(|e| corrupt_row("webhook endpoint events", e))?,
            description: self.description,
            is_active: self.is_active,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// The names stored for a selection.
pub(super) fn event_names(events: &EventSelection) -> Vec<String> {
    events.names().into_iter().map(str::to_owned).collect()
}

pub(super) const DELIVERY_COLUMNS: &str = "id, endpoint_id, event_type, status, attempts, \
     last_status_code, last_error, next_attempt_at, created_at, delivered_at";

#[derive(QueryableByName)]
pub(super) struct DeliveryRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    endpoint_id: Uuid,
    #[diesel(sql_type = Text)]
    event_type: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = Nullable<Integer>)]
    last_status_code: Option<i32>,
    #[diesel(sql_type = Text)]
    last_error: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    next_attempt_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    delivered_at: Option<DateTime<Utc>>,
}

impl DeliveryRow {
    pub(super) fn into_delivery(
        self,
        body: Option<String>,
    ) -> Result<WebhookDelivery, RepositoryError> {
        Ok(WebhookDelivery {
            id: WebhookDeliveryId(self.id),
            endpoint_id: WebhookId(self.endpoint_id),
            event_type: self.event_type,
            status: self
                .status
                .parse::<DeliveryState>()
                .map_err(|e| corrupt_row("webhook delivery status", e))?,
            attempts: u32::try_from(self.attempts).unwrap_or_default(),
            last_status_code: self.last_status_code.and_then(|c| u16::try_from(c).ok()),
            last_error: self.last_error,
            next_attempt_at: self.next_attempt_at,
            created_at: self.created_at,
            delivered_at: self.delivered_at,
            body,
        })
    }
}

#[derive(QueryableByName)]
pub(super) struct Count {
    #[diesel(sql_type = BigInt)]
    pub(super) count: i64,
}
