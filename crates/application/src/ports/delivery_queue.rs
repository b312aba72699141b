//! The outbox as the delivery workers see it: claim due messages under a lease, record what happened.

use chrono::{DateTime, Duration, Utc};
use orderflow_domain::identity::CustomerId;
use orderflow_domain::notifications::NotificationId;
use orderflow_domain::ordering::OrderId;

use super::{DeliveryReceipt, NewOrderEvent, OutgoingMessage, RepositoryError};

/// A message a worker holds until its lease ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedNotification {
    pub id: NotificationId,
    pub order_id: Option<OrderId>,
    /// The account the message is addressed to (`None` once that account is gone).
    pub recipient: Option<CustomerId>,
    pub message: OutgoingMessage,
    /// The number of this attempt, from 1.
    pub attempt: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Sent(DeliveryReceipt),
    /// `retry_at`: when to try again; `None` after the last attempt (the message is then `failed`).
    Failed {
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

/// A worker process, as `worker-status` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerInfo {
    pub id: String,
    pub host: String,
    pub pid: u32,
    pub started_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenWorker {
    pub info: WorkerInfo,
    pub last_seen_at: DateTime<Utc>,
}

/// The state of the queue at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueueSnapshot {
    /// Not delivered yet, retries included.
    pub pending: u64,
    /// Pending and ready to be tried now.
    pub due: u64,
    pub failed: u64,
    /// When the oldest pending message was queued.
    pub oldest_pending_since: Option<DateTime<Utc>>,
    pub workers: Vec<SeenWorker>,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait DeliveryQueue: Send + Sync {
    /// Takes up to `limit` due messages for `worker` until `now + lease`, oldest first, skipping those another
    /// worker holds; each claim counts as an attempt. A message whose lease ran out is due again, unless that was
    /// its last attempt: then it is `failed`.
    fn claim(
        &self,
        worker: &str,
        limit: u32,
        lease: Duration,
        max_attempts: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<ClaimedNotification>, RepositoryError>;

    /// Records the outcome of an attempt and `event` (its line in the order's history), in one transaction.
    /// Neither is written when the message is no longer pending, or a failure when the claim is no longer this
    /// worker's (its lease ran out and another worker took the message).
    fn record(
        &self,
        worker: &str,
        notification: &ClaimedNotification,
        outcome: &DeliveryOutcome,
        event: Option<NewOrderEvent>,
        now: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Hands back claimed messages that were not tried (the worker is stopping); their attempt is not counted.
    fn release(
        &self,
        worker: &str,
        ids: &[NotificationId],
        now: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Notes that the worker is alive (and forgets workers not seen for a day).
    fn heartbeat(&self, worker: &WorkerInfo, now: DateTime<Utc>) -> Result<(), RepositoryError>;

    /// Puts a `failed` message back to `pending`, due now, with its attempts reset. `false` if it is not failed.
    fn requeue_failed(
        &self,
        id: NotificationId,
        now: DateTime<Utc>,
    ) -> Result<bool, RepositoryError>;

    /// Counts, the oldest pending message, and the workers seen since `workers_seen_since`.
    fn snapshot(
        &self,
        now: DateTime<Utc>,
        workers_seen_since: DateTime<Utc>,
    ) -> Result<QueueSnapshot, RepositoryError>;
}
