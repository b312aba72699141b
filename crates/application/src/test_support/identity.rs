//! Shared test fixtures for the identity use cases.

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use orderflow_domain::identity::{
    Customer, CustomerId, EmailAddress, NewCustomer, Role, TokenLifetime, DEFAULT_COUNTRY,
};

use crate::identity::{RegisterCustomerInput, TokenIssuer};
use crate::ports::{GeneratedToken, MockClock, MockTokenGenerator, TokenHash};

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 9, 30, 0).unwrap()
}

pub fn fixed_clock() -> Arc<MockClock> {
    let mut clock = MockClock::new();
    clock.expect_now().returning(now);
    Arc::new(clock)
}

/// Hashes a key `k` to the bytes of `hash-of-k`.
pub fn token_hash(key: &str) -> TokenHash {
    TokenHash(format!("hash-of-{key}").into_bytes())
}

pub fn generator_of(key: &'static str) -> MockTokenGenerator {
    let mut generator = MockTokenGenerator::new();
    generator
        .expect_generate()
        .returning(move || GeneratedToken {
            key: key.into(),
            hash: token_hash(key),
        });
    generator.expect_hash().returning(token_hash);
    generator
}

pub fn fixed_issuer(key: &'static str) -> TokenIssuer {
    TokenIssuer::new(
        Arc::new(generator_of(key)),
        fixed_clock(),
        TokenLifetime::default(),
    )
}

pub fn valid_registration() -> RegisterCustomerInput {
    RegisterCustomerInput {
        email: Some("Alice@Example.com".into()),
        password: Some("kamau-wanjiru-77".into()),
        password_confirm: Some("kamau-wanjiru-77".into()),
        first_name: Some("Alice".into()),
        last_name: Some("Wanjiru".into()),
        phone_number: Some("+254711000001".into()),
        ..RegisterCustomerInput::default()
    }
}

pub fn customer_from(new: &NewCustomer) -> Customer {
    Customer {
        id: CustomerId(7),
        email: new.email.clone(),
        first_name: new.first_name.clone(),
        last_name: new.last_name.clone(),
        phone_number: new.phone_number.clone(),
        address: new.address.clone(),
        city: new.city.clone(),
        state: new.state.clone(),
        country: new.country.clone(),
        postal_code: new.postal_code.clone(),
        is_verified: new.is_verified,
        is_active: true,
        role: new.role,
        email_notifications: true,
        sms_notifications: true,
        created_at: now(),
        updated_at: now(),
    }
}

pub fn customer(id: i64, email: &str, role: Role) -> Customer {
    Customer {
        id: CustomerId(id),
        email: EmailAddress::parse(email).unwrap(),
        first_name: "Test".into(),
        last_name: "User".into(),
        phone_number: None,
        address: String::new(),
        city: String::new(),
        state: String::new(),
        country: DEFAULT_COUNTRY.into(),
        postal_code: String::new(),
        is_verified: false,
        is_active: true,
        role,
        email_notifications: true,
        sms_notifications: true,
        created_at: now(),
        updated_at: now(),
    }
}
