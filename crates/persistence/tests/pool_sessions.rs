//! The pool's sessions against a real server: a dead connection is never handed out twice, and listings read
//! one snapshot with plans made for their own values.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;
use diesel::sql_types::{Integer, Text};
use diesel::{sql_query, QueryResult, QueryableByName, RunQueryDsl};
use orderflow_application::ports::RepositoryError;
use orderflow_persistence::{
    connect, listing_snapshot, storage_error, CheckoutObserver, DbPool, PoolOptions,
};
use orderflow_test_support::TestDatabase;

#[derive(QueryableByName)]
struct Backend {
    #[diesel(sql_type = Integer)]
    pid: i32,
}

fn backend_pid(connection: &mut PgConnection) -> QueryResult<i32> {
    sql_query("SELECT pg_backend_pid() AS pid")
        .get_result::<Backend>(connection)
        .map(|b| b.pid)
}

/// Kills the server process of a session, as a database restart or an admin would, and waits until it is gone.
fn terminate(admin: &mut PgConnection, pid: i32) {
    sql_query("SELECT pg_terminate_backend($1)")
        .bind::<Integer, _>(pid)
        .execute(admin)
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while sql_query("SELECT pid FROM pg_stat_activity WHERE pid = $1")
        .bind::<Integer, _>(pid)
        .load::<Backend>(admin)
        .unwrap()
        .len()
        == 1
    {
        assert!(Instant::now() < deadline, "backend {pid} still alive");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn one_connection_pool(db: &TestDatabase, trusted_after_use: Duration) -> DbPool {
    connect(
        db.url(),
        &PoolOptions {
            max_size: 1,
            trusted_after_use,
            ..PoolOptions::default()
        },
    )
}

#[test]
fn a_connection_that_died_while_idle_is_replaced_before_it_is_handed_out() {
    let db = TestDatabase::new();
    let mut admin = db.connection();
    let pool = one_connection_pool(&db, Duration::ZERO);
    let first = backend_pid(&mut pool.get().unwrap()).unwrap();
    terminate(&mut admin, first);

    let second = backend_pid(&mut pool.get().unwrap())
        .expect("the checkout pinged the dead connection and made a new one");
    assert_ne!(first, second);
}

#[test]
fn a_connection_lost_while_trusted_fails_one_query_and_is_dropped_when_handed_back() {
    let db = TestDatabase::new();
    let mut admin = db.connection();
    let pool = one_connection_pool(&db, Duration::from_secs(3600));
    let first = backend_pid(&mut pool.get().unwrap()).unwrap();
    terminate(&mut admin, first);

    // Used a moment ago: handed out without a ping, so the loss shows on the next query.
    let mut connection = pool.get().unwrap();
    let error = backend_pid(&mut connection).expect_err("the session is gone");
    assert!(
        matches!(storage_error(error), RepositoryError::Unavailable(_)),
        "a lost connection means the database is unavailable"
    );
    drop(connection);

    let second = backend_pid(&mut pool.get().unwrap())
        .expect("the lost connection was dropped and a new one made");
    assert_ne!(first, second);
}

#[test]
fn a_sound_connection_is_handed_out_again() {
    let db = TestDatabase::new();
    let pool = one_connection_pool(&db, Duration::ZERO);
    let first = backend_pid(&mut pool.get().unwrap()).unwrap();
    let _ = sql_query("SELECT 1/0").execute(&mut pool.get().unwrap());
    // A query error that is not a lost connection does not cost the session.
    assert_eq!(backend_pid(&mut pool.get().unwrap()).unwrap(), first);
}

#[derive(QueryableByName, Debug, PartialEq)]
struct Settings {
    #[diesel(sql_type = Text)]
    plan_cache_mode: String,
    #[diesel(sql_type = Text)]
    isolation: String,
    #[diesel(sql_type = Text)]
    read_only: String,
}

fn settings(connection: &mut PgConnection) -> QueryResult<Settings> {
    sql_query(
        "SELECT current_setting('plan_cache_mode') AS plan_cache_mode, \
                current_setting('transaction_isolation') AS isolation, \
                current_setting('transaction_read_only') AS read_only",
    )
    .get_result(connection)
}

#[test]
fn a_listing_reads_one_read_only_snapshot_planned_for_its_values_and_leaves_the_session_as_it_was()
{
    let db = TestDatabase::new();
    let pool = db.pool();
    let mut connection = pool.get().unwrap();
    let inside = listing_snapshot(&mut connection, settings).unwrap();
    assert_eq!(
        inside,
        Settings {
            plan_cache_mode: "force_custom_plan".into(),
            isolation: "repeatable read".into(),
            read_only: "on".into(),
        }
    );
    let after = settings(&mut connection).unwrap();
    assert_eq!(after.plan_cache_mode, "auto");
    assert_eq!(after.read_only, "off");
}

fn pool_with_statement_timeout(db: &TestDatabase, timeout: Duration) -> DbPool {
    connect(
        db.url(),
        &PoolOptions {
            max_size: 1,
            statement_timeout: timeout,
            connection_timeout: Duration::from_millis(300),
            ..PoolOptions::default()
        },
    )
}

#[test]
fn no_statement_runs_past_the_statement_timeout_and_the_session_survives_it() {
    let db = TestDatabase::new();
    let pool = pool_with_statement_timeout(&db, Duration::from_millis(200));
    let mut connection = pool.get().unwrap();
    let first = backend_pid(&mut connection).unwrap();
    let started = Instant::now();
    let error = sql_query("SELECT pg_sleep(10)")
        .execute(&mut connection)
        .expect_err("cancelled by statement_timeout");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "cancelled after {took:?}");
    assert!(
        matches!(storage_error(error), RepositoryError::Unavailable(_)),
        "a cancelled statement is a 503 (retry), not a 500"
    );
    drop(connection);
    assert_eq!(
        backend_pid(&mut pool.get().unwrap()).unwrap(),
        first,
        "a cancelled statement does not cost the session"
    );
}

#[test]
fn a_session_idle_inside_a_transaction_past_the_timeout_is_ended_and_replaced() {
    let db = TestDatabase::new();
    let mut admin = db.connection();
    let pool = pool_with_statement_timeout(&db, Duration::from_millis(200));
    let mut connection = pool.get().unwrap();
    let first = backend_pid(&mut connection).unwrap();
    sql_query("BEGIN").execute(&mut connection).unwrap();
    // The work between two statements stalls (or spins) while the transaction holds the connection.
    std::thread::sleep(Duration::from_millis(1200));
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let idle_sessions = sql_query(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1 AND state = 'idle in transaction'",
    )
    .bind::<Integer, _>(first)
    .get_result::<Count>(&mut admin)
    .unwrap()
    .n;
    assert_eq!(idle_sessions, 0, "Postgres ended the session");
    assert!(
        backend_pid(&mut connection).is_err(),
        "its next statement fails"
    );
    drop(connection);
    let second = backend_pid(&mut pool.get().unwrap()).expect("a new session");
    assert_ne!(first, second);
}

#[test]
fn waiting_for_a_pooled_connection_is_bounded() {
    let db = TestDatabase::new();
    let pool = pool_with_statement_timeout(&db, Duration::from_secs(5));
    let _held = pool.get().unwrap();
    let started = Instant::now();
    let error = orderflow_persistence::ping(&pool).expect_err("the only connection is taken");
    assert!(matches!(error, RepositoryError::Unavailable(_)));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// Counts what the pool reports.
#[derive(Debug, Default)]
struct CountedCheckouts {
    checked_out: AtomicUsize,
    timed_out: AtomicUsize,
}

impl CheckoutObserver for CountedCheckouts {
    fn checked_out(&self, _waited: Duration) {
        self.checked_out.fetch_add(1, SeqCst);
    }

    fn timed_out(&self) {
        self.timed_out.fetch_add(1, SeqCst);
    }
}

#[test]
fn the_checkout_observer_hears_of_every_checkout_and_every_timeout() {
    let db = TestDatabase::new();
    let observer = Arc::new(CountedCheckouts::default());
    let pool = connect(
        db.url(),
        &PoolOptions {
            max_size: 1,
            connection_timeout: Duration::from_millis(200),
            checkout_observer: Some(observer.clone()),
            ..PoolOptions::default()
        },
    );
    let held = pool.get().unwrap();
    assert!(pool.get().is_err(), "the only connection is taken");
    drop(held);
    drop(pool.get().unwrap());
    assert_eq!(
        (
            observer.checked_out.load(SeqCst),
            observer.timed_out.load(SeqCst)
        ),
        (2, 1)
    );
}
