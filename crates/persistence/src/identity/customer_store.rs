//! Accounts read inside a transaction (who to notify).

use diesel::prelude::*;
use orderflow_application::ports::CustomerStore;
use orderflow_domain::identity::{Customer, CustomerId, Role};

use super::customers::{find_row, rows_with_role_at_least};
use crate::error::storage_error;
use crate::identity::rows::CustomerRow;
use crate::schema::customers;
use crate::unit_of_work::PgTransaction;
use crate::RepositoryError;

impl CustomerStore for PgTransaction<'_> {
    fn find(&mut self, id: CustomerId) -> Result<Option<Customer>, RepositoryError> {
        find_row(self.connection, id)
            .optional()
            .map_err(storage_error)?
            .map(Customer::try_from)
            .transpose()
    }

    fn find_many(&mut self, ids: &[CustomerId]) -> Result<Vec<Customer>, RepositoryError> {
        customers::table
            .filter(customers::id.eq_any(ids.iter().map(|id| id.0)))
            .select(CustomerRow::as_select())
            .load::<CustomerRow>(self.connection)
            .map_err(storage_error)?
            .into_iter()
            .map(Customer::try_from)
            .collect()
    }

    fn active_admins(&mut self) -> Result<Vec<Customer>, RepositoryError> {
        rows_with_role_at_least(self.connection, Role::Admin)
            .map_err(storage_error)?
            .into_iter()
            .map(Customer::try_from)
            .collect()
    }
}
