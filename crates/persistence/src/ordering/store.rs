//! The order store of a transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{
    Array, BigInt, Bool, Date, Integer, Nullable, Numeric, Text, Timestamptz, Uuid as SqlUuid,
};
use orderflow_application::ports::{Cause, NewOrderEvent, OrderStore, StoredIdempotencyKey};
use orderflow_domain::identity::CustomerId;
use orderflow_domain::ordering::{Order, OrderId, OrderNumber};

use super::rows::{phone_column, OrderItemRow, OrderRow};
use super::turns::{PATIENCE, PLACEMENTS};
use crate::durability::wait_until_durable;
use crate::error::storage_error;
use crate::schema::{idempotency_keys, order_events, order_items, orders};
use crate::sql::prepared;
use crate::unit_of_work::PgTransaction;
use crate::RepositoryError;

/// The placement's one statement, ending with `$select` (which may also say how its commit is to be flushed).
///
/// `locked` takes the products' row locks in id order (the sort comes before the locking; `= ANY` makes it an index
/// scan, where a join with `unnest`, guessed at 100 rows, would scan them all), re-checking each row's name, SKU,
/// price and status on its latest version once locked; `ready` holds when every line's product is there with the
/// quantity. Everything after it writes only then, each write reading what the one before returned: the counter,
/// the order under its number, then its items, its history and its outbox event (their foreign keys are checked at
/// the statement's end, when the order row exists). `taken` updates exactly the rows `ready` counted: both read
/// their latest, locked versions. Nothing holds: no row, and nothing written.
macro_rules! placement_statement {
    ($select:literal) => {
        concat!(
            "WITH wanted AS ( \
                   SELECT * FROM unnest($1::uuid[], $2::int4[], $3::numeric[], $4::text[], $5::text[]) \
                     AS w (id, quantity, price, name, sku)), \
                 locked AS ( \
                   SELECT p.id, p.stock_quantity, w.quantity FROM products p JOIN wanted w ON w.id = p.id \
                   WHERE p.id = ANY($1::uuid[]) \
                     AND p.status = 'active' AND p.price = w.price AND p.name = w.name AND p.sku = w.sku \
                   ORDER BY p.id FOR UPDATE OF p), \
                 ready AS ( \
                   SELECT count(*) FILTER (WHERE stock_quantity >= quantity) = cardinality($1::uuid[]) AS ok \
                   FROM locked), \
                 taken AS ( \
                   UPDATE products p SET stock_quantity = p.stock_quantity - l.quantity \
                   FROM locked l, ready WHERE ready.ok AND p.id = l.id AND p.stock_quantity >= l.quantity \
                   RETURNING p.id), \
                 counter AS ( \
                   INSERT INTO order_number_counters AS c (day, last_value) \
                   SELECT $6, 1 FROM ready WHERE ready.ok \
                   ON CONFLICT (day) DO UPDATE SET last_value = c.last_value + 1 \
                   RETURNING last_value), \
                 placed AS ( \
                   INSERT INTO orders (id, order_number, customer_id, status, total_amount, shipping_address, \
                     billing_address, phone_number, notes, is_paid, payment_method, payment_reference, \
                     created_at, updated_at) \
                   SELECT $7, $8 || lpad(last_value::text, greatest($9, length(last_value::text)), '0'), $10, \
                     $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21 \
                   FROM counter \
                   RETURNING id), \
                 items AS ( \
                   INSERT INTO order_items (id, order_id, product_id, product_name, product_sku, quantity, \
                     unit_price, subtotal, created_at) \
                   SELECT i.id, placed.id, i.product_id, i.product_name, i.product_sku, i.quantity, \
                     i.unit_price, i.subtotal, i.created_at \
                   FROM placed, unnest($22::uuid[], $1::uuid[], $4::text[], $5::text[], $2::int4[], \
                     $3::numeric[], $23::numeric[], $24::timestamptz[]) \
                     AS i (id, product_id, product_name, product_sku, quantity, unit_price, subtotal, \
                       created_at)), \
                 history AS ( \
                   INSERT INTO order_events (order_id, event_type, from_status, to_status, actor, actor_id, \
                     recipient_id, channel, note, created_at) \
                   SELECT placed.id, $25, $26, $27, $28, $29, $30, $31, $32, $33 FROM placed), \
                 announced AS ( \
                   INSERT INTO outbox_events (kind, order_id, created_at) \
                   SELECT 'order_placed', placed.id, $33 FROM placed) ",
            $select
        )
    };
}

