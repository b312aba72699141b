use std::sync::Arc;

use orderflow_domain::identity::{Customer, CustomerId, Role};

use crate::ports::{Clock, CustomerRepository, RepositoryError, TokenRevocation};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerAction {
    Deactivate,
    Activate,
    Verify,
}

impl CustomerAction {
    /// The past participle used in confirmations ("... has been deactivated").
    pub fn done(self) -> &'static str {
        match self {
            CustomerAction::Deactivate => "deactivated",
            CustomerAction::Activate => "activated",
            CustomerAction::Verify => "verified",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ManageCustomerError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    NotAllowed(&'static str),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// An admin activating, deactivating or verifying an account. Deactivation revokes every token of the account.
pub struct ManageCustomer {
    customers: Arc<dyn CustomerRepository>,
    clock: Arc<dyn Clock>,
}

impl ManageCustomer {
    pub fn new(customers: Arc<dyn CustomerRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { customers, clock }
    }

    /// Returns the account as it is after the action.
    pub fn execute(
        &self,
        actor: &Customer,
        target: CustomerId,
        action: CustomerAction,
    ) -> Result<Customer, ManageCustomerError> {
        let account = self
            .customers
            .find_by_id(target)?
            .ok_or(ManageCustomerError::NotFound)?;
        let now = self.clock.now();
        match action {
            CustomerAction::Verify => self.customers.set_verified(target, now)?,
            CustomerAction::Activate | CustomerAction::Deactivate => {
                if account.id == actor.id {
                    return Err(ManageCustomerError::NotAllowed(
                        "You cannot change the status of your own account.",
                    ));
                }
                // Only a super admin may switch off (or on) an account as powerful as their own.
                if account.role >= actor.role && actor.role != Role::SuperAdmin {
                    return Err(ManageCustomerError::NotAllowed(
                        "Only a super admin can change the status of an account with your role or higher.",
                    ));
                }
                let active = action == CustomerAction::Activate;
                let revoke = if active {
                    TokenRevocation::None
                } else {
                    TokenRevocation::All
                };
                self.customers.set_active(target, active, revoke, now)?;
            }
        }
        self.customers
            .find_by_id(target)?
            .ok_or(ManageCustomerError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockCustomerRepository;
    use crate::test_support::{customer, fixed_clock};
    use mockall::predicate::{always, eq};

    fn repository_with(target: Customer) -> MockCustomerRepository {
        let mut customers = MockCustomerRepository::new();
        customers
            .expect_find_by_id()
            .returning(move |_| Ok(Some(target.clone())));
        customers
    }

    #[test]
    fn deactivation_revokes_every_token() {
        let mut customers = repository_with(customer(8, "c@example.com", Role::Customer));
        customers
            .expect_set_active()
            .with(
                eq(CustomerId(8)),
                eq(false),
                eq(TokenRevocation::All),
                always(),
            )
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        let admin = customer(1, "admin@example.com", Role::Admin);
        ManageCustomer::new(Arc::new(customers), fixed_clock())
            .execute(&admin, CustomerId(8), CustomerAction::Deactivate)
            .unwrap();
    }

    #[test]
    fn activation_restores_access_without_reviving_tokens() {
        let mut customers = repository_with(customer(8, "c@example.com", Role::Customer));
        customers
            .expect_set_active()
            .with(
                eq(CustomerId(8)),
                eq(true),
                eq(TokenRevocation::None),
                always(),
            )
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        let admin = customer(1, "admin@example.com", Role::Admin);
        ManageCustomer::new(Arc::new(customers), fixed_clock())
            .execute(&admin, CustomerId(8), CustomerAction::Activate)
            .unwrap();
    }

    #[test]
    fn an_admin_cannot_deactivate_themselves_or_a_peer() {
        let admin = customer(1, "admin@example.com", Role::Admin);
        for target in [
            admin.clone(),
            customer(2, "peer@example.com", Role::Admin),
            customer(3, "boss@example.com", Role::SuperAdmin),
        ] {
            let mut customers = repository_with(target.clone());
            customers.expect_set_active().never();
            let result = ManageCustomer::new(Arc::new(customers), fixed_clock()).execute(
                &admin,
                target.id,
                CustomerAction::Deactivate,
            );
            assert!(
                matches!(result, Err(ManageCustomerError::NotAllowed(_))),
                "{}",
                target.email
            );
        }
    }

    #[test]
    fn a_super_admin_can_deactivate_an_admin() {
        let mut customers = repository_with(customer(2, "peer@example.com", Role::Admin));
        customers
            .expect_set_active()
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        let boss = customer(1, "boss@example.com", Role::SuperAdmin);
        assert!(ManageCustomer::new(Arc::new(customers), fixed_clock())
            .execute(&boss, CustomerId(2), CustomerAction::Deactivate)
            .is_ok());
    }

    #[test]
    fn verify_marks_the_account_verified() {
        let mut customers = repository_with(customer(8, "c@example.com", Role::Customer));
        customers
            .expect_set_verified()
            .with(eq(CustomerId(8)), always())
            .times(1)
            .returning(|_, _| Ok(()));
        let admin = customer(1, "admin@example.com", Role::Admin);
        ManageCustomer::new(Arc::new(customers), fixed_clock())
            .execute(&admin, CustomerId(8), CustomerAction::Verify)
            .unwrap();
    }

    #[test]
    fn an_unknown_account_is_not_found() {
        let mut customers = MockCustomerRepository::new();
        customers.expect_find_by_id().returning(|_| Ok(None));
        let admin = customer(1, "admin@example.com", Role::Admin);
        assert!(matches!(
            ManageCustomer::new(Arc::new(customers), fixed_clock()).execute(
                &admin,
                CustomerId(99),
                CustomerAction::Verify
            ),
            Err(ManageCustomerError::NotFound)
        ));
    }
}
