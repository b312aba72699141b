use std::sync::Arc;

use orderflow_domain::identity::PasswordPolicy;
use orderflow_domain::validation::FieldErrors;

use super::attempts::{AttemptCounter, Throttled};
use super::fields::{self, required};
use super::Principal;
use crate::ports::{
    AttemptKey, Clock, CustomerRepository, PasswordHashError, PasswordHasher, RepositoryError,
    TokenRevocation,
};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangePasswordInput {
    pub old_password: Option<String>,
    pub new_password: Option<String>,
    /// The client's network address: wrong old passwords are limited per account and per address.
    pub client_address: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChangePasswordError {
    #[error("invalid password change: {0}")]
    Invalid(FieldErrors),
    /// Too many wrong old passwords for the account or from the address: a stolen token cannot guess on.
    #[error("too many wrong old passwords: {0}")]
    Throttled(#[from] Throttled),
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
    attempts: AttemptCounter,
}

impl ChangePassword {
    pub fn new(
        customers: Arc<dyn CustomerRepository>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
        policy: PasswordPolicy,
        attempts: AttemptCounter,
    ) -> Self {
        Self {
            customers,
            hasher,
            clock,
            policy,
            attempts,
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
        // Counted before the old password is checked; a right one takes its attempt back.
        let limits = self.attempts.limits();
        let mut keys = vec![(
            AttemptKey::password_change_account(principal.customer.id),
            limits.password_change_per_account,
        )];
        if let Some(address) = &input.client_address {
            keys.push((
                AttemptKey::password_change_address(address),
                limits.password_change_per_address,
            ));
        }
        let attempt = self.attempts.reserve(&keys)??;
        let stored = self
            .customers
            .find_credentials_by_id(principal.customer.id)?;
        let old_is_right = match stored.as_ref().and_then(|s| s.password_hash.as_deref()) {
            Some(_) if errors.has("old_password") => true,
            Some(hash) => self.hasher.verify(old, hash)?,
            None => false,
        };
        if old_is_right {
            self.attempts.release(attempt)?;
        } else {
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
    use crate::identity::AttemptLimits;
    use crate::ports::{
        AttemptId, MockAttemptLedger, MockCustomerRepository, MockPasswordHasher, Reservation,
        StoredCredentials,
    };

    const ATTEMPT: AttemptId = AttemptId(uuid::Uuid::from_u128(5));

    fn change(
        customers: MockCustomerRepository,
        hasher: MockPasswordHasher,
        ledger: MockAttemptLedger,
    ) -> ChangePassword {
        ChangePassword::new(
            Arc::new(customers),
            Arc::new(hasher),
            fixed_clock(),
            PasswordPolicy::default(),
            AttemptCounter::new(Arc::new(ledger), fixed_clock(), AttemptLimits::default()),
        )
    }

    /// A ledger that grants the attempt, and expects it taken back (`released`) or kept.
    fn granting(released: bool) -> MockAttemptLedger {
        let mut ledger = MockAttemptLedger::new();
        ledger
            .expect_reserve()
            .returning(|_, _| Ok(Reservation::Granted(ATTEMPT)));
        ledger
            .expect_release()
            .times(usize::from(released))
            .returning(|_| Ok(()));
        ledger
    }
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
            client_address: Some("203.0.113.9".into()),
        }
    }

    #[test]
    fn guesses_at_the_old_password_count_per_account_and_address_and_stop_at_the_limit() {
        let mut ledger = MockAttemptLedger::new();
        ledger
            .expect_reserve()
            .withf(|keys, _| {
                let limits = AttemptLimits::default();
                keys == [
                    (
                        AttemptKey::password_change_account(
                            orderflow_domain::identity::CustomerId(9),
                        ),
                        limits.password_change_per_account,
                    ),
                    (
                        AttemptKey::password_change_address("203.0.113.9"),
                        limits.password_change_per_address,
                    ),
                ]
            })
            .returning(|_, _| {
                Ok(Reservation::Refused {
                    retry_after_seconds: 90,
                })
            });
        let mut customers = MockCustomerRepository::new();
        customers.expect_find_credentials_by_id().never();
        customers.expect_set_password().never();
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_verify().never();
        let result = change(customers, hasher, ledger)
            .execute(&principal(), input("guess", "fresh-secret-22"));
        assert!(matches!(
            result,
            Err(ChangePasswordError::Throttled(Throttled {
                retry_after_seconds: 90
            }))
        ));
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
        change(customers, hasher, granting(true))
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
        let result = change(customers, hasher, granting(false))
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
        let result = change(customers, hasher, granting(true))
            .execute(&principal(), input("old-secret-1", "1"));
        let Err(ChangePasswordError::Invalid(errors)) = result else {
            panic!("expected validation errors")
        };
        assert!(errors.messages("new_password").len() >= 2);
    }

    #[test]
    fn both_fields_are_required() {
        let result = change(
            MockCustomerRepository::new(),
            MockPasswordHasher::new(),
            MockAttemptLedger::new(),
        )
        .execute(&principal(), ChangePasswordInput::default());
        let Err(ChangePasswordError::Invalid(errors)) = result else {
            panic!("expected validation errors")
        };
        assert!(errors.has("old_password") && errors.has("new_password"));
    }
}
