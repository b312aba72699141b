//! Orders as seen from inside a transaction.

use chrono::{DateTime, Utc};
use orderflow_domain::identity::CustomerId;
use orderflow_domain::ordering::{Order, OrderId};

use super::RepositoryError;

/// A line of an order's history, to be written: the domain's [`OrderEvent`](orderflow_domain::ordering::OrderEvent)
/// (`OrderEvent::by` an account, `OrderEvent::delivery` of a message), as `OrderQueries::events` reads it back.
pub use orderflow_domain::ordering::OrderEvent as NewOrderEvent;

/// A stored Idempotency-Key and the order it created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIdempotencyKey {
    pub request_hash: Vec<u8>,
    pub order_id: OrderId,
    pub created_at: DateTime<Utc>,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait OrderStore {
    /// Writes a new order in one statement, if every line's product is still active, named, coded and priced as
    /// in the line, and holds the line's quantity: takes the stock of every line (locking the products in id
    /// order, so that concurrent placements cannot deadlock), draws the order's number from the counter of its
    /// day (`order.created_at`, UTC), and writes the order under that number (its draft number is not read) with
    /// its items, `placed` (the first line of its history) and [`OutboxEvent::OrderPlaced`] for the notification
    /// workers. Returns the day's counter; `None`, with nothing written, when a line no longer holds.
    ///
    /// The products and the counter row stay locked until the transaction ends, so that concurrent placements
    /// queue (numbers are consecutive, stock never oversold): a placement makes this its last statement, to hold
    /// them for as short a time as can be.
    ///
    /// [`OutboxEvent::OrderPlaced`]: super::OutboxEvent::OrderPlaced
    fn place(
        &mut self,
        order: &Order,
        placed: &NewOrderEvent,
    ) -> Result<Option<u32>, RepositoryError>;

    /// The order with its items, locked until the transaction ends.
    fn find_for_update(&mut self, id: OrderId) -> Result<Option<Order>, RepositoryError>;

    /// The orders among `ids` with their items, as committed (not locked; in no particular order; an unknown id is
    /// left out), in two queries whatever their number.
    fn find_many(&mut self, ids: &[OrderId]) -> Result<Vec<Order>, RepositoryError>;

    /// Saves status, payment, delivery details, notes and `updated_at`.
    fn update(&mut self, order: &Order) -> Result<(), RepositoryError>;

    fn add_event(&mut self, event: &NewOrderEvent) -> Result<(), RepositoryError>;

    /// Takes the key's lock for the rest of the transaction, without waiting: `false` when another transaction
    /// holds it (a request with the same key is in flight).
    fn try_lock_idempotency_key(
        &mut self,
        customer: CustomerId,
        key: &str,
    ) -> Result<bool, RepositoryError>;

    fn find_idempotency_key(
        &mut self,
        customer: CustomerId,
        key: &str,
    ) -> Result<Option<StoredIdempotencyKey>, RepositoryError>;

    /// Stores (or replaces an expired) key with the order it created.
    fn save_idempotency_key(
        &mut self,
        customer: CustomerId,
        key: &str,
        stored: &StoredIdempotencyKey,
    ) -> Result<(), RepositoryError>;

    /// Deletes keys created before `before`; returns how many.
    fn sweep_idempotency_keys(&mut self, before: DateTime<Utc>) -> Result<u64, RepositoryError>;
}
