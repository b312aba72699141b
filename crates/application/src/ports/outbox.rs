//! The transactional outbox: messages are queued in the transaction of the change they report, so they exist
//! exactly when the change does, and a worker delivers them afterwards.

use chrono::{DateTime, Utc};
use orderflow_domain::notifications::NewNotification;

use super::RepositoryError;

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Outbox {
    /// Queues the messages, due at `at`. Nothing is queued if the transaction rolls back.
    fn enqueue(
        &mut self,
        notifications: &[NewNotification],
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;
}
