//! Is delivery keeping up? What `orderflow worker-status` reports, and the verdict a health probe acts on.

use std::sync::Arc;
use std::time::Duration;

use crate::ports::{Clock, DeliveryQueue, QueueSnapshot, RepositoryError};

/// Workers that reported within this window count as alive.
pub const WORKER_SEEN_WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub snapshot: QueueSnapshot,
    /// How long the oldest undelivered message has waited.
    pub oldest_pending_age: Option<Duration>,
    /// The oldest undelivered message has waited longer than the threshold: delivery is stalled (no worker, or
    /// a provider down for that long).
    pub stalled: bool,
}

pub struct DeliveryHealth {
    queue: Arc<dyn DeliveryQueue>,
    clock: Arc<dyn Clock>,
}

impl DeliveryHealth {
    pub fn new(queue: Arc<dyn DeliveryQueue>, clock: Arc<dyn Clock>) -> Self {
        Self { queue, clock }
    }

    pub fn check(&self, stalled_after: Duration) -> Result<DeliveryReport, RepositoryError> {
        let (snapshot, oldest_pending_age) =
            current_queue(self.queue.as_ref(), self.clock.as_ref())?;
        let stalled = oldest_pending_age.is_some_and(|age| age > stalled_after);
        Ok(DeliveryReport {
            snapshot,
            oldest_pending_age,
            stalled,
        })
    }
}

/// The queue now, with the workers seen within [`WORKER_SEEN_WINDOW`], and how long its oldest undelivered
/// message has waited.
pub(super) fn current_queue(
    queue: &dyn DeliveryQueue,
    clock: &dyn Clock,
) -> Result<(QueueSnapshot, Option<Duration>), RepositoryError> {
    let now = clock.now();
    let window = chrono::Duration::from_std(WORKER_SEEN_WINDOW).unwrap_or_default();
    let snapshot = queue.snapshot(now, now - window)?;
    let oldest_pending_age = snapshot
        .oldest_pending_since
        .map(|since| (now - since).to_std().unwrap_or_default());
    Ok((snapshot, oldest_pending_age))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockDeliveryQueue;
    use crate::test_support::{fixed_clock, now};

    fn report(oldest_minutes_ago: Option<i64>) -> DeliveryReport {
        let mut queue = MockDeliveryQueue::new();
        queue
            .expect_snapshot()
            .withf(|at, since| *at == now() && *since == now() - chrono::Duration::seconds(60))
            .returning(move |_, _| {
                Ok(QueueSnapshot {
                    pending: 3,
                    oldest_pending_since: oldest_minutes_ago
                        .map(|m| now() - chrono::Duration::minutes(m)),
                    ..QueueSnapshot::default()
                })
            });
        DeliveryHealth::new(Arc::new(queue), fixed_clock())
            .check(Duration::from_secs(300))
            .unwrap()
    }

    #[test]
    fn stalled_once_the_oldest_message_waited_longer_than_the_threshold() {
        assert!(!report(None).stalled);
        assert!(!report(Some(4)).stalled);
        let late = report(Some(6));
        assert!(late.stalled);
        assert_eq!(late.oldest_pending_age, Some(Duration::from_secs(360)));
    }
}
