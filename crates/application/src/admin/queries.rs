use std::sync::Arc;

use orderflow_domain::identity::{Customer, CustomerId, Role};

use crate::listing::{InvalidPage, Page, PageRequest};
use crate::ports::{CustomerQuery, CustomerRepository, RepositoryError};

#[derive(Debug, thiserror::Error)]
pub enum CustomerDirectoryError {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    InvalidPage(#[from] InvalidPage),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Read-only look-ups of accounts: lists with search and filters, one account, the staff roster.
pub struct CustomerDirectory {
    customers: Arc<dyn CustomerRepository>,
}

impl CustomerDirectory {
    pub fn new(customers: Arc<dyn CustomerRepository>) -> Self {
        Self { customers }
    }

    pub fn list(
        &self,
        query: &CustomerQuery,
        page: PageRequest,
    ) -> Result<Page<Customer>, CustomerDirectoryError> {
        Ok(self.customers.list(query, page)?.in_range()?)
    }

    pub fn get(&self, id: CustomerId) -> Result<Customer, CustomerDirectoryError> {
        self.customers
            .find_by_id(id)?
            .ok_or(CustomerDirectoryError::NotFound)
    }

    /// Active accounts of staff and above.
    pub fn staff(&self) -> Result<Vec<Customer>, CustomerDirectoryError> {
        Ok(self.customers.list_active_with_role_at_least(Role::Staff)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockCustomerRepository;
    use crate::test_support::customer;
    use mockall::predicate::eq;

    #[test]
    fn a_page_past_the_end_is_invalid() {
        let mut customers = MockCustomerRepository::new();
        customers.expect_list().returning(|_, request| {
            Ok(Page {
                items: vec![],
                total: 3,
                request,
            })
        });
        let result = CustomerDirectory::new(Arc::new(customers))
            .list(&CustomerQuery::default(), PageRequest::new(2, 20));
        assert!(matches!(
            result,
            Err(CustomerDirectoryError::InvalidPage(_))
        ));
    }

    #[test]
    fn staff_means_staff_and_above() {
        let mut customers = MockCustomerRepository::new();
        customers
            .expect_list_active_with_role_at_least()
            .with(eq(Role::Staff))
            .returning(|_| Ok(vec![customer(1, "s@example.com", Role::Staff)]));
        assert_eq!(
            CustomerDirectory::new(Arc::new(customers))
                .staff()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn an_unknown_id_is_not_found() {
        let mut customers = MockCustomerRepository::new();
        customers.expect_find_by_id().returning(|_| Ok(None));
        assert!(matches!(
            CustomerDirectory::new(Arc::new(customers)).get(CustomerId(42)),
            Err(CustomerDirectoryError::NotFound)
        ));
    }
}
