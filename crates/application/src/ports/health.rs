use super::RepositoryError;

/// Checks the service's dependencies for `/health/`.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait HealthProbe: Send + Sync {
    /// Succeeds when the database answers a query.
    fn database(&self) -> Result<(), RepositoryError>;
}
