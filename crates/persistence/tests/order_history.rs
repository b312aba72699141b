//! An order's history against a real Postgres: the accounts and channel each line is written with (what the
//! owner's view is decided on), and the same for lines written before they were recorded (the migration).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, DurationRound, Utc};
use diesel::migration::{Migration, MigrationSource};
use diesel::pg::Pg;
use diesel::sql_types::{BigInt, Text, Uuid as SqlUuid};
use diesel::RunQueryDsl;
use diesel_migrations::{FileBasedMigrations, MigrationHarness};
use orderflow_application::ports::{
    transaction, DeliveryOutcome, DeliveryQueue, DeliveryReceipt, NewOrderEvent, OrderQueries,
    RepositoryError,
};
use orderflow_domain::identity::{Customer, CustomerId};
use orderflow_domain::notifications::{Channel, Message, NewNotification};
use orderflow_domain::ordering::{EventType, OrderId, OrderStatus};
use orderflow_persistence::{PgDeliveryQueue, PgOrderQueries, PgUnitOfWork};
use orderflow_test_support::fixtures::stored_customer;
use orderflow_test_support::TestDatabase;
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::microseconds(1))
        .unwrap()
}

/// A pending order of `owner`'s, written directly (its lines do not matter here).
fn order_of(db: &TestDatabase, owner: &Customer) -> OrderId {
    let id = Uuid::new_v4();
    diesel::sql_query(
        "INSERT INTO orders (id, order_number, customer_id, status, total_amount, shipping_address, \
                             billing_address, phone_number, created_at, updated_at) \
         VALUES ($1, 'ORD-20260501-0001', $2, 'pending', 10, '1 Moi Avenue', '1 Moi Avenue', '+254711000001', \
                 now(), now())",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<BigInt, _>(owner.id.0)
    .execute(&mut db.connection())
    .unwrap();
    OrderId(id)
}

/// (type, actor, actor_id, recipient_id, channel) of each line of the order's history, oldest first.
type Line = (
    String,
    String,
    Option<CustomerId>,
    Option<CustomerId>,
    Option<Channel>,
);

fn lines(db: &TestDatabase, order: OrderId) -> Vec<Line> {
    PgOrderQueries::new(db.pool())
        .events(order)
        .unwrap()
        .into_iter()
        .map(|e| {
            (
                e.event_type.into(),
                e.actor,
                e.actor_id,
                e.recipient_id,
                e.channel,
            )
        })
        .collect()
}

fn line(
    kind: &str,
    actor: &str,
    actor_id: Option<&Customer>,
    recipient_id: Option<&Customer>,
    channel: Option<Channel>,
) -> Line {
    (
        kind.into(),
        actor.into(),
        actor_id.map(|c| c.id),
        recipient_id.map(|c| c.id),
        channel,
    )
}

#[test]
fn each_line_keeps_who_did_it_and_whom_a_message_was_to() {
    let db = TestDatabase::new();
    let alice = stored_customer(&db, "alice@example.com");
    let admin = stored_customer(&db, "admin@example.com");
    let order = order_of(&db, &alice);
    let at = now();
    let message = |channel, to: &Customer, address: &str| NewNotification {
        channel,
        recipient: to.id,
        recipient_name: to.full_name(),
        address: address.into(),
        order_id: Some(order),
        message: Message {
            subject: "Order Confirmation".into(),
            body: "Thanks".into(),
        },
    };
    let uow = PgUnitOfWork::new(db.pool());
    transaction(&uow, |tx| {
        tx.orders().add_event(&NewOrderEvent {
            to_status: Some(OrderStatus::Pending),
            ..NewOrderEvent::by(&alice, order, EventType::Placed, at)
        })?;
        tx.orders().add_event(&NewOrderEvent {
            note: "internal: flagged".into(),
            ..NewOrderEvent::by(&admin, order, EventType::StatusChanged, at)
        })?;
        tx.outbox().enqueue(
            &[
                message(Channel::Email, &admin, "admin@example.com"),
                message(Channel::Sms, &alice, "+254711000001"),
            ],
            at,
        )?;
        Ok::<_, RepositoryError>(())
    })
    .unwrap();

    // One attempt each: the email is sent; the SMS's worker dies, and its lease ends on its last attempt.
    let queue = PgDeliveryQueue::new(db.pool());
    let claimed = queue.claim("w1", 10, Duration::seconds(60), 1, at).unwrap();
    assert_eq!(claimed.len(), 2);
    let email = claimed
        .iter()
        .find(|c| c.message.channel == Channel::Email)
        .unwrap();
    assert_eq!(email.recipient, Some(admin.id));
    let sent = DeliveryOutcome::Sent(DeliveryReceipt::default());
    let event = NewOrderEvent::delivery(
        order,
        EventType::NotificationSent,
        Channel::Email,
        email.recipient,
        "email to admin@example.com: Order Confirmation".into(),
        at,
    );
    queue
        .record("w1", email, &sent, Some(event.clone()), at)
        .unwrap();
    // Recorded once: the same outcome again, or a failure from a worker the message is not claimed by, changes
    // nothing and adds no line.
    queue.record("w1", email, &sent, Some(event), at).unwrap();
    let sms = claimed
        .iter()
        .find(|c| c.message.channel == Channel::Sms)
        .unwrap();
    let not_mine = DeliveryOutcome::Failed {
        error: "not this worker's".into(),
        retry_at: None,
    };
    let failure = NewOrderEvent::delivery(
        order,
        EventType::NotificationFailed,
        Channel::Sms,
        sms.recipient,
        "sms to +254711000001: Order Confirmation".into(),
        at,
    );
    queue
        .record("w2", sms, &not_mine, Some(failure), at)
        .unwrap();
    assert_eq!(
        lines(&db, order).len(),
        3,
        "placed, changed, one email sent"
    );
    let later = at + Duration::seconds(61);
    assert!(queue
        .claim("w2", 10, Duration::seconds(60), 1, later)
        .unwrap()
        .is_empty());

    assert_eq!(
        lines(&db, order),
        [
            line("placed", "alice@example.com", Some(&alice), None, None),
            line(
                "status_changed",
                "admin@example.com",
                Some(&admin),
                None,
                None
            ),
            line(
                "notification_sent",
                "system",
                None,
                Some(&admin),
                Some(Channel::Email)
            ),
            line(
                "notification_failed",
                "system",
                None,
                Some(&alice),
                Some(Channel::Sms)
            ),
        ]
    );
}

/// The migration that added the accounts to the history, found by name in `migrations/`.
fn accounts_migration() -> Box<dyn Migration<Pg>> {
    let source =
        FileBasedMigrations::from_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations"))
            .unwrap();
    MigrationSource::<Pg>::migrations(&source)
        .unwrap()
        .into_iter()
        .find(|m| m.name().to_string().ends_with("_order_event_accounts"))
        .expect("the order_event_accounts migration")
}

#[test]
fn lines_written_before_get_their_accounts_from_the_migration() {
    let db = TestDatabase::new();
    let alice = stored_customer(&db, "alice@example.com");
    let admin = stored_customer(&db, "admin@example.com");
    let order = order_of(&db, &alice);
    let migration = accounts_migration();
    let mut connection = db.connection();
    connection.revert_migration(&*migration).unwrap();

    for (to, channel, address, subject) in [
        (&alice, "sms", "+254711000001", "Order Confirmation"),
        (&admin, "email", "admin@example.com", "New Order Received"),
    ] {
        diesel::sql_query(
            "INSERT INTO notifications (id, channel, recipient_id, recipient_name, address, order_id, subject, \
                                        body, status, next_attempt_at, created_at, updated_at) \
             VALUES (gen_random_uuid(), $1, $2, 'Someone', $3, $4, $5, 'Body', 'pending', now(), now(), now())",
        )
        .bind::<Text, _>(channel)
        .bind::<BigInt, _>(to.id.0)
        .bind::<Text, _>(address)
        .bind::<SqlUuid, _>(order.0)
        .bind::<Text, _>(subject)
        .execute(&mut connection)
        .unwrap();
    }
    for (kind, actor, note) in [
        // Alice has since changed her address: her placement is still hers.
        ("placed", "alice.old@example.com", "1 line(s), total 10.00"),
        ("status_changed", "ADMIN@example.com", "internal: flagged"),
        ("status_changed", "gone@example.com", ""),
        (
            "notification_sent",
            "system",
            "sms to +254711000001: Order Confirmation",
        ),
        (
            "notification_failed",
            "system",
            "email to admin@example.com: New Order Received; attempt 1 failed: 550; no attempts left",
        ),
        // A subject that only begins like the message's is another message.
        (
            "notification_sent",
            "system",
            "sms to +254711000001: Order Confirmation - again",
        ),
        (
            "notification_sent",
            "system",
            "email to gone@example.com: Order Update",
        ),
    ] {
        diesel::sql_query(
            "INSERT INTO order_events (order_id, event_type, actor, note, created_at) \
             VALUES ($1, $2, $3, $4, now())",
        )
        .bind::<SqlUuid, _>(order.0)
        .bind::<Text, _>(kind)
        .bind::<Text, _>(actor)
        .bind::<Text, _>(note)
        .execute(&mut connection)
        .unwrap();
    }
    connection.run_migration(&*migration).unwrap();

    assert_eq!(
        lines(&db, order),
        [
            line("placed", "alice.old@example.com", Some(&alice), None, None),
            line(
                "status_changed",
                "ADMIN@example.com",
                Some(&admin),
                None,
                None
            ),
            line("status_changed", "gone@example.com", None, None, None),
            line(
                "notification_sent",
                "system",
                None,
                Some(&alice),
                Some(Channel::Sms)
            ),
            line(
                "notification_failed",
                "system",
                None,
                Some(&admin),
                Some(Channel::Email)
            ),
            line("notification_sent", "system", None, None, None),
            line("notification_sent", "system", None, None, None),
        ]
    );
}

/// A status change holds its order while it writes the change and queues the owner's messages (taking the
/// owner's text-message locks). A worker queueing the order's placement messages meanwhile holds those locks and
/// inserts rows referencing the order, whose foreign-key check takes `FOR KEY SHARE` on it. Held `FOR UPDATE`,
/// the order made that check wait for the status change, which waited for the worker's locks: a deadlock, one of
/// the two failing (seen as a 500 on `update_status/`). Held `FOR NO KEY UPDATE` (its key never changes), rows
/// may reference it meanwhile.
#[test]
fn an_order_held_for_a_change_can_still_be_referenced_by_new_rows() {
    let db = TestDatabase::new();
    let owner = stored_customer(&db, "alice@example.com");
    let order = order_of(&db, &owner);
    let url = db.url().to_owned();
    transaction(&PgUnitOfWork::new(db.pool()), |tx| {
        assert!(tx.orders().find_for_update(order)?.is_some());
        let url = url.clone();
        let referencing = std::thread::spawn(move || {
            use diesel::Connection;
            let mut other = diesel::PgConnection::establish(&url).unwrap();
            diesel::sql_query("SET lock_timeout = '3s'")
                .execute(&mut other)
                .unwrap();
            // What the foreign-key check of an insert referencing the order runs.
            diesel::sql_query("SELECT 1 FROM orders WHERE id = $1 FOR KEY SHARE")
                .bind::<SqlUuid, _>(order.0)
                .execute(&mut other)
        });
        let referenced = referencing.join().unwrap();
        assert!(referenced.is_ok(), "{referenced:?}");
        Ok::<_, RepositoryError>(())
    })
    .unwrap();
}
