//! Placing an order through the real Postgres unit of work, with a step made to fail: nothing may remain.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, Utc};
use diesel::RunQueryDsl;
use orderflow_application::notifications::ExpandOutboxEvents;
use orderflow_application::ordering::{ItemInput, PlaceOrder, PlaceOrderError, PlaceOrderInput};
use orderflow_application::ports::{
    transaction, CategoryStore, Clock, CustomerRepository, CustomerStore, NewOrderEvent,
    OrderStore, Outbox, ProductStore, RepositoryError, Rollback, StoredIdempotencyKey, Transaction,
    UnitOfWork,
};
use orderflow_domain::catalogue::{
    Category, CategoryPath, Price, Product, ProductId, ProductStatus, Sku, StockQuantity,
};
use orderflow_domain::identity::{Customer, CustomerId, NewCustomer, PhoneNumber, Role};
use orderflow_domain::notifications::SmsCaps;
use orderflow_domain::ordering::{
    DeliveryDetails, EventType, NewOrder, Order, OrderId, OrderItemId, OrderLine, OrderNumber,
};
use orderflow_persistence::{PgCustomerRepository, PgOrderQueries, PgUnitOfWork};
use orderflow_test_support::fixtures::{new_customer, prepared_statements, stored_customer};
use orderflow_test_support::TestDatabase;

struct Now;

impl Clock for Now {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Where the injected failure strikes.
#[derive(Clone, Copy)]
enum Failing {
    /// Writing the order (the stock, the number, the order and its rows are one statement): fails as a whole.
    OrderInsert,
    /// Saving the Idempotency-Key: the very last step, after the order and its outbox event were written.
    KeySave,
}

/// The real unit of work, with one step made to fail.
struct FailingStep(PgUnitOfWork, Failing);

struct Wrapped<'a> {
    inner: &'a mut dyn Transaction,
    failing: Failing,
}

impl UnitOfWork for FailingStep {
    fn run<'a>(
        &self,
        work: &mut (dyn FnMut(&mut dyn Transaction) -> Result<(), Rollback> + 'a),
    ) -> Result<(), RepositoryError> {
        self.0.run(&mut |tx| {
            work(&mut Wrapped {
                inner: tx,
                failing: self.1,
            })
        })
    }

    fn run_single_write<'a>(
        &self,
        work: &mut (dyn FnMut(&mut dyn Transaction) -> Result<(), Rollback> + 'a),
    ) -> Result<(), RepositoryError> {
        self.0.run_single_write(&mut |tx| {
            work(&mut Wrapped {
                inner: tx,
                failing: self.1,
            })
        })
    }
}

fn injected() -> RepositoryError {
    RepositoryError::Failed("injected failure".into())
}

impl Transaction for Wrapped<'_> {
    fn categories(&mut self) -> &mut dyn CategoryStore {
        self.inner.categories()
    }

    fn products(&mut self) -> &mut dyn ProductStore {
        self.inner.products()
    }

    fn orders(&mut self) -> &mut dyn OrderStore {
        self
    }

    fn customers(&mut self) -> &mut dyn CustomerStore {
        self.inner.customers()
    }

    fn outbox(&mut self) -> &mut dyn Outbox {
        self.inner.outbox()
    }
}

impl OrderStore for Wrapped<'_> {
    fn place(
        &mut self,
        order: &Order,
        placed: &NewOrderEvent,
    ) -> Result<Option<u32>, RepositoryError> {
        match self.failing {
            Failing::OrderInsert => Err(injected()),
            Failing::KeySave => self.inner.orders().place(order, placed),
        }
    }

    fn find_for_update(&mut self, id: OrderId) -> Result<Option<Order>, RepositoryError> {
        self.inner.orders().find_for_update(id)
    }

    fn find_many(&mut self, ids: &[OrderId]) -> Result<Vec<Order>, RepositoryError> {
        self.inner.orders().find_many(ids)
    }

    fn update(&mut self, order: &Order) -> Result<(), RepositoryError> {
        self.inner.orders().update(order)
    }

    fn add_event(&mut self, event: &NewOrderEvent) -> Result<(), RepositoryError> {
        self.inner.orders().add_event(event)
    }

    fn try_lock_idempotency_key(
        &mut self,
        customer: CustomerId,
        key: &str,
    ) -> Result<bool, RepositoryError> {
        self.inner.orders().try_lock_idempotency_key(customer, key)
    }

    fn find_idempotency_key(
        &mut self,
        customer: CustomerId,
        key: &str,
    ) -> Result<Option<StoredIdempotencyKey>, RepositoryError> {
        self.inner.orders().find_idempotency_key(customer, key)
    }

    fn save_idempotency_key(
        &mut self,
        customer: CustomerId,
        key: &str,
        stored: &StoredIdempotencyKey,
    ) -> Result<(), RepositoryError> {
        match self.failing {
            Failing::KeySave => Err(injected()),
            Failing::OrderInsert => self
                .inner
                .orders()
                .save_idempotency_key(customer, key, stored),
        }
    }

    fn sweep_idempotency_keys(&mut self, before: DateTime<Utc>) -> Result<u64, RepositoryError> {
        self.inner.orders().sweep_idempotency_keys(before)
    }
}

