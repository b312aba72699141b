//! The identity adapters against a real Postgres: one fresh database per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, DurationRound, Utc};
use orderflow_application::listing::{PageRequest, SortDirection};
use orderflow_application::ports::{
    CustomerQuery, CustomerRepository, CustomerSort, InsertCustomerError, TokenGrant, TokenHash,
    TokenRepository, TokenRevocation,
};
use orderflow_domain::identity::{CustomerId, EmailAddress, NewCustomer, PhoneNumber, Role};
use orderflow_persistence::{PgCustomerRepository, PgTokenRepository};
use orderflow_test_support::TestDatabase;

fn new_customer(email: &str, role: Role) -> NewCustomer {
    NewCustomer {
        email: EmailAddress::parse(email).unwrap(),
        password_hash: Some("hash".into()),
        first_name: "Alice".into(),
        last_name: "Wanjiru".into(),
        phone_number: Some(PhoneNumber::parse("+254711000001").unwrap()),
        address: "1 Moi Avenue".into(),
        city: "Nairobi".into(),
        state: String::new(),
        country: "Kenya".into(),
        postal_code: "00100".into(),
        role,
        is_verified: false,
    }
}

fn grant(key: &str) -> TokenGrant {
    // Postgres keeps microseconds: round so that values compare equal after a round trip.
    let now = Utc::now()
        .duration_trunc(Duration::microseconds(1))
        .unwrap();
    TokenGrant {
        hash: TokenHash(key.as_bytes().to_vec()),
        created_at: now,
        expires_at: now + Duration::days(30),
    }
}

#[test]
fn inserts_a_customer_with_a_first_token_in_one_go() {
    let db = TestDatabase::new();
    let customers = PgCustomerRepository::new(db.pool());
    let tokens = PgTokenRepository::new(db.pool());

    let created = customers
        .insert(
            &new_customer("Alice@Example.com", Role::Customer),
            Some(grant("k1")),
        )
        .unwrap();
    assert_eq!(created.email.as_str(), "Alice@Example.com");
    assert_eq!(created.city, "Nairobi");
    assert!(created.is_active && !created.is_verified);

    let owner = tokens
        .find_owner(&TokenHash(b"k1".to_vec()))
        .unwrap()
        .unwrap();
    assert_eq!(owner.customer, created);
    assert_eq!(owner.revoked_at, None);
}

