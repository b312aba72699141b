//! An admin puts a failed notification back in the queue.

use std::sync::Arc;

use orderflow_domain::notifications::{DeliveryStatus, NotificationId};

use super::RetryNotificationError;
use crate::ports::{Clock, DeliveryQueue, NotificationQueries, NotificationView};

pub struct RetryNotification {
    queue: Arc<dyn DeliveryQueue>,
    queries: Arc<dyn NotificationQueries>,
    clock: Arc<dyn Clock>,
}

impl RetryNotification {
    pub fn new(
        queue: Arc<dyn DeliveryQueue>,
        queries: Arc<dyn NotificationQueries>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            queue,
            queries,
            clock,
        }
    }

    /// A `failed` notification becomes `pending`, due now, with a fresh set of attempts.
    pub fn execute(&self, id: NotificationId) -> Result<NotificationView, RetryNotificationError> {
        let found = self
            .queries
            .notification(id)?
            .ok_or(RetryNotificationError::NotFound)?;
        let refused = || RetryNotificationError::NotRetryable {
            status: found.status,
        };
        if found.status != DeliveryStatus::Failed {
            return Err(refused());
        }
        // Checked again in the update: another admin may have been quicker.
        if !self.queue.requeue_failed(id, self.clock.now())? {
            return Err(refused());
        }
        self.queries
            .notification(id)?
            .ok_or(RetryNotificationError::NotFound)
    }
}
