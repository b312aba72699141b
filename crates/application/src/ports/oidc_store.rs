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

/// What becomes of an account's other ways in (password, API tokens, provider identities) when it is linked to a
/// provider identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorAccess {
    /// They stay: the account's email was verified, so they are its owner's.
    Kept,
    /// Every token is revoked, the password removed and any other provider identity unlinked: the email was
    /// never verified, so whoever set them up may not own the address the provider has just vouched for
    /// (pre-account takeover).
    Withdrawn,
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
    /// Stores a login in progress and deletes some of those started before `not_before` (expired), a bounded
    /// number each time: abandoned sign-ins do not pile up, and no write pays for a whole backlog.
    fn save_pending(
        &self,
        login: &PendingLogin,
        not_before: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Removes and returns the login started with `state`, if it was started after `not_before`: a state is
    /// used once. Some expired pending logins are deleted on the way, as by `save_pending`.
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

    /// Links an existing account to the subject (marking its email verified), does to its other ways in what
    /// `prior` says (tokens revoked at `identity.linked_at`), and stores its new token, atomically.
    fn link(
        &self,
        identity: &LinkedIdentity,
        prior: PriorAccess,
        token: &TokenGrant,
    ) -> Result<(), RepositoryError>;

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
