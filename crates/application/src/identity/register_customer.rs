use std::sync::Arc;

use crate::validation::{FieldErrors, FieldProblem, NON_FIELD_ERRORS};
use orderflow_domain::identity::{NewCustomer, PasswordPolicy, Role};

use super::attempts::{AttemptCounter, Throttled};
use super::fields::{self, required};
use super::{Session, TokenIssuer};
use crate::ports::{
    AttemptKey, CustomerRepository, InsertCustomerError, PasswordHashError, PasswordHasher,
    RepositoryError,
};

/// Registration form. Every field is optional here so that all missing ones are reported together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterCustomerInput {
    pub email: Option<String>,
    pub password: Option<String>,
    pub password_confirm: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone_number: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub postal_code: Option<String>,
    /// The client's network address: registrations are limited per address.
    pub client_address: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterCustomerError {
    #[error("invalid registration: {0}")]
    Invalid(FieldErrors),
    /// The email belongs to an existing account (in any letter case).
    #[error("email already registered")]
    DuplicateEmail,
    #[error("too many registrations: {0}")]
    Throttled(#[from] Throttled),
    #[error(transparent)]
    Hashing(#[from] PasswordHashError),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Creates a customer account and signs it in (the first API token is stored in the same transaction).
pub struct RegisterCustomer {
    customers: Arc<dyn CustomerRepository>,
    hasher: Arc<dyn PasswordHasher>,
    tokens: TokenIssuer,
    policy: PasswordPolicy,
    attempts: AttemptCounter,
}

impl RegisterCustomer {
    pub fn new(
        customers: Arc<dyn CustomerRepository>,
        hasher: Arc<dyn PasswordHasher>,
        tokens: TokenIssuer,
        policy: PasswordPolicy,
        attempts: AttemptCounter,
    ) -> Self {
        Self {
            customers,
            hasher,
            tokens,
            policy,
            attempts,
        }
    }

    pub fn execute(&self, input: RegisterCustomerInput) -> Result<Session, RegisterCustomerError> {
        let (customer, password) = self
            .validate(&input)
            .map_err(RegisterCustomerError::Invalid)?;
        // Counted before the hash, whatever comes of it: an address cannot mint accounts (or hashes) at will.
        if let Some(address) = &input.client_address {
            let limit = self.attempts.limits().registration_per_address;
            self.attempts
                .reserve(&[(AttemptKey::registration_address(address), limit)])??;
        }
        let password_hash = self.hasher.hash(password)?;
        let new_customer = NewCustomer {
            password_hash: Some(password_hash),
            ..customer
        };
        let (token, grant) = self.tokens.mint();
        let customer = self
            .customers
            .insert(&new_customer, Some(grant))
            .map_err(|error| match error {
                InsertCustomerError::DuplicateEmail => RegisterCustomerError::DuplicateEmail,
                InsertCustomerError::Storage(error) => RegisterCustomerError::Storage(error),
            })?;
        Ok(Session { customer, token })
    }

    fn validate<'a>(
        &self,
        input: &'a RegisterCustomerInput,
    ) -> Result<(NewCustomer, &'a str), FieldErrors> {
        let mut errors = FieldErrors::new();
        let email = fields::email(&mut errors, &input.email);
        let first_name = fields::person_name(&mut errors, "first_name", &input.first_name);
        let last_name = fields::person_name(&mut errors, "last_name", &input.last_name);
        let phone_number = fields::phone(&mut errors, input.phone_number.as_deref());
        let address = fields::address_fields(
            &mut errors,
            input.address.as_deref(),
            input.city.as_deref(),
            input.state.as_deref(),
            input.country.as_deref(),
            input.postal_code.as_deref(),
        );
        let password = required(&mut errors, "password", &input.password);
        let confirm = required(&mut errors, "password_confirm", &input.password_confirm);
        if let Some(password) = password {
            fields::password_rules(
                &mut errors,
                "password",
                password,
                email.as_ref(),
                &self.policy,
            );
            if confirm.is_some_and(|confirm| confirm != password) {
                errors.add(NON_FIELD_ERRORS, FieldProblem::PasswordsDiffer);
            }
        }
        match (
            email,
            first_name,
            last_name,
            phone_number,
            address,
            password,
        ) {
            (
                Some(email),
                Some(first_name),
                Some(last_name),
                Some(phone_number),
                Some(address),
                Some(password),
            ) if errors.is_empty() => {
                let customer = NewCustomer {
                    email,
                    password_hash: None,
                    first_name,
                    last_name,
                    phone_number,
                    address: address.address,
                    city: address.city,
                    state: address.state,
                    country: address.country,
                    postal_code: address.postal_code,
                    role: Role::Customer,
                    is_verified: false,
                };
                Ok((customer, password))
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::AttemptLimits;
    use crate::ports::{
        AttemptId, MockAttemptLedger, MockCustomerRepository, MockPasswordHasher, Reservation,
    };
    use crate::test_support::{customer_from, fixed_clock, fixed_issuer, valid_registration};

    fn use_case(customers: MockCustomerRepository, hasher: MockPasswordHasher) -> RegisterCustomer {
        use_case_counting(customers, hasher, MockAttemptLedger::new())
    }

    fn use_case_counting(
        customers: MockCustomerRepository,
        hasher: MockPasswordHasher,
        ledger: MockAttemptLedger,
    ) -> RegisterCustomer {
        RegisterCustomer::new(
            Arc::new(customers),
            Arc::new(hasher),
            fixed_issuer("key-1"),
            PasswordPolicy::default(),
            AttemptCounter::new(Arc::new(ledger), fixed_clock(), AttemptLimits::default()),
        )
    }

    fn from_address() -> RegisterCustomerInput {
        RegisterCustomerInput {
            client_address: Some("203.0.113.9".into()),
            ..valid_registration()
        }
    }

    #[test]
    fn a_registration_counts_against_its_address_before_the_hash() {
        let mut ledger = MockAttemptLedger::new();
        ledger
            .expect_reserve()
            .withf(|keys, _| {
                keys == [(
                    AttemptKey::registration_address("203.0.113.9"),
                    AttemptLimits::default().registration_per_address,
                )]
            })
            .times(1)
            .returning(|_, _| Ok(Reservation::Granted(AttemptId(uuid::Uuid::nil()))));
        ledger.expect_release().never();
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_hash().times(1).returning(|_| Ok("h".into()));
        let mut customers = MockCustomerRepository::new();
        customers
            .expect_insert()
            .returning(|new, _| Ok(customer_from(new)));
        assert!(use_case_counting(customers, hasher, ledger)
            .execute(from_address())
            .is_ok());
    }

    #[test]
    fn an_address_over_its_limit_is_throttled_and_nothing_is_hashed_or_stored() {
        let mut ledger = MockAttemptLedger::new();
        ledger.expect_reserve().returning(|_, _| {
            Ok(Reservation::Refused {
                retry_after_seconds: 60,
            })
        });
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_hash().never();
        let mut customers = MockCustomerRepository::new();
        customers.expect_insert().never();
        let result = use_case_counting(customers, hasher, ledger).execute(from_address());
        assert!(matches!(
            result,
            Err(RegisterCustomerError::Throttled(Throttled {
                retry_after_seconds: 60
            }))
        ));
    }

    fn invalid(result: Result<Session, RegisterCustomerError>) -> FieldErrors {
        match result {
            Err(RegisterCustomerError::Invalid(errors)) => errors,
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn registers_with_a_hashed_password_and_returns_a_session() {
        let mut hasher = MockPasswordHasher::new();
        hasher
            .expect_hash()
            .withf(|password| password == "kamau-wanjiru-77")
            .returning(|_| Ok("argon2-hash".into()));
        let mut customers = MockCustomerRepository::new();
        customers
            .expect_insert()
            .withf(|new, token| {
                new.password_hash.as_deref() == Some("argon2-hash")
                    && new.email.as_str() == "Alice@Example.com"
                    && new.role == Role::Customer
                    && new.country == "Kenya"
                    && new.phone_number.as_ref().map(|p| p.as_str()) == Some("+254711000001")
                    && token.as_ref().is_some_and(|t| t.hash.0 == b"hash-of-key-1")
            })
            .times(1)
            .returning(|new, _| Ok(customer_from(new)));

        let session = use_case(customers, hasher)
            .execute(valid_registration())
            .unwrap();

        assert_eq!(session.token, "key-1");
        assert_eq!(session.customer.email.as_str(), "Alice@Example.com");
    }

    #[test]
    fn reports_every_missing_field_and_touches_nothing() {
        let errors = invalid(
            use_case(MockCustomerRepository::new(), MockPasswordHasher::new())
                .execute(RegisterCustomerInput::default()),
        );
        for field in [
            "email",
            "password",
            "password_confirm",
            "first_name",
            "last_name",
        ] {
            assert_eq!(errors.problems(field), [FieldProblem::Required], "{field}");
        }
    }

    #[test]
    fn refuses_mismatched_confirmation() {
        let input = RegisterCustomerInput {
            password_confirm: Some("something-else-9".into()),
            ..valid_registration()
        };
        let errors = invalid(
            use_case(MockCustomerRepository::new(), MockPasswordHasher::new()).execute(input),
        );
        assert_eq!(
            errors.problems(NON_FIELD_ERRORS),
            [FieldProblem::PasswordsDiffer]
        );
    }

    #[test]
    fn applies_the_password_rules() {
        let input = RegisterCustomerInput {
            password: Some("12345".into()),
            password_confirm: Some("12345".into()),
            ..valid_registration()
        };
        let errors = invalid(
            use_case(MockCustomerRepository::new(), MockPasswordHasher::new()).execute(input),
        );
        assert_eq!(
            errors.problems("password"),
            [
                FieldProblem::Password(orderflow_domain::identity::PasswordViolation::TooShort(8)),
                FieldProblem::Password(orderflow_domain::identity::PasswordViolation::TooCommon),
                FieldProblem::Password(
                    orderflow_domain::identity::PasswordViolation::EntirelyNumeric
                )
            ]
        );
    }

    #[test]
    fn refuses_a_password_equal_to_the_email() {
        let input = RegisterCustomerInput {
            password: Some("alice@example.com".into()),
            password_confirm: Some("alice@example.com".into()),
            ..valid_registration()
        };
        let errors = invalid(
            use_case(MockCustomerRepository::new(), MockPasswordHasher::new()).execute(input),
        );
        assert_eq!(
            errors.problems("password"),
            [FieldProblem::Password(
                orderflow_domain::identity::PasswordViolation::SameAsEmail
            )]
        );
    }

    #[test]
    fn refuses_a_local_phone_number_and_a_bad_email() {
        let input = RegisterCustomerInput {
            phone_number: Some("0712345678".into()),
            email: Some("not-an-email".into()),
            ..valid_registration()
        };
        let errors = invalid(
            use_case(MockCustomerRepository::new(), MockPasswordHasher::new()).execute(input),
        );
        assert!(errors.has("phone_number"));
        assert_eq!(
            errors.problems("email"),
            [FieldProblem::Email(
                orderflow_domain::identity::EmailError::Invalid
            )]
        );
    }

    #[test]
    fn a_duplicate_email_is_reported_as_such() {
        let mut hasher = MockPasswordHasher::new();
        hasher.expect_hash().returning(|_| Ok("h".into()));
        let mut customers = MockCustomerRepository::new();
        customers
            .expect_insert()
            .returning(|_, _| Err(InsertCustomerError::DuplicateEmail));
        let result = use_case(customers, hasher).execute(valid_registration());
        assert!(matches!(result, Err(RegisterCustomerError::DuplicateEmail)));
    }
}
