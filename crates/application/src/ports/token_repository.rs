use chrono::{DateTime, Utc};
use orderflow_domain::identity::{Customer, CustomerId};

use super::{RepositoryError, TokenHash};

/// A token to store for an account: its hash and lifetime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenGrant {
    pub hash: TokenHash,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A stored token and the account it belongs to, whatever the token's state: the use case decides what an
/// expired or revoked token, or an inactive owner, means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOwner {
    pub customer: Customer,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Which of an account's tokens to revoke along with another change, in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenRevocation {
    None,
    All,
    AllExcept(TokenHash),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait TokenRepository: Send + Sync {
    fn issue(&self, customer_id: CustomerId, grant: &TokenGrant) -> Result<(), RepositoryError>;

    /// Stores the token only if the account is still active with the password hash that was just verified
    /// (`false`, and nothing stored, otherwise): a password removed or changed meanwhile, as when a verified
    /// provider sign-in takes the account back, never lets a login that checked the old one in.
    fn issue_for_verified_password(
        &self,
        customer_id: CustomerId,
        grant: &TokenGrant,
        verified_hash: &str,
    ) -> Result<bool, RepositoryError>;

    fn find_owner(&self, hash: &TokenHash) -> Result<Option<TokenOwner>, RepositoryError>;

    /// Revokes one token; revoking an unknown or already revoked token is not an error.
    fn revoke(&self, hash: &TokenHash, at: DateTime<Utc>) -> Result<(), RepositoryError>;
}
