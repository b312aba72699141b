use std::sync::Arc;

use crate::validation::FieldErrors;
use orderflow_domain::identity::{EmailAddress, PasswordPolicy};

use crate::identity::fields;

use crate::ports::{
    Clock, CustomerRepository, PasswordHashError, PasswordHasher, RepositoryError, TokenRevocation,
};

#[derive(Debug, thiserror::Error)]
pub enum SetPasswordError {
    #[error("no account with that email")]
    NotFound,
    #[error("{0}")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Hashing(#[from] PasswordHashError),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Sets an account's password without knowing the old one (the operator's `set-admin-password` command). Every
/// token of the account is revoked, as after any password reset.
pub struct SetPassword {
    customers: Arc<dyn CustomerRepository>,
    hasher: Arc<dyn PasswordHasher>,
    clock: Arc<dyn Clock>,
    policy: PasswordPolicy,
}

impl SetPassword {
    pub fn new(
        customers: Arc<dyn CustomerRepository>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
        policy: PasswordPolicy,
    ) -> Self {
        Self {
            customers,
            hasher,
            clock,
            policy,
        }
    }

    pub fn execute(&self, email: &str, password: &str) -> Result<(), SetPasswordError> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", EmailAddress::parse(email));
        fields::password_rules(
            &mut errors,
            "password",
            password,
            email.as_ref(),
            &self.policy,
        );
        let Some(email) = email.filter(|_| errors.is_empty()) else {
            return Err(SetPasswordError::Invalid(errors));
        };
        let account = self
            .customers
            .find_credentials_by_email(&email)?
            .ok_or(SetPasswordError::NotFound)?;
        let hash = self.hasher.hash(password)?;
        self.customers.set_password(
            account.customer.id,
            &hash,
            TokenRevocation::All,
            self.clock.now(),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MockCustomerRepository, MockPasswordHasher, StoredCredentials};
    use crate::test_support::{customer, fixed_clock};
    use orderflow_domain::identity::Role;

    #[test]
    fn sets_the_hash_and_revokes_all_tokens() {
        let mut customers = MockCustomerRepository::new();
        customers.expect_find_credentials_by_email().returning(|_| {
            Ok(Some(StoredCredentials {
                customer: customer(11, "ops@example.com", Role::Admin),
                password_hash: Some("old".into()),
            }))
        });
        customers
            .expect_set_password()
            .withf(|id, hash, revoke, _| {
                id.0 == 11 && hash == "new" && *revoke == TokenRevocation::All
            })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_hash().returning(|_| Ok("new".into()));
        SetPassword::new(
            Arc::new(customers),
            Arc::new(hasher),
            fixed_clock(),
            PasswordPolicy::default(),
        )
        .execute("OPS@example.com", "a-long-new-secret")
        .unwrap();
    }

    #[test]
    fn an_unknown_email_is_reported() {
        let mut customers = MockCustomerRepository::new();
        customers
            .expect_find_credentials_by_email()
            .returning(|_| Ok(None));
        let result = SetPassword::new(
            Arc::new(customers),
            Arc::new(MockPasswordHasher::new()),
            fixed_clock(),
            PasswordPolicy::default(),
        )
        .execute("ghost@example.com", "a-long-new-secret");
        assert!(matches!(result, Err(SetPasswordError::NotFound)));
    }

    #[test]
    fn a_weak_password_is_refused_before_any_lookup() {
        let mut customers = MockCustomerRepository::new();
        customers.expect_find_credentials_by_email().never();
        let result = SetPassword::new(
            Arc::new(customers),
            Arc::new(MockPasswordHasher::new()),
            fixed_clock(),
            PasswordPolicy::default(),
        )
        .execute("ops@example.com", "short");
        assert!(matches!(result, Err(SetPasswordError::Invalid(_))));
    }
}
