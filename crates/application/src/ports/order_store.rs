//! Orders as seen from inside a transaction.

use chrono::{DateTime, NaiveDate, Utc};
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
    /// Increments and returns the order counter of `day` (1 for its first order). The counter row stays locked
    /// until the transaction ends, so concurrent placements get consecutive, distinct numbers.
    fn next_number(&mut self, day: NaiveDate) -> Result<u32, RepositoryError>;

    /// Writes a new order in one round trip: the order with its items, `placed` (the first line of its history),
    /// and [`OutboxEvent::OrderPlaced`] for the notification workers, who tell the customer and the admins.
    /// Placement holds the stock of its products and the day's counter until it commits: every round trip saved
    /// there is time the next order does not wait.
    ///
    /// [`OutboxEvent::OrderPlaced`]: super::OutboxEvent::OrderPlaced
    fn insert_placed(
        &mut self,
        order: &Order,
        placed: &NewOrderEvent,
    ) -> Result<(), RepositoryError>;

    /// The order with its items, locked until the transaction ends.
    fn find_for_update(&mut self, id: OrderId) -> Result<Option<Order>, RepositoryError>;

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