impl OrderStore for PgTransaction<'_> {
    fn place(
        &mut self,
        order: &Order,
        placed: &NewOrderEvent,
    ) -> Result<Option<u32>, RepositoryError> {
        #[derive(QueryableByName)]
        struct Numbered {
            #[diesel(sql_type = Integer)]
            last_value: i32,
        }
        let row = OrderRow::from_order(order);
        let items: Vec<OrderItemRow> = order
            .items()
            .iter()
            .map(|item| OrderItemRow::from_item(order.id, item))
            .collect();
        let day = order.created_at.date_naive();
        let column = |pick: fn(&OrderItemRow) -> String| items.iter().map(pick).collect::<Vec<_>>();
        let digits = i32::try_from(OrderNumber::COUNTER_DIGITS).unwrap_or(i32::MAX);
        // One statement, kept prepared (the lines come as arrays: one text whatever their number).
        // A statement that commits alone lets go of the products and the counter as it ends, before its commit is
        // flushed (`durability`), and is answered once it is; inside a transaction, the commit waits as usual.
        let sql = if self.autocommit {
            placement_statement!(
                "SELECT last_value FROM counter, \
                   (SELECT set_config('synchronous_commit', 'off', true)) AS early_release"
            )
        } else {
            placement_statement!("SELECT last_value FROM counter")
        };
        let statement = prepared(
            diesel::sql_query(sql)
                .bind::<Array<SqlUuid>, _>(items.iter().map(|i| i.product_id).collect::<Vec<_>>())
                .bind::<Array<Integer>, _>(items.iter().map(|i| i.quantity).collect::<Vec<_>>())
                .bind::<Array<Numeric>, _>(items.iter().map(|i| i.unit_price).collect::<Vec<_>>())
                .bind::<Array<Text>, _>(column(|i| i.product_name.clone()))
                .bind::<Array<Text>, _>(column(|i| i.product_sku.clone()))
                .bind::<Date, _>(day)
                .bind::<SqlUuid, _>(row.id)
                .bind::<Text, _>(OrderNumber::prefix(day))
                .bind::<Integer, _>(digits)
                .bind::<BigInt, _>(row.customer_id)
                .bind::<Text, _>(&row.status)
                .bind::<Numeric, _>(row.total_amount)
                .bind::<Text, _>(&row.shipping_address)
                .bind::<Text, _>(&row.billing_address)
                .bind::<Text, _>(&row.phone_number)
                .bind::<Text, _>(&row.notes)
                .bind::<Bool, _>(row.is_paid)
                .bind::<Text, _>(&row.payment_method)
                .bind::<Text, _>(&row.payment_reference)
                .bind::<Timestamptz, _>(row.created_at)
                .bind::<Timestamptz, _>(row.updated_at)
                .bind::<Array<SqlUuid>, _>(items.iter().map(|i| i.id).collect::<Vec<_>>())
                .bind::<Array<Numeric>, _>(items.iter().map(|i| i.subtotal).collect::<Vec<_>>())
                .bind::<Array<Timestamptz>, _>(
                    items.iter().map(|i| i.created_at).collect::<Vec<_>>(),
                )
                .bind::<Text, _>(placed.event_type.as_str())
                .bind::<Nullable<Text>, _>(placed.from_status.map(|s| s.as_str()))
                .bind::<Nullable<Text>, _>(placed.to_status.map(|s| s.as_str()))
                .bind::<Text, _>(&placed.actor)
                .bind::<Nullable<BigInt>, _>(placed.actor_id.map(|id| id.0))
                .bind::<Nullable<BigInt>, _>(placed.recipient_id.map(|id| id.0))
                .bind::<Nullable<Text>, _>(placed.channel.map(|c| c.as_str()))
                .bind::<Text, _>(&placed.note)
                .bind::<Timestamptz, _>(placed.created_at),
        );
        let numbered: Option<Numbered> = {
            let _turn = PLACEMENTS.take(PATIENCE).ok_or_else(|| {
                RepositoryError::Unavailable(
                    format!("no turn to place an order within {PATIENCE:?}").into(),
                )
            })?;
            statement
                .get_result(self.connection)
                .optional()
                .map_err(storage_error)?
        };
        // Outside the turn: the next placement runs while this one waits, and their flushes are shared.
        if self.autocommit && numbered.is_some() {
            wait_until_durable(self.connection)?;
        }
        numbered
            .map(|n| {
                u32::try_from(n.last_value).map_err(|e| RepositoryError::Failed(Cause::new(e)))
            })
            .transpose()
    }

    fn find_for_update(&mut self, id: OrderId) -> Result<Option<Order>, RepositoryError> {
        // NO KEY: other changes of the order wait, rows referencing it (messages, history, webhook deliveries) do
        // not; `FOR UPDATE` made a worker's messages for the order wait while it held the owner's text-message
        // locks the change then asked for: a deadlock.
        let Some(row) = orders::table
            .find(id.0)
            .select(OrderRow::as_select())
            .for_no_key_update()
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

    fn find_many(&mut self, ids: &[OrderId]) -> Result<Vec<Order>, RepositoryError> {
        let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
        let rows = orders::table
            .filter(orders::id.eq_any(&ids))
            .select(OrderRow::as_select())
            .load::<OrderRow>(self.connection)
            .map_err(storage_error)?;
        let mut items: HashMap<uuid::Uuid, Vec<OrderItemRow>> = HashMap::new();
        for item in order_items::table
            .filter(order_items::order_id.eq_any(&ids))
            .order(order_items::created_at.asc())
            .then_order_by(order_items::id.asc())
            .select(OrderItemRow::as_select())
            .load::<OrderItemRow>(self.connection)
            .map_err(storage_error)?
        {
            items.entry(item.order_id).or_default().push(item);
        }
        rows.into_iter()
            .map(|row| {
                let own = items.remove(&row.id).unwrap_or_default();
                row.into_order(own)
            })
            .collect()
    }

    fn update(&mut self, order: &Order) -> Result<(), RepositoryError> {
        let (details, payment) = (order.details(), order.payment());
        prepared(
            diesel::update(orders::table.find(order.id.0))
                .set((
                    orders::status.eq(order.status().as_str()),
                    orders::shipping_address.eq(&details.shipping_address),
                    orders::billing_address.eq(&details.billing_address),
                    orders::phone_number.eq(phone_column(details)),
                    orders::notes.eq(&details.notes),
                    orders::is_paid.eq(payment.is_paid),
                    orders::payment_method.eq(&payment.method),
                    orders::payment_reference.eq(&payment.reference),
                    orders::updated_at.eq(order.updated_at()),
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
            order_events::event_type.eq(event.event_type.as_str()),
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
