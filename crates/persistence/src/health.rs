use orderflow_application::ports::{HealthProbe, PoolUsage};

use crate::pool::{ping, DbPool};
use crate::RepositoryError;

/// `/health/`'s database check (one `SELECT 1` through the pool), and the pool's connections for the metrics.
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

    fn connection_pool(&self) -> PoolUsage {
        let state = self.pool.state();
        PoolUsage {
            in_use: state.connections.saturating_sub(state.idle_connections),
            idle: state.idle_connections,
            max: self.pool.max_size(),
        }
    }
}
