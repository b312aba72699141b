//! The notification outbox's tables: queued in transactions, claimed and recorded by workers, read by the API.

mod outbox;
mod queries;
mod queue;
mod rows;

pub use queries::PgNotificationQueries;
pub use queue::PgDeliveryQueue;
pub(crate) use queue::LOST_LAST_ATTEMPT;
