use chrono::{DateTime, Utc};

use super::RepositoryError;

/// What failed logins are counted against: the account's email and the client's address, each on its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    /// The normalised (lower-cased) email.
    Email(String),
    ClientAddress(String),
}

/// Failed logins, kept in the shared database so that every instance of the service counts the same attempts.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait LoginAttemptRepository: Send + Sync {
    fn failures_since(
        &self,
        key: &ThrottleKey,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, RepositoryError>;

    fn record_failure(
        &self,
        keys: &[ThrottleKey],
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Forgets the failures of a key (after a successful login for that email).
    fn clear(&self, key: &ThrottleKey) -> Result<(), RepositoryError>;
}
