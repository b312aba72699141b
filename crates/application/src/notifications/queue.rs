//! Queueing the messages of a change, inside its transaction, with the caps on text messages applied.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use orderflow_domain::identity::CustomerId;
use orderflow_domain::notifications::{Channel, NewNotification, RecentSms, SmsCaps};

use crate::ports::{RepositoryError, Transaction};

/// Queues `notifications` due `now`; an SMS past a cap is kept as suppressed, with the reason, and not sent.
///
/// The messages may be those of many changes (a worker's batch of placed orders): what is already queued is read
/// once per number and customer (the first read locks them until the transaction ends, so nobody else queues to
/// them meanwhile), the earlier messages of `notifications` are counted on top, and the messages and the
/// suppressed ones are written in one statement each.
pub(crate) fn queue(
    tx: &mut dyn Transaction,
    notifications: Vec<NewNotification>,
    caps: SmsCaps,
    now: DateTime<Utc>,
) -> Result<(), RepositoryError> {
    let mut to_send = Vec::with_capacity(notifications.len());
    let mut suppressed = Vec::new();
    let mut queued_before: HashMap<(String, CustomerId), RecentSms> = HashMap::new();
    for notification in notifications {
        if notification.channel != Channel::Sms {
            to_send.push(notification);
            continue;
        }
        let key = (notification.address.clone(), notification.recipient);
        let mut recent = match queued_before.get(&key) {
            Some(recent) => *recent,
            None => {
                let recent = tx.outbox().recent_sms(
                    &notification.address,
                    notification.recipient,
                    now - Duration::hours(1),
                    now - Duration::days(1),
                    caps,
                )?;
                queued_before.insert(key, recent);
                recent
            }
        };
        // Counted against what is already queued, the earlier messages of this call included.
        for earlier in to_send.iter().filter(|n| n.channel == Channel::Sms) {
            if earlier.address == notification.address {
                recent.to_number_last_hour += 1;
            }
            if earlier.recipient == notification.recipient {
                recent.to_customer_last_day += 1;
            }
        }
        match caps.check(recent) {
            Ok(()) => to_send.push(notification),
            Err(reason) => suppressed.push((notification, reason)),
        }
    }
    if !suppressed.is_empty() {
        tx.outbox().record_suppressed(&suppressed, now)?;
    }
    tx.outbox().enqueue(&to_send, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{transaction, MockOutbox};
    use crate::test_support::FakeUnitOfWork;
    use orderflow_domain::identity::CustomerId;
    use orderflow_domain::notifications::{Message, RecentSms, SmsSuppression};

    fn sms(to: &str, customer: i64) -> NewNotification {
        NewNotification {
            channel: Channel::Sms,
            recipient: CustomerId(customer),
            recipient_name: "Alice".into(),
            address: to.into(),
            order_id: None,
            message: Message {
                subject: String::new(),
                body: "Your order is on its way".into(),
            },
        }
    }

    fn email(customer: i64) -> NewNotification {
        NewNotification {
            channel: Channel::Email,
            address: "alice@example.com".into(),
            ..sms("", customer)
        }
    }

    fn now() -> DateTime<Utc> {
        crate::test_support::now()
    }

    #[test]
    fn an_sms_over_the_number_cap_is_kept_suppressed_and_the_rest_goes() {
        let mut outbox = MockOutbox::new();
        outbox
            .expect_recent_sms()
            .withf(|number, customer, number_since, customer_since, _| {
                number == "+254711000001"
                    && *customer == CustomerId(3)
                    && *number_since == now() - Duration::hours(1)
                    && *customer_since == now() - Duration::days(1)
            })
            .returning(|_, _, _, _, _| {
                Ok(RecentSms {
                    to_number_last_hour: 10,
                    to_customer_last_day: 10,
                })
            });
        outbox
            .expect_record_suppressed()
            .withf(|suppressed, _| {
                matches!(suppressed, [(n, reason)]
                    if n.address == "+254711000001" && *reason == SmsSuppression::NumberCap(10))
            })
            .times(1)
            .returning(|_, _| Ok(()));
        outbox
            .expect_enqueue()
            .withf(|queued, _| queued.len() == 1 && queued[0].channel == Channel::Email)
            .times(1)
            .returning(|_, _| Ok(()));
        let uow = FakeUnitOfWork::with_outbox(outbox);
        transaction(&uow, |tx| {
            queue(
                tx,
                vec![sms("+254711000001", 3), email(3)],
                SmsCaps::default(),
                now(),
            )
        })
        .unwrap();
    }

    #[test]
    fn messages_of_one_change_count_against_each_other() {
        let mut outbox = MockOutbox::new();
        // Once per number and customer: "+1" twice for customer 3 is read once.
        outbox
            .expect_recent_sms()
            .times(2)
            .returning(|_, _, _, _, _| Ok(RecentSms::default()));
        outbox
            .expect_record_suppressed()
            .withf(|suppressed, _| {
                matches!(suppressed, [(n, reason)]
                    if n.address == "+2" && *reason == SmsSuppression::CustomerCap(2))
            })
            .times(1)
            .returning(|_, _| Ok(()));
        outbox
            .expect_enqueue()
            .withf(|queued, _| queued.len() == 2)
            .times(1)
            .returning(|_, _| Ok(()));
        let caps = SmsCaps {
            per_number_per_hour: 5,
            per_customer_per_day: 2,
        };
        let uow = FakeUnitOfWork::with_outbox(outbox);
        transaction(&uow, |tx| {
            queue(
                tx,
                vec![sms("+1", 3), sms("+1", 3), sms("+2", 3)],
                caps,
                now(),
            )
        })
        .unwrap();
    }

    #[test]
    fn a_batch_reads_what_is_queued_once_per_number_and_customer_and_writes_once() {
        // Already queued: 3 to the number this hour (cap 5). Of six messages to it, two go and four are
        // suppressed, all four in one statement.
        let mut outbox = MockOutbox::new();
        outbox
            .expect_recent_sms()
            .times(1)
            .returning(|_, _, _, _, _| {
                Ok(RecentSms {
                    to_number_last_hour: 3,
                    to_customer_last_day: 3,
                })
            });
        outbox
            .expect_record_suppressed()
            .withf(|suppressed, _| {
                suppressed.len() == 4
                    && suppressed
                        .iter()
                        .all(|(_, reason)| *reason == SmsSuppression::NumberCap(5))
            })
            .times(1)
            .returning(|_, _| Ok(()));
        outbox
            .expect_enqueue()
            .withf(|queued, _| {
                queued.iter().filter(|n| n.channel == Channel::Sms).count() == 2
                    && queued
                        .iter()
                        .filter(|n| n.channel == Channel::Email)
                        .count()
                        == 6
            })
            .times(1)
            .returning(|_, _| Ok(()));
        let caps = SmsCaps {
            per_number_per_hour: 5,
            per_customer_per_day: 50,
        };
        let batch: Vec<_> = (0..6)
            .flat_map(|_| [sms("+254711000001", 3), email(3)])
            .collect();
        let uow = FakeUnitOfWork::with_outbox(outbox);
        transaction(&uow, |tx| queue(tx, batch.clone(), caps, now())).unwrap();
    }
}
