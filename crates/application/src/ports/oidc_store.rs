//! What OpenID Connect sign-in keeps in storage: logins in progress, and which provider subject is which account.

use chrono::{DateTime, Utc};
use orderflow_domain::identity::{Customer, CustomerId, NewCustomer, NextPath};

use super::{InsertCustomerError, RepositoryError, TokenGrant};

/// A sign-in started and not finished: kept server-side, so any instance can finish what another began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogin {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: Option<NextPath>,
    pub created_at: DateTime<Utc>,
}

/// An account's link to a provider subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedIdentity {
    pub issuer: String,
    pub subject: String,
    pub customer_id: CustomerId,
    pub linked_at: DateTime<Utc>,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait OidcStore: Send + Sync {
    fn save_pending(&self, login: &PendingLogin) -> Result<(), RepositoryError>;

    /// Removes and returns the login started with `state`, if it was started after `not_before`: a state is
    /// used once. Older pending logins are swept on the way.
    fn take_pending(
        &self,
        state: &str,
        not_before: DateTime<Utc>,
    ) -> Result<Option<PendingLogin>, RepositoryError>;

    /// The account linked to this provider subject.
    fn find_linked(&self, issuer: &str, subject: &str)
        -> Result<Option<Customer>, RepositoryError>;

    /// The account's link, if it has one.
    fn identity_of(&self, customer: CustomerId) -> Result<Option<LinkedIdentity>, RepositoryError>;

    /// Links an existing account to the subject (marking its email verified) and stores its new token,
    /// atomically.
    fn link(&self, identity: &LinkedIdentity, token: &TokenGrant) -> Result<(), RepositoryError>;

    /// Creates an account linked to the subject, with its first token, atomically.
    fn create_linked(
        &self,
        customer: &NewCustomer,
        issuer: &str,
        subject: &str,
        at: DateTime<Utc>,
        token: &TokenGrant,
    ) -> Result<Customer, InsertCustomerError>;
}
