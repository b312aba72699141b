//! The outbox against a real Postgres: claims under leases, outcomes, releases, retries and the snapshot.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, DurationRound, Utc};
use orderflow_application::ports::{
    transaction, ChannelTotals, ClaimedNotification, DeliveryOutcome, DeliveryQueue,
    DeliveryReceipt, NotificationQueries, RepositoryError, WorkerInfo,
};
use orderflow_domain::identity::Customer;
use orderflow_domain::notifications::{
    Channel, DeliveryStatus, Message, NewNotification, NotificationId, RecentSms, SmsCaps, SmsCost,
    SmsSuppression,
};
use orderflow_persistence::{PgDeliveryQueue, PgNotificationQueries, PgUnitOfWork, PoolOptions};
use orderflow_test_support::fixtures::{prepared_statements, stored_customer};
use orderflow_test_support::TestDatabase;

fn now() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::microseconds(1))
        .unwrap()
}

fn alice(db: &TestDatabase) -> Customer {
    stored_customer(db, "alice@example.com")
}

/// Queues `count` emails to `to`, due at `at`, through the unit of work.
fn enqueue(db: &TestDatabase, to: &Customer, count: usize, at: DateTime<Utc>) {
    let queued: Vec<_> = (0..count)
        .map(|n| NewNotification {
            channel: if n % 2 == 0 {
                Channel::Email
            } else {
                Channel::Sms
            },
            recipient: to.id,
            recipient_name: to.full_name(),
            address: if n % 2 == 0 {
                to.email.to_string()
            } else {
                "+254711000001".into()
            },
            order_id: None,
            message: Message {
                subject: format!("Message {n}"),
                body: "Hello".into(),
            },
        })
        .collect();
    let uow = PgUnitOfWork::new(db.pool());
    transaction(&uow, |tx| {
        tx.outbox().enqueue(&queued, at)?;
        Ok::<_, RepositoryError>(())
    })
    .unwrap();
}

/// A message to Alice's phone number with no subject.
fn to_alices_phone(alice: &Customer, channel: Channel, body: &str) -> NewNotification {
    NewNotification {
        channel,
        recipient: alice.id,
        recipient_name: alice.full_name(),
        address: "+254711000001".into(),
        order_id: None,
        message: Message {
            subject: String::new(),
            body: body.into(),
        },
    }
}

fn lease() -> Duration {
    Duration::seconds(60)
}

fn status_of(
    db: &TestDatabase,
    id: NotificationId,
) -> orderflow_application::ports::NotificationView {
    PgNotificationQueries::new(db.pool())
        .notification(id)
        .unwrap()
        .unwrap()
}

#[test]
fn concurrent_workers_never_claim_the_same_message() {
    let db = TestDatabase::new();
    let alice = alice(&db);
    let at = now();
    enqueue(&db, &alice, 300, at);
    let queue = Arc::new(PgDeliveryQueue::new(db.pool()));
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let queue = queue.clone();
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                loop {
                    let batch = queue
                        .claim(&format!("w{w}"), 7, lease(), 5, at + Duration::seconds(1))
                        .unwrap();
                    if batch.is_empty() {
                        break mine;
                    }
                    mine.extend(batch.into_iter().map(|c| c.id));
                }
            })
        })
        .collect();
    let mut seen = HashSet::new();
    let mut total = 0;
    for worker in workers {
        let claimed = worker.join().unwrap();
        total += claimed.len();
        seen.extend(claimed);
    }
    assert_eq!(total, 300, "every message claimed once");
    assert_eq!(seen.len(), 300, "no message claimed twice");
}

#[test]
fn a_suppressed_message_is_kept_with_its_reason_and_never_claimed() {
    let db = TestDatabase::new();
    let alice = alice(&db);
    let at = now();
    let text = to_alices_phone(&alice, Channel::Sms, "Your order has shipped");
    let uow = PgUnitOfWork::new(db.pool());
    transaction(&uow, |tx| {
        tx.outbox()
            .record_suppressed(&[(text.clone(), SmsSuppression::NumberCap(10))], at)?;
        tx.outbox().recent_sms(
            "+254711000001",
            alice.id,
            at - Duration::hours(1),
            at - Duration::days(1),
            SmsCaps::default(),
        )
    })
    .map(|recent| {
        assert_eq!(
            recent,
            RecentSms::default(),
            "a suppressed message is not counted"
        )
    })
    .unwrap();
    let queue = PgDeliveryQueue::new(db.pool());
    assert!(queue
        .claim("w1", 10, lease(), 5, at + Duration::days(1))
        .unwrap()
        .is_empty());
    let listed = PgNotificationQueries::new(db.pool()).stats(None).unwrap();
    assert_eq!((listed.total, listed.suppressed, listed.pending), (1, 1, 0));
}

