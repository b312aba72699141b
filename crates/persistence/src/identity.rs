//! The identity area's adapters (accounts, tokens, login throttling, OpenID Connect links), like `catalogue`,
//! `ordering` and `notifications`: one adapter per port.

mod attempt_ledger;
mod customer_store;
mod customers;
mod oidc;
mod rows;
mod tokens;

pub use attempt_ledger::PgAttemptLedger;
pub use customers::PgCustomerRepository;
pub use oidc::PgOidcStore;
pub use tokens::PgTokenRepository;
