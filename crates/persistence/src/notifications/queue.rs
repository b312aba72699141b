//! The outbox as the delivery workers use it.
//!
//! A claim moves the message's `next_attempt_at` to the end of the lease and names the worker in `locked_by`: the
//! message is then not due for anyone else, and if the worker dies it simply becomes due again when the lease
//! ends. Claims skip rows other transactions hold (`FOR UPDATE SKIP LOCKED`), so workers never wait for each
//! other and never take the same message.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{
    Array, BigInt, Integer, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid,
};
use orderflow_application::ports::{
    ClaimedNotification, DeliveryOutcome, DeliveryQueue, NewOrderEvent, OutgoingMessage,
    QueueSnapshot, SeenWorker, WorkerInfo,
};
use orderflow_domain::identity::CustomerId;
use orderflow_domain::notifications::{Channel, NotificationId};
use orderflow_domain::ordering::{delivery_note, EventType, OrderId};
use uuid::Uuid;

use crate::error::{corrupt_row, storage_error};
use crate::ordering::insert_event;
use crate::pool::{connection, DbPool};
use crate::schema::{notification_workers, notifications};
use crate::sql::prepared;
use crate::RepositoryError;

/// How a delivery's outcome is recorded: `recorded` is the message, if it was still there to record; `noted`
/// its order's history line, written only then (and only for a message about an order). The parameters: the
/// message, its new status, now, the next attempt, the error, the provider's id and cost, the worker; then the
/// history line's columns (none for a message about no order).
macro_rules! record_outcome {
    ($set:literal, $only_if:literal) => {
        concat!(
            "WITH recorded AS ( \
               UPDATE notifications SET status = $2, next_attempt_at = $4, locked_by = NULL, error_message = $5, \
                 updated_at = $3",
            $set,
            " WHERE id = $1 AND status = 'pending' ",
            $only_if,
            " RETURNING id), \
             noted AS ( \
               INSERT INTO order_events (order_id, event_type, from_status, to_status, actor, actor_id, \
                 recipient_id, channel, note, created_at) \
               SELECT $10, $11, $12, $13, $14, $15, $16, $17, $18, $19 FROM recorded WHERE $10::uuid IS NOT NULL \
               RETURNING 1) \
             SELECT count(*) AS n FROM recorded"
        )
    };
}

// Every parameter is bound with its type, so a text need not use them all.
const RECORD_SENT: &str = record_outcome!(
    ", sent_at = $3, provider_message_id = $6, cost_currency = $7, cost_amount = $8",
    ""
);
const RECORD_FAILURE: &str = record_outcome!("", "AND locked_by = $9");

pub struct PgDeliveryQueue {
    pool: DbPool,
}

impl PgDeliveryQueue {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

/// A message as a claim or a sweep returns it.
#[derive(QueryableByName)]
struct TakenRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    channel: String,
    #[diesel(sql_type = Text)]
    address: String,
    #[diesel(sql_type = Text)]
    recipient_name: String,
    #[diesel(sql_type = Text)]
    subject: String,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    order_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<BigInt>)]
    recipient_id: Option<i64>,
    #[diesel(sql_type = Integer)]
    attempts: i32,
}

const TAKEN_COLUMNS: &str =
    "n.id, n.channel, n.address, n.recipient_name, n.subject, n.body, n.order_id, n.recipient_id, n.attempts";

impl TakenRow {
    fn into_claimed(self) -> Result<ClaimedNotification, RepositoryError> {
        Ok(ClaimedNotification {
            id: NotificationId(self.id),
            order_id: self.order_id.map(OrderId),
            recipient: self.recipient_id.map(CustomerId),
            message: OutgoingMessage {
                channel: self
                    .channel
                    .parse::<Channel>()
                    .map_err(|e| corrupt_row("notification channel", e))?,
                address: self.address,
                recipient_name: self.recipient_name,
                subject: self.subject,
                body: self.body,
            },
            attempt: u32::try_from(self.attempts).unwrap_or_default(),
        })
    }
}

pub(crate) const LOST_LAST_ATTEMPT: &str =
    "The worker delivering it stopped during its last attempt.";

