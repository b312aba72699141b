//! The transactional outbox: messages are queued in the transaction of the change they report, so they exist
//! exactly when the change does, and a worker delivers them afterwards.

use chrono::{DateTime, Utc};
use orderflow_domain::identity::CustomerId;
use orderflow_domain::notifications::{NewNotification, RecentSms, SmsCaps, SmsSuppression};
use orderflow_domain::ordering::OrderId;

use super::RepositoryError;

/// A change to tell people about, recorded in its own transaction (one row, however many are to be told) and
/// expanded into their messages by the notification workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxEvent {
    OrderPlaced(OrderId),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Outbox {
    /// Queues the messages, due at `at`. Nothing is queued if the transaction rolls back.
    fn enqueue(
        &mut self,
        notifications: &[NewNotification],
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// The SMS queued to `number` since `number_since` and to `customer` since `customer_since`, suppressed ones
    /// left out, each counted up to its cap in `caps` (no further: more makes no difference to the check).
    /// Holds the number and the customer until the transaction ends, so that messages queued at once are counted
    /// one after the other.
    fn recent_sms(
        &mut self,
        number: &str,
        customer: CustomerId,
        number_since: DateTime<Utc>,
        customer_since: DateTime<Utc>,
        caps: SmsCaps,
    ) -> Result<RecentSms, RepositoryError>;

    /// Takes up to `limit` recorded events, oldest first, skipping those another transaction holds and those set
    /// aside. They are gone when this transaction commits (and back if it rolls back): whatever is queued for
    /// them in it is queued exactly once.
    fn take_events(&mut self, limit: u32) -> Result<Vec<OutboxEvent>, RepositoryError>;

    /// Keeps an event that cannot be expanded out of every later take, with the reason, for an operator to mend
    /// and put back; `false` if it is no longer waiting (another worker expanded it meanwhile).
    fn set_aside(
        &mut self,
        event: OutboxEvent,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, RepositoryError>;

    /// Keeps messages that will never be sent, each with its reason, for the record.
    fn record_suppressed(
        &mut self,
        suppressed: &[(NewNotification, SmsSuppression)],
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;
}
