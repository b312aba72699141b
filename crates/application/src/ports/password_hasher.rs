/// Password hashing (argon2id in production). Slow by design: callers run it off the async threads.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait PasswordHasher: Send + Sync {
    fn hash(&self, password: &str) -> Result<String, PasswordHashError>;

    /// False for a wrong password and for a hash this hasher cannot read.
    fn verify(&self, password: &str, hash: &str) -> Result<bool, PasswordHashError>;

    /// Spends the time a verification would, so that an unknown email cannot be told from a wrong password by
    /// the response time.
    fn verify_against_dummy(&self, password: &str) -> Result<(), PasswordHashError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordHashError {
    /// Every hashing slot stayed taken for the whole wait: the caller should come back shortly.
    #[error("all password-hashing slots are busy")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}
