//! The sign-in rules with every port mocked.

use std::sync::Arc;

use chrono::Duration;
use orderflow_domain::identity::{CustomerId, Role};

use super::*;
use crate::identity::{AttemptCounter, AttemptLimits, Throttled};
use crate::ports::{
    AttemptKey, AuthorizationRequest, IdentityClaims, MockAttemptLedger, MockCustomerRepository,
    MockIdentityProvider, MockOidcStore, MockTokenRepository, PendingLogin, PriorAccess,
    ProviderError, ProviderTokens, Reservation, StoredCredentials,
};
use crate::test_support::{customer, customer_from, fixed_clock, fixed_issuer, now};

fn claims(email: Option<&str>, verified: bool) -> IdentityClaims {
    IdentityClaims {
        issuer: "https://id.example".into(),
        subject: "alice".into(),
        email: email.map(str::to_owned),
        email_verified: verified,
        given_name: Some("Alice".into()),
        family_name: Some("Wanjiru".into()),
        phone_number: Some("+254711000001".into()),
    }
}

fn accounts(
    store: MockOidcStore,
    customers: MockCustomerRepository,
    tokens: MockTokenRepository,
) -> Arc<OidcAccounts> {
    accounts_on(Arc::new(store), customers, tokens)
}

fn accounts_on(
    store: Arc<MockOidcStore>,
    customers: MockCustomerRepository,
    tokens: MockTokenRepository,
) -> Arc<OidcAccounts> {
    Arc::new(OidcAccounts::new(
        store,
        Arc::new(customers),
        Arc::new(tokens),
        fixed_issuer("new-key"),
        fixed_clock(),
    ))
}

#[test]
fn a_known_subject_signs_in_to_its_account_with_a_new_token() {
    let mut store = MockOidcStore::new();
    store
        .expect_find_linked()
        .withf(|issuer, subject| issuer == "https://id.example" && subject == "alice")
        .returning(|_, _| Ok(Some(customer(5, "alice@x.com", Role::Customer))));
    store.expect_create_linked().never();
    let mut tokens = MockTokenRepository::new();
    tokens
        .expect_issue()
        .withf(|id, _| *id == CustomerId(5))
        .times(1)
        .returning(|_, _| Ok(()));
    let session = accounts(store, MockCustomerRepository::new(), tokens)
        .sign_in(&claims(Some("other@x.com"), true))
        .unwrap();
    assert_eq!(
        (session.customer.id, session.token.as_str()),
        (CustomerId(5), "new-key")
    );
}

/// Customers holding alice@x.com (id 9), its email verified or not, with a password.
fn existing_alice(email_verified: bool) -> MockCustomerRepository {
    let alice = move || {
        let mut alice = customer(9, "alice@x.com", Role::Customer);
        alice.is_verified = email_verified;
        alice
    };
    let mut customers = MockCustomerRepository::new();
    customers
        .expect_find_credentials_by_email()
        .returning(move |_| {
            Ok(Some(StoredCredentials {
                customer: alice(),
                password_hash: Some("hash".into()),
            }))
        });
    customers
        .expect_find_by_id()
        .returning(move |_| Ok(Some(alice())));
    customers
}

/// Signs in with alice@x.com verified by the provider, to an account whose email is `account_verified` or not:
/// the one link the store is asked for must leave the account's password and tokens as `prior` says, and no
/// other call may touch them (the mocks refuse any call they do not expect).
fn links_with(account_verified: bool, prior: PriorAccess) {
    let mut store = MockOidcStore::new();
    store.expect_find_linked().returning(|_, _| Ok(None));
    store
        .expect_link()
        .withf(move |identity, asked, _| {
            identity.customer_id == CustomerId(9)
                && identity.subject == "alice"
                && identity.linked_at == now()
                && *asked == prior
        })
        .times(1)
        .returning(|_, _, _| Ok(()));
    store.expect_create_linked().never();
    let mut tokens = MockTokenRepository::new();
    tokens.expect_issue().never();
    tokens.expect_revoke().never();
    let session = accounts(store, existing_alice(account_verified), tokens)
        .sign_in(&claims(Some("ALICE@x.com"), true))
        .unwrap();
    assert_eq!(
        (session.customer.id, session.token.as_str()),
        (CustomerId(9), "new-key")
    );
}

#[test]
fn a_verified_email_links_a_verified_account_keeping_its_password_and_tokens() {
    links_with(true, PriorAccess::Kept);
}

#[test]
fn a_verified_email_links_a_never_verified_account_withdrawing_its_access_in_one_call() {
    links_with(false, PriorAccess::Withdrawn);
}

#[test]
fn an_unverified_email_of_an_existing_account_links_nothing() {
    let mut store = MockOidcStore::new();
    store.expect_find_linked().returning(|_, _| Ok(None));
    store.expect_link().never();
    store.expect_create_linked().never();
    let refused = accounts(store, existing_alice(false), MockTokenRepository::new())
        .sign_in(&claims(Some("alice@x.com"), false));
    assert!(matches!(refused, Err(OidcError::EmailTaken)));
}

