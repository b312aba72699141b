//! The delivery worker's round: claim due messages, send each through its channel's provider, record the result.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use orderflow_domain::notifications::{Channel, RetryPolicy};
use orderflow_domain::ordering::{delivery_note, EventType};

use chrono::{DateTime, Utc};

use crate::ports::{
    ClaimedNotification, Clock, DeliveryOutcome, DeliveryQueue, Jitter, NewOrderEvent, Notifier,
    RepositoryError, WorkerInfo,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliverySettings {
    /// Messages claimed per round.
    pub batch_size: u32,
    /// How long a claim lasts. Longer than a provider call can take (their timeouts are shorter), so a live
    /// worker never loses a message to another; a dead worker's messages come back when it ends.
    pub lease: Duration,
    pub retry: RetryPolicy,
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoundOutcome {
    pub sent: usize,
    pub failed: usize,
    /// Claimed but handed back untried, because the worker is stopping.
    pub released: usize,
}

impl RoundOutcome {
    pub fn handled(&self) -> usize {
        self.sent + self.failed
    }
}

pub struct DeliverNotifications {
    queue: Arc<dyn DeliveryQueue>,
    sms: Arc<dyn Notifier>,
    email: Arc<dyn Notifier>,
    clock: Arc<dyn Clock>,
    jitter: Arc<dyn Jitter>,
    settings: DeliverySettings,
    worker: WorkerInfo,
}

impl DeliverNotifications {
    pub fn new(
        queue: Arc<dyn DeliveryQueue>,
        sms: Arc<dyn Notifier>,
        email: Arc<dyn Notifier>,
        clock: Arc<dyn Clock>,
        jitter: Arc<dyn Jitter>,
        settings: DeliverySettings,
        worker: WorkerInfo,
    ) -> Self {
        Self {
            queue,
            sms,
            email,
            clock,
            jitter,
            settings,
            worker,
        }
    }

    pub fn worker(&self) -> &WorkerInfo {
        &self.worker
    }

    /// One round: notes that the worker is alive, claims due messages, and sends and records them one by one.
    /// Once `stop` is set it finishes the message in hand and hands the others back.
    pub fn run_round(&self, stop: &AtomicBool) -> Result<RoundOutcome, RepositoryError> {
        let now = self.clock.now();
        self.queue.heartbeat(&self.worker, now)?;
        let lease = chrono::Duration::from_std(self.settings.lease)
            .map_err(|e| RepositoryError::Failed(format!("lease out of range: {e}").into()))?;
        let claimed = self.queue.claim(
            &self.worker.id,
            self.settings.batch_size,
            lease,
            self.settings.retry.max_attempts,
            now,
        )?;
        let mut outcome = RoundOutcome::default();
        for (index, notification) in claimed.iter().enumerate() {
            if stop.load(Ordering::SeqCst) {
                let untried: Vec<_> = claimed[index..].iter().map(|n| n.id).collect();
                self.queue
                    .release(&self.worker.id, &untried, self.clock.now())?;
                outcome.released = untried.len();
                break;
            }
            let delivery = self.deliver(notification);
            match delivery {
                DeliveryOutcome::Sent(_) => outcome.sent += 1,
                DeliveryOutcome::Failed { .. } => outcome.failed += 1,
            }
            let now = self.clock.now();
            let event = delivery_event(notification, &delivery, now);
            self.queue
                .record(&self.worker.id, notification, &delivery, event, now)?;
        }
        Ok(outcome)
    }

    fn deliver(&self, notification: &ClaimedNotification) -> DeliveryOutcome {
        let notifier = match notification.message.channel {
            Channel::Sms => &self.sms,
            Channel::Email => &self.email,
        };
        match notifier.send(&notification.message) {
            Ok(receipt) => DeliveryOutcome::Sent(receipt),
            Err(failure) => {
                let wait = self
                    .settings
                    .retry
                    .after_failure(notification.attempt, self.jitter.sample());
                DeliveryOutcome::Failed {
                    error: failure.0,
                    retry_at: wait
                        .and_then(|wait| chrono::Duration::from_std(wait).ok())
                        .map(|wait| self.clock.now() + wait),
                }
            }
        }
    }
}

/// The line a delivery adds to its order's history (none for a message about no order).
fn delivery_event(
    notification: &ClaimedNotification,
    outcome: &DeliveryOutcome,
    at: DateTime<Utc>,
) -> Option<NewOrderEvent> {
    let message = &notification.message;
    let what = delivery_note(message.channel, &message.address, &message.subject);
    let attempt = notification.attempt;
    let (event_type, note) = match outcome {
        DeliveryOutcome::Sent(_) => (EventType::NotificationSent, what),
        DeliveryOutcome::Failed {
            error,
            retry_at: Some(retry),
        } => (
            EventType::NotificationFailed,
            format!(
                "{what}; attempt {attempt} failed: {error}; next attempt at {}",
                retry.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
        ),
        DeliveryOutcome::Failed {
            error,
            retry_at: None,
        } => (
            EventType::NotificationFailed,
            format!("{what}; attempt {attempt} failed: {error}; no attempts left"),
        ),
    };
    Some(NewOrderEvent::delivery(
        notification.order_id?,
        event_type,
        message.channel,
        notification.recipient,
        note,
        at,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{
        DeliveryFailure, DeliveryReceipt, MockDeliveryQueue, MockJitter, MockNotifier,
        OutgoingMessage,
    };
    use crate::test_support::{fixed_clock, now};
    use orderflow_domain::notifications::{NotificationId, SmsCost};
    use rust_decimal::Decimal;
    use uuid::Uuid;

    const SETTINGS: DeliverySettings = DeliverySettings {
        batch_size: 10,
        lease: Duration::from_secs(60),
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(600),
        },
    };

    fn claimed(n: u128, channel: Channel, attempt: u32) -> ClaimedNotification {
        ClaimedNotification {
            id: NotificationId(Uuid::from_u128(n)),
            order_id: None,
            recipient: Some(orderflow_domain::identity::CustomerId(1)),
            message: OutgoingMessage {
                channel,
                address: match channel {
                    Channel::Sms => "+254711000001".into(),
                    Channel::Email => "alice@example.com".into(),
                },
                recipient_name: "Alice".into(),
                subject: "Order Confirmation".into(),
                body: "Thanks".into(),
            },
            attempt,
        }
    }

    fn worker() -> WorkerInfo {
        WorkerInfo {
            id: "w1".into(),
            host: "host".into(),
            pid: 1,
            started_at: now(),
        }
    }

    fn queue_with(claims: Vec<ClaimedNotification>) -> MockDeliveryQueue {
        let mut queue = MockDeliveryQueue::new();
        queue.expect_heartbeat().times(1).returning(|_, _| Ok(()));
        queue
            .expect_claim()
            .withf(|worker, limit, lease, max, _| {
                worker == "w1" && *limit == 10 && lease.num_seconds() == 60 && *max == 3
            })
            .times(1)
            .returning(move |_, _, _, _, _| Ok(claims.clone()));
        queue
    }

    fn deliver(
        queue: MockDeliveryQueue,
        sms: MockNotifier,
        email: MockNotifier,
    ) -> DeliverNotifications {
        let mut jitter = MockJitter::new();
        jitter.expect_sample().returning(|| 1.0);
        DeliverNotifications::new(
            Arc::new(queue),
            Arc::new(sms),
            Arc::new(email),
            fixed_clock(),
            Arc::new(jitter),
            SETTINGS,
            worker(),
        )
    }

    #[test]
    fn each_message_goes_through_its_channel_and_the_receipt_is_recorded() {
        let mut queue = queue_with(vec![
            claimed(1, Channel::Sms, 1),
            claimed(2, Channel::Email, 1),
        ]);
        queue
            .expect_record()
            .withf(|_, n, outcome, _, _| {
                n.id == NotificationId(Uuid::from_u128(1))
                    && matches!(outcome, DeliveryOutcome::Sent(r)
                        if r.provider_message_id == "ATXid_1"
                            && r.cost.as_ref().map(|c| c.amount) == Some(Decimal::new(8, 1)))
            })
            .times(1)
            .returning(|_, _, _, _, _| Ok(()));
        queue
            .expect_record()
            .withf(|_, n, outcome, _, _| {
                n.id == NotificationId(Uuid::from_u128(2))
                    && matches!(outcome, DeliveryOutcome::Sent(_))
            })
            .times(1)
            .returning(|_, _, _, _, _| Ok(()));
        let mut sms = MockNotifier::new();
        sms.expect_send()
            .withf(|m| m.address == "+254711000001")
            .times(1)
            .returning(|_| {
                Ok(DeliveryReceipt {
                    provider_message_id: "ATXid_1".into(),
                    cost: SmsCost::parse("KES 0.8"),
                })
            });
        let mut email = MockNotifier::new();
        email
            .expect_send()
            .withf(|m| m.address == "alice@example.com")
            .times(1)
            .returning(|_| Ok(DeliveryReceipt::default()));
        let outcome = deliver(queue, sms, email)
            .run_round(&AtomicBool::new(false))
            .unwrap();
        assert_eq!(
            outcome,
            RoundOutcome {
                sent: 2,
                failed: 0,
                released: 0
            }
        );
    }

    #[test]
    fn a_failure_is_retried_after_the_backoff_until_the_last_attempt() {
        for (attempt, retry_at) in [
            (1, Some(now() + chrono::Duration::seconds(30))),
            (2, Some(now() + chrono::Duration::seconds(60))),
            (3, None),
        ] {
            let mut queue = queue_with(vec![claimed(1, Channel::Email, attempt)]);
            queue
                .expect_record()
                .withf(move |_, _, outcome, _, _| {
                    *outcome
                        == DeliveryOutcome::Failed {
                            error: "connection refused".into(),
                            retry_at,
                        }
                })
                .times(1)
                .returning(|_, _, _, _, _| Ok(()));
            let mut email = MockNotifier::new();
            email
                .expect_send()
                .returning(|_| Err(DeliveryFailure("connection refused".into())));
            let outcome = deliver(queue, MockNotifier::new(), email)
                .run_round(&AtomicBool::new(false))
                .unwrap();
            assert_eq!(outcome.failed, 1);
        }
    }

    #[test]
    fn stopping_finishes_the_message_in_hand_and_hands_back_the_rest() {
        let stop = Arc::new(AtomicBool::new(false));
        let mut queue = queue_with(vec![
            claimed(1, Channel::Email, 1),
            claimed(2, Channel::Email, 1),
            claimed(3, Channel::Sms, 1),
        ]);
        queue
            .expect_record()
            .withf(|_, n, _, _, _| n.id == NotificationId(Uuid::from_u128(1)))
            .times(1)
            .returning(|_, _, _, _, _| Ok(()));
        queue
            .expect_release()
            .withf(|worker, ids, _| {
                worker == "w1"
                    && ids
                        == [
                            NotificationId(Uuid::from_u128(2)),
                            NotificationId(Uuid::from_u128(3)),
                        ]
            })
            .times(1)
            .returning(|_, _, _| Ok(()));
        let mut email = MockNotifier::new();
        let signal = stop.clone();
        email.expect_send().times(1).returning(move |_| {
            // SIGTERM arrives while the first message is being sent.
            signal.store(true, Ordering::SeqCst);
            Ok(DeliveryReceipt::default())
        });
        let outcome = deliver(queue, MockNotifier::new(), email)
            .run_round(&stop)
            .unwrap();
        assert_eq!(
            outcome,
            RoundOutcome {
                sent: 1,
                failed: 0,
                released: 2
            }
        );
    }

    #[test]
    fn each_outcome_about_an_order_is_written_to_its_history() {
        let order = orderflow_domain::ordering::OrderId(Uuid::from_u128(7));
        let mut about_an_order = claimed(1, Channel::Sms, 2);
        about_an_order.order_id = Some(order);
        let mut queue = queue_with(vec![about_an_order, claimed(2, Channel::Sms, 1)]);
        queue
            .expect_record()
            .withf(move |_, n, _, event, _| {
                n.id == NotificationId(Uuid::from_u128(1))
                    && event.as_ref().is_some_and(|e| {
                        e.order_id == order
                            && e.event_type == EventType::NotificationFailed
                            && e.actor == "system"
                            && e.actor_id.is_none()
                            && e.recipient_id == Some(orderflow_domain::identity::CustomerId(1))
                            && e.channel == Some(Channel::Sms)
                            && e.note
                                == "sms to +254711000001: Order Confirmation; attempt 2 failed: \
                                    HTTP 500; next attempt at 2026-05-01T09:31:00Z"
                    })
            })
            .times(1)
            .returning(|_, _, _, _, _| Ok(()));
        queue
            .expect_record()
            .withf(|_, n, _, event, _| {
                n.id == NotificationId(Uuid::from_u128(2)) && event.is_none()
            })
            .times(1)
            .returning(|_, _, _, _, _| Ok(()));
        let mut sms = MockNotifier::new();
        sms.expect_send()
            .returning(|_| Err(DeliveryFailure("HTTP 500".into())));
        deliver(queue, sms, MockNotifier::new())
            .run_round(&AtomicBool::new(false))
            .unwrap();
    }

    #[test]
    fn an_empty_queue_still_reports_the_worker_alive() {
        let queue = queue_with(vec![]);
        let outcome = deliver(queue, MockNotifier::new(), MockNotifier::new())
            .run_round(&AtomicBool::new(false))
            .unwrap();
        assert_eq!(outcome.handled(), 0);
    }
}
