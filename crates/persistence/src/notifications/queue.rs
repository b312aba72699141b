//! The outbox as the delivery workers use it.
//!
//! A claim moves the message's `next_attempt_at` to the end of the lease and names the worker in `locked_by`: the
//! message is then not due for anyone else, and if the worker dies it simply becomes due again when the lease
//! ends. Claims skip rows other transactions hold (`FOR UPDATE SKIP LOCKED`), so workers never wait for each
//! other and never take the same message.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
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
                let lost: Vec<TakenRow> = diesel::sql_query(format!(
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
                .bind::<Integer, _>(max_attempts)
                .load(connection)?;
                let claimed: Vec<TakenRow> = diesel::sql_query(format!(
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
                .bind::<BigInt, _>(i64::from(limit))
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
        let id = notification.id.0;
        let mut connection = connection(&self.pool)?;
        connection
            .transaction::<_, diesel::result::Error, _>(|connection| {
                let pending = notifications::table
                    .filter(notifications::id.eq(id))
                    .filter(notifications::status.eq("pending"));
                let recorded = match outcome {
                    // Sent is recorded even if the lease ran out meanwhile: the message did go.
                    DeliveryOutcome::Sent(receipt) => prepared(
                        diesel::update(pending)
                            .set((
                                notifications::status.eq("sent"),
                                notifications::sent_at.eq(now),
                                notifications::next_attempt_at.eq(None::<DateTime<Utc>>),
                                notifications::locked_by.eq(None::<String>),
                                notifications::error_message.eq(""),
                                notifications::provider_message_id.eq(&receipt.provider_message_id),
                                notifications::cost_currency
                                    .eq(receipt.cost.as_ref().map(|c| c.currency.as_str())),
                                notifications::cost_amount
                                    .eq(receipt.cost.as_ref().map(|c| c.amount)),
                                notifications::updated_at.eq(now),
                            ))
                            .returning(notifications::id),
                    )
                    .load::<Uuid>(connection)?,
                    // A failure only counts while the claim is still this worker's.
                    DeliveryOutcome::Failed { error, retry_at } => prepared(
                        diesel::update(pending.filter(notifications::locked_by.eq(worker)))
                            .set((
                                notifications::status.eq(if retry_at.is_some() {
                                    "pending"
                                } else {
                                    "failed"
                                }),
                                notifications::next_attempt_at.eq(*retry_at),
                                notifications::locked_by.eq(None::<String>),
                                notifications::error_message.eq(error),
                                notifications::updated_at.eq(now),
                            ))
                            .returning(notifications::id),
                    )
                    .load::<Uuid>(connection)?,
                };
                if let (false, Some(event)) = (recorded.is_empty(), &event) {
                    insert_event(connection, event)?;
                }
                Ok(())
            })
            .map_err(storage_error)
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
