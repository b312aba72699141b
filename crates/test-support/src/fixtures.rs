//! Records the adapter and process tests need, written through the real repositories.

use orderflow_application::ports::CustomerRepository;
use orderflow_domain::identity::{Customer, EmailAddress, NewCustomer, Role};
use orderflow_persistence::PgCustomerRepository;

use crate::TestDatabase;

/// A plain customer registration: no password (as an OpenID-only account), no phone.
pub fn new_customer(email: &str) -> NewCustomer {
    NewCustomer {
        email: EmailAddress::parse(email).expect("a valid email"),
        password_hash: None,
        first_name: "Alice".into(),
        last_name: "Wanjiru".into(),
        phone_number: None,
        address: String::new(),
        city: String::new(),
        state: String::new(),
        country: "Kenya".into(),
        postal_code: String::new(),
        role: Role::Customer,
        is_verified: false,
    }
}

/// That customer, stored in `db`.
pub fn stored_customer(db: &TestDatabase, email: &str) -> Customer {
    PgCustomerRepository::new(db.pool())
        .insert(&new_customer(email), None)
        .expect("store the customer")
}
