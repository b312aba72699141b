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
/// learnt the old password loses the tokens obtained with it. An account without a password sets one with
/// `new_password` alone.
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
        let stored = self
            .customers
            .find_credentials_by_id(principal.customer.id)?;
        // `Some(None)`: the account has no password (made by a provider sign-in, or its password was removed
        // when a provider identity was linked to it). Its token is the only proof there is: no old password asked.
        let current_hash = stored.as_ref().map(|s| s.password_hash.as_deref());
        let mut errors = FieldErrors::new();
        let old = match current_hash {
            Some(None) => None,
            _ => required(&mut errors, "old_password", &input.old_password),
        };
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
        let Some(new) = new else {
            return Err(ChangePasswordError::Invalid(errors));
        };
        let old_is_right = match (current_hash, old) {
            (Some(None), _) => true,
            (Some(Some(_)), _) if errors.has("old_password") => true,
            (Some(Some(hash)), Some(old)) => self.hasher.verify(old, hash)?,
            // No such account any more (or no old password, already reported).
            _ => false,
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
        with_password_hash(customers, Some("old-hash"));
    }

    fn with_password_hash(customers: &mut MockCustomerRepository, hash: Option<&'static str>) {
        customers
            .expect_find_credentials_by_id()
            .returning(move |_| {
                Ok(Some(StoredCredentials {
                    customer: customer(9, "dan@example.com", Role::Customer),
                    password_hash: hash.map(Into::into),
                }))
            });
    }

    /// `fresh-secret-22` must be hashed and stored, every token but the current one revoked.
    fn expect_fresh_password(
        customers: &mut MockCustomerRepository,
        hasher: &mut MockPasswordHasher,
    ) {
        customers
            .expect_set_password()
            .withf(|id, hash, revoke, _| {
                id.0 == 9
                    && hash == "new-hash"
                    && *revoke == TokenRevocation::AllExcept(token_hash("current"))
            })
            .times(1)
            .returning(|_, _, _, _| Ok(()));
        hasher
            .expect_hash()
            .withf(|p| p == "fresh-secret-22")
            .returning(|_| Ok("new-hash".into()));
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
        let mut hasher = MockPasswordHasher::new();
        expect_fresh_password(&mut customers, &mut hasher);
        hasher
            .expect_verify()
            .withf(|p, h| p == "old-secret-1" && h == "old-hash")
            .returning(|_, _| Ok(true));
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

    fn use_case(customers: MockCustomerRepository, hasher: MockPasswordHasher) -> ChangePassword {
        ChangePassword::new(
            Arc::new(customers),
            Arc::new(hasher),
            fixed_clock(),
            PasswordPolicy::default(),
        )
    }

    fn only_new(new: &str) -> ChangePasswordInput {
        ChangePasswordInput {
            old_password: None,
            new_password: Some(new.into()),
        }
    }

    #[test]
    fn an_account_without_a_password_sets_one_with_no_old_password() {
        let mut customers = MockCustomerRepository::new();
        with_password_hash(&mut customers, None);
        let mut hasher = MockPasswordHasher::new();
        expect_fresh_password(&mut customers, &mut hasher);
        hasher.expect_verify().never();
        use_case(customers, hasher)
            .execute(&principal(), only_new("fresh-secret-22"))
            .unwrap();
    }

    #[test]
    fn without_a_password_the_new_one_still_follows_the_rules() {
        let mut customers = MockCustomerRepository::new();
        with_password_hash(&mut customers, None);
        customers.expect_set_password().never();
        let result =
            use_case(customers, MockPasswordHasher::new()).execute(&principal(), only_new("1"));
        let Err(ChangePasswordError::Invalid(errors)) = result else {
            panic!("expected validation errors")
        };
        assert!(errors.messages("new_password").len() >= 2);
        assert!(!errors.has("old_password"));
    }

    #[test]
    fn both_fields_are_required() {
        let mut customers = MockCustomerRepository::new();
        with_stored_hash(&mut customers);
        customers.expect_set_password().never();
        let result = use_case(customers, MockPasswordHasher::new())
            .execute(&principal(), ChangePasswordInput::default());
        let Err(ChangePasswordError::Invalid(errors)) = result else {
            panic!("expected validation errors")
        };
        assert!(errors.has("old_password") && errors.has("new_password"));
    }
}
