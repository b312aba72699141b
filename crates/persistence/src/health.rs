use orderflow_application::ports::HealthProbe;

use crate::pool::{ping, DbPool};
use crate::RepositoryError;

/// `/health/`'s database check: one `SELECT 1` through the pool.
pub struct PgHealthProbe {
    pool: DbPool,
}

impl PgHealthProbe {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

impl HealthProbe for PgHealthProbe {
    fn database(&self) -> Result<(), RepositoryError> {
        ping(&self.pool)
    }
}