fn customer(db: &TestDatabase) -> Customer {
    stored_customer(db, "alice@x.com")
}

fn product(db: &TestDatabase, stock: i32) -> ProductId {
    let uow = PgUnitOfWork::new(db.pool());
    transaction(&uow, |tx| {
        let id = tx.categories().next_id()?;
        let category = Category {
            id,
            name: "Goods".into(),
            slug: "goods".into(),
            description: String::new(),
            parent_id: None,
            path: CategoryPath::root(id),
            image: None,
            is_active: true,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        tx.categories().insert(&category).unwrap();
        let product = uuid::Uuid::new_v4();
        tx.products()
            .insert(&Product {
                id: ProductId(product),
                name: "Lamp".into(),
                slug: "lamp".into(),
                description: String::new(),
                price: Price::parse("10.00").unwrap(),
                category_id: category.id,
                sku: Sku::generated(product),
                stock_quantity: StockQuantity::new(stock.into()).unwrap(),
                image: None,
                status: ProductStatus::Active,
                is_featured: false,
                created_at: Utc::now(),
                updated_at: Utc::now(),
            })
            .unwrap();
        Ok::<_, RepositoryError>(ProductId(product))
    })
    .unwrap()
}

/// Placement as the service runs it, on the test database's pool.
fn placing_orders(db: &TestDatabase) -> PlaceOrder {
    PlaceOrder::new(
        Arc::new(PgUnitOfWork::new(db.pool())),
        Arc::new(PgOrderQueries::new(db.pool())),
        Arc::new(Now),
    )
}

fn count(db: &TestDatabase, table: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
        .get_result::<Count>(&mut db.connection())
        .unwrap()
        .n
}

fn stock(db: &TestDatabase, product: ProductId) -> i32 {
    #[derive(diesel::QueryableByName)]
    struct Stock {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        stock_quantity: i32,
    }
    diesel::sql_query(format!(
        "SELECT stock_quantity FROM products WHERE id = '{}'",
        product.0
    ))
    .get_result::<Stock>(&mut db.connection())
    .unwrap()
    .stock_quantity
}

fn input(product: ProductId) -> PlaceOrderInput {
    PlaceOrderInput {
        shipping_address: Some("1 Moi Avenue".into()),
        billing_address: Some("1 Moi Avenue".into()),
        phone_number: Some("+254711000001".into()),
        items: Some(vec![ItemInput {
            product_id: Some(product.0.to_string()),
            quantity: Some(3),
        }]),
        ..PlaceOrderInput::default()
    }
}

#[test]
fn a_failure_after_the_stock_update_leaves_nothing_behind() {
    for failing in [Failing::OrderInsert, Failing::KeySave] {
        failed_placement_leaves_nothing(failing);
    }
}

fn failed_placement_leaves_nothing(step: Failing) {
    let db = TestDatabase::new();
    let alice = customer(&db);
    let lamp = product(&db, 10);
    let failing = PlaceOrder::new(
        Arc::new(FailingStep(PgUnitOfWork::new(db.pool()), step)),
        Arc::new(PgOrderQueries::new(db.pool())),
        Arc::new(Now),
    );
    let result = failing.execute(&alice, input(lamp), Some("retry-me"));
    assert!(
        matches!(result, Err(PlaceOrderError::Storage(_))),
        "{result:?}"
    );

    assert_eq!(stock(&db, lamp), 10, "the stock update was rolled back");
    for table in [
        "orders",
        "order_items",
        "order_events",
        "order_number_counters",
        "idempotency_keys",
        "outbox_events",
        "notifications",
    ] {
        assert_eq!(count(&db, table), 0, "{table}");
    }

    // The same request through the healthy unit of work then succeeds, with the day's first number.
    let healthy = placing_orders(&db);
    let placed = healthy
        .execute(&alice, input(lamp), Some("retry-me"))
        .unwrap();
    assert!(placed.order.order.number.as_str().ends_with("-0001"));
    assert_eq!(stock(&db, lamp), 7);
    assert_eq!(
        (
            count(&db, "orders"),
            count(&db, "order_items"),
            count(&db, "order_events"),
            count(&db, "outbox_events"),
            count(&db, "notifications"),
        ),
        (1, 1, 1, 1, 0),
        "one event for the workers, whoever is to be told; no message yet"
    );
}

#[test]
fn every_statement_of_a_placement_stays_prepared_on_its_connection() {
    let db = TestDatabase::new();
    let alice = customer(&db);
    let lamp = product(&db, 10);
    // One connection, so that every statement lands on the session inspected afterwards.
    let pool = orderflow_persistence::connect(
        db.url(),
        &orderflow_persistence::PoolOptions {
            max_size: 1,
            ..Default::default()
        },
    );
    let place = PlaceOrder::new(
        Arc::new(PgUnitOfWork::new(pool.clone())),
        Arc::new(PgOrderQueries::new(pool.clone())),
        Arc::new(Now),
    );
    place.execute(&alice, input(lamp), None).unwrap();
    let after_first = prepared_statements(&pool);
    for start in [
        "SELECT \"products\".\"id\"",
        "WITH wanted AS ( SELECT * FROM unnest(",
    ] {
        assert!(
            after_first.iter().any(|s| s.starts_with(start)),
            "{start}... is not kept prepared: {after_first:#?}"
        );
    }

    place.execute(&alice, input(lamp), None).unwrap();
    assert_eq!(
        prepared_statements(&pool),
        after_first,
        "the second placement reused the first one's statements"
    );
}

#[test]
fn workers_expand_each_placed_order_into_one_message_per_recipient_exactly_once() {
    let db = TestDatabase::new();
    let alice = customer(&db);
    for admin in ["admin1@example.com", "admin2@example.com"] {
        PgCustomerRepository::new(db.pool())
            .insert(
                &NewCustomer {
                    role: Role::Admin,
                    ..new_customer(admin)
                },
                None,
            )
            .unwrap();
    }
    let lamp = product(&db, 1_000);
    let place = placing_orders(&db);
    const ORDERS: i64 = 40;
    for _ in 0..ORDERS {
        place.execute(&alice, input(lamp), None).unwrap();
    }
    // A shortfall records nothing for the workers.
    let mut too_many = input(lamp);
    too_many.items.as_mut().unwrap()[0].quantity = Some(10_000);
    assert!(place.execute(&alice, too_many, None).is_err());
    assert_eq!(count(&db, "outbox_events"), ORDERS);
    assert_eq!(
        count(&db, "notifications"),
        0,
        "nothing queued by placement"
    );

    // Two workers at once, in small batches, until neither finds anything.
    let caps = SmsCaps {
        per_number_per_hour: 1_000,
        per_customer_per_day: 1_000,
    };
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let pool = db.pool();
            std::thread::spawn(move || {
                let expand = ExpandOutboxEvents::new(
                    Arc::new(PgUnitOfWork::new(pool)),
                    Arc::new(Now),
                    caps,
                    3,
                );
                let mut expanded = 0;
                loop {
                    match expand.run_round().unwrap().expanded {
                        0 => return expanded,
                        n => expanded += n,
                    }
                }
            })
        })
        .collect();
    let expanded: Vec<usize> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    assert_eq!(
        expanded.iter().sum::<usize>() as i64,
        ORDERS,
        "{expanded:?}"
    );
    assert_eq!(count(&db, "outbox_events"), 0);

    // The customer by SMS and email, each admin by email: four per order, none twice.
    #[derive(diesel::QueryableByName)]
    struct Tally {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        messages: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        distinct_messages: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        orders: i64,
    }
    let tally: Tally = diesel::sql_query(
        "SELECT count(*) AS messages, \
           count(DISTINCT (order_id, recipient_id, channel)) AS distinct_messages, \
           count(DISTINCT order_id) AS orders \
         FROM notifications WHERE status = 'pending'",
    )
    .get_result(&mut db.connection())
    .unwrap();
    assert_eq!(
        (tally.messages, tally.distinct_messages, tally.orders),
        (ORDERS * 4, ORDERS * 4, ORDERS)
    );
}

