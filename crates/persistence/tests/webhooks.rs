//! Webhook endpoints and deliveries against a real Postgres: deliveries queued with the change that causes them
//! (and only then), the admins' reads and writes, and the workers' claims, leases and records.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, DurationRound, Utc};
use diesel::RunQueryDsl;
use orderflow_application::listing::PageRequest;
use orderflow_application::notifications::ExpandOutboxEvents;
use orderflow_application::ordering::{
    ChangeOrders, ItemInput, PlaceOrder, PlaceOrderInput, StatusInput,
};
use orderflow_application::ports::{
    transaction, Clock, CustomerRepository, EndpointChanges, NewOrderEvent, NewWebhookEndpoint,
    RepositoryError, WebhookId, WebhookOutcome, WebhookQueue, WebhookStore, WebhookSubject,
};
use orderflow_domain::catalogue::ProductId;
use orderflow_domain::identity::{Customer, Role};
use orderflow_domain::notifications::SmsCaps;
use orderflow_domain::ordering::{EventType, OrderId, OrderStatus};
use orderflow_domain::webhooks::{self, DeliveryState, EventSelection, WebhookSecret};
use orderflow_persistence::{
    PgCustomerRepository, PgOrderQueries, PgUnitOfWork, PgWebhookQueue, PgWebhookStore,
};
use orderflow_test_support::fixtures::{new_customer, stored_customer, stored_product};
use orderflow_test_support::TestDatabase;

struct Now;

impl Clock for Now {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

fn now() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::microseconds(1))
        .unwrap()
}

fn endpoint(store: &PgWebhookStore, events: &[&str], secret: u8) -> WebhookId {
    store
        .create(
            &NewWebhookEndpoint {
                id: WebhookId(uuid::Uuid::new_v4()),
                url: "http://127.0.0.1:9/hook".into(),
                events: webhooks::events(events).unwrap(),
                description: String::new(),
                secret: WebhookSecret::from_bytes([secret; 32]),
            },
            now(),
        )
        .unwrap()
        .id
}

fn admin(db: &TestDatabase) -> Customer {
    let mut new = new_customer("admin@example.com");
    new.role = Role::Admin;
    PgCustomerRepository::new(db.pool())
        .insert(&new, None)
        .unwrap()
}

fn place(db: &TestDatabase, customer: &Customer, product: ProductId, units: i64) -> OrderId {
    let input = PlaceOrderInput {
        shipping_address: Some("1 Moi Avenue".into()),
        billing_address: Some("1 Moi Avenue".into()),
        phone_number: Some("+254711000001".into()),
        items: Some(vec![ItemInput {
            product_id: Some(product.0.to_string()),
            quantity: Some(units),
        }]),
        ..PlaceOrderInput::default()
    };
    PlaceOrder::new(
        Arc::new(PgUnitOfWork::new(db.pool())),
        Arc::new(PgOrderQueries::new(db.pool())),
        Arc::new(Now),
    )
    .execute(customer, input, None)
    .unwrap()
    .order
    .order
    .id
}

/// Event types of the endpoint's deliveries, oldest first.
fn events_of(store: &PgWebhookStore, endpoint: WebhookId) -> Vec<String> {
    let mut page = store
        .deliveries(endpoint, None, PageRequest::new(1, 100))
        .unwrap()
        .items;
    page.reverse();
    page.into_iter().map(|d| d.event_type).collect()
}

fn count_deliveries(db: &TestDatabase) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query("SELECT count(*) AS n FROM webhook_deliveries")
        .get_result::<Count>(&mut db.connection())
        .unwrap()
        .n
}