#[test]
fn email_is_unique_whatever_the_case_and_a_clash_writes_nothing() {
    let db = TestDatabase::new();
    let customers = PgCustomerRepository::new(db.pool());
    let tokens = PgTokenRepository::new(db.pool());
    customers
        .insert(&new_customer("alice@x.com", Role::Customer), None)
        .unwrap();

    let clash = customers.insert(
        &new_customer("ALICE@x.com", Role::Customer),
        Some(grant("k2")),
    );
    assert!(matches!(clash, Err(InsertCustomerError::DuplicateEmail)));
    assert!(
        tokens
            .find_owner(&TokenHash(b"k2".to_vec()))
            .unwrap()
            .is_none(),
        "the token must roll back too"
    );

    let found = customers
        .find_credentials_by_email(&EmailAddress::parse("ALICE@X.COM").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(found.customer.email.as_str(), "alice@x.com");
    assert_eq!(found.password_hash.as_deref(), Some("hash"));
}

#[test]
fn a_token_for_a_verified_password_is_stored_only_while_that_password_stands() {
    let db = TestDatabase::new();
    let customers = PgCustomerRepository::new(db.pool());
    let tokens = PgTokenRepository::new(db.pool());
    let alice = customers
        .insert(&new_customer("alice@x.com", Role::Customer), None)
        .unwrap();
    assert!(tokens
        .issue_for_verified_password(alice.id, &grant("checked"), "hash")
        .unwrap());
    customers
        .set_password(alice.id, "changed-hash", TokenRevocation::None, Utc::now())
        .unwrap();
    assert!(!tokens
        .issue_for_verified_password(alice.id, &grant("stale"), "hash")
        .unwrap());
    assert!(tokens
        .find_owner(&TokenHash(b"stale".to_vec()))
        .unwrap()
        .is_none());
    assert!(tokens
        .find_owner(&TokenHash(b"checked".to_vec()))
        .unwrap()
        .is_some());
}

#[test]
fn password_change_revokes_the_other_tokens_only() {
    let db = TestDatabase::new();
    let customers = PgCustomerRepository::new(db.pool());
    let tokens = PgTokenRepository::new(db.pool());
    let alice = customers
        .insert(
            &new_customer("alice@x.com", Role::Customer),
            Some(grant("keep")),
        )
        .unwrap();
    tokens.issue(alice.id, &grant("other")).unwrap();

    customers
        .set_password(
            alice.id,
            "new-hash",
            TokenRevocation::AllExcept(TokenHash(b"keep".to_vec())),
            Utc::now(),
        )
        .unwrap();

    assert!(tokens
        .find_owner(&TokenHash(b"keep".to_vec()))
        .unwrap()
        .unwrap()
        .revoked_at
        .is_none());
    assert!(tokens
        .find_owner(&TokenHash(b"other".to_vec()))
        .unwrap()
        .unwrap()
        .revoked_at
        .is_some());
    let stored = customers.find_credentials_by_id(alice.id).unwrap().unwrap();
    assert_eq!(stored.password_hash.as_deref(), Some("new-hash"));
}

#[test]
fn deactivation_revokes_every_token_and_logout_one() {
    let db = TestDatabase::new();
    let customers = PgCustomerRepository::new(db.pool());
    let tokens = PgTokenRepository::new(db.pool());
    let alice = customers
        .insert(
            &new_customer("alice@x.com", Role::Customer),
            Some(grant("a")),
        )
        .unwrap();
    let bob = customers
        .insert(
            &new_customer("bob@x.com", Role::Customer),
            Some(grant("b1")),
        )
        .unwrap();
    tokens.issue(bob.id, &grant("b2")).unwrap();

    tokens
        .revoke(&TokenHash(b"b1".to_vec()), Utc::now())
        .unwrap();
    assert!(tokens
        .find_owner(&TokenHash(b"b1".to_vec()))
        .unwrap()
        .unwrap()
        .revoked_at
        .is_some());
    assert!(tokens
        .find_owner(&TokenHash(b"b2".to_vec()))
        .unwrap()
        .unwrap()
        .revoked_at
        .is_none());

    customers
        .set_active(alice.id, false, TokenRevocation::All, Utc::now())
        .unwrap();
    let owner = tokens
        .find_owner(&TokenHash(b"a".to_vec()))
        .unwrap()
        .unwrap();
    assert!(!owner.customer.is_active);
    assert!(owner.revoked_at.is_some());
}

#[test]
fn profile_changes_are_saved_and_returned() {
    let db = TestDatabase::new();
    let customers = PgCustomerRepository::new(db.pool());
    let mut alice = customers
        .insert(&new_customer("alice@x.com", Role::Customer), None)
        .unwrap();
    alice.city = "Kisumu".into();
    alice.phone_number = None;
    alice.sms_notifications = false;
    let later = Utc::now() + Duration::minutes(5);
    let saved = customers.save_profile(&alice, later).unwrap();
    assert_eq!(saved.city, "Kisumu");
    assert_eq!(saved.phone_number, None);
    assert!(!saved.sms_notifications);
    assert!(saved.updated_at > saved.created_at);
    assert_eq!(customers.find_by_id(alice.id).unwrap().unwrap(), saved);
}

#[test]
fn role_and_password_update_reactivates_the_account() {
    let db = TestDatabase::new();
    let customers = PgCustomerRepository::new(db.pool());
    let alice = customers
        .insert(&new_customer("alice@x.com", Role::Customer), None)
        .unwrap();
    customers
        .set_active(alice.id, false, TokenRevocation::None, Utc::now())
        .unwrap();
    let admin = customers
        .set_role_and_password(alice.id, Role::SuperAdmin, "h2", Utc::now())
        .unwrap();
    assert_eq!(admin.role, Role::SuperAdmin);
    assert!(admin.is_active);
    customers.set_verified(alice.id, Utc::now()).unwrap();
    assert!(customers.find_by_id(alice.id).unwrap().unwrap().is_verified);
    assert_eq!(customers.find_by_id(CustomerId(9999)).unwrap(), None);
}

#[test]
fn listing_searches_filters_orders_and_pages() {
    let db = TestDatabase::new();
    let customers = PgCustomerRepository::new(db.pool());
    let mut people = vec![];
    for (email, first, last, role) in [
        ("zoe@shop.ke", "Zoe", "Achieng", Role::Customer),
        ("yusuf@shop.ke", "Yusuf", "Otieno", Role::Staff),
        ("xavier@mail.com", "Xavier", "Kamau", Role::Admin),
        ("wanjiru@mail.com", "Wanjiru", "Otieno", Role::Customer),
    ] {
        let mut c = new_customer(email, role);
        c.first_name = first.into();
        c.last_name = last.into();
        people.push(customers.insert(&c, None).unwrap());
    }
    customers
        .set_active(people[3].id, false, TokenRevocation::None, Utc::now())
        .unwrap();

    let query = |q: CustomerQuery| customers.list(&q, PageRequest::default()).unwrap();
    let emails =
        |page: orderflow_application::listing::Page<orderflow_domain::identity::Customer>| {
            page.items
                .into_iter()
                .map(|c| c.email.to_string())
                .collect::<Vec<_>>()
        };

    let otieno = query(CustomerQuery {
        search_terms: vec!["otieno".into()],
        ..Default::default()
    });
    assert_eq!(otieno.total, 2);
    let both_terms = query(CustomerQuery {
        search_terms: vec!["otieno".into(), "shop".into()],
        ..Default::default()
    });
    assert_eq!(emails(both_terms), ["yusuf@shop.ke"]);
    let inactive = query(CustomerQuery {
        is_active: Some(false),
        ..Default::default()
    });
    assert_eq!(emails(inactive), ["wanjiru@mail.com"]);
    let staff = query(CustomerQuery {
        role: Some(Role::Staff),
        ..Default::default()
    });
    assert_eq!(emails(staff), ["yusuf@shop.ke"]);
    let wildcard = query(CustomerQuery {
        search_terms: vec!["%".into()],
        ..Default::default()
    });
    assert_eq!(
        wildcard.total, 0,
        "LIKE wildcards in a search term match themselves only"
    );

    let by_email = query(CustomerQuery {
        ordering: vec![(CustomerSort::Email, SortDirection::Ascending)],
        ..Default::default()
    });
    assert_eq!(
        emails(by_email),
        [
            "wanjiru@mail.com",
            "xavier@mail.com",
            "yusuf@shop.ke",
            "zoe@shop.ke"
        ]
    );

    let page = customers
        .list(
            &CustomerQuery {
                ordering: vec![(CustomerSort::FirstName, SortDirection::Descending)],
                ..Default::default()
            },
            PageRequest::new(2, 3),
        )
        .unwrap();
    assert_eq!(page.total, 4);
    assert_eq!(emails(page), ["wanjiru@mail.com"]);

    let roster: Vec<_> = customers
        .list_active_with_role_at_least(Role::Staff)
        .unwrap()
        .into_iter()
        .map(|c| c.email.to_string())
        .collect();
    assert_eq!(roster, ["yusuf@shop.ke", "xavier@mail.com"]);
}
