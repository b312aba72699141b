//! OpenID Connect storage against a real Postgres: single-use pending logins, identities, atomic creation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, DurationRound, Utc};
use orderflow_application::ports::{
    CustomerRepository, InsertCustomerError, LinkedIdentity, OidcStore, PendingLogin, TokenGrant,
    TokenHash, TokenRepository,
};
use orderflow_domain::identity::NextPath;
use orderflow_persistence::{PgCustomerRepository, PgOidcStore, PgTokenRepository};
use orderflow_test_support::fixtures::new_customer;
use orderflow_test_support::TestDatabase;

fn now() -> chrono::DateTime<Utc> {
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
    for (state, created_at) in [("fresh", at), ("stale", at - Duration::minutes(11))] {
        store
            .save_pending(&PendingLogin {
                state: state.into(),
                nonce: format!("nonce-{state}"),
                pkce_verifier: format!("verifier-{state}"),
                next: Some(NextPath::parse("/orders").unwrap()),
                created_at,
            })
            .unwrap();
    }
    let not_before = at - Duration::minutes(10);
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

#[test]
fn linking_an_existing_account_marks_it_verified_and_stores_the_token() {
    let db = TestDatabase::new();
    let customers = PgCustomerRepository::new(db.pool());
    let alice = customers
        .insert(&new_customer("alice@example.test"), None)
        .unwrap();
    assert!(!alice.is_verified);
    let store = PgOidcStore::new(db.pool());
    store
        .link(
            &LinkedIdentity {
                issuer: "https://id".into(),
                subject: "alice".into(),
                customer_id: alice.id,
                linked_at: now(),
            },
            &grant("k2"),
        )
        .unwrap();
    assert_eq!(
        store
            .find_linked("https://id", "alice")
            .unwrap()
            .unwrap()
            .id,
        alice.id
    );
    assert!(customers.find_by_id(alice.id).unwrap().unwrap().is_verified);
    assert!(PgTokenRepository::new(db.pool())
        .find_owner(&TokenHash(b"k2".to_vec()))
        .unwrap()
        .is_some());
}
