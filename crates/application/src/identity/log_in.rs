use std::sync::Arc;

use orderflow_domain::identity::{EmailAddress, LoginThrottle, ThrottleDecision};
use orderflow_domain::validation::FieldErrors;

use super::fields::{self, required};
use super::{Session, TokenIssuer};
use crate::ports::{
    Clock, CustomerRepository, LoginAttemptRepository, PasswordHashError, PasswordHasher,
    RepositoryError, ThrottleKey, TokenRepository,
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
    #[error("too many failed logins; retry after {retry_after_seconds} s")]
    Throttled { retry_after_seconds: i64 },
    #[error(transparent)]
    Hashing(#[from] PasswordHashError),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Checks an email and password and issues a new API token (one per login, so each device can log out alone).
pub struct LogIn {
    customers: Arc<dyn CustomerRepository>,
    tokens: Arc<dyn TokenRepository>,
    attempts: Arc<dyn LoginAttemptRepository>,
    hasher: Arc<dyn PasswordHasher>,
    issuer: TokenIssuer,
    clock: Arc<dyn Clock>,
    email_throttle: LoginThrottle,
    address_throttle: LoginThrottle,
}

impl LogIn {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        customers: Arc<dyn CustomerRepository>,
        tokens: Arc<dyn TokenRepository>,
        attempts: Arc<dyn LoginAttemptRepository>,
        hasher: Arc<dyn PasswordHasher>,
        issuer: TokenIssuer,
        clock: Arc<dyn Clock>,
        email_throttle: LoginThrottle,
        address_throttle: LoginThrottle,
    ) -> Self {
        Self {
            customers,
            tokens,
            attempts,
            hasher,
            issuer,
            clock,
            email_throttle,
            address_throttle,
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

        let mut keys = Vec::new();
        if let Some(email) = &email {
            keys.push((ThrottleKey::Email(email.normalized()), self.email_throttle));
        }
        if let Some(address) = &input.client_address {
            keys.push((
                ThrottleKey::ClientAddress(address.clone()),
                self.address_throttle,
            ));
        }
        self.refuse_if_throttled(&keys)?;

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
        let Some(credentials) = credentials.filter(|_| verified) else {
            let now = self.clock.now();
            let keys: Vec<ThrottleKey> = keys.into_iter().map(|(key, _)| key).collect();
            self.attempts.record_failure(&keys, now)?;
            return Err(LogInError::InvalidCredentials);
        };

        if let Some((email_key, _)) = keys
            .first()
            .filter(|(key, _)| matches!(key, ThrottleKey::Email(_)))
        {
            self.attempts.clear(email_key)?;
        }
        let (token, grant) = self.issuer.mint();
        self.tokens.issue(credentials.customer.id, &grant)?;
        Ok(Session {
            customer: credentials.customer,
            token,
        })
    }

    fn refuse_if_throttled(&self, keys: &[(ThrottleKey, LoginThrottle)]) -> Result<(), LogInError> {
        let now = self.clock.now();
        let mut longest_wait = None;
        for (key, throttle) in keys {
            let failures = self
                .attempts
                .failures_since(key, throttle.window_start(now))?;
            if let ThrottleDecision::Deny {
                retry_after_seconds,
            } = throttle.decide(&failures, now)
            {
                longest_wait = longest_wait.max(Some(retry_after_seconds));
            }
        }
        match longest_wait {
            Some(retry_after_seconds) => Err(LogInError::Throttled {
                retry_after_seconds,
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::fixtures::{customer, fixed_clock, fixed_issuer, now};
    use crate::ports::{
        MockCustomerRepository, MockLoginAttemptRepository, MockPasswordHasher,
        MockTokenRepository, StoredCredentials,
    };
    use chrono::Duration;
    use mockall::predicate::eq;
    use orderflow_domain::identity::Role;

    struct Mocks {
        customers: MockCustomerRepository,
        tokens: MockTokenRepository,
        attempts: MockLoginAttemptRepository,
        hasher: MockPasswordHasher,
    }

    impl Mocks {
        fn new() -> Self {
            Self {
                customers: MockCustomerRepository::new(),
                tokens: MockTokenRepository::new(),
                attempts: MockLoginAttemptRepository::new(),
                hasher: MockPasswordHasher::new(),
            }
        }

        fn with_no_recent_failures(mut self) -> Self {
            self.attempts
                .expect_failures_since()
                .returning(|_, _| Ok(vec![]));
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

        fn use_case(self) -> LogIn {
            LogIn::new(
                Arc::new(self.customers),
                Arc::new(self.tokens),
                Arc::new(self.attempts),
                Arc::new(self.hasher),
                fixed_issuer("login-key"),
                fixed_clock(),
                LoginThrottle::default(),
                LoginThrottle::default(),
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
    fn a_correct_password_issues_a_new_token_and_clears_email_failures() {
        let mut mocks = Mocks::new().with_no_recent_failures().with_account(true);
        mocks
            .hasher
            .expect_verify()
            .withf(|password, hash| password == "kamau-wanjiru-77" && hash == "stored-hash")
            .returning(|_, _| Ok(true));
        mocks
            .attempts
            .expect_clear()
            .with(eq(ThrottleKey::Email("alice@example.com".into())))
            .times(1)
            .returning(|_| Ok(()));
        mocks
            .tokens
            .expect_issue()
            .withf(|id, grant| id.0 == 3 && grant.expires_at == now() + Duration::days(30))
            .times(1)
            .returning(|_, _| Ok(()));

        let session = mocks
            .use_case()
            .execute(input("ALICE@example.com", "kamau-wanjiru-77"))
            .unwrap();
        assert_eq!(session.token, "login-key");
        assert_eq!(session.customer.id.0, 3);
    }

    #[test]
    fn a_wrong_password_is_recorded_against_email_and_address() {
        let mut mocks = Mocks::new().with_no_recent_failures().with_account(true);
        mocks.hasher.expect_verify().returning(|_, _| Ok(false));
        mocks
            .attempts
            .expect_record_failure()
            .withf(|keys, at| {
                keys == [
                    ThrottleKey::Email("alice@example.com".into()),
                    ThrottleKey::ClientAddress("10.0.0.1".into()),
                ] && *at == now()
            })
            .times(1)
            .returning(|_, _| Ok(()));
        mocks.tokens.expect_issue().never();
        let result = mocks
            .use_case()
            .execute(input("alice@example.com", "wrong-password"));
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[test]
    fn an_unknown_email_costs_a_dummy_verification_and_the_same_answer() {
        let mut mocks = Mocks::new().with_no_recent_failures();
        mocks
            .customers
            .expect_find_credentials_by_email()
            .returning(|_| Ok(None));
        mocks
            .hasher
            .expect_verify_against_dummy()
            .times(1)
            .returning(|_| Ok(()));
        mocks
            .attempts
            .expect_record_failure()
            .returning(|_, _| Ok(()));
        let result = mocks
            .use_case()
            .execute(input("nobody@example.com", "whatever-pass"));
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[test]
    fn an_inactive_account_cannot_log_in_even_with_the_right_password() {
        let mut mocks = Mocks::new().with_no_recent_failures().with_account(false);
        mocks.hasher.expect_verify().returning(|_, _| Ok(true));
        mocks
            .attempts
            .expect_record_failure()
            .returning(|_, _| Ok(()));
        mocks.tokens.expect_issue().never();
        let result = mocks
            .use_case()
            .execute(input("alice@example.com", "kamau-wanjiru-77"));
        assert!(matches!(result, Err(LogInError::InvalidCredentials)));
    }

    #[test]
    fn ten_recent_failures_throttle_before_the_password_is_checked() {
        let mut mocks = Mocks::new();
        mocks
            .attempts
            .expect_failures_since()
            .returning(|key, since| {
                assert_eq!(since, now() - Duration::minutes(15));
                Ok(match key {
                    ThrottleKey::Email(_) => {
                        (1..=10).map(|m| now() - Duration::minutes(m)).collect()
                    }
                    ThrottleKey::ClientAddress(_) => vec![],
                })
            });
        mocks.customers.expect_find_credentials_by_email().never();
        mocks.hasher.expect_verify().never();
        let result = mocks
            .use_case()
            .execute(input("alice@example.com", "kamau-wanjiru-77"));
        // The oldest of the ten failures (10 minutes ago) leaves the 15-minute window in 5 minutes.
        assert!(matches!(
            result,
            Err(LogInError::Throttled {
                retry_after_seconds: 301
            })
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