#[test]
fn a_worker_batch_past_one_statement_is_queued_whole_and_only_small_inserts_stay_prepared() {
    let db = TestDatabase::new();
    let alice = alice(&db);
    let at = now();
    // One connection, so that every statement lands on the session inspected afterwards.
    let pool = orderflow_persistence::connect(
        db.url(),
        &PoolOptions {
            max_size: 1,
            ..Default::default()
        },
    );
    let message =
        |n: usize, channel: Channel| to_alices_phone(&alice, channel, &format!("Order {n} placed"));
    // A dozen parameters a row: 10,000 rows in one statement would pass Postgres's 65,535.
    let emails: Vec<_> = (0..10_000).map(|n| message(n, Channel::Email)).collect();
    let texts: Vec<_> = (0..1_200)
        .map(|n| (message(n, Channel::Sms), SmsSuppression::NumberCap(10)))
        .collect();
    let inserts = || -> Vec<String> {
        prepared_statements(&pool)
            .into_iter()
            .filter(|s| s.starts_with("INSERT INTO \"notifications\""))
            .collect()
    };
    let uow = PgUnitOfWork::new(pool.clone());
    transaction(&uow, |tx| {
        tx.outbox().enqueue(&emails, at)?;
        tx.outbox().record_suppressed(&texts, at)
    })
    .unwrap();
    let listed = PgNotificationQueries::new(pool.clone())
        .stats(None)
        .unwrap();
    assert_eq!(
        (listed.total, listed.pending, listed.suppressed),
        (11_200, 10_000, 1_200)
    );
    assert_eq!(
        inserts(),
        Vec::<String>::new(),
        "large inserts leave nothing"
    );
    transaction(&uow, |tx| tx.outbox().enqueue(&emails[..3], at)).unwrap();
    assert_eq!(inserts().len(), 1, "a change's few messages stay prepared");
}

#[test]
fn a_claim_holds_the_message_until_its_lease_ends_then_another_worker_gets_it() {
    let db = TestDatabase::new();
    let alice = alice(&db);
    let at = now();
    enqueue(&db, &alice, 1, at);
    let queue = PgDeliveryQueue::new(db.pool());
    let first = queue.claim("w1", 10, lease(), 5, at).unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].attempt, 1);
    assert!(queue
        .claim("w2", 10, lease(), 5, at + Duration::seconds(59))
        .unwrap()
        .is_empty());

    // w1 died: the lease runs out and the message is due again, as a second attempt.
    let second = queue
        .claim("w2", 10, lease(), 5, at + Duration::seconds(61))
        .unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!((second[0].id, second[0].attempt), (first[0].id, 2));

    // w1 comes back and reports a failure: the claim is w2's now, so it does not count.
    queue
        .record(
            "w1",
            &first[0],
            &DeliveryOutcome::Failed {
                error: "late".into(),
                retry_at: None,
            },
            None,
            at + Duration::seconds(62),
        )
        .unwrap();
    assert_eq!(status_of(&db, first[0].id).status, DeliveryStatus::Pending);
}

#[test]
fn a_lease_that_ends_on_the_last_attempt_fails_the_message() {
    let db = TestDatabase::new();
    let alice = alice(&db);
    let at = now();
    enqueue(&db, &alice, 1, at);
    let queue = PgDeliveryQueue::new(db.pool());
    let claimed = queue.claim("w1", 10, lease(), 1, at).unwrap();
    assert_eq!(claimed.len(), 1);
    assert!(queue
        .claim("w2", 10, lease(), 1, at + Duration::seconds(61))
        .unwrap()
        .is_empty());
    let view = status_of(&db, claimed[0].id);
    assert_eq!(view.status, DeliveryStatus::Failed);
    assert_eq!(view.next_attempt_at, None);
    assert!(view
        .error_message
        .contains("stopped during its last attempt"));
}