/// An order of `quantity` lamps as the placement would write it, priced at `price`.
fn draft(customer: &Customer, lamp: ProductId, quantity: i64, price: &str) -> Order {
    let now = Utc::now();
    let price = Price::parse(price).unwrap();
    let line = OrderLine {
        product_id: lamp,
        product_name: "Lamp".into(),
        product_sku: Sku::generated(lamp.0),
        quantity,
        unit_price: price,
    };
    Order::place(NewOrder {
        id: OrderId(uuid::Uuid::new_v4()),
        number: OrderNumber::draft(now.date_naive()),
        customer_id: customer.id,
        details: DeliveryDetails {
            shipping_address: "1 Moi Avenue".into(),
            billing_address: "1 Moi Avenue".into(),
            phone_number: Some(PhoneNumber::parse("+254711000001").unwrap()),
            notes: String::new(),
        },
        payment_method: String::new(),
        lines: vec![(OrderItemId(uuid::Uuid::new_v4()), line)],
        at: now,
    })
}

#[test]
fn the_workers_read_a_batch_of_orders_with_their_own_items_and_their_customers_together() {
    let db = TestDatabase::new();
    let alice = customer(&db);
    let bob = stored_customer(&db, "bob@x.com");
    let lamp = product(&db, 10);
    let uow = PgUnitOfWork::new(db.pool());
    let (of_alice, of_bob) = (
        draft(&alice, lamp, 1, "10.00"),
        draft(&bob, lamp, 3, "10.00"),
    );
    for (owner, order) in [(&alice, &of_alice), (&bob, &of_bob)] {
        transaction(&uow, |tx| {
            let placed = NewOrderEvent::by(owner, order.id, EventType::Placed, order.created_at);
            tx.orders().place(order, &placed)
        })
        .unwrap()
        .unwrap();
    }
    let unknown = OrderId(uuid::Uuid::new_v4());
    let (orders, customers) = transaction(&uow, |tx| {
        let orders = tx.orders().find_many(&[of_bob.id, unknown, of_alice.id])?;
        let customers = tx
            .customers()
            .find_many(&[bob.id, CustomerId(i64::MAX), alice.id])?;
        Ok::<_, RepositoryError>((orders, customers))
    })
    .unwrap();
    let mut read: Vec<_> = orders
        .iter()
        .map(|order| {
            let quantities: Vec<i64> = order.items().iter().map(|item| item.quantity).collect();
            (order.id, order.customer_id, quantities)
        })
        .collect();
    read.sort_by_key(|(id, _, _)| *id);
    let mut expected = vec![
        (of_alice.id, alice.id, vec![1]),
        (of_bob.id, bob.id, vec![3]),
    ];
    expected.sort_by_key(|(id, _, _)| *id);
    assert_eq!(
        read, expected,
        "each order with its own items, the unknown one left out"
    );
    let mut emails: Vec<_> = customers.iter().map(|c| c.email.as_str()).collect();
    emails.sort_unstable();
    assert_eq!(emails, ["alice@x.com", "bob@x.com"]);
}

