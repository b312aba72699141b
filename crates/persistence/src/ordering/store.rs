//! The order store of a transaction.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Text};
use orderflow_application::ports::{NewOrderEvent, OrderStore, StoredIdempotencyKey};
use orderflow_domain::identity::CustomerId;
use orderflow_domain::ordering::{Order, OrderId};

use super::rows::{OrderItemRow, OrderRow};
use crate::error::storage_error;
use crate::schema::{idempotency_keys, order_events, order_items, orders};
use crate::sql::prepared;
use crate::unit_of_work::PgTransaction;
use crate::RepositoryError;

impl OrderStore for PgTransaction<'_> {
    fn next_number(&mut self, day: NaiveDate) -> Result<u32, RepositoryError> {
        #[derive(QueryableByName)]
        struct Counter {
            #[diesel(sql_type = Integer)]
            last_value: i32,
        }
        let counter: Counter = prepared(
            diesel::sql_query(
                "INSERT INTO order_number_counters (day, last_value) VALUES ($1, 1) \
             ON CONFLICT (day) DO UPDATE SET last_value = order_number_counters.last_value + 1 \
             RETURNING last_value",
            )
            .bind::<Date, _>(day),
        )
        .get_result(self.connection)
        .map_err(storage_error)?;
        u32::try_from(counter.last_value).map_err(|e| RepositoryError::Failed(e.to_string()))
    }

    fn insert(&mut self, order: &Order) -> Result<(), RepositoryError> {
        prepared(
            diesel::insert_into(orders::table)
                .values(OrderRow::from_order(order))
                .returning(orders::id),
        )
        .get_result::<uuid::Uuid>(self.connection)
        .map_err(storage_error)?;
        let items: Vec<OrderItemRow> = order
            .items
            .iter()
            .map(|item| OrderItemRow::from_item(order.id, item))
            .collect();
        prepared(
            diesel::insert_into(order_items::table)
                .values(items)
                .returning(order_items::id),
        )
        .load::<uuid::Uuid>(self.connection)
        .map_err(storage_error)?;
        Ok(())
    }

    fn find_for_update(&mut self, id: OrderId) -> Result<Option<Order>, RepositoryError> {
        let Some(row) = orders::table
            .find(id.0)
            .select(OrderRow::as_select())
            .for_update()
            .first::<OrderRow>(self.connection)
            .optional()
            .map_err(storage_error)?
        else {
            return Ok(None);
        };
        let items = order_items::table
            .filter(order_items::order_id.eq(id.0))
            .order(order_items::created_at.asc())
            .then_order_by(order_items::id.asc())
            .select(OrderItemRow::as_select())
            .load(self.connection)
            .map_err(storage_error)?;
        row.into_order(items).map(Some)
    }

    fn update(&mut self, order: &Order) -> Result<(), RepositoryError> {
        prepared(
            diesel::update(orders::table.find(order.id.0))
                .set((
                    orders::status.eq(order.status.as_str()),
                    orders::shipping_address.eq(&order.shipping_address),
                    orders::billing_address.eq(&order.billing_address),
                    orders::phone_number.eq(&order.phone_number),
                    orders::notes.eq(&order.notes),
                    orders::is_paid.eq(order.is_paid),
                    orders::payment_method.eq(&order.payment_method),
                    orders::payment_reference.eq(&order.payment_reference),
                    orders::updated_at.eq(order.updated_at),
                ))
                .returning(orders::id),
        )
        .load::<uuid::Uuid>(self.connection)
        .map_err(storage_error)?;
        Ok(())
    }

    fn add_event(&mut self, event: &NewOrderEvent) -> Result<(), RepositoryError> {
        insert_event(self.connection, event).map_err(storage_error)
    }

    fn try_lock_idempotency_key(
        &mut self,
        customer: CustomerId,
        key: &str,
    ) -> Result<bool, RepositoryError> {
        #[derive(QueryableByName)]
        struct Locked {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            locked: bool,
        }
        let locked: Locked = diesel::sql_query(
            "SELECT pg_try_advisory_xact_lock(hashtextextended($1 || ':' || $2, 7)) AS locked",
        )
        .bind::<BigInt, _>(customer.0)
        .bind::<Text, _>(key)
        .get_result(self.connection)
        .map_err(storage_error)?;
        Ok(locked.locked)
    }

    fn find_idempotency_key(
        &mut self,
        customer: CustomerId,
        key: &str,
    ) -> Result<Option<StoredIdempotencyKey>, RepositoryError> {
        let row = idempotency_keys::table
            .find((customer.0, key))
            .select((
                idempotency_keys::request_hash,
                idempotency_keys::order_id,
                idempotency_keys::created_at,
            ))
            .first::<(Vec<u8>, uuid::Uuid, DateTime<Utc>)>(self.connection)
            .optional()
            .map_err(storage_error)?;
        Ok(row.map(
            |(request_hash, order_id, created_at)| StoredIdempotencyKey {
                request_hash,
                order_id: OrderId(order_id),
                created_at,
            },
        ))
    }

    fn save_idempotency_key(
        &mut self,
        customer: CustomerId,
        key: &str,
        stored: &StoredIdempotencyKey,
    ) -> Result<(), RepositoryError> {
        diesel::insert_into(idempotency_keys::table)
            .values((
                idempotency_keys::customer_id.eq(customer.0),
                idempotency_keys::idempotency_key.eq(key),
                idempotency_keys::request_hash.eq(&stored.request_hash),
                idempotency_keys::order_id.eq(stored.order_id.0),
                idempotency_keys::created_at.eq(stored.created_at),
            ))
            .on_conflict((
                idempotency_keys::customer_id,
                idempotency_keys::idempotency_key,
            ))
            .do_update()
            .set((
                idempotency_keys::request_hash.eq(&stored.request_hash),
                idempotency_keys::order_id.eq(stored.order_id.0),
                idempotency_keys::created_at.eq(stored.created_at),
            ))
            .execute(self.connection)
            .map_err(storage_error)?;
        Ok(())
    }

    fn sweep_idempotency_keys(&mut self, before: DateTime<Utc>) -> Result<u64, RepositoryError> {
        let deleted =
            diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
                .execute(self.connection)
                .map_err(storage_error)?;
        Ok(deleted as u64)
    }
}

/// Appends a line to an order's history.
pub(crate) fn insert_event(
    connection: &mut PgConnection,
    event: &NewOrderEvent,
) -> QueryResult<()> {
    diesel::insert_into(order_events::table)
        .values((
            order_events::order_id.eq(event.order_id.0),
            order_events::event_type.eq(&event.event_type),
            order_events::from_status.eq(event.from_status.map(|s| s.as_str())),
            order_events::to_status.eq(event.to_status.map(|s| s.as_str())),
            order_events::actor.eq(&event.actor),
            order_events::actor_id.eq(event.actor_id.map(|id| id.0)),
            order_events::recipient_id.eq(event.recipient_id.map(|id| id.0)),
            order_events::channel.eq(event.channel.map(|c| c.as_str())),
            order_events::note.eq(&event.note),
            order_events::created_at.eq(event.created_at),
        ))
        .execute(connection)?;
    Ok(())
}
