//! Queueing inside the transaction of the change being reported.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamptz, Uuid as SqlUuid};
use orderflow_application::ports::{Outbox, OutboxEvent};
use orderflow_domain::identity::CustomerId;
use orderflow_domain::notifications::{NewNotification, RecentSms, SmsCaps, SmsSuppression};
use orderflow_domain::ordering::OrderId;
use sha2::{Digest, Sha256};

use super::rows::NewNotificationRow;
use crate::error::{corrupt_row, storage_error};
use crate::schema::notifications;
use crate::sql::prepared;
use crate::unit_of_work::PgTransaction;
use crate::RepositoryError;

/// The advisory lock of what SMS are counted against (a number, a customer): the first eight bytes of a digest
/// of its name, in a space of its own.
fn sms_lock(what: &str) -> i64 {
    let digest = Sha256::digest(format!("sms-cap:{what}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

impl Outbox for PgTransaction<'_> {
    fn enqueue(
        &mut self,
        queued: &[NewNotification],
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        insert_rows(self.connection, queued, |notification| {
            NewNotificationRow::new(notification, at)
        })
    }

    fn recent_sms(
        &mut self,
        number: &str,
        customer: CustomerId,
        number_since: DateTime<Utc>,
        customer_since: DateTime<Utc>,
        caps: SmsCaps,
    ) -> Result<RecentSms, RepositoryError> {
        #[derive(QueryableByName)]
        struct Counts {
            #[diesel(sql_type = BigInt)]
            to_number: i64,
            #[diesel(sql_type = BigInt)]
            to_customer: i64,
        }
        // One round trip, kept prepared. The locks come first (the FROM row is made before the counts) and are
        // held until the transaction ends, taken in one order by everyone: concurrent changes texting the same
        // number or customer count one after the other, without deadlock. Each count stops at its cap (the check
        // needs no more), through partial indexes that leave suppressed messages out: a number texted thousands
        // of times costs what one texted ten times does.
        let counts: Counts = prepared(
            diesel::sql_query(
                "SELECT \
                   (SELECT count(*) FROM (SELECT 1 FROM notifications WHERE channel = 'sms' \
                      AND status <> 'suppressed' AND address = $3 AND created_at > $4 LIMIT $5) AS n) \
                     AS to_number, \
                   (SELECT count(*) FROM (SELECT 1 FROM notifications WHERE channel = 'sms' \
                      AND status <> 'suppressed' AND recipient_id = $6 AND created_at > $7 LIMIT $8) AS c) \
                     AS to_customer \
                 FROM (SELECT pg_advisory_xact_lock(least($1, $2)), pg_advisory_xact_lock(greatest($1, $2))) \
                   AS locked",
            )
            .bind::<BigInt, _>(sms_lock(&format!("number:{number}")))
            .bind::<BigInt, _>(sms_lock(&format!("customer:{}", customer.0)))
            .bind::<Text, _>(number)
            .bind::<Timestamptz, _>(number_since)
            .bind::<BigInt, _>(i64::from(caps.per_number_per_hour))
            .bind::<BigInt, _>(customer.0)
            .bind::<Timestamptz, _>(customer_since)
            .bind::<BigInt, _>(i64::from(caps.per_customer_per_day)),
        )
        .get_result(self.connection)
        .map_err(storage_error)?;
        let clamp = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(RecentSms {
            to_number_last_hour: clamp(counts.to_number),
            to_customer_last_day: clamp(counts.to_customer),
        })
    }

    fn take_events(&mut self, limit: u32) -> Result<Vec<OutboxEvent>, RepositoryError> {
        #[derive(QueryableByName)]
        struct Taken {
            #[diesel(sql_type = BigInt)]
            id: i64,
            #[diesel(sql_type = Text)]
            kind: String,
            #[diesel(sql_type = SqlUuid)]
            order_id: uuid::Uuid,
        }
        let mut taken: Vec<Taken> = prepared(
            diesel::sql_query(
                "DELETE FROM outbox_events WHERE id IN ( \
                   SELECT id FROM outbox_events WHERE set_aside_at IS NULL \
                   ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, kind, order_id",
            )
            .bind::<BigInt, _>(i64::from(limit)),
        )
        .load(self.connection)
        .map_err(storage_error)?;
        taken.sort_by_key(|event| event.id);
        taken
            .into_iter()
            .map(|event| match event.kind.as_str() {
                "order_placed" => Ok(OutboxEvent::OrderPlaced(OrderId(event.order_id))),
                other => Err(corrupt_row("outbox event", format!("unknown kind {other}"))),
            })
            .collect()
    }

    fn set_aside(
        &mut self,
        event: OutboxEvent,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, RepositoryError> {
        let (kind, order) = match event {
            OutboxEvent::OrderPlaced(order) => ("order_placed", order),
        };
        // The column's bound; a reason is the error chain of a failed expansion.
        let reason: String = reason.chars().take(2_000).collect();
        let updated = diesel::sql_query(
            "UPDATE outbox_events SET set_aside_at = $1, set_aside_because = $2 \
             WHERE kind = $3 AND order_id = $4 AND set_aside_at IS NULL",
        )
        .bind::<Timestamptz, _>(at)
        .bind::<Text, _>(reason)
        .bind::<Text, _>(kind)
        .bind::<SqlUuid, _>(order.0)
        .execute(self.connection)
        .map_err(storage_error)?;
        Ok(updated > 0)
    }

    fn record_suppressed(
        &mut self,
        suppressed: &[(NewNotification, SmsSuppression)],
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        insert_rows(self.connection, suppressed, |(notification, reason)| {
            NewNotificationRow::suppressed(notification, suppression_note(*reason), at)
        })
    }
}

/// Rows in one statement, at most: a worker's batch of orders to every admin could otherwise pass Postgres's
/// 65,535 bound parameters (up to 14 a row).
const ROWS_PER_STATEMENT: usize = 1_000;
/// Statements of up to this many rows stay prepared (one text per number of rows): a change's few messages, and
/// past a cap a suppressed text on every order. Larger ones are planned once each and leave nothing behind.
const PREPARED_UP_TO_ROWS: usize = 8;

/// Inserts a row made by `row` for each item, in statements of at most [`ROWS_PER_STATEMENT`] rows.
fn insert_rows<'a, T>(
    connection: &mut PgConnection,
    items: &'a [T],
    row: impl Fn(&'a T) -> NewNotificationRow<'a>,
) -> Result<(), RepositoryError> {
    for part in items.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<_> = part.iter().map(&row).collect();
        let insert = diesel::insert_into(notifications::table)
            .values(rows)
            .returning(notifications::id);
        let inserted = if part.len() <= PREPARED_UP_TO_ROWS {
            prepared(insert).load::<uuid::Uuid>(connection)
        } else {
            insert.load::<uuid::Uuid>(connection)
        };
        inserted.map_err(storage_error)?;
    }
    Ok(())
}

/// The note stored on a suppressed message, which admins read in the notification log.
fn suppression_note(reason: SmsSuppression) -> String {
    match reason {
        SmsSuppression::NumberCap(cap) => {
            format!("Suppressed: {cap} text messages already went to this number in the last hour.")
        }
        SmsSuppression::CustomerCap(cap) => format!(
            "Suppressed: {cap} text messages already went to this customer in the last day."
        ),
        other => format!("Suppressed: {other}."),
    }
}