#[test]
fn the_order_is_written_only_if_every_line_still_holds_and_numbered_as_the_domain_numbers() {
    let db = TestDatabase::new();
    let alice = customer(&db);
    let lamp = product(&db, 10);
    let uow = PgUnitOfWork::new(db.pool());
    let try_place = |order: Order| {
        transaction(&uow, |tx| {
            let placed = NewOrderEvent::by(&alice, order.id, EventType::Placed, order.created_at);
            tx.orders().place(&order, &placed)
        })
        .unwrap()
    };
    // A price, a quantity, a product that moved on since the read: nothing is written, not even the counter.
    assert_eq!(
        try_place(draft(&alice, lamp, 1, "9.99")),
        None,
        "price changed"
    );
    assert_eq!(
        try_place(draft(&alice, lamp, 11, "10.00")),
        None,
        "sold out"
    );
    assert_eq!(
        try_place(draft(&alice, ProductId(uuid::Uuid::new_v4()), 1, "10.00")),
        None,
        "gone"
    );
    for table in [
        "orders",
        "order_items",
        "order_events",
        "order_number_counters",
        "outbox_events",
    ] {
        assert_eq!(count(&db, table), 0, "{table}");
    }
    assert_eq!(stock(&db, lamp), 10);

    // Past 9,999 orders in a day the counter grows a digit, in the store as in the domain.
    let today = Utc::now().date_naive();
    diesel::sql_query(format!(
        "INSERT INTO order_number_counters (day, last_value) VALUES ('{today}', 9998)"
    ))
    .execute(&mut db.connection())
    .unwrap();
    for expected in [9999, 10000] {
        let order = draft(&alice, lamp, 2, "10.00");
        let id = order.id;
        assert_eq!(try_place(order), Some(expected));
        #[derive(diesel::QueryableByName)]
        struct Stored {
            #[diesel(sql_type = diesel::sql_types::Text)]
            order_number: String,
        }
        let stored: Stored = diesel::sql_query(format!(
            "SELECT order_number FROM orders WHERE id = '{}'",
            id.0
        ))
        .get_result(&mut db.connection())
        .unwrap();
        assert_eq!(
            stored.order_number,
            OrderNumber::new(today, expected).as_str()
        );
    }
    assert_eq!(stock(&db, lamp), 6);
    assert_eq!(count(&db, "outbox_events"), 2);
}