impl DeliveryQueue for PgDeliveryQueue {
    fn claim(
        &self,
        worker: &str,
        limit: u32,
        lease: Duration,
        max_attempts: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<ClaimedNotification>, RepositoryError> {
        let max_attempts = i32::try_from(max_attempts).unwrap_or(i32::MAX);
        let mut connection = connection(&self.pool)?;
        let (lost, claimed) = connection
            .transaction::<_, diesel::result::Error, _>(|connection| {
                // A lease that ran out on the last attempt: nobody will try again.
                // Both kept prepared: a worker claims every round, and neither plan depends on the values.
                let lost: Vec<TakenRow> = prepared(diesel::sql_query(format!(
                    "UPDATE notifications n SET status = 'failed', next_attempt_at = NULL, locked_by = NULL, \
                            error_message = $1, updated_at = $2 \
                     FROM (SELECT id FROM notifications \
                           WHERE status = 'pending' AND next_attempt_at <= $2 AND attempts >= $3 \
                           FOR UPDATE SKIP LOCKED) expired \
                     WHERE n.id = expired.id \
                     RETURNING {TAKEN_COLUMNS}"
                ))
                .bind::<Text, _>(LOST_LAST_ATTEMPT)
                .bind::<Timestamptz, _>(now)
                .bind::<Integer, _>(max_attempts))
                .load(connection)?;
                let claimed: Vec<TakenRow> = prepared(diesel::sql_query(format!(
                    "UPDATE notifications n SET attempts = n.attempts + 1, next_attempt_at = $1, locked_by = $2, \
                            updated_at = $3 \
                     FROM (SELECT id FROM notifications \
                           WHERE status = 'pending' AND next_attempt_at <= $3 AND attempts < $4 \
                           ORDER BY next_attempt_at LIMIT $5 \
                           FOR UPDATE SKIP LOCKED) due \
                     WHERE n.id = due.id \
                     RETURNING {TAKEN_COLUMNS}"
                ))
                .bind::<Timestamptz, _>(now + lease)
                .bind::<Text, _>(worker)
                .bind::<Timestamptz, _>(now)
                .bind::<Integer, _>(max_attempts)
                .bind::<BigInt, _>(i64::from(limit)))
                .load(connection)?;
                for row in &lost {
                    // The channel column's CHECK admits only the channels there are.
                    if let (Some(order_id), Ok(channel)) = (row.order_id, row.channel.parse()) {
                        let event = NewOrderEvent::delivery(
                            OrderId(order_id),
                            EventType::NotificationFailed,
                            channel,
                            row.recipient_id.map(CustomerId),
                            format!(
                                "{}; {LOST_LAST_ATTEMPT}",
                                delivery_note(channel, &row.address, &row.subject)
                            ),
                            now,
                        );
                        insert_event(connection, &event)?;
                    }
                }
                Ok((lost.len(), claimed))
            })
            .map_err(storage_error)?;
        if lost > 0 {
            tracing::warn!(
                count = lost,
                "notifications failed: their worker stopped during the last attempt"
            );
        }
        claimed.into_iter().map(TakenRow::into_claimed).collect()
    }

    fn record(
        &self,
        worker: &str,
        notification: &ClaimedNotification,
        outcome: &DeliveryOutcome,
        event: Option<NewOrderEvent>,
        now: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        #[derive(QueryableByName)]
        struct Recorded {
            #[diesel(sql_type = BigInt)]
            #[allow(dead_code)]
            n: i64,
        }
        // One statement, committed by itself (no BEGIN and COMMIT round trips: a worker records every message it
        // sends): the outcome and, only if the message was still pending (and, for a failure, still this
        // worker's), its line in the order's history.
        let statement = match outcome {
            // Sent is recorded even if the lease ran out meanwhile: the message did go.
            DeliveryOutcome::Sent(_) => RECORD_SENT,
            // A failure only counts while the claim is still this worker's.
            DeliveryOutcome::Failed { .. } => RECORD_FAILURE,
        };
        let (status, retry_at, error, receipt) = match outcome {
            DeliveryOutcome::Sent(receipt) => ("sent", None, "", Some(receipt)),
            DeliveryOutcome::Failed { error, retry_at } => (
                if retry_at.is_some() {
                    "pending"
                } else {
                    "failed"
                },
                *retry_at,
                error.as_str(),
                None,
            ),
        };
        let cost = receipt.and_then(|r| r.cost.as_ref());
        let event = event.as_ref();
        let mut connection = connection(&self.pool)?;
        prepared(
            diesel::sql_query(statement)
                .bind::<SqlUuid, _>(notification.id.0)
                .bind::<Text, _>(status)
                .bind::<Timestamptz, _>(now)
                .bind::<Nullable<Timestamptz>, _>(retry_at)
                .bind::<Text, _>(error)
                .bind::<Text, _>(receipt.map_or("", |r| r.provider_message_id.as_str()))
                .bind::<Nullable<Text>, _>(cost.map(|c| c.currency.as_str()))
                .bind::<Nullable<Numeric>, _>(cost.map(|c| c.amount))
                .bind::<Text, _>(worker)
                .bind::<Nullable<SqlUuid>, _>(event.map(|e| e.order_id.0))
                .bind::<Text, _>(event.map_or("", |e| e.event_type.as_str()))
                .bind::<Nullable<Text>, _>(event.and_then(|e| e.from_status.map(|s| s.as_str())))
                .bind::<Nullable<Text>, _>(event.and_then(|e| e.to_status.map(|s| s.as_str())))
                .bind::<Text, _>(event.map_or("", |e| e.actor.as_str()))
                .bind::<Nullable<BigInt>, _>(event.and_then(|e| e.actor_id.map(|id| id.0)))
                .bind::<Nullable<BigInt>, _>(event.and_then(|e| e.recipient_id.map(|id| id.0)))
                .bind::<Nullable<Text>, _>(event.and_then(|e| e.channel.map(|c| c.as_str())))
                .bind::<Text, _>(event.map_or("", |e| e.note.as_str()))
                .bind::<Timestamptz, _>(event.map_or(now, |e| e.created_at)),
        )
        .get_result::<Recorded>(&mut connection)
        .map_err(storage_error)?;
        Ok(())
    }

    fn release(
        &self,
        worker: &str,
        ids: &[NotificationId],
        now: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
        let mut connection = connection(&self.pool)?;
        diesel::sql_query(
            "UPDATE notifications SET next_attempt_at = $1, locked_by = NULL, attempts = attempts - 1, \
                    updated_at = $1 \
             WHERE id = ANY($2) AND locked_by = $3 AND status = 'pending'",
        )
        .bind::<Timestamptz, _>(now)
        .bind::<Array<SqlUuid>, _>(ids)
        .bind::<Text, _>(worker)
        .execute(&mut connection)
        .map_err(storage_error)?;
        Ok(())
    }

    fn heartbeat(&self, worker: &WorkerInfo, now: DateTime<Utc>) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        prepared(
            diesel::insert_into(notification_workers::table)
                .values((
                    notification_workers::id.eq(&worker.id),
                    notification_workers::host.eq(&worker.host),
                    notification_workers::pid.eq(i32::try_from(worker.pid).unwrap_or_default()),
                    notification_workers::started_at.eq(worker.started_at),
                    notification_workers::last_seen_at.eq(now),
                ))
                .on_conflict(notification_workers::id)
                .do_update()
                .set(notification_workers::last_seen_at.eq(now))
                .returning(notification_workers::id),
        )
        .load::<String>(&mut connection)
        .map_err(storage_error)?;
        // Every process start is a new worker id: forget the ones gone for a day.
        diesel::delete(
            notification_workers::table
                .filter(notification_workers::last_seen_at.lt(now - Duration::days(1))),
        )
        .execute(&mut connection)
        .map_err(storage_error)?;
        Ok(())
    }