#[test]
fn a_new_person_becomes_a_customer_from_the_claims() {
    let mut store = MockOidcStore::new();
    store.expect_find_linked().returning(|_, _| Ok(None));
    store
        .expect_create_linked()
        .withf(|new, issuer, subject, at, _| {
            new.email.as_str() == "alice@example.test"
                && new.first_name == "Alice"
                && new.last_name == "Wanjiru"
                && new.phone_number.as_ref().map(|p| p.as_str()) == Some("+254711000001")
                && new.password_hash.is_none()
                && new.is_verified
                && new.role == Role::Customer
                && issuer == "https://id.example"
                && subject == "alice"
                && *at == now()
        })
        .times(1)
        .returning(|new, _, _, _, _| Ok(customer_from(new)));
    let mut customers = MockCustomerRepository::new();
    customers
        .expect_find_credentials_by_email()
        .returning(|_| Ok(None));
    let session = accounts(store, customers, MockTokenRepository::new())
        .sign_in(&claims(Some("alice@example.test"), true))
        .unwrap();
    assert_eq!(session.customer.first_name, "Alice");
}

#[test]
fn no_email_or_an_inactive_account_signs_no_one_in() {
    let mut store = MockOidcStore::new();
    store.expect_find_linked().returning(|_, _| Ok(None));
    store.expect_create_linked().never();
    assert!(matches!(
        accounts(
            store,
            MockCustomerRepository::new(),
            MockTokenRepository::new()
        )
        .sign_in(&claims(None, false)),
        Err(OidcError::BadRequest(_))
    ));

    let mut store = MockOidcStore::new();
    store.expect_find_linked().returning(|_, _| {
        let mut gone = customer(5, "alice@x.com", Role::Customer);
        gone.is_active = false;
        Ok(Some(gone))
    });
    let mut tokens = MockTokenRepository::new();
    tokens.expect_issue().never();
    assert!(matches!(
        accounts(store, MockCustomerRepository::new(), tokens).sign_in(&claims(None, false)),
        Err(OidcError::Inactive)
    ));
}

fn provider_with_request() -> MockIdentityProvider {
    let mut provider = MockIdentityProvider::new();
    provider.expect_ready().returning(|| Ok(()));
    provider.expect_authorization_request().returning(|| {
        Ok(AuthorizationRequest {
            url: "https://id.example/auth?state=s1".into(),
            state: "s1".into(),
            nonce: "n1".into(),
            pkce_verifier: "v1".into(),
        })
    });
    provider
}

#[test]
fn starting_keeps_state_nonce_verifier_and_next_server_side() {
    let mut store = MockOidcStore::new();
    store
        .expect_save_pending()
        .withf(|login, not_before| {
            login.state == "s1"
                && login.nonce == "n1"
                && login.pkce_verifier == "v1"
                && login.next.as_ref().map(|n| n.as_str()) == Some("/orders")
                && login.created_at == now()
                && *not_before == now() - Duration::minutes(10)
        })
        .times(1)
        .returning(|_, _| Ok(()));
    let start = StartOidcLogin::new(
        Arc::new(provider_with_request()),
        Arc::new(store),
        fixed_clock(),
        counting(MockAttemptLedger::new()),
    );
    let started = start.execute(Some("/orders"), None).unwrap();
    assert_eq!(
        (started.url.as_str(), started.state.as_str()),
        ("https://id.example/auth?state=s1", "s1")
    );

    let mut store = MockOidcStore::new();
    store.expect_save_pending().never();
    let mut provider = MockIdentityProvider::new();
    provider.expect_ready().returning(|| Ok(()));
    provider.expect_authorization_request().never();
    let start = StartOidcLogin::new(
        Arc::new(provider),
        Arc::new(store),
        fixed_clock(),
        counting(MockAttemptLedger::new()),
    );
    assert!(matches!(
        start.execute(Some("https://evil.example/"), None),
        Err(OidcError::ForeignNext(_))
    ));
}

fn counting(ledger: MockAttemptLedger) -> AttemptCounter {
    AttemptCounter::new(Arc::new(ledger), fixed_clock(), AttemptLimits::default())
}

#[test]
fn sign_ins_started_from_one_address_are_limited_and_a_refused_one_keeps_nothing() {
    let mut ledger = MockAttemptLedger::new();
    ledger
        .expect_reserve()
        .withf(|keys, _| {
            keys == [(
                AttemptKey::oidc_start_address("203.0.113.9"),
                AttemptLimits::default().oidc_start_per_address,
            )]
        })
        .times(1)
        .returning(|_, _| {
            Ok(Reservation::Refused {
                retry_after_seconds: 30,
            })
        });
    let mut store = MockOidcStore::new();
    store.expect_save_pending().never();
    let start = StartOidcLogin::new(
        Arc::new(provider_with_request()),
        Arc::new(store),
        fixed_clock(),
        counting(ledger),
    );
    assert!(matches!(
        start.execute(None, Some("203.0.113.9")),
        Err(OidcError::Throttled(Throttled {
            retry_after_seconds: 30
        }))
    ));
}

