//! The attempt ledger against a real server: limits per key and window, atomic under concurrency, released and
//! cleared attempts, fixed-length keys, bounded purging.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Barrier};

use chrono::{Duration, SubsecRound, Utc};
use diesel::{sql_query, RunQueryDsl};
use orderflow_application::ports::{AttemptKey, AttemptLedger, Reservation};
use orderflow_domain::identity::{AttemptLimit, EmailAddress};
use orderflow_persistence::PgAttemptLedger;
use orderflow_test_support::TestDatabase;

fn limit(max_attempts: u32, minutes: i64) -> AttemptLimit {
    AttemptLimit {
        max_attempts,
        window: Duration::minutes(minutes),
    }
}

fn granted(reservation: Reservation) -> bool {
    matches!(reservation, Reservation::Granted(_))
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(db: &TestDatabase, sql: &str) -> i64 {
    sql_query(sql)
        .get_result::<Count>(&mut db.connection())
        .unwrap()
        .n
}

#[test]
fn a_key_at_its_limit_refuses_until_the_oldest_attempt_leaves_the_window() {
    let db = TestDatabase::new();
    let ledger = PgAttemptLedger::new(db.pool());
    let key = AttemptKey::login_address("10.1.1.1");
    // To the microsecond, as the service's clock and Postgres keep time.
    let now = Utc::now().trunc_subsecs(6);
    // Two attempts allowed per 15 minutes: 20, 10 and 5 minutes ago each found room at its time.
    for minutes_ago in [20, 10, 5] {
        let at = now - Duration::minutes(minutes_ago);
        assert!(granted(
            ledger.reserve(&[(key.clone(), limit(2, 15))], at).unwrap()
        ));
    }
    // Now the ones of 10 and 5 minutes ago fill the window; it has room again when the first leaves it.
    match ledger.reserve(&[(key.clone(), limit(2, 15))], now).unwrap() {
        Reservation::Refused {
            retry_after_seconds,
        } => assert_eq!(retry_after_seconds, 5 * 60 + 1),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Another kind of attempt from the same address has a budget of its own.
    assert!(granted(
        ledger
            .reserve(
                &[(AttemptKey::registration_address("10.1.1.1"), limit(1, 15))],
                now
            )
            .unwrap()
    ));
}

#[test]
fn forty_attempts_at_once_grant_exactly_the_limit() {
    let db = TestDatabase::new();
    let ledger = Arc::new(PgAttemptLedger::new(db.pool()));
    let start = Arc::new(Barrier::new(40));
    let email = EmailAddress::parse("victim@example.com").unwrap();
    let threads: Vec<_> = (0..40)
        .map(|_| {
            let (ledger, start, email) = (ledger.clone(), start.clone(), email.clone());
            std::thread::spawn(move || {
                start.wait();
                let keys = [
                    (AttemptKey::login_email(&email), limit(10, 15)),
                    (AttemptKey::login_address("10.9.9.9"), limit(50, 15)),
                ];
                granted(ledger.reserve(&keys, Utc::now()).unwrap())
            })
        })
        .collect();
    let granted = threads
        .into_iter()
        .map(|thread| thread.join().unwrap())
        .filter(|granted| *granted)
        .count();
    assert_eq!(granted, 10);
    assert_eq!(count(&db, "SELECT count(*) AS n FROM attempts"), 20);
}

#[test]
fn a_released_attempt_stops_counting_and_clearing_forgets_a_key() {
    let db = TestDatabase::new();
    let ledger = PgAttemptLedger::new(db.pool());
    let email = AttemptKey::login_email(&EmailAddress::parse("alice@example.com").unwrap());
    let address = AttemptKey::login_address("10.2.2.2");
    let now = Utc::now();
    let keys = [
        (email.clone(), limit(1, 15)),
        (address.clone(), limit(5, 15)),
    ];
    let Reservation::Granted(first) = ledger.reserve(&keys, now).unwrap() else {
        panic!("granted")
    };
    assert!(!granted(ledger.reserve(&keys, now).unwrap()));
    ledger.release(first).unwrap();
    assert!(
        granted(ledger.reserve(&keys, now).unwrap()),
        "the released attempt no longer counts"
    );
    ledger.clear(&email).unwrap();
    assert_eq!(
        count(&db, "SELECT count(*) AS n FROM attempts"),
        1,
        "the address keeps its attempt"
    );
    assert!(granted(ledger.reserve(&keys, now).unwrap()));
}

#[test]
fn keys_are_stored_at_a_fixed_length_whatever_their_text() {
    let db = TestDatabase::new();
    let ledger = PgAttemptLedger::new(db.pool());
    // Dotted capital I grows when lower-cased (`i` and a combining dot): 127 of them make 254 characters.
    let labels = vec!["İ".repeat(31); 3].join(".");
    let long = EmailAddress::parse(&format!("{}@{labels}.example.com", "İ".repeat(32))).unwrap();
    assert!(long.normalized().chars().count() > 254);
    ledger
        .reserve(
            &[(AttemptKey::login_email(&long), limit(10, 15))],
            Utc::now(),
        )
        .unwrap();
    assert_eq!(
        count(
            &db,
            "SELECT max(length(key_digest))::bigint AS n FROM attempts"
        ),
        32
    );
}

#[test]
fn attempts_older_than_a_day_are_purged_as_new_ones_are_recorded() {
    let db = TestDatabase::new();
    let ledger = PgAttemptLedger::new(db.pool());
    let long_ago = Utc::now() - Duration::days(2);
    for n in 0..150 {
        ledger
            .reserve(
                &[(
                    AttemptKey::registration_address(&format!("10.3.0.{n}")),
                    limit(1, 60),
                )],
                long_ago,
            )
            .unwrap();
    }
    ledger
        .reserve(
            &[(AttemptKey::registration_address("10.4.0.1"), limit(1, 60))],
            Utc::now(),
        )
        .unwrap();
    // At most a hundred go per reservation: bounded work, steady cleanup.
    assert_eq!(
        count(&db, "SELECT count(*) AS n FROM attempts"),
        150 - 100 + 1
    );
}