#[test]
fn placements_of_one_process_take_turns_and_at_most_two_reach_postgres_at_once() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let db = TestDatabase::new();
    let alice = customer(&db);
    let lamp = product(&db, 100_000);
    let place = Arc::new(placing_orders(&db));
    // Another session watches this database's sessions running the placement's statement while eight threads place
    // orders of the same product as fast as they can. Two turns: one placement working in Postgres, the next
    // waiting there for its locks (the product's row, the day's counter), never more. (Counted by state, which a
    // backend reports itself before it answers; a woken waiter's `wait_event` lasts until it is scheduled, and
    // once showed two waiting at once.)
    let placing = Arc::new(AtomicBool::new(true));
    let watcher = {
        let placing = placing.clone();
        let mut connection = db.connection();
        std::thread::spawn(move || {
            #[derive(diesel::QueryableByName)]
            struct Placing {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            let (mut looks, mut most) = (0, 0);
            while placing.load(Ordering::SeqCst) {
                let seen: Placing = diesel::sql_query(
                    "SELECT count(*) AS n FROM pg_stat_activity \
                     WHERE datname = current_database() AND pid <> pg_backend_pid() \
                       AND state = 'active' AND query LIKE 'WITH wanted AS%'",
                )
                .get_result(&mut connection)
                .unwrap();
                looks += 1;
                most = most.max(seen.n);
            }
            (looks, most)
        })
    };
    const THREADS: usize = 8;
    const EACH: usize = 40;
    let placers: Vec<_> = (0..THREADS)
        .map(|_| {
            let (place, alice) = (place.clone(), alice.clone());
            std::thread::spawn(move || {
                for _ in 0..EACH {
                    place.execute(&alice, input(lamp), None).unwrap();
                }
            })
        })
        .collect();
    for placer in placers {
        placer.join().unwrap();
    }
    placing.store(false, Ordering::SeqCst);
    let (looks, most) = watcher.join().unwrap();
    let placed = (THREADS * EACH) as i64;
    assert_eq!(count(&db, "orders"), placed);
    assert_eq!(i64::from(stock(&db, lamp)), 100_000 - 3 * placed);
    assert!(looks > 20, "the watcher looked {looks} times only");
    assert!(
        (1..=2).contains(&most),
        "{most} placements seen in Postgres at once at most (in {looks} looks)"
    );
}