    fn requeue_failed(
        &self,
        id: NotificationId,
        now: DateTime<Utc>,
    ) -> Result<bool, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let updated = diesel::update(
            notifications::table
                .filter(notifications::id.eq(id.0))
                .filter(notifications::status.eq("failed")),
        )
        .set((
            notifications::status.eq("pending"),
            notifications::attempts.eq(0),
            notifications::next_attempt_at.eq(Some(now)),
            notifications::locked_by.eq(None::<String>),
            notifications::updated_at.eq(now),
        ))
        .execute(&mut connection)
        .map_err(storage_error)?;
        Ok(updated == 1)
    }

    fn snapshot(
        &self,
        now: DateTime<Utc>,
        workers_seen_since: DateTime<Utc>,
    ) -> Result<QueueSnapshot, RepositoryError> {
        #[derive(QueryableByName)]
        struct Counts {
            #[diesel(sql_type = BigInt)]
            pending: i64,
            #[diesel(sql_type = BigInt)]
            due: i64,
            #[diesel(sql_type = BigInt)]
            failed: i64,
            #[diesel(sql_type = Nullable<Timestamptz>)]
            oldest: Option<DateTime<Utc>>,
        }
        let mut connection = connection(&self.pool)?;
        let counts: Counts = diesel::sql_query(
            "SELECT (SELECT count(*) FROM notifications WHERE status = 'pending') AS pending, \
                    (SELECT count(*) FROM notifications WHERE status = 'pending' AND next_attempt_at <= $1) AS due, \
                    (SELECT count(*) FROM notifications WHERE status = 'failed') AS failed, \
                    (SELECT min(created_at) FROM notifications WHERE status = 'pending') AS oldest",
        )
        .bind::<Timestamptz, _>(now)
        .get_result(&mut connection)
        .map_err(storage_error)?;
        let workers = notification_workers::table
            .filter(notification_workers::last_seen_at.ge(workers_seen_since))
            .order(notification_workers::id.asc())
            .select((
                notification_workers::id,
                notification_workers::host,
                notification_workers::pid,
                notification_workers::started_at,
                notification_workers::last_seen_at,
            ))
            .load::<(String, String, i32, DateTime<Utc>, DateTime<Utc>)>(&mut connection)
            .map_err(storage_error)?
            .into_iter()
            .map(|(id, host, pid, started_at, last_seen_at)| SeenWorker {
                info: WorkerInfo {
                    id,
                    host,
                    pid: u32::try_from(pid).unwrap_or_default(),
                    started_at,
                },
                last_seen_at,
            })
            .collect();
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        Ok(QueueSnapshot {
            pending: count(counts.pending),
            due: count(counts.due),
            failed: count(counts.failed),
            oldest_pending_since: counts.oldest,
            workers,
        })
    }
}