#[test]
fn outcomes_are_recorded_with_receipts_errors_and_retry_times() {
    let db = TestDatabase::new();
    let alice = alice(&db);
    let at = now();
    enqueue(&db, &alice, 3, at);
    let queue = PgDeliveryQueue::new(db.pool());
    let claimed: Vec<ClaimedNotification> = queue.claim("w1", 10, lease(), 5, at).unwrap();
    assert_eq!(claimed.len(), 3);
    let sent_at = at + Duration::seconds(1);
    let retry_at = at + Duration::seconds(30);
    queue
        .record(
            "w1",
            &claimed[0],
            &DeliveryOutcome::Sent(DeliveryReceipt {
                provider_message_id: "ATXid_1".into(),
                cost: SmsCost::parse("KES 0.8000"),
            }),
            None,
            sent_at,
        )
        .unwrap();
    queue
        .record(
            "w1",
            &claimed[1],
            &DeliveryOutcome::Failed {
                error: "HTTP 500".into(),
                retry_at: Some(retry_at),
            },
            None,
            sent_at,
        )
        .unwrap();
    queue
        .record(
            "w1",
            &claimed[2],
            &DeliveryOutcome::Failed {
                error: "rejected".into(),
                retry_at: None,
            },
            None,
            sent_at,
        )
        .unwrap();

    let sent = status_of(&db, claimed[0].id);
    assert_eq!(sent.status, DeliveryStatus::Sent);
    assert_eq!(sent.sent_at, Some(sent_at));
    assert_eq!(sent.provider_message_id, "ATXid_1");
    assert_eq!(sent.cost, SmsCost::parse("KES 0.8000"));
    assert_eq!((sent.attempts, sent.next_attempt_at), (1, None));

    let retrying = status_of(&db, claimed[1].id);
    assert_eq!(retrying.status, DeliveryStatus::Pending);
    assert_eq!(retrying.next_attempt_at, Some(retry_at));
    assert_eq!(retrying.error_message, "HTTP 500");
    assert!(queue
        .claim("w1", 10, lease(), 5, retry_at - Duration::seconds(1))
        .unwrap()
        .is_empty());
    assert_eq!(
        queue.claim("w1", 10, lease(), 5, retry_at).unwrap()[0].attempt,
        2
    );

    let failed = status_of(&db, claimed[2].id);
    assert_eq!(failed.status, DeliveryStatus::Failed);
    assert_eq!(failed.error_message, "rejected");

    // An admin's retry puts it back, due now, with its attempts reset; a second retry finds nothing to do.
    assert!(queue.requeue_failed(claimed[2].id, sent_at).unwrap());
    assert!(!queue.requeue_failed(claimed[2].id, sent_at).unwrap());
    assert!(
        !queue.requeue_failed(claimed[0].id, sent_at).unwrap(),
        "a sent message stays sent"
    );
    let requeued = status_of(&db, claimed[2].id);
    assert_eq!(
        (requeued.status, requeued.attempts, requeued.next_attempt_at),
        (DeliveryStatus::Pending, 0, Some(sent_at))
    );
}

#[test]
fn released_messages_are_due_again_without_losing_an_attempt() {
    let db = TestDatabase::new();
    let alice = alice(&db);
    let at = now();
    enqueue(&db, &alice, 2, at);
    let queue = PgDeliveryQueue::new(db.pool());
    let claimed = queue.claim("w1", 10, lease(), 5, at).unwrap();
    let ids: Vec<_> = claimed.iter().map(|c| c.id).collect();
    queue.release("other", &ids, at).unwrap();
    assert!(
        queue.claim("w2", 10, lease(), 5, at).unwrap().is_empty(),
        "only the holder may release"
    );
    queue.release("w1", &ids, at).unwrap();
    let again = queue.claim("w2", 10, lease(), 5, at).unwrap();
    assert_eq!(again.len(), 2);
    assert!(again.iter().all(|c| c.attempt == 1));
}

