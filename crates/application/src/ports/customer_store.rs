//! Accounts as seen from inside a transaction: who is told about a change.

use orderflow_domain::identity::{Customer, CustomerId};

use super::RepositoryError;

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait CustomerStore {
    fn find(&mut self, id: CustomerId) -> Result<Option<Customer>, RepositoryError>;

    /// The accounts among `ids` (in no particular order; an unknown id is left out), in one query.
    fn find_many(&mut self, ids: &[CustomerId]) -> Result<Vec<Customer>, RepositoryError>;

    /// Active accounts with the role `admin` or above.
    fn active_admins(&mut self) -> Result<Vec<Customer>, RepositoryError>;
}