#[test]
fn each_change_queues_one_delivery_per_subscribed_active_endpoint_in_its_transaction() {
    let db = TestDatabase::new();
    let store = PgWebhookStore::new(db.pool());
    let everything = endpoint(&store, &["*"], 1);
    let payments = endpoint(&store, &["order.paid"], 2);
    let stock = endpoint(&store, &["product.low_stock"], 3);
    let off = endpoint(&store, &["*"], 4);
    store
        .update(
            off,
            &EndpointChanges {
                is_active: Some(false),
                ..EndpointChanges::default()
            },
            now(),
        )
        .unwrap();
    let alice = stored_customer(&db, "alice@example.com");
    let staff = admin(&db);
    let lamp = stored_product(&db, "Lamp", 12);

    // 12 -> 9 crosses the threshold; the order's own event waits for the workers' expansion.
    let order = place(&db, &alice, lamp, 3);
    assert_eq!(events_of(&store, everything), ["product.low_stock"]);
    assert_eq!(events_of(&store, stock), ["product.low_stock"]);
    let expand = ExpandOutboxEvents::new(
        Arc::new(PgUnitOfWork::new(db.pool())),
        Arc::new(Now),
        SmsCaps::default(),
        10,
    );
    assert_eq!(expand.run_round().unwrap().expanded, 1);
    assert_eq!(
        expand.run_round().unwrap().expanded,
        0,
        "expanded exactly once"
    );

    let change = ChangeOrders::new(
        Arc::new(PgUnitOfWork::new(db.pool())),
        Arc::new(PgOrderQueries::new(db.pool())),
        Arc::new(Now),
        SmsCaps::default(),
    );
    change
        .update_status(
            &staff,
            order,
            StatusInput {
                status: Some(OrderStatus::Confirmed.as_str().into()),
                ..StatusInput::default()
            },
        )
        .unwrap();
    change.mark_paid(&staff, order, None, None).unwrap();
    change.cancel(&staff, order).unwrap();

    let mut all = events_of(&store, everything);
    // The placement's two events share its time; the rest follow in order.
    all[..2].sort();
    assert_eq!(
        all,
        [
            "order.created",
            "product.low_stock",
            "order.status_changed",
            "order.paid",
            "order.cancelled"
        ]
    );
    assert_eq!(events_of(&store, payments), ["order.paid"]);
    // Each order event records the order's changing fields as they were then.
    let claimed = PgWebhookQueue::new(db.pool())
        .claim(
            "t",
            100,
            Duration::seconds(60),
            8,
            now() + Duration::seconds(5),
        )
        .unwrap();
    let state_of = |event: &str| {
        claimed
            .iter()
            .find(|c| c.endpoint_id == everything && c.event_type == event)
            .unwrap()
            .state
            .clone()
    };
    for (event, status, paid) in [
        ("order.created", "pending", false),
        ("order.status_changed", "confirmed", false),
        ("order.paid", "confirmed", true),
        ("order.cancelled", "cancelled", true),
    ] {
        let state = state_of(event).unwrap();
        assert!(
            state.contains(&format!(r#""status": "{status}""#))
                && state.contains(&format!(r#""is_paid": {paid}"#)),
            "{event}: {state}"
        );
    }
    assert_eq!(state_of("product.low_stock"), None);
    assert_eq!(events_of(&store, stock), ["product.low_stock"]);
    assert!(
        events_of(&store, off).is_empty(),
        "inactive endpoints get nothing"
    );

    // Stock already below the threshold crossing nothing: no second low-stock event.
    place(&db, &alice, lamp, 1);
    assert_eq!(events_of(&store, stock), ["product.low_stock"]);
    // An admin's edit (which moves updated_at, as every product update does) is no order taking stock.
    let shelf = stored_product(&db, "Shelf", 40);
    diesel::sql_query("UPDATE products SET stock_quantity = 5, updated_at = now() WHERE id = $1")
        .bind::<diesel::sql_types::Uuid, _>(shelf.0)
        .execute(&mut db.connection())
        .unwrap();
    assert_eq!(events_of(&store, stock), ["product.low_stock"]);
}

#[test]
fn a_rolled_back_change_queues_nothing() {
    let db = TestDatabase::new();
    let store = PgWebhookStore::new(db.pool());
    endpoint(&store, &["*"], 1);
    let alice = stored_customer(&db, "alice@example.com");
    let lamp = stored_product(&db, "Lamp", 20);
    let order = place(&db, &alice, lamp, 1);
    let before = count_deliveries(&db);
    let uow = PgUnitOfWork::new(db.pool());
    let result = transaction(&uow, |tx| {
        tx.orders().add_event(&NewOrderEvent {
            from_status: Some(OrderStatus::Pending),
            to_status: Some(OrderStatus::Confirmed),
            ..NewOrderEvent::by(&alice, order, EventType::StatusChanged, now())
        })?;
        Err::<(), _>(RepositoryError::Failed("changed my mind".into()))
    });
    assert!(result.is_err());
    assert_eq!(count_deliveries(&db), before);
}

#[test]
fn admins_create_list_update_rotate_test_and_requeue() {
    let db = TestDatabase::new();
    let store = PgWebhookStore::new(db.pool());
    let first = endpoint(&store, &["order.paid", "order.created"], 1);
    let second = endpoint(&store, &["*"], 2);
    let page = store.endpoints(PageRequest::new(1, 1)).unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items[0].id, second, "newest first");
    let found = store.endpoint(first).unwrap().unwrap();
    assert_eq!(
        found.events,
        webhooks::events(&["order.created", "order.paid"]).unwrap()
    );

    let changed = store
        .update(
            first,
            &EndpointChanges {
                url: Some("https://hooks.example.com/x".into()),
                events: Some(EventSelection::All),
                ..EndpointChanges::default()
            },
            now(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        (changed.url.as_str(), changed.events, changed.is_active),
        ("https://hooks.example.com/x", EventSelection::All, true)
    );
    let missing = WebhookId(uuid::Uuid::new_v4());
    assert!(store
        .update(missing, &EndpointChanges::default(), now())
        .unwrap()
        .is_none());
    assert!(!store
        .rotate_secret(missing, &WebhookSecret::from_bytes([0; 32]), now(), now())
        .unwrap());
    assert!(store.queue_test(missing, "{}", now()).unwrap().is_none());

    let test = store
        .queue_test(second, r#"{"t":1}"#, now())
        .unwrap()
        .unwrap();
    let delivery = store.delivery(second, test).unwrap().unwrap();
    assert_eq!(
        (
            delivery.event_type.as_str(),
            delivery.status,
            delivery.body.as_deref()
        ),
        ("webhook.test", DeliveryState::Pending, Some(r#"{"t":1}"#))
    );
    assert!(
        store.delivery(first, test).unwrap().is_none(),
        "another endpoint's delivery is not found"
    );
    assert!(
        !store.requeue_failed(second, test, now()).unwrap(),
        "only failed ones are requeued"
    );
    let failed_only = store
        .deliveries(second, Some(DeliveryState::Failed), PageRequest::default())
        .unwrap();
    assert_eq!(failed_only.total, 0);

    assert!(store.delete(second).unwrap());
    assert!(!store.delete(second).unwrap());
    assert_eq!(
        count_deliveries(&db),
        0,
        "deliveries go with their endpoint"
    );
}

#[test]
fn workers_claim_under_leases_retry_fail_and_sign_with_both_secrets_while_rotating() {
    let db = TestDatabase::new();
    let store = PgWebhookStore::new(db.pool());
    let queue = PgWebhookQueue::new(db.pool());
    let hook = endpoint(&store, &["*"], 1);
    let at = now();
    for n in 0..6 {
        store
            .queue_test(hook, &format!("{{\"n\":{n}}}"), at)
            .unwrap();
    }

    // Two workers at once: disjoint claims, together everything due.
    let (one, two) = std::thread::scope(|scope| {
        let a = scope.spawn(|| queue.claim("w1", 4, Duration::seconds(60), 3, at).unwrap());
        let b = scope.spawn(|| queue.claim("w2", 4, Duration::seconds(60), 3, at).unwrap());
        (a.join().unwrap(), b.join().unwrap())
    });
    let mut seen = HashSet::new();
    for claimed in one.iter().chain(&two) {
        assert!(seen.insert(claimed.id), "claimed twice: {:?}", claimed.id);
        assert_eq!(claimed.attempt, 1);
        assert_eq!(claimed.subject, WebhookSubject::Nothing);
        assert_eq!(claimed.secrets, [WebhookSecret::from_bytes([1; 32])]);
    }
    assert_eq!(seen.len(), 6);
    assert!(queue
        .claim("w3", 10, Duration::seconds(60), 3, at)
        .unwrap()
        .is_empty());

    // A failure by the worker holding it counts; by another it does not.
    let held_by_one = one[0].id;
    let held_by_two = two[0].id;
    let retry = WebhookOutcome::Failed {
        status: Some(500),
        error: "HTTP 500".into(),
        retry_at: Some(at + Duration::seconds(1)),
    };
    queue.record("w2", held_by_one, &retry, at).unwrap();
    queue.record("w1", held_by_one, &retry, at).unwrap();
    queue
        .record("w2", held_by_two, &WebhookOutcome::Sent { status: 204 }, at)
        .unwrap();
    let sent = store.delivery(hook, held_by_two).unwrap().unwrap();
    assert_eq!(
        (
            sent.status,
            sent.last_status_code,
            sent.delivered_at.is_some()
        ),
        (DeliveryState::Sent, Some(204), true)
    );

    // Rotation: both secrets sign until the old one expires.
    assert!(store
        .rotate_secret(
            hook,
            &WebhookSecret::from_bytes([2; 32]),
            at + Duration::hours(24),
            at
        )
        .unwrap());
    let again = queue
        .claim(
            "w1",
            10,
            Duration::seconds(60),
            3,
            at + Duration::seconds(2),
        )
        .unwrap();
    assert_eq!(again.len(), 1, "only the one due again");
    assert_eq!(again[0].id, held_by_one);
    assert_eq!(again[0].attempt, 2);
    assert_eq!(
        again[0].secrets,
        [
            WebhookSecret::from_bytes([2; 32]),
            WebhookSecret::from_bytes([1; 32])
        ]
    );
    let later = queue
        .claim("w1", 10, Duration::seconds(60), 3, at + Duration::hours(25))
        .unwrap();
    assert!(later
        .iter()
        .all(|c| c.secrets == [WebhookSecret::from_bytes([2; 32])]));

    // The body kept at the first attempt is the one every attempt sends.
    assert_eq!(
        queue.keep_body(held_by_one, "{\"other\":1}").unwrap(),
        one[0].body.clone().unwrap()
    );

    // Its last attempt failing leaves it failed, and an admin's retry makes it due again with fresh attempts.
    queue
        .record(
            "w1",
            held_by_one,
            &WebhookOutcome::Failed {
                status: None,
                error: "refused".into(),
                retry_at: None,
            },
            at + Duration::hours(25),
        )
        .unwrap();
    let failed = store.delivery(hook, held_by_one).unwrap().unwrap();
    assert_eq!(
        (failed.status, failed.last_error.as_str()),
        (DeliveryState::Failed, "refused")
    );
    assert!(store
        .requeue_failed(hook, held_by_one, at + Duration::hours(25))
        .unwrap());
    let requeued = store.delivery(hook, held_by_one).unwrap().unwrap();
    assert_eq!(
        (requeued.status, requeued.attempts),
        (DeliveryState::Pending, 0)
    );

    let figures = store.figures().unwrap();
    assert_eq!((figures.sent, figures.failed), (1, 0));
    assert!(figures.pending >= 1 && figures.oldest_pending_since.is_some());
}

#[test]
fn a_dead_workers_delivery_comes_back_when_its_lease_ends_and_fails_after_the_last_attempt() {
    let db = TestDatabase::new();
    let store = PgWebhookStore::new(db.pool());
    let queue = PgWebhookQueue::new(db.pool());
    let hook = endpoint(&store, &["*"], 1);
    let at = now();
    let id = store.queue_test(hook, "{}", at).unwrap().unwrap();
    let lease = Duration::seconds(30);
    assert_eq!(queue.claim("dead", 1, lease, 2, at).unwrap().len(), 1);
    assert!(queue
        .claim("alive", 1, lease, 2, at + Duration::seconds(29))
        .unwrap()
        .is_empty());
    let back = queue
        .claim("alive", 1, lease, 2, at + Duration::seconds(31))
        .unwrap();
    assert_eq!((back[0].id, back[0].attempt), (id, 2));
    // Its second (last) holder dies too: failed, not claimed a third time.
    assert!(queue
        .claim("third", 1, lease, 2, at + Duration::seconds(62))
        .unwrap()
        .is_empty());
    assert_eq!(
        store.delivery(hook, id).unwrap().unwrap().status,
        DeliveryState::Failed
    );
    // Handing back untried deliveries does not count their attempt.
    let other = store.queue_test(hook, "{}", at).unwrap().unwrap();
    let taken = queue
        .claim("w", 1, lease, 2, at + Duration::seconds(63))
        .unwrap();
    assert_eq!(taken[0].id, other);
    queue
        .release("w", &[other], at + Duration::seconds(63))
        .unwrap();
    let retaken = queue
        .claim("w", 1, lease, 2, at + Duration::seconds(63))
        .unwrap();
    assert_eq!((retaken[0].id, retaken[0].attempt), (other, 1));
}
