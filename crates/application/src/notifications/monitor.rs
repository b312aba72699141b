//! The notification queue in figures, for the metrics a monitoring system scrapes.

use std::sync::Arc;
use std::time::Duration;

use super::health::current_queue;
use crate::ports::{ChannelTotals, Clock, DeliveryQueue, NotificationQueries, RepositoryError};

/// The queue and the messages that reached an end, at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryFigures {
    /// Not delivered yet, retries included.
    pub pending: u64,
    /// Pending and ready to be tried now.
    pub due: u64,
    /// How long the oldest undelivered message has waited (`None`: nothing is waiting).
    pub oldest_pending_age: Option<Duration>,
    /// Workers that reported within the last minute.
    pub workers_seen: usize,
    /// Sent and failed messages, by channel.
    pub by_channel: Vec<ChannelTotals>,
}

pub struct MonitorDelivery {
    queue: Arc<dyn DeliveryQueue>,
    queries: Arc<dyn NotificationQueries>,
    clock: Arc<dyn Clock>,
}

impl MonitorDelivery {
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

    pub fn figures(&self) -> Result<DeliveryFigures, RepositoryError> {
        let (snapshot, oldest_pending_age) =
            current_queue(self.queue.as_ref(), self.clock.as_ref())?;
        Ok(DeliveryFigures {
            pending: snapshot.pending,
            due: snapshot.due,
            oldest_pending_age,
            workers_seen: snapshot.workers.len(),
            by_channel: self.queries.totals_by_channel()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MockDeliveryQueue, MockNotificationQueries, QueueSnapshot};
    use crate::test_support::{fixed_clock, now};
    use orderflow_domain::notifications::Channel;

    #[test]
    fn figures_join_the_queue_and_the_totals_of_each_channel() {
        let mut queue = MockDeliveryQueue::new();
        queue.expect_snapshot().returning(|_, _| {
            Ok(QueueSnapshot {
                pending: 4,
                due: 1,
                failed: 2,
                oldest_pending_since: Some(now() - chrono::Duration::seconds(90)),
                workers: Vec::new(),
            })
        });
        let totals = vec![
            ChannelTotals {
                channel: Channel::Sms,
                sent: 7,
                failed: 2,
            },
            ChannelTotals {
                channel: Channel::Email,
                sent: 3,
                failed: 0,
            },
        ];
        let mut queries = MockNotificationQueries::new();
        let returned = totals.clone();
        queries
            .expect_totals_by_channel()
            .returning(move || Ok(returned.clone()));
        let figures = MonitorDelivery::new(Arc::new(queue), Arc::new(queries), fixed_clock())
            .figures()
            .unwrap();
        assert_eq!(
            figures,
            DeliveryFigures {
                pending: 4,
                due: 1,
                oldest_pending_age: Some(Duration::from_secs(90)),
                workers_seen: 0,
                by_channel: totals,
            }
        );
    }
}
