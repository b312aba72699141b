use chrono::{DateTime, Utc};
use orderflow_domain::identity::{Customer, CustomerId, EmailAddress, NewCustomer, Role};

use super::{RepositoryError, TokenGrant, TokenRevocation};
use crate::listing::{Page, PageRequest, SortDirection};

/// A customer with the password hash needed to check a login (`None` for accounts that only sign in by OpenID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredentials {
    pub customer: Customer,
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsertCustomerError {
    /// Another account already uses this email, in any letter case.
    #[error("email already registered")]
    DuplicateEmail,
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerSort {
    Id,
    Email,
    FirstName,
    LastName,
    CreatedAt,
}

/// Filters, search and ordering for listing customers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerQuery {
    /// Terms that must each appear (case-insensitively) in the email, first name or last name.
    pub search_terms: Vec<String>,
    pub is_active: Option<bool>,
    pub role: Option<Role>,
    /// Only this customer (a customer listing their own record).
    pub only_id: Option<CustomerId>,
    pub ordering: Vec<(CustomerSort, SortDirection)>,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait CustomerRepository: Send + Sync {
    /// Inserts a customer and, in the same transaction, their first API token (if any).
    fn insert(
        &self,
        customer: &NewCustomer,
        first_token: Option<TokenGrant>,
    ) -> Result<Customer, InsertCustomerError>;

    fn find_by_id(&self, id: CustomerId) -> Result<Option<Customer>, RepositoryError>;

    /// Looks the email up case-insensitively.
    fn find_credentials_by_email(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<StoredCredentials>, RepositoryError>;

    fn find_credentials_by_id(
        &self,
        id: CustomerId,
    ) -> Result<Option<StoredCredentials>, RepositoryError>;

    /// Saves the profile fields of `customer` and returns the stored record (with its new `updated_at`).
    fn save_profile(
        &self,
        customer: &Customer,
        at: DateTime<Utc>,
    ) -> Result<Customer, RepositoryError>;

    /// Replaces the password hash and revokes the given tokens, atomically.
    fn set_password(
        &self,
        id: CustomerId,
        password_hash: &str,
        revoke: TokenRevocation,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Activates or deactivates an account and revokes the given tokens, atomically.
    fn set_active(
        &self,
        id: CustomerId,
        active: bool,
        revoke: TokenRevocation,
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    fn set_verified(&self, id: CustomerId, at: DateTime<Utc>) -> Result<(), RepositoryError>;

    /// Sets role and password of an existing account (the `create-admin` command's update path).
    fn set_role_and_password(
        &self,
        id: CustomerId,
        role: Role,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<Customer, RepositoryError>;

    fn list(
        &self,
        query: &CustomerQuery,
        page: PageRequest,
    ) -> Result<Page<Customer>, RepositoryError>;

    /// Active accounts with at least the given role, ordered by id.
    fn list_active_with_role_at_least(&self, role: Role) -> Result<Vec<Customer>, RepositoryError>;
}
