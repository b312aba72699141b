use std::sync::Arc;

use crate::validation::FieldErrors;
use orderflow_domain::identity::EmailAddress;

use super::attempts::{AttemptCounter, Throttled};
use super::fields::{self, required};
use super::{Session, TokenIssuer};
use crate::ports::{
    AttemptKey, CustomerRepository, PasswordHashError, PasswordHasher, RepositoryError,
    TokenRepository,
};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogInInput {
    pub email: Option<String>,
    pub password: Option<String>,
    /// The client's network address, throttled on its own beside the email.
    pub client_address: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LogInError {
    #[error("invalid login input: {0}")]
    Invalid(FieldErrors),
    /// Unknown email, wrong password and inactive account all look the same to the client.
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("too many failed logins: {0}")]
    Throttled(#[from] Throttled),
    #[error(transparent)]
    Hashing(#[from] PasswordHashError),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Checks an email and password and issues a new API token (one per login, so each device can log out alone).
pub struct LogIn {
    customers: Arc<dyn CustomerRepository>,
    tokens: Arc<dyn TokenRepository>,
    attempts: AttemptCounter,
    hasher: Arc<dyn PasswordHasher>,
    issuer: TokenIssuer,
}

impl LogIn {
    pub fn new(
        customers: Arc<dyn CustomerRepository>,
        tokens: Arc<dyn TokenRepository>,
        attempts: AttemptCounter,
        hasher: Arc<dyn PasswordHasher>,
        issuer: TokenIssuer,
    ) -> Self {
        Self {
            customers,
            tokens,
            attempts,
            hasher,
            issuer,
        }
    }

    pub fn execute(&self, input: LogInInput) -> Result<Session, LogInError> {
        let mut errors = FieldErrors::new();
        let email = required(&mut errors, "email", &input.email);
        let password = required(&mut errors, "password", &input.password);
        if let Some(password) = password {
            fields::password_length(&mut errors, "password", password);
        }
        let (Some(raw_email), Some(password)) = (email, password) else {
            return Err(LogInError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(LogInError::Invalid(errors));
        }
        // A malformed email cannot belong to an account: answer like any other failed login.
        let email = EmailAddress::parse(raw_email).ok();

        // The attempt is counted before the password is checked, in one atomic step per key: however many
        // guesses arrive at once, no more than the limit reach the hash. A success takes it back.
        let limits = self.attempts.limits();
        let mut keys = Vec::new();
        if let Some(email) = &email {
            keys.push((AttemptKey::login_email(email), limits.login_per_email));
        }
        if let Some(address) = &input.client_address {
            keys.push((AttemptKey::login_address(address), limits.login_per_address));
        }
        let attempt = self.attempts.reserve(&keys)??;

        let credentials = match &email {
            Some(email) => self.customers.find_credentials_by_email(email)?,
            None => None,
        };
        let verified = match credentials
            .as_ref()
            .and_then(|c| c.password_hash.as_deref().map(|h| (c, h)))
        {
            Some((credentials, hash)) => {
                self.hasher.verify(password, hash)? && credentials.customer.is_active
            }
            None => {
                self.hasher.verify_against_dummy(password)?;
                false
            }
        };
        // A failure keeps its recorded attempt.
        let Some(credentials) = credentials.filter(|_| verified) else {
            return Err(LogInError::InvalidCredentials);
        };
        let (token, grant) = self.issuer.mint();
        let verified_hash = credentials.password_hash.as_deref().unwrap_or_default();
        if !self.tokens.issue_for_verified_password(
            credentials.customer.id,
            &grant,
            verified_hash,
        )? {
            // The password was changed or removed while it was being checked.
            return Err(LogInError::InvalidCredentials);
        }
        self.attempts.release(attempt)?;
        if let Some(email) = &email {
            self.attempts.clear(&AttemptKey::login_email(email))?;
        }
        Ok(Session {
            customer: credentials.customer,
            token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::AttemptLimits;
    use crate::ports::{
        AttemptId, MockAttemptLedger, MockCustomerRepository, MockPasswordHasher,
        MockTokenRepository, Reservation, StoredCredentials,
    };
    use crate::test_support::{customer, fixed_clock, fixed_issuer, now};
    use chrono::Duration;
    use mockall::predicate::eq;
    use orderflow_domain::identity::Role;

    const ATTEMPT: AttemptId = AttemptId(uuid::Uuid::from_u128(7));

    fn alice() -> EmailAddress {
        EmailAddress::parse("alice@example.com").unwrap()
    }

    struct Mocks {
        customers: MockCustomerRepository,
        tokens: MockTokenRepository,
        attempts: MockAttemptLedger,
        hasher: MockPasswordHasher,
    }

    impl Mocks {
        fn new() -> Self {
            Self {
                customers: MockCustomerRepository::new(),
                tokens: MockTokenRepository::new(),
                attempts: MockAttemptLedger::new(),
                hasher: MockPasswordHasher::new(),
            }
        }

        /// The attempt is counted against the email (whatever its letter case) and the address, before the hash.
        fn reserving(mut self, answer: Reservation) -> Self {
            let limits = AttemptLimits::default();
            self.attempts
                .expect_reserve()
                .withf(move |keys, at| {
                    *at == now()
                        && keys
                            == [
                                (AttemptKey::login_email(&alice()), limits.login_per_email),
                                (
                                    AttemptKey::login_address("10.0.0.1"),
                                    limits.login_per_address,
                                ),
                            ]
                })
                .times(1)
                .returning(move |_, _| Ok(answer));
            self
        }

        fn with_account(mut self, active: bool) -> Self {
            self.customers
                .expect_find_credentials_by_email()
                .returning(move |email| {
                    assert_eq!(email.normalized(), "alice@example.com");
                    let mut alice = customer(3, "alice@example.com", Role::Customer);
                    alice.is_active = active;
                    Ok(Some(StoredCredentials {
                        customer: alice,
                        password_hash: Some("stored-hash".into()),
                    }))
                });
            self
        }

        /// A failure keeps its attempt: nothing is released or cleared, no token issued.
        fn failing(mut self) -> Self {
            self.attempts.expect_release().never();
            self.attempts.expect_clear().never();
            self.tokens.expect_issue_for_verified_password().never();
            self
        }

        fn use_case(self) -> LogIn {
            LogIn::new(
                Arc::new(self.customers),
                Arc::new(self.tokens),
                AttemptCounter::new(
                    Arc::new(self.attempts),
                    fixed_clock(),
                    AttemptLimits::default(),
                ),
                Arc::new(self.hasher),
                fixed_issuer("login-key"),
            )
        }
    }

    fn input(email: &str, password: &str) -> LogInInput {
        LogInInput {
            email: Some(email.into()),
            password: Some(password.into()),
            client_address: Some("10.0.0.1".into()),
        }
    }

    #[test]
    fn a_correct_password_takes_its_attempt_back_clears_the_email_and_issues_a_token() {
        let mut mocks = Mocks::new()
            .reserving(Reservation::Granted(ATTEMPT))
            .with_account(true);
        mocks
            .hasher
            .expect_verify()
            .withf(|password, hash| password == "kamau-wanjiru-77" && hash == "stored-hash")
            .returning(|_, _| Ok(true));
        mocks
            .attempts
            .expect_release()
            .with(eq(ATTEMPT))
            .times(1)
            .returning(|_| Ok(()));
        mocks
            .attempts
            .expect_clear()
            .with(eq(AttemptKey::login_email(&alice())))
            .times(1)
            .returning(|_| Ok(()));
        mocks
            .tokens
            .expect_issue_for_verified_password()
            .withf(|id, grant, hash| {
                id.0 == 3 && grant.expires_at == now() + Duration::days(30) && hash == "stored-hash"
            })
            .times(1)
            .returning(|_, _, _| Ok(true));

        let session = mocks
            .use_case()
            .execute(input("ALICE@example.com", "kamau-wanjiru-77"))
            .unwrap();
        assert_eq!(session.token, "login-key");
        assert_eq!(session.customer.id.0, 3);
    }

    #[test]
    fn a_wrong_password_keeps_the_attempt_recorded_against_email_and_address() {
        let mut mocks = Mocks::new()
            .reserving(Reservation::Granted(ATTEMPT))
            .with_account(true)
            .failing();
        mocks.hasher.expect_verify().returning(|_, _| Ok(false));
        let result = mocks
            .use_case()
            .execute(input("alice@example.com", "wrong-password"));
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[test]
    fn a_password_changed_while_it_was_checked_lets_no_one_in() {
        let mut mocks = Mocks::new()
            .reserving(Reservation::Granted(ATTEMPT))
            .with_account(true);
        mocks.hasher.expect_verify().returning(|_, _| Ok(true));
        mocks
            .tokens
            .expect_issue_for_verified_password()
            .times(1)
            .returning(|_, _, _| Ok(false));
        mocks.attempts.expect_release().never();
        mocks.attempts.expect_clear().never();
        let result = mocks
            .use_case()
            .execute(input("alice@example.com", "kamau-wanjiru-77"));
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[test]
    fn an_unknown_email_costs_a_dummy_verification_and_the_same_answer() {
        let mut mocks = Mocks::new().failing();
        mocks
            .attempts
            .expect_reserve()
            .returning(|_, _| Ok(Reservation::Granted(ATTEMPT)));
        mocks
            .customers
            .expect_find_credentials_by_email()
            .returning(|_| Ok(None));
        mocks
            .hasher
            .expect_verify_against_dummy()
            .times(1)
            .returning(|_| Ok(()));
        let result = mocks
            .use_case()
            .execute(input("nobody@example.com", "whatever-pass"));
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[test]
    fn an_inactive_account_cannot_log_in_even_with_the_right_password() {
        let mut mocks = Mocks::new()
            .reserving(Reservation::Granted(ATTEMPT))
            .with_account(false)
            .failing();
        mocks.hasher.expect_verify().returning(|_, _| Ok(true));
        let result = mocks
            .use_case()
            .execute(input("alice@example.com", "kamau-wanjiru-77"));
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[test]
    fn a_refused_attempt_is_throttled_before_the_account_or_the_password_is_looked_at() {
        let mut mocks = Mocks::new()
            .reserving(Reservation::Refused {
                retry_after_seconds: 301,
            })
            .failing();
        mocks.customers.expect_find_credentials_by_email().never();
        mocks.hasher.expect_verify().never();
        mocks.hasher.expect_verify_against_dummy().never();
        let result = mocks
            .use_case()
            .execute(input("alice@example.com", "kamau-wanjiru-77"));
        assert!(matches!(
            result,
            Err(LogInError::Throttled(Throttled {
                retry_after_seconds: 301
            }))
        ));
    }

    #[test]
    fn missing_fields_are_reported() {
        let result = Mocks::new().use_case().execute(LogInInput::default());
        let Err(LogInError::Invalid(errors)) = result else {
            panic!("expected validation errors")
        };
        assert!(errors.has("email") && errors.has("password"));
    }
}
