//! The ports: what the use cases need from the outside world. Adapters implement them; tests mock them
//! (`mockall`, exposed to other crates with the `mocks` feature).

mod clock;
mod customer_repository;
mod health;
mod login_attempts;
mod password_hasher;
mod repository_error;
mod token_generator;
mod token_repository;

pub use clock::Clock;
pub use customer_repository::{
    CustomerQuery, CustomerRepository, CustomerSort, InsertCustomerError, StoredCredentials,
};
pub use health::HealthProbe;
pub use login_attempts::{LoginAttemptRepository, ThrottleKey};
pub use password_hasher::{PasswordHashError, PasswordHasher};
pub use repository_error::RepositoryError;
pub use token_generator::{GeneratedToken, TokenGenerator, TokenHash};
pub use token_repository::{TokenGrant, TokenOwner, TokenRepository, TokenRevocation};

#[cfg(any(test, feature = "mocks"))]
pub use clock::MockClock;
#[cfg(any(test, feature = "mocks"))]
pub use customer_repository::MockCustomerRepository;
#[cfg(any(test, feature = "mocks"))]
pub use health::MockHealthProbe;
#[cfg(any(test, feature = "mocks"))]
pub use login_attempts::MockLoginAttemptRepository;
#[cfg(any(test, feature = "mocks"))]
pub use password_hasher::MockPasswordHasher;
#[cfg(any(test, feature = "mocks"))]
pub use token_generator::MockTokenGenerator;
#[cfg(any(test, feature = "mocks"))]
pub use token_repository::MockTokenRepository;