#[test]
fn the_snapshot_counts_and_lists_live_workers() {
    let db = TestDatabase::new();
    let alice = alice(&db);
    let at = now();
    enqueue(&db, &alice, 3, at - Duration::minutes(10));
    enqueue(&db, &alice, 1, at + Duration::minutes(5));
    let queue = PgDeliveryQueue::new(db.pool());
    let worker = |id: &str| WorkerInfo {
        id: id.into(),
        host: "host-a".into(),
        pid: 42,
        started_at: at - Duration::hours(1),
    };
    queue
        .heartbeat(&worker("gone"), at - Duration::days(2))
        .unwrap();
    queue
        .heartbeat(&worker("old"), at - Duration::minutes(5))
        .unwrap();
    queue
        .heartbeat(&worker("live"), at - Duration::minutes(5))
        .unwrap();
    queue.heartbeat(&worker("live"), at).unwrap();
    let claimed = queue.claim("live", 1, lease(), 5, at).unwrap();
    queue
        .record(
            "live",
            &claimed[0],
            &DeliveryOutcome::Failed {
                error: "no".into(),
                retry_at: None,
            },
            None,
            at,
        )
        .unwrap();

    let snapshot = queue.snapshot(at, at - Duration::minutes(1)).unwrap();
    assert_eq!((snapshot.pending, snapshot.due, snapshot.failed), (3, 2, 1));
    assert_eq!(
        snapshot.oldest_pending_since,
        Some(at - Duration::minutes(10))
    );
    let live: Vec<_> = snapshot
        .workers
        .iter()
        .map(|w| w.info.id.as_str())
        .collect();
    assert_eq!(live, ["live"]);
    assert_eq!(snapshot.workers[0].last_seen_at, at);
    let everyone: Vec<_> = queue
        .snapshot(at, at - Duration::days(30))
        .unwrap()
        .workers
        .into_iter()
        .map(|w| w.info.id)
        .collect();
    assert_eq!(
        everyone,
        ["live", "old"],
        "a worker gone for a day is forgotten"
    );

    let stats = PgNotificationQueries::new(db.pool()).stats(None).unwrap();
    assert_eq!(
        (stats.total, stats.pending, stats.failed, stats.sent),
        (4, 3, 1, 0)
    );
    assert_eq!(
        PgNotificationQueries::new(db.pool())
            .stats(Some(orderflow_domain::identity::CustomerId(alice.id.0 + 1)))
            .unwrap()
            .total,
        0
    );
}

#[test]
fn totals_by_channel_count_sent_and_failed_messages_and_name_every_channel() {
    let db = TestDatabase::new();
    let queries = PgNotificationQueries::new(db.pool());
    let zero = |channel| ChannelTotals {
        channel,
        sent: 0,
        failed: 0,
    };
    assert_eq!(
        queries.totals_by_channel().unwrap(),
        [zero(Channel::Sms), zero(Channel::Email)]
    );

    let alice = alice(&db);
    let at = now();
    // Email, SMS, email, SMS.
    enqueue(&db, &alice, 4, at);
    let queue = PgDeliveryQueue::new(db.pool());
    let claimed = queue.claim("w1", 10, lease(), 5, at).unwrap();
    let by_subject = |subject: &str| {
        claimed
            .iter()
            .find(|c| c.message.subject == subject)
            .unwrap()
    };
    let sent = DeliveryOutcome::Sent(DeliveryReceipt {
        provider_message_id: "id".into(),
        cost: None,
    });
    let gave_up = DeliveryOutcome::Failed {
        error: "rejected".into(),
        retry_at: None,
    };
    let retry = DeliveryOutcome::Failed {
        error: "HTTP 500".into(),
        retry_at: Some(at + Duration::seconds(30)),
    };
    for (subject, outcome) in [
        ("Message 0", &sent),
        ("Message 1", &sent),
        ("Message 2", &gave_up),
        ("Message 3", &retry),
    ] {
        queue
            .record("w1", by_subject(subject), outcome, None, at)
            .unwrap();
    }

    assert_eq!(
        queries.totals_by_channel().unwrap(),
        [
            ChannelTotals {
                channel: Channel::Sms,
                sent: 1,
                failed: 0,
            },
            ChannelTotals {
                channel: Channel::Email,
                sent: 1,
                failed: 1,
            },
        ],
        "the SMS waiting for its retry is pending, in neither count"
    );
}
