//! OpenID Connect storage against a real Postgres: single-use pending logins, identities, atomic creation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration, DurationRound, Utc};
use diesel::sql_types::{BigInt, Integer, Text, Timestamptz};
use diesel::{QueryableByName, RunQueryDsl};
use orderflow_application::ports::{
    CustomerRepository, InsertCustomerError, LinkedIdentity, OidcStore, PendingLogin, PriorAccess,
    TokenGrant, TokenHash, TokenRepository,
};
use orderflow_domain::identity::{Customer, NewCustomer, NextPath};
use orderflow_persistence::{PgCustomerRepository, PgOidcStore, PgTokenRepository};
use orderflow_test_support::fixtures::new_customer;
use orderflow_test_support::TestDatabase;

fn now() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::microseconds(1))
        .unwrap()
}

fn grant(key: &str) -> TokenGrant {
    TokenGrant {
        hash: TokenHash(key.as_bytes().to_vec()),
        created_at: now(),
        expires_at: now() + Duration::days(30),
    }
}

#[test]
fn a_pending_login_is_taken_once_and_only_while_fresh() {
    let db = TestDatabase::new();
    let store = PgOidcStore::new(db.pool());
    let at = now();
    let not_before = at - Duration::minutes(10);
    for (state, created_at) in [("fresh", at), ("stale", at - Duration::minutes(11))] {
        store
            .save_pending(
                &PendingLogin {
                    state: state.into(),
                    nonce: format!("nonce-{state}"),
                    pkce_verifier: format!("verifier-{state}"),
                    next: Some(NextPath::parse("/orders").unwrap()),
                    created_at,
                },
                not_before,
            )
            .unwrap();
    }
    let taken = store.take_pending("fresh", not_before).unwrap().unwrap();
    assert_eq!(
        (
            taken.nonce.as_str(),
            taken.pkce_verifier.as_str(),
            taken.next.unwrap().as_str()
        ),
        ("nonce-fresh", "verifier-fresh", "/orders")
    );
    assert_eq!(
        store.take_pending("fresh", not_before).unwrap(),
        None,
        "used once"
    );
    assert_eq!(
        store.take_pending("stale", not_before).unwrap(),
        None,
        "expired"
    );
    assert_eq!(store.take_pending("never", not_before).unwrap(), None);
}

/// `count` pending logins `{prefix}-1` (started at `newest`), `{prefix}-2` (a second earlier), ...
fn insert_pending(db: &TestDatabase, prefix: &str, count: i32, newest: DateTime<Utc>) {
    diesel::sql_query(
        "INSERT INTO oidc_pending_logins (state, nonce, pkce_verifier, created_at) \
         SELECT $1 || '-' || n, 'nonce', 'verifier', $2 - (n - 1) * interval '1 second' \
         FROM generate_series(1, $3) n",
    )
    .bind::<Text, _>(prefix)
    .bind::<Timestamptz, _>(newest)
    .bind::<Integer, _>(count)
    .execute(&mut db.connection())
    .unwrap();
}

/// How many pending logins are stored (started before `not_before`, at or after it).
fn pending_counts(db: &TestDatabase, not_before: DateTime<Utc>) -> (i64, i64) {
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        expired: i64,
        #[diesel(sql_type = BigInt)]
        running: i64,
    }
    let counts: Counts = diesel::sql_query(
        "SELECT count(*) FILTER (WHERE created_at < $1) AS expired, \
                count(*) FILTER (WHERE created_at >= $1) AS running \
         FROM oidc_pending_logins",
    )
    .bind::<Timestamptz, _>(not_before)
    .get_result(&mut db.connection())
    .unwrap();
    (counts.expired, counts.running)
}

#[test]
fn every_new_pending_login_deletes_expired_ones_a_bounded_number_at_a_time_and_keeps_running_ones()
{
    let db = TestDatabase::new();
    let store = PgOidcStore::new(db.pool());
    let at = now();
    let not_before = at - Duration::minutes(10);
    // 250 abandoned sign-ins (the newest 11 minutes old) and 2 still running.
    insert_pending(&db, "abandoned", 250, at - Duration::minutes(11));
    insert_pending(&db, "running", 2, at - Duration::minutes(9));
    let start = |state: &str| {
        let login = PendingLogin {
            state: state.into(),
            nonce: "nonce".into(),
            pkce_verifier: "verifier".into(),
            next: None,
            created_at: at,
        };
        store.save_pending(&login, not_before).unwrap();
    };

    start("new-1");
    assert_eq!(
        pending_counts(&db, not_before),
        (150, 3),
        "100 at most, oldest first"
    );
    // A callback deletes as many (then its own row), and never hands out an expired login the purge has not
    // reached yet.
    assert_eq!(store.take_pending("abandoned-1", not_before).unwrap(), None);
    assert_eq!(pending_counts(&db, not_before), (49, 3));
    start("new-2");
    assert_eq!(pending_counts(&db, not_before), (0, 4));
    assert!(store
        .take_pending("running-2", not_before)
        .unwrap()
        .is_some());
}

#[test]
fn an_account_created_from_a_provider_is_found_by_its_subject_with_its_token() {
    let db = TestDatabase::new();
    let store = PgOidcStore::new(db.pool());
    let created = store
        .create_linked(
            &new_customer("alice@example.test"),
            "https://id",
            "alice",
            now(),
            &grant("k1"),
        )
        .unwrap();
    let found = store.find_linked("https://id", "alice").unwrap().unwrap();
    assert_eq!(found.id, created.id);
    assert_eq!(store.find_linked("https://other", "alice").unwrap(), None);
    assert_eq!(
        PgTokenRepository::new(db.pool())
            .find_owner(&TokenHash(b"k1".to_vec()))
            .unwrap()
            .unwrap()
            .customer
            .id,
        created.id
    );
    let identity = store.identity_of(created.id).unwrap().unwrap();
    assert_eq!(
        (identity.issuer.as_str(), identity.subject.as_str()),
        ("https://id", "alice")
    );
}

