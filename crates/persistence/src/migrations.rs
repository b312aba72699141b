//! The schema migrations of the top-level `migrations/` folder, compiled into the binary.

use diesel::migration::MigrationSource;
use diesel::pg::{Pg, PgConnection};
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// Relative to this crate's manifest: `crates/persistence/../../migrations`.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("cannot connect to the database: {0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("migration failed: {0}")]
    Run(String),
}

/// Applies every pending migration (each in its own transaction) and returns the versions applied.
pub fn run_migrations(database_url: &str) -> Result<Vec<String>, MigrationError> {
    let mut connection = PgConnection::establish(database_url)?;
    let applied = connection
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| MigrationError::Run(e.to_string()))?;
    Ok(applied.iter().map(ToString::to_string).collect())
}

/// The versions not yet applied to the database.
pub fn pending_migrations(database_url: &str) -> Result<Vec<String>, MigrationError> {
    let mut connection = PgConnection::establish(database_url)?;
    let pending = connection
        .pending_migrations(MIGRATIONS)
        .map_err(|e| MigrationError::Run(e.to_string()))?;
    Ok(pending.iter().map(|m| m.name().to_string()).collect())
}

/// The names of the migrations this binary carries, oldest first: what it would apply to an empty database.
pub fn embedded_migrations() -> Result<Vec<String>, MigrationError> {
    let migrations = MigrationSource::<Pg>::migrations(&MIGRATIONS)
        .map_err(|e| MigrationError::Run(e.to_string()))?;
    let mut names: Vec<String> = migrations.iter().map(|m| m.name().to_string()).collect();
    names.sort();
    Ok(names)
}
