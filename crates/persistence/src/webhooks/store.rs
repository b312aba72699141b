//! Endpoints and deliveries as admins manage and read them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use orderflow_application::listing::{Page, PageRequest};
use orderflow_application::ports::{
    EndpointChanges, NewWebhookEndpoint, WebhookDelivery, WebhookDeliveryId, WebhookEndpoint,
    WebhookId, WebhookQueueFigures, WebhookStore,
};
use orderflow_domain::webhooks::{DeliveryState, WebhookEvent, WebhookSecret};
use uuid::Uuid;

use super::rows::{
    event_names, Count, DeliveryRow, EndpointRow, DELIVERY_COLUMNS, ENDPOINT_COLUMNS,
};
use crate::error::storage_error;
use crate::listing::read_listing;
use crate::pool::{connection, DbPool};
use crate::RepositoryError;

pub struct PgWebhookStore {
    pool: DbPool,
}

impl PgWebhookStore {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

fn page_bounds(page: PageRequest) -> (i64, i64) {
    let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    (clamp(page.limit()), clamp(page.offset()))
}

/// A page of `rows` converted, with the listing's total.
fn page_of<R, T>(
    count: Count,
    rows: Vec<R>,
    page: PageRequest,
    convert: impl FnMut(R) -> Result<T, RepositoryError>,
) -> Result<Page<T>, RepositoryError> {
    Ok(Page {
        items: rows.into_iter().map(convert).collect::<Result<_, _>>()?,
        total: u64::try_from(count.count).unwrap_or_default(),
        request: page,
    })
}

impl WebhookStore for PgWebhookStore {
    fn create(
        &self,
        endpoint: &NewWebhookEndpoint,
        now: DateTime<Utc>,
    ) -> Result<WebhookEndpoint, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let row: EndpointRow = diesel::sql_query(format!(
            "INSERT INTO webhook_endpoints (id, url, events, description, secret, is_active, created_at, \
                                            updated_at) \
             VALUES ($1, $2, $3, $4, $5, true, $6, $6) RETURNING {ENDPOINT_COLUMNS}"
        ))
        .bind::<SqlUuid, _>(endpoint.id.0)
        .bind::<Text, _>(&endpoint.url)
        .bind::<Array<Text>, _>(event_names(&endpoint.events))
        .bind::<Text, _>(&endpoint.description)
        .bind::<Text, _>(endpoint.secret.expose())
        .bind::<Timestamptz, _>(now)
        .get_result(&mut connection)
        .map_err(storage_error)?;
        row.into_endpoint()
    }

    fn endpoints(&self, page: PageRequest) -> Result<Page<WebhookEndpoint>, RepositoryError> {
        let (limit, offset) = page_bounds(page);
        let (count, rows) = read_listing(&self.pool, |connection| {
            let count: Count = diesel::sql_query("SELECT count(*) AS count FROM webhook_endpoints")
                .get_result(connection)?;
            let rows: Vec<EndpointRow> = diesel::sql_query(format!(
                "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints \
                 ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2"
            ))
            .bind::<BigInt, _>(limit)
            .bind::<BigInt, _>(offset)
            .load(connection)?;
            Ok((count, rows))
        })?;
        page_of(count, rows, page, EndpointRow::into_endpoint)
    }

