use super::RepositoryError;

/// Checks the service's dependencies for `/health/` and `/health/ready/`.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait HealthProbe: Send + Sync {
    /// Succeeds when the database answers a query.
    fn database(&self) -> Result<(), RepositoryError>;

    /// Whether every schema migration this build knows has been applied: a replica started before
    /// `orderflow migrate` ran must not take traffic it would answer with errors.
    fn schema_current(&self) -> Result<bool, RepositoryError>;
}
