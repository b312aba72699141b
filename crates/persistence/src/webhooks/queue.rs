//! Webhook deliveries as the delivery workers use them: the same claims, leases and records as the notification
//! queue (`notifications/queue.rs`). A claim moves `next_attempt_at` to the end of the lease and names the worker
//! in `locked_by`; claims skip rows other transactions hold (`FOR UPDATE SKIP LOCKED`), so two workers never hold
//! the same delivery, and a dead worker's delivery is due again when its lease ends (at least once).

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use orderflow_application::ports::{
    ClaimedWebhook, WebhookDeliveryId, WebhookId, WebhookOutcome, WebhookQueue, WebhookSubject,
};
use orderflow_domain::catalogue::ProductId;
use orderflow_domain::ordering::OrderId;
use orderflow_domain::webhooks::WebhookSecret;
use uuid::Uuid;

use crate::error::{corrupt_row, storage_error};
use crate::notifications::LOST_LAST_ATTEMPT;
use crate::pool::{connection, DbPool};
use crate::RepositoryError;

pub struct PgWebhookQueue {
    pool: DbPool,
}

impl PgWebhookQueue {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

#[derive(QueryableByName)]
struct ClaimedRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    endpoint_id: Uuid,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = Text)]
    message_id: String,
    #[diesel(sql_type = Text)]
    event_type: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    order_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    product_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    body: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    state: Option<String>,
    #[diesel(sql_type = Integer)]
    attempts: i32,
    /// The current secret, then the previous one while it still signs.
    #[diesel(sql_type = Array<Text>)]
    secrets: Vec<String>,
}

impl ClaimedRow {
    fn into_claimed(self) -> Result<ClaimedWebhook, RepositoryError> {
        let subject = match (self.order_id, self.product_id) {
            (Some(order), _) => WebhookSubject::Order(OrderId(order)),
            (None, Some(product)) => WebhookSubject::Product(ProductId(product)),
            (None, None) => WebhookSubject::Nothing,
        };
        let secrets = self
            .secrets
            .iter()
            .map(|written| WebhookSecret::parse(written))
            .collect::<Result<_, _>>()
            .map_err(|e| corrupt_row("webhook secret", e))?;
        Ok(ClaimedWebhook {
            id: WebhookDeliveryId(self.id),
            endpoint_id: WebhookId(self.endpoint_id),
            url: self.url,
            message_id: self.message_id,
            event_type: self.event_type,
            subject,
            body: self.body,
            created_at: self.created_at,
            state: self.state,
            secrets,
            attempt: u32::try_from(self.attempts).unwrap_or_default(),
        })
    }
}