#[test]
fn a_taken_email_creates_nothing() {
    let db = TestDatabase::new();
    let customers = PgCustomerRepository::new(db.pool());
    customers
        .insert(&new_customer("alice@example.test"), None)
        .unwrap();
    let store = PgOidcStore::new(db.pool());
    let result = store.create_linked(
        &new_customer("ALICE@example.test"),
        "https://id",
        "alice",
        now(),
        &grant("k1"),
    );
    assert!(matches!(result, Err(InsertCustomerError::DuplicateEmail)));
    assert_eq!(store.find_linked("https://id", "alice").unwrap(), None);
    assert!(PgTokenRepository::new(db.pool())
        .find_owner(&TokenHash(b"k1".to_vec()))
        .unwrap()
        .is_none());
}

/// An account whose email was never verified, with a password, a provider identity (https://id's `squatter`,
/// whose provider did not verify the address) and the live tokens `keys`.
fn squatted_account(db: &TestDatabase, keys: &[&str]) -> Customer {
    let (first, others) = keys.split_first().unwrap();
    let account = PgOidcStore::new(db.pool())
        .create_linked(
            &NewCustomer {
                password_hash: Some("squatter-hash".into()),
                ..new_customer("alice@example.test")
            },
            "https://id",
            "squatter",
            now(),
            &grant(first),
        )
        .unwrap();
    assert!(!account.is_verified);
    let tokens = PgTokenRepository::new(db.pool());
    for key in others {
        tokens.issue(account.id, &grant(key)).unwrap();
    }
    account
}

fn identity_of(account: &Customer) -> LinkedIdentity {
    LinkedIdentity {
        issuer: "https://id".into(),
        subject: "alice".into(),
        customer_id: account.id,
        linked_at: now(),
    }
}

/// What opens an account, as stored.
#[derive(Debug, PartialEq, Eq)]
struct Access {
    password_hash: Option<String>,
    verified: bool,
    squatter_linked: bool,
    /// Whether each token asked about is revoked.
    revoked: Vec<bool>,
}

fn access_to(db: &TestDatabase, account: &Customer, keys: &[&str]) -> Access {
    let stored = PgCustomerRepository::new(db.pool())
        .find_credentials_by_id(account.id)
        .unwrap()
        .unwrap();
    let tokens = PgTokenRepository::new(db.pool());
    let revoked = keys
        .iter()
        .map(|key| {
            tokens
                .find_owner(&TokenHash(key.as_bytes().to_vec()))
                .unwrap()
                .unwrap()
                .revoked_at
                .is_some()
        })
        .collect();
    let squatter = PgOidcStore::new(db.pool())
        .find_linked("https://id", "squatter")
        .unwrap();
    Access {
        password_hash: stored.password_hash,
        verified: stored.customer.is_verified,
        squatter_linked: squatter.is_some_and(|customer| customer.id == account.id),
        revoked,
    }
}

/// Links the account to https://id's `alice` with the new token `key`, and checks that the link is found.
fn link(db: &TestDatabase, account: &Customer, prior: PriorAccess, key: &str) {
    let store = PgOidcStore::new(db.pool());
    store
        .link(&identity_of(account), prior, &grant(key))
        .unwrap();
    let linked = store.find_linked("https://id", "alice").unwrap();
    assert_eq!(linked.map(|customer| customer.id), Some(account.id));
}

#[test]
fn linking_an_account_keeping_its_access_marks_it_verified_and_stores_the_token() {
    let db = TestDatabase::new();
    let account = squatted_account(&db, &["old"]);
    link(&db, &account, PriorAccess::Kept, "new");
    assert_eq!(
        access_to(&db, &account, &["old", "new"]),
        Access {
            password_hash: Some("squatter-hash".into()),
            verified: true,
            squatter_linked: true,
            revoked: vec![false, false],
        }
    );
}

#[test]
fn linking_an_account_withdrawing_its_access_removes_its_password_old_tokens_and_other_links() {
    let db = TestDatabase::new();
    let account = squatted_account(&db, &["old-1", "old-2"]);
    link(&db, &account, PriorAccess::Withdrawn, "new");
    assert_eq!(
        access_to(&db, &account, &["old-1", "old-2", "new"]),
        Access {
            password_hash: None,
            verified: true,
            squatter_linked: false,
            revoked: vec![true, true, false],
        }
    );
}

#[test]
fn a_link_that_fails_withdraws_nothing() {
    let db = TestDatabase::new();
    let account = squatted_account(&db, &["old"]);
    let store = PgOidcStore::new(db.pool());
    // The new token collides with a stored one: the last statement of the link fails, after the password and
    // tokens were dealt with.
    let failed = store.link(
        &identity_of(&account),
        PriorAccess::Withdrawn,
        &grant("old"),
    );
    assert!(failed.is_err());
    assert_eq!(store.find_linked("https://id", "alice").unwrap(), None);
    assert_eq!(
        access_to(&db, &account, &["old"]),
        Access {
            password_hash: Some("squatter-hash".into()),
            verified: false,
            squatter_linked: true,
            revoked: vec![false],
        }
    );
}
