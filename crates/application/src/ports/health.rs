use super::RepositoryError;

/// The database connections of this process at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolUsage {
    /// Handed out to a request or a worker.
    pub in_use: u32,
    /// Open and waiting in the pool.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

/// Checks the service's dependencies for `/health/`, `/health/ready/` and the metrics.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait HealthProbe: Send + Sync {
    /// Succeeds when the database answers a query.
    fn database(&self) -> Result<(), RepositoryError>;

    /// Whether every schema migration this build knows has been applied: a replica started before
    /// `orderflow migrate` ran must not take traffic it would answer with errors.
    fn schema_current(&self) -> Result<bool, RepositoryError>;

    /// The connection pool as it is now; asks the database nothing.
    fn connection_pool(&self) -> PoolUsage;
}