impl WebhookQueue for PgWebhookQueue {
    fn claim(
        &self,
        worker: &str,
        limit: u32,
        lease: Duration,
        max_attempts: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<ClaimedWebhook>, RepositoryError> {
        let max_attempts = i32::try_from(max_attempts).unwrap_or(i32::MAX);
        let mut connection = connection(&self.pool)?;
        let (lost, claimed) = connection
            .transaction::<_, diesel::result::Error, _>(|connection| {
                // A lease that ran out on the last attempt: nobody will try again.
                let lost = diesel::sql_query(
                    "UPDATE webhook_deliveries d SET status = 'failed', next_attempt_at = NULL, \
                            locked_by = NULL, last_error = $1, updated_at = $2 \
                     FROM (SELECT id FROM webhook_deliveries \
                           WHERE status = 'pending' AND next_attempt_at <= $2 AND attempts >= $3 \
                           FOR UPDATE SKIP LOCKED) expired \
                     WHERE d.id = expired.id",
                )
                .bind::<Text, _>(LOST_LAST_ATTEMPT)
                .bind::<Timestamptz, _>(now)
                .bind::<Integer, _>(max_attempts)
                .execute(connection)?;
                // Deliveries of endpoints turned off wait, pending, until they are turned on again.
                let claimed: Vec<ClaimedRow> = diesel::sql_query(
                    "UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = $1, \
                            locked_by = $2, updated_at = $3 \
                     FROM (SELECT d.id FROM webhook_deliveries d \
                           JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.is_active \
                           WHERE d.status = 'pending' AND d.next_attempt_at <= $3 AND d.attempts < $4 \
                           ORDER BY d.next_attempt_at LIMIT $5 \
                           FOR UPDATE OF d SKIP LOCKED) due, webhook_endpoints e \
                     WHERE d.id = due.id AND e.id = d.endpoint_id \
                     RETURNING d.id, d.endpoint_id, e.url, d.message_id, d.event_type, d.order_id, \
                               d.product_id, d.body, d.created_at, d.state::text AS state, d.attempts, \
                               CASE WHEN e.previous_secret_expires_at > $3 \
                                    THEN ARRAY[e.secret, e.previous_secret] \
                                    ELSE ARRAY[e.secret] END AS secrets",
                )
                .bind::<Timestamptz, _>(now + lease)
                .bind::<Text, _>(worker)
                .bind::<Timestamptz, _>(now)
                .bind::<Integer, _>(max_attempts)
                .bind::<BigInt, _>(i64::from(limit))
                .load(connection)?;
                Ok((lost, claimed))
            })
            .map_err(storage_error)?;
        if lost > 0 {
            tracing::warn!(
                count = lost,
                "webhook deliveries failed: their worker stopped during the last attempt"
            );
        }
        let mut claimed = claimed
            .into_iter()
            .map(ClaimedRow::into_claimed)
            .collect::<Result<Vec<_>, _>>()?;
        // RETURNING keeps no order: send them in the order the changes happened.
        claimed.sort_by_key(|delivery| delivery.created_at);
        Ok(claimed)
    }

    fn keep_body(&self, id: WebhookDeliveryId, body: &str) -> Result<String, RepositoryError> {
        #[derive(QueryableByName)]
        struct Kept {
            #[diesel(sql_type = Text)]
            body: String,
        }
        let mut connection = connection(&self.pool)?;
        let kept: Kept = diesel::sql_query(
            "UPDATE webhook_deliveries SET body = coalesce(body, $2) WHERE id = $1 RETURNING body",
        )
        .bind::<SqlUuid, _>(id.0)
        .bind::<Text, _>(body)
        .get_result(&mut connection)
        .map_err(storage_error)?;
        Ok(kept.body)
    }

    fn record(
        &self,
        worker: &str,
        id: WebhookDeliveryId,
        outcome: &WebhookOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        match outcome {
            // Sent is recorded even if the lease ran out meanwhile: the request did go.
            WebhookOutcome::Sent { status } => diesel::sql_query(
                "UPDATE webhook_deliveries SET status = 'sent', delivered_at = $2, next_attempt_at = NULL, \
                        locked_by = NULL, last_status_code = $3, last_error = '', updated_at = $2 \
                 WHERE id = $1 AND status = 'pending'",
            )
            .bind::<SqlUuid, _>(id.0)
            .bind::<Timestamptz, _>(now)
            .bind::<Integer, _>(i32::from(*status))
            .execute(&mut connection),
            // A failure only counts while the claim is still this worker's.
            WebhookOutcome::Failed {
                status,
                error,
                retry_at,
            } => diesel::sql_query(
                "UPDATE webhook_deliveries SET \
                        status = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END, \
                        next_attempt_at = $4, locked_by = NULL, last_status_code = $5, last_error = $6, \
                        updated_at = $2 \
                 WHERE id = $1 AND status = 'pending' AND locked_by = $3",
            )
            .bind::<SqlUuid, _>(id.0)
            .bind::<Timestamptz, _>(now)
            .bind::<Text, _>(worker)
            .bind::<Nullable<Timestamptz>, _>(*retry_at)
            .bind::<Nullable<Integer>, _>(status.map(i32::from))
            .bind::<Text, _>(error)
            .execute(&mut connection),
        }
        .map_err(storage_error)?;
        Ok(())
    }

    fn release(
        &self,
        worker: &str,
        ids: &[WebhookDeliveryId],
        now: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        if ids.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
        let mut connection = connection(&self.pool)?;
        diesel::sql_query(
            "UPDATE webhook_deliveries SET attempts = attempts - 1, next_attempt_at = $3, locked_by = NULL, \
                    updated_at = $3 \
             WHERE id = ANY($1) AND locked_by = $2 AND status = 'pending'",
        )
        .bind::<Array<SqlUuid>, _>(ids)
        .bind::<Text, _>(worker)
        .bind::<Timestamptz, _>(now)
        .execute(&mut connection)
        .map_err(storage_error)?;
        Ok(())
    }
}
