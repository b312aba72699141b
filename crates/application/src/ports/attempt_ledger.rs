use chrono::{DateTime, Utc};
use orderflow_domain::identity::{AttemptLimit, CustomerId, EmailAddress};

use super::RepositoryError;

/// What attempts are counted against. Each kind of attempt has keys of its own, so that registrations from an
/// address do not use up the failed logins allowed from it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttemptKey(String);

impl AttemptKey {
    /// Failed logins for an account's email (its normalised form: one key whatever the letter case).
    pub fn login_email(email: &EmailAddress) -> Self {
        Self(format!("login:email:{}", email.normalized()))
    }

    /// Failed logins from a client address.
    pub fn login_address(address: &str) -> Self {
        Self(format!("login:address:{address}"))
    }

    /// Registrations from a client address.
    pub fn registration_address(address: &str) -> Self {
        Self(format!("registration:address:{address}"))
    }

    /// OpenID Connect sign-ins started from a client address.
    pub fn oidc_start_address(address: &str) -> Self {
        Self(format!("oidc-start:address:{address}"))
    }

    /// Wrong old passwords given for an account.
    pub fn password_change_account(account: CustomerId) -> Self {
        Self(format!("password-change:account:{}", account.0))
    }

    /// Wrong old passwords given from a client address.
    pub fn password_change_address(address: &str) -> Self {
        Self(format!("password-change:address:{address}"))
    }

    /// The key as text; its length follows the input (an adapter stores a fixed-length digest of it).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One recorded attempt, counted against each of its keys until it is released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptId(pub uuid::Uuid);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// Every key was under its limit: the attempt now counts against each of them.
    Granted(AttemptId),
    /// A key is at its limit; nothing was recorded. The longest wait of the keys at their limit.
    Refused { retry_after_seconds: i64 },
}

/// Attempts, kept in the shared database so that every instance of the service counts the same ones.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait AttemptLedger: Send + Sync {
    /// Checks every key against its limit and, when all are under it, records the attempt against each: one
    /// atomic step per key, so that however many requests arrive at once, no more than the limit are granted.
    fn reserve(
        &self,
        limits: &[(AttemptKey, AttemptLimit)],
        at: DateTime<Utc>,
    ) -> Result<Reservation, RepositoryError>;

    /// Takes a granted attempt back: it succeeded, and only failures count (a login, a password check).
    fn release(&self, attempt: AttemptId) -> Result<(), RepositoryError>;

    /// Forgets every attempt recorded against a key (a successful login clears its email's failures).
    fn clear(&self, key: &AttemptKey) -> Result<(), RepositoryError>;
}