fn pending() -> PendingLogin {
    PendingLogin {
        state: "s1".into(),
        nonce: "n1".into(),
        pkce_verifier: "v1".into(),
        next: None,
        created_at: now(),
    }
}

fn callback(code: &str, state: &str) -> CallbackInput {
    CallbackInput {
        code: Some(code.into()),
        state: Some(state.into()),
        started_here: Some(state.into()),
        ..CallbackInput::default()
    }
}

#[test]
fn the_callback_takes_the_state_once_and_checks_code_verifier_and_nonce() {
    let mut store = MockOidcStore::new();
    store
        .expect_take_pending()
        .withf(|state, not_before| state == "s1" && *not_before == now() - Duration::minutes(10))
        .times(1)
        .returning(|_, _| Ok(Some(pending())));
    store
        .expect_find_linked()
        .returning(|_, _| Ok(Some(customer(5, "alice@example.test", Role::Customer))));
    let mut provider = MockIdentityProvider::new();
    provider.expect_ready().returning(|| Ok(()));
    provider
        .expect_exchange_code()
        .withf(|code, verifier| code == "c1" && verifier == "v1")
        .returning(|_, _| {
            Ok(ProviderTokens {
                id_token: "id.token.jwt".into(),
                access_token: Some("at".into()),
            })
        });
    provider
        .expect_verify_id_token()
        .withf(|token, nonce| token == "id.token.jwt" && *nonce == Some("n1"))
        .returning(|_, _| {
            Ok(IdentityClaims {
                issuer: "https://id.example".into(),
                subject: "alice".into(),
                ..IdentityClaims::default()
            })
        });
    provider
        .expect_user_info()
        .withf(|token, subject| token == "at" && subject == "alice")
        .times(1)
        .returning(|_, _| Ok(claims(Some("alice@example.test"), true)));
    let mut tokens = MockTokenRepository::new();
    tokens.expect_issue().returning(|_, _| Ok(()));
    let store = Arc::new(store);
    let complete = CompleteOidcLogin::new(
        Arc::new(provider),
        store.clone(),
        accounts_on(store, MockCustomerRepository::new(), tokens),
        fixed_clock(),
    );
    let login = complete.execute(callback("c1", "s1")).unwrap();
    assert_eq!(login.session.customer.id, CustomerId(5));
    assert_eq!(login.session.token, "new-key");
    assert_eq!(login.next, None);
}

#[test]
fn a_provider_error_or_an_unknown_state_is_refused_and_nothing_is_exchanged() {
    let mut store = MockOidcStore::new();
    store
        .expect_take_pending()
        .times(3)
        .returning(|state, _| Ok((state == "s1").then(pending)));
    let mut provider = MockIdentityProvider::new();
    provider.expect_ready().returning(|| Ok(()));
    provider.expect_exchange_code().never();
    let complete = CompleteOidcLogin::new(
        Arc::new(provider),
        Arc::new(store),
        accounts(
            MockOidcStore::new(),
            MockCustomerRepository::new(),
            MockTokenRepository::new(),
        ),
        fixed_clock(),
    );
    let denied = complete.execute(CallbackInput {
        state: Some("s1".into()),
        started_here: Some("s1".into()),
        error: Some("access_denied".into()),
        error_description: Some("End-User aborted interaction".into()),
        ..CallbackInput::default()
    });
    let Err(OidcError::BadRequest(detail)) = denied else {
        panic!("expected a refusal")
    };
    assert_eq!(
        detail,
        "The identity provider did not sign you in: access_denied (End-User aborted interaction)."
    );
    assert!(matches!(
        complete.execute(callback("c1", "forged")),
        Err(OidcError::BadRequest(_))
    ));
    // A callback from a browser that did not start the sign-in (a link an attacker sent).
    let Err(OidcError::BadRequest(detail)) = complete.execute(CallbackInput {
        started_here: Some("other".into()),
        ..callback("c1", "s1")
    }) else {
        panic!("expected a refusal")
    };
    assert!(detail.contains("not started in this browser"), "{detail}");
    assert!(matches!(
        complete.execute(CallbackInput::default()),
        Err(OidcError::BadRequest(_))
    ));
}

#[test]
fn an_invalid_id_token_signs_no_one_in() {
    let mut provider = MockIdentityProvider::new();
    provider.expect_ready().returning(|| Ok(()));
    provider
        .expect_verify_id_token()
        .returning(|_, _| Err(ProviderError::InvalidToken("bad signature".into())));
    let mut store = MockOidcStore::new();
    store.expect_find_linked().never();
    store.expect_create_linked().never();
    let login = OidcTokenLogin::new(
        Arc::new(provider),
        accounts(
            store,
            MockCustomerRepository::new(),
            MockTokenRepository::new(),
        ),
    );
    let Err(OidcError::InvalidToken(detail)) = login.execute(TokenLoginInput {
        id_token: Some("tampered".into()),
        ..TokenLoginInput::default()
    }) else {
        panic!("expected an invalid token")
    };
    assert_eq!(detail, "Invalid ID token: bad signature");
    assert!(matches!(
        login.execute(TokenLoginInput::default()),
        Err(OidcError::BadRequest(_))
    ));
}
