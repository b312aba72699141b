use std::sync::Arc;

use orderflow_domain::identity::CustomerId;

use super::Principal;
use crate::ports::{Clock, CustomerRepository, RepositoryError, TokenRevocation};

#[derive(Debug, thiserror::Error)]
pub enum CloseAccountError {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// A customer closing their own account: it is deactivated, not deleted, so that their orders stay on the books,
/// and every token is revoked.
pub struct CloseAccount {
    customers: Arc<dyn CustomerRepository>,
    clock: Arc<dyn Clock>,
}

impl CloseAccount {
    pub fn new(customers: Arc<dyn CustomerRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { customers, clock }
    }

    pub fn execute(
        &self,
        principal: &Principal,
        target: CustomerId,
    ) -> Result<(), CloseAccountError> {
        if target != principal.customer.id {
            return Err(CloseAccountError::NotFound);
        }
        self.customers
            .set_active(target, false, TokenRevocation::All, self.clock.now())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockCustomerRepository;
    use crate::test_support::{customer, fixed_clock, now, token_hash};
    use mockall::predicate::eq;
    use orderflow_domain::identity::Role;

    fn principal() -> Principal {
        Principal {
            customer: customer(2, "erin@example.com", Role::Customer),
            token: token_hash("t"),
        }
    }

    #[test]
    fn deactivates_and_revokes_all_tokens() {
        let mut customers = MockCustomerRepository::new();
        customers
            .expect_set_active()
            .with(
                eq(CustomerId(2)),
                eq(false),
                eq(TokenRevocation::All),
                eq(now()),
            )
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        CloseAccount::new(Arc::new(customers), fixed_clock())
            .execute(&principal(), CustomerId(2))
            .unwrap();
    }

    #[test]
    fn cannot_close_someone_elses_account() {
        let mut customers = MockCustomerRepository::new();
        customers.expect_set_active().never();
        let result = CloseAccount::new(Arc::new(customers), fixed_clock())
            .execute(&principal(), CustomerId(3));
        assert!(matches!(result, Err(CloseAccountError::NotFound)));
    }
}
