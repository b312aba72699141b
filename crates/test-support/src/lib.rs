//! The integration tests' database harness.
//!
//! Every test gets its own database, created from a template that was migrated once per schema version, so a
//! fresh, fully migrated database costs milliseconds and tests run in parallel without seeing each other's rows.
//!
//! The server comes from `TEST_DATABASE_URL` when it is set (any database on the server: it is only used to
//! create and drop the test databases). Otherwise a Postgres container is started with testcontainers, once per
//! test process; `ORDERFLOW_TEST_POSTGRES_IMAGE` (`name:tag`) overrides the image the module asks for.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

pub mod fixtures;
mod oidc_provider;
mod otlp_receiver;
mod server;
mod smtp_sink;
mod webhook_receiver;

use std::sync::OnceLock;

use diesel::pg::PgConnection;
use diesel::{sql_query, Connection, RunQueryDsl};
use orderflow_persistence::{connect, DbPool, PoolOptions};

pub use oidc_provider::OidcProvider;
pub use otlp_receiver::{OtlpReceiver, ReceivedSpan};
pub use server::TestServer;
pub use smtp_sink::{ReceivedMail, SmtpSink};
pub use webhook_receiver::{ReceivedWebhook, WebhookReceiver};

/// A freshly migrated database of its own, dropped when the value is dropped (even if the test panics).
pub struct TestDatabase {
    url: String,
    name: String,
}

static TEMPLATE: OnceLock<String> = OnceLock::new();

impl TestDatabase {
    pub fn new() -> Self {
        let server = TestServer::shared();
        let template = TEMPLATE.get_or_init(|| server::ensure_template(server));
        let name = format!("orderflow_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = server.maintenance_connection();
        sql_query(format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        ))
        .execute(&mut admin)
        .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        Self {
            url: server.database_url(&name),
            name,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// A small pool on this database.
    pub fn pool(&self) -> DbPool {
        connect(
            &self.url,
            &PoolOptions {
                max_size: 8,
                ..PoolOptions::default()
            },
        )
    }

    pub fn connection(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connect to the test database")
    }
}

impl Default for TestDatabase {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let mut admin = TestServer::shared().maintenance_connection();
        // FORCE: pools of the test (or a server it started) may still hold connections.
        let _ = sql_query(format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            self.name
        ))
        .execute(&mut admin);
    }
}
