use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use diesel::migration::MigrationSource;
use diesel::pg::Pg;
use diesel::sql_types::{Array, BigInt, Bool, Text};
use diesel::{sql_query, QueryableByName, RunQueryDsl};
use orderflow_application::ports::{HealthProbe, PoolUsage};

use crate::error::{pool_error, storage_error};
use crate::migrations::MIGRATIONS;
use crate::pool::DbPool;
use crate::RepositoryError;

/// A probe waits at most this long for a pooled connection: a saturated pool answers "not ready" within the
/// second an orchestrator allows, instead of after the requests' own, longer, wait.
const PROBE_CHECKOUT_WAIT: Duration = Duration::from_secs(1);

/// The health endpoints' database checks through the pool, and the pool's connections for the metrics.
pub struct PgHealthProbe {
    pool: DbPool,
    /// Migrations are only ever added: once every one this build knows is applied, it stays so.
    schema_seen_current: AtomicBool,
}

impl PgHealthProbe {
    pub fn new(pool: DbPool) -> Self {
        Self {
            pool,
            schema_seen_current: AtomicBool::new(false),
        }
    }
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    exists: bool,
}

#[derive(QueryableByName)]
struct Applied {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl HealthProbe for PgHealthProbe {
    fn database(&self) -> Result<(), RepositoryError> {
        let mut connection = self
            .pool
            .get_timeout(PROBE_CHECKOUT_WAIT)
            .map_err(pool_error)?;
        sql_query("SELECT 1")
            .execute(&mut connection)
            .map_err(storage_error)?;
        Ok(())
    }

    fn schema_current(&self) -> Result<bool, RepositoryError> {
        if self.schema_seen_current.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let known = embedded_versions()?;
        let mut connection = self
            .pool
            .get_timeout(PROBE_CHECKOUT_WAIT)
            .map_err(pool_error)?;
        // diesel's bookkeeping table: missing until the first `orderflow migrate`.
        let table: Exists =
            sql_query("SELECT to_regclass('__diesel_schema_migrations') IS NOT NULL AS exists")
                .get_result(&mut connection)
                .map_err(storage_error)?;
        if !table.exists {
            return Ok(false);
        }
        let applied: Applied = sql_query(
            "SELECT count(*) AS n FROM __diesel_schema_migrations WHERE version = ANY($1)",
        )
        .bind::<Array<Text>, _>(&known)
        .get_result(&mut connection)
        .map_err(storage_error)?;
        let current = usize::try_from(applied.n).is_ok_and(|n| n == known.len());
        if current {
            self.schema_seen_current.store(true, Ordering::Relaxed);
        }
        Ok(current)
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

/// The versions of the migrations compiled into this build, as diesel records them.
fn embedded_versions() -> Result<Vec<String>, RepositoryError> {
    let migrations = MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map_err(|e| RepositoryError::Failed(format!("embedded migrations: {e}").into()))?;
    Ok(migrations
        .iter()
        .map(|migration| migration.name().version().to_string())
        .collect())
}
