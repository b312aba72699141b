use std::sync::Arc;

use orderflow_domain::identity::PasswordPolicy;
use orderflow_domain::validation::FieldErrors;

use super::fields::{self, required};
use super::Principal;
use crate::ports::{
    Clock, CustomerRepository, PasswordHashError, PasswordHasher, RepositoryError, TokenRevocation,
};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangePasswordInput {
    pub old_password: Option<String>,
    pub new_password: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    #[error("invalid password change: {0}")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Hashing(#[from] PasswordHashError),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Changes the caller's password after checking the old one, and signs out every other session: whoever may have
/// learnt the old password loses the tokens obtained with it.
pub struct ChangePassword {
    customers: Arc<dyn CustomerRepository>,
    hasher: Arc<dyn PasswordHasher>,
    clock: Arc<dyn Clock>,
    policy: PasswordPolicy,
}

impl ChangePassword {
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

    pub fn execute(
        &self,
        principal: &Principal,
        input: ChangePasswordInput,
    ) -> Result<(), ChangePasswordError> {
        let mut errors = FieldErrors::new();
        let old = required(&mut errors, "old_password", &input.old_password);
        if let Some(old) = old {
            fields::password_length(&mut errors, "old_password", old);
        }
        let new = required(&mut errors, "new_password", &input.new_password);
        if let Some(new) = new {
            fields::password_rules(
                &mut errors,
                "new_password",
                new,
                Some(&principal.customer.email),
                &self.policy,
            );
        }
        let (Some(old), Some(new)) = (old, new) else {
            return Err(ChangePasswordError::Invalid(errors));
        };
        let stored = self
            .customers
            .find_credentials_by_id(principal.customer.id)?;
        let old_is_right = match stored.as_ref().and_then(|s| s.password_hash.as_deref()) {
            Some(_) if errors.has("old_password") => true,
            Some(hash) => self.hasher.verify(old, hash)?,
            None => false,
        };
        if !old_is_right {
            errors.add("old_password", "Your old password was entered incorrectly.");
        }
        errors.into_result().map_err(ChangePasswordError::Invalid)?;

        let hash = self.hasher.hash(new)?;
        self.customers.set_password(
            principal.customer.id,
            &hash,
            TokenRevocation::AllExcept(principal.token.clone()),
            self.clock.now(),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::fixtures::{customer, fixed_clock, token_hash};
    use crate::ports::{MockCustomerRepository, MockPasswordHasher, StoredCredentials};
    use orderflow_domain::identity::Role;

    fn principal() -> Principal {
        Principal {
            customer: customer(9, "dan@example.com", Role::Customer),
            token: token_hash("current"),
        }
    }

    fn with_stored_hash(customers: &mut MockCustomerRepository) {
        customers.expect_find_credentials_by_id().returning(|_| {
            Ok(Some(StoredCredentials {
                customer: customer(9, "dan@example.com", Role::Customer),
                password_hash: Some("old-hash".into()),
            }))
        });
    }

    fn input(old: &str, new: &str) -> ChangePasswordInput {
        ChangePasswordInput {
            old_password: Some(old.into()),
            new_password: Some(new.into()),
        }
    }

    #[test]
    fn sets_the_new_hash_and_revokes_every_other_token() {
        let mut customers = MockCustomerRepository::new();
        with_stored_hash(&mut customers);
        customers
            .expect_set_password()
            .withf(|id, hash, revoke, _| {
                id.0 == 9
                    && hash == "new-hash"
                    && *revoke == TokenRevocation::AllExcept(token_hash("current"))
            })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_verify()
            .withf(|p, h| p == "old-secret-1" && h == "old-hash")
            .returning(|_, _| Ok(true));
        hasher
            .expect_hash()
            .withf(|p| p == "fresh-secret-22")
            .returning(|_| Ok("new-hash".into()));
        ChangePassword::new(
            Arc::new(customers),
            Arc::new(hasher),
            fixed_clock(),
            PasswordPolicy::default(),
        )
        .execute(&principal(), input("old-secret-1", "fresh-secret-22"))
        .unwrap();
    }

    #[test]
    fn a_wrong_old_password_changes_nothing() {
        let mut customers = MockCustomerRepository::new();
        with_stored_hash(&mut customers);
        customers.expect_set_password().never();
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().returning(|_, _| Ok(false));
        let result = ChangePassword::new(
            Arc::new(customers),
            Arc::new(hasher),
            fixed_clock(),
            PasswordPolicy::default(),
        )
        .execute(&principal(), input("guess", "fresh-secret-22"));
        let Err(ChangePasswordError::Invalid(errors)) = result else {
            panic!("expected validation errors")
        };
        assert_eq!(
            errors.messages("old_password"),
            ["Your old password was entered incorrectly."]
        );
    }

    #[test]
    fn the_new_password_must_follow_the_rules() {
        let mut customers = MockCustomerRepository::new();
        with_stored_hash(&mut customers);
        customers.expect_set_password().never();
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().returning(|_, _| Ok(true));
        let result = ChangePassword::new(
            Arc::new(customers),
            Arc::new(hasher),
            fixed_clock(),
            PasswordPolicy::default(),
        )
        .execute(&principal(), input("old-secret-1", "1"));
        let Err(ChangePasswordError::Invalid(errors)) = result else {
            panic!("expected validation errors")
        };
        assert!(errors.messages("new_password").len() >= 2);
    }

    #[test]
    fn both_fields_are_required() {
        let result = ChangePassword::new(
            Arc::new(MockCustomerRepository::new()),
            Arc::new(MockPasswordHasher::new()),
            fixed_clock(),
            PasswordPolicy::default(),
        )
        .execute(&principal(), ChangePasswordInput::default());
        let Err(ChangePasswordError::Invalid(errors)) = result else {
            panic!("expected validation errors")
        };
        assert!(errors.has("old_password") && errors.has("new_password"));
    }
}