    fn endpoint(&self, id: WebhookId) -> Result<Option<WebhookEndpoint>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let row: Option<EndpointRow> = diesel::sql_query(format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1"
        ))
        .bind::<SqlUuid, _>(id.0)
        .get_result(&mut connection)
        .optional()
        .map_err(storage_error)?;
        row.map(EndpointRow::into_endpoint).transpose()
    }

    fn update(
        &self,
        id: WebhookId,
        changes: &EndpointChanges,
        now: DateTime<Utc>,
    ) -> Result<Option<WebhookEndpoint>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        // One statement: each field keeps its value where no change is given.
        let row: Option<EndpointRow> = diesel::sql_query(format!(
            "UPDATE webhook_endpoints SET url = coalesce($2, url), events = coalesce($3, events), \
                    description = coalesce($4, description), is_active = coalesce($5, is_active), \
                    updated_at = $6 \
             WHERE id = $1 RETURNING {ENDPOINT_COLUMNS}"
        ))
        .bind::<SqlUuid, _>(id.0)
        .bind::<Nullable<Text>, _>(changes.url.as_deref())
        .bind::<Nullable<Array<Text>>, _>(changes.events.as_ref().map(event_names))
        .bind::<Nullable<Text>, _>(changes.description.as_deref())
        .bind::<Nullable<Bool>, _>(changes.is_active)
        .bind::<Timestamptz, _>(now)
        .get_result(&mut connection)
        .optional()
        .map_err(storage_error)?;
        row.map(EndpointRow::into_endpoint).transpose()
    }

    fn delete(&self, id: WebhookId) -> Result<bool, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let deleted = diesel::sql_query("DELETE FROM webhook_endpoints WHERE id = $1")
            .bind::<SqlUuid, _>(id.0)
            .execute(&mut connection)
            .map_err(storage_error)?;
        Ok(deleted > 0)
    }

    fn rotate_secret(
        &self,
        id: WebhookId,
        secret: &WebhookSecret,
        previous_until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        // The secret being replaced keeps signing until `previous_until`; one replaced before it was overlapping
        // is dropped (two signatures at most).
        let rotated = diesel::sql_query(
            "UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = $3, \
                    secret = $2, updated_at = $4 \
             WHERE id = $1",
        )
        .bind::<SqlUuid, _>(id.0)
        .bind::<Text, _>(secret.expose())
        .bind::<Timestamptz, _>(previous_until)
        .bind::<Timestamptz, _>(now)
        .execute(&mut connection)
        .map_err(storage_error)?;
        Ok(rotated > 0)
    }

    fn queue_test(
        &self,
        id: WebhookId,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<WebhookDeliveryId>, RepositoryError> {
        #[derive(QueryableByName)]
        struct Queued {
            #[diesel(sql_type = SqlUuid)]
            id: Uuid,
        }
        let mut connection = connection(&self.pool)?;
        let queued: Option<Queued> = diesel::sql_query(
            "INSERT INTO webhook_deliveries (id, endpoint_id, event_type, message_id, body, status, \
                                             next_attempt_at, created_at, updated_at) \
             SELECT $2, id, $3, 'msg_' || replace($2::text, '-', ''), $4, 'pending', $5, $5, $5 \
             FROM webhook_endpoints WHERE id = $1 RETURNING id",
        )
        .bind::<SqlUuid, _>(id.0)
        .bind::<SqlUuid, _>(Uuid::new_v4())
        .bind::<Text, _>(WebhookEvent::Test.as_str())
        .bind::<Text, _>(body)
        .bind::<Timestamptz, _>(now)
        .get_result(&mut connection)
        .optional()
        .map_err(storage_error)?;
        Ok(queued.map(|queued| WebhookDeliveryId(queued.id)))
    }

    fn deliveries(
        &self,
        endpoint: WebhookId,
        status: Option<DeliveryState>,
        page: PageRequest,
    ) -> Result<Page<WebhookDelivery>, RepositoryError> {
        let (limit, offset) = page_bounds(page);
        let status = status.map(DeliveryState::as_str);
        let (count, rows) = read_listing(&self.pool, |connection| {
            let count: Count = diesel::sql_query(
                "SELECT count(*) AS count FROM webhook_deliveries \
                 WHERE endpoint_id = $1 AND ($2::text IS NULL OR status = $2)",
            )
            .bind::<SqlUuid, _>(endpoint.0)
            .bind::<Nullable<Text>, _>(status)
            .get_result(connection)?;
            let rows: Vec<DeliveryRow> = diesel::sql_query(format!(
                "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
                 WHERE endpoint_id = $1 AND ($2::text IS NULL OR status = $2) \
                 ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
            ))
            .bind::<SqlUuid, _>(endpoint.0)
            .bind::<Nullable<Text>, _>(status)
            .bind::<BigInt, _>(limit)
            .bind::<BigInt, _>(offset)
            .load(connection)?;
            Ok((count, rows))
        })?;
        page_of(count, rows, page, |row| row.into_delivery(None))
    }

    fn delivery(
        &self,
        endpoint: WebhookId,
        id: WebhookDeliveryId,
    ) -> Result<Option<WebhookDelivery>, RepositoryError> {
        #[derive(QueryableByName)]
        struct WithBody {
            #[diesel(embed)]
            delivery: DeliveryRow,
            #[diesel(sql_type = Nullable<Text>)]
            body: Option<String>,
        }
        let mut connection = connection(&self.pool)?;
        let row: Option<WithBody> = diesel::sql_query(format!(
            "SELECT {DELIVERY_COLUMNS}, body FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2"
        ))
        .bind::<SqlUuid, _>(id.0)
        .bind::<SqlUuid, _>(endpoint.0)
        .get_result(&mut connection)
        .optional()
        .map_err(storage_error)?;
        row.map(|row| row.delivery.into_delivery(row.body))
            .transpose()
    }

    fn requeue_failed(
        &self,
        endpoint: WebhookId,
        id: WebhookDeliveryId,
        now: DateTime<Utc>,
    ) -> Result<bool, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let requeued = diesel::sql_query(
            "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $3, \
                    locked_by = NULL, updated_at = $3 \
             WHERE id = $1 AND endpoint_id = $2 AND status = 'failed'",
        )
        .bind::<SqlUuid, _>(id.0)
        .bind::<SqlUuid, _>(endpoint.0)
        .bind::<Timestamptz, _>(now)
        .execute(&mut connection)
        .map_err(storage_error)?;
        Ok(requeued > 0)
    }

    fn figures(&self) -> Result<WebhookQueueFigures, RepositoryError> {
        #[derive(QueryableByName)]
        struct Figures {
            #[diesel(sql_type = BigInt)]
            pending: i64,
            #[diesel(sql_type = BigInt)]
            failed: i64,
            #[diesel(sql_type = BigInt)]
            sent: i64,
            #[diesel(sql_type = Nullable<Timestamptz>)]
            oldest: Option<DateTime<Utc>>,
        }
        let mut connection = connection(&self.pool)?;
        let figures: Figures = diesel::sql_query(
            "SELECT count(*) FILTER (WHERE status = 'pending') AS pending, \
                    count(*) FILTER (WHERE status = 'failed') AS failed, \
                    count(*) FILTER (WHERE status = 'sent') AS sent, \
                    min(created_at) FILTER (WHERE status = 'pending') AS oldest \
             FROM webhook_deliveries",
        )
        .get_result(&mut connection)
        .map_err(storage_error)?;
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        Ok(WebhookQueueFigures {
            pending: count(figures.pending),
            failed: count(figures.failed),
            sent: count(figures.sent),
            oldest_pending_since: figures.oldest,
        })
    }
}
