//! Postgres adapters for OrderFlow's ports: diesel over an r2d2 pool, with the migrations of the top-level
//! `migrations/` folder embedded in the binary.
//!
//! Every diesel or pool error is translated into the application's [`RepositoryError`] in one place
//! ([`error`]), and constraint violations a use case cares about into that use case's own error.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod catalogue;
mod dashboard;
mod durability;
mod error;
mod health;
mod identity;
mod listing;
mod migrations;
mod notifications;
mod ordering;
mod pool;
mod schema;
mod session;
mod sql;
mod unit_of_work;
mod webhooks;

pub use catalogue::PgCatalogueQueries;
pub use dashboard::PgDashboardQueries;
pub use error::storage_error;
pub use health::PgHealthProbe;
pub use identity::{PgAttemptLedger, PgCustomerRepository, PgOidcStore, PgTokenRepository};
pub use listing::listing_snapshot;
pub use migrations::{embedded_migrations, pending_migrations, run_migrations, MigrationError};
pub use notifications::{PgDeliveryQueue, PgNotificationQueries};
pub use ordering::PgOrderQueries;
pub use pool::{
    connect, create_database_if_missing, ping, CheckoutObserver, DbPool, PoolOptions, SetupError,
};
pub use session::SessionManager;
pub use unit_of_work::{PgTransaction, PgUnitOfWork};
pub use webhooks::{PgWebhookQueue, PgWebhookStore};

use orderflow_application::ports::RepositoryError;
