//! One adapter per repository port.

mod customer_store;
mod customers;
mod login_attempts;
mod oidc;
mod rows;
mod tokens;

pub use customers::PgCustomerRepository;
pub use login_attempts::PgLoginAttemptRepository;
pub use oidc::PgOidcStore;
pub use tokens::PgTokenRepository;
