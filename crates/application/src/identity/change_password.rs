use std::sync::Arc;

use crate::validation::{FieldErrors, FieldProblem};
use orderflow_domain::identity::PasswordPolicy;

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
/// learnt the old password loses the tokens obtained with it. An account without a password sets one with
/// `new_password` alone.
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
        // A guess at the old password is counted before it is checked; a right one takes its attempt back.
        let attempt = match (current_hash, old) {
            (Some(Some(_)), Some(_)) if !errors.has("old_password") => {
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
                self.attempts.reserve(&keys)??
            }
            _ => None,
        };
        let old_is_right = match (current_hash, old) {
            (Some(None), _) => true,
            (Some(Some(_)), _) if errors.has("old_password") => true,
            (Some(Some(hash)), Some(old)) => self.hasher.verify(old, hash)?,
            // No such account any more (or no old password, already reported).
            _ => false,
        };
        if old_is_right {
            self.attempts.release(attempt)?;
        } else {
            errors.add("old_password", FieldProblem::WrongOldPassword);
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
    use crate::identity::AttemptLimits;
    use crate::ports::{
        AttemptId, MockAttemptLedger, MockCustomerRepository, MockPasswordHasher, Reservation,
        StoredCredentials,
    };
    use crate::test_support::{customer, fixed_clock, token_hash};

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
        with_stored_hash(&mut customers);
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
        let mut hasher = MockPasswordHasher::new();
        expect_fresh_password(&mut customers, &mut hasher);
        hasher
            .expect_verify()
            .withf(|p, h| p == "old-secret-1" && h == "old-hash")
            .returning(|_, _| Ok(true));
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
            errors.problems("old_password"),
            [FieldProblem::WrongOldPassword]
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
        assert!(errors.problems("new_password").len() >= 2);
    }

    fn use_case(customers: MockCustomerRepository, hasher: MockPasswordHasher) -> ChangePassword {
        // No guess at an old password is made: nothing may be counted.
        change(customers, hasher, MockAttemptLedger::new())
    }

    fn only_new(new: &str) -> ChangePasswordInput {
        ChangePasswordInput {
            old_password: None,
            new_password: Some(new.into()),
            client_address: Some("203.0.113.9".into()),
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
        assert!(errors.problems("new_password").len() >= 2);
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