/// A placement lets go of its locks before its commit is flushed (`durability.rs`), so the flush must come before
/// it returns: an order the customer was told of survives a crash. Checked against the WAL itself: the order's
/// commit record must end at or before the position Postgres has flushed to, read right after each placement.
#[test]
fn an_order_is_flushed_to_disk_before_its_placement_returns() {
    #[derive(diesel::QueryableByName)]
    struct Position {
        #[diesel(sql_type = diesel::sql_types::Text)]
        lsn: String,
    }
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let db = TestDatabase::new();
    let mut inspector = db.connection();
    diesel::sql_query("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
        .execute(&mut inspector)
        .unwrap();
    let alice = customer(&db);
    let lamp = product(&db, 1_000);
    let place = placing_orders(&db);
    for _ in 0..5 {
        let before: Position = diesel::sql_query("SELECT pg_current_wal_insert_lsn()::text AS lsn")
            .get_result(&mut inspector)
            .unwrap();
        let order = place
            .execute(&alice, input(lamp), None)
            .unwrap()
            .order
            .order;
        // Read at once; Postgres then reads the WAL up to there (it refuses to read further) for the order's commit.
        let flushed: Position = diesel::sql_query("SELECT pg_current_wal_flush_lsn()::text AS lsn")
            .get_result(&mut inspector)
            .unwrap();
        let found: Found = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_get_wal_records_info($1::pg_lsn, \
               greatest($1::pg_lsn, $2::pg_lsn)) r \
             WHERE $1::pg_lsn < $2::pg_lsn AND r.end_lsn <= $2::pg_lsn \
               AND r.resource_manager = 'Transaction' AND r.record_type LIKE 'COMMIT%' \
               AND r.xid = (SELECT xmin FROM orders WHERE id = $3)",
        )
        .bind::<diesel::sql_types::Text, _>(&before.lsn)
        .bind::<diesel::sql_types::Text, _>(&flushed.lsn)
        .bind::<diesel::sql_types::Uuid, _>(order.id.0)
        .get_result(&mut inspector)
        .unwrap();
        assert_eq!(
            found.n, 1,
            "order {}: its commit is not in the WAL flushed when its placement returned (from {} to {})",
            order.number, before.lsn, flushed.lsn
        );
    }
}

/// An order whose row cannot be read back (damaged outside OrderFlow) would fail every batch its event is taken
/// in, and nobody would be told of any order after it. Its event is set aside with the reason; the others are
/// expanded as usual, in the same round.
#[test]
fn an_event_that_cannot_be_expanded_is_set_aside_and_the_rest_are_expanded() {
    let db = TestDatabase::new();
    let alice = customer(&db);
    let lamp = product(&db, 1_000);
    let place = placing_orders(&db);
    let orders: Vec<OrderId> = (0..5)
        .map(|_| {
            place
                .execute(&alice, input(lamp), None)
                .unwrap()
                .order
                .order
                .id
        })
        .collect();
    let damaged = orders[2];
    diesel::sql_query(format!(
        "UPDATE orders SET order_number = 'damaged:' || order_number WHERE id = '{}'",
        damaged.0
    ))
    .execute(&mut db.connection())
    .unwrap();
    let expand = ExpandOutboxEvents::new(
        Arc::new(PgUnitOfWork::new(db.pool())),
        Arc::new(Now),
        SmsCaps::default(),
        50,
    );

    let round = expand.run_round().unwrap();
    assert_eq!(round.expanded, 4);
    assert_eq!(round.set_aside.len(), 1, "{round:?}");
    assert_eq!(
        round.set_aside[0].0,
        orderflow_application::ports::OutboxEvent::OrderPlaced(damaged)
    );
    assert!(
        round.set_aside[0].1.contains("order number"),
        "{}",
        round.set_aside[0].1
    );
    #[derive(diesel::QueryableByName)]
    struct Notified {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        orders: i64,
    }
    let notified: Notified = diesel::sql_query(format!(
        "SELECT count(DISTINCT order_id) AS orders FROM notifications WHERE order_id <> '{}'",
        damaged.0
    ))
    .get_result(&mut db.connection())
    .unwrap();
    assert_eq!(notified.orders, 4, "every sound order was told");
    assert_eq!(
        count(
            &db,
            &format!("notifications WHERE order_id = '{}'", damaged.0)
        ),
        0,
        "nothing queued for the damaged one"
    );
    assert_eq!(
        count(&db, "outbox_events WHERE set_aside_at IS NOT NULL AND set_aside_because LIKE '%order number%'"),
        1,
        "kept, with the reason"
    );
    let taken = transaction(&PgUnitOfWork::new(db.pool()), |tx| {
        tx.outbox().take_events(10)
    })
    .unwrap();
    assert_eq!(taken, [], "set aside: no worker takes it again");

    // Mended and put back, it is expanded like any other.
    diesel::sql_query(format!(
        "UPDATE orders SET order_number = substr(order_number, 9) WHERE id = '{}'",
        damaged.0
    ))
    .execute(&mut db.connection())
    .unwrap();
    diesel::sql_query("UPDATE outbox_events SET set_aside_at = NULL, set_aside_because = NULL")
        .execute(&mut db.connection())
        .unwrap();
    assert_eq!(expand.run_round().unwrap().expanded, 1);
    assert_eq!(count(&db, "outbox_events"), 0);
}
