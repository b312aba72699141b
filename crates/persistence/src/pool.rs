//! The connection pool, and creating the database itself (`orderflow setup-db`).

use std::sync::Arc;
use std::time::Duration;

use diesel::pg::PgConnection;
use diesel::r2d2::{Pool, PooledConnection};
use diesel::{sql_query, Connection, RunQueryDsl};
use r2d2::event::{CheckoutEvent, TimeoutEvent};
use r2d2::HandleEvent;

use crate::error::{pool_error, storage_error};
use crate::session::SessionManager;
use crate::RepositoryError;

pub type DbPool = Pool<SessionManager>;
pub(crate) type DbConnection = PooledConnection<SessionManager>;

#[derive(Debug, Clone)]
pub struct PoolOptions {
    pub max_size: u32,
    /// How long a request waits for a free connection before the database counts as unavailable.
    pub connection_timeout: Duration,
    /// A connection used more recently than this is handed out without a ping (see `session`).
    pub trusted_after_use: Duration,
    /// The longest a statement may run, and a session may sit idle inside a transaction, before Postgres ends it.
    pub statement_timeout: Duration,
    /// Told of every checkout, for the metrics.
    pub checkout_observer: Option<Arc<dyn CheckoutObserver>>,
}

/// What the pool reports as it hands out connections.
pub trait CheckoutObserver: std::fmt::Debug + Send + Sync {
    /// A connection was handed out after `waited` (the wait for a free one, and its ping or opening).
    fn checked_out(&self, waited: Duration);
    /// A caller gave up after waiting the whole connection timeout.
    fn timed_out(&self);
}

/// r2d2's events, passed on to a [`CheckoutObserver`].
#[derive(Debug)]
struct CheckoutEvents(Arc<dyn CheckoutObserver>);

impl HandleEvent for CheckoutEvents {
    fn handle_checkout(&self, event: CheckoutEvent) {
        self.0.checked_out(event.duration());
    }

    fn handle_timeout(&self, _event: TimeoutEvent) {
        self.0.timed_out();
    }
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            connection_timeout: Duration::from_secs(5),
            // HikariCP's choice: long enough to spare busy connections, far shorter than a database restart.
            trusted_after_use: Duration::from_millis(500),
            statement_timeout: Duration::from_secs(5),
            checkout_observer: None,
        }
    }
}

/// Builds the pool without connecting: the service starts (and reports the database in `/health/`) even when
/// Postgres is down, and connections are made as requests need them.
pub fn connect(database_url: &str, options: &PoolOptions) -> DbPool {
    let mut builder = Pool::builder()
        .max_size(options.max_size)
        .min_idle(Some(0))
        .connection_timeout(options.connection_timeout)
        // The manager decides whether a checkout needs a ping (see `session`).
        .test_on_check_out(true);
    if let Some(observer) = &options.checkout_observer {
        builder = builder.event_handler(Box::new(CheckoutEvents(observer.clone())));
    }
    builder.build_unchecked(SessionManager::new(
        database_url,
        options.trusted_after_use,
        options.statement_timeout,
    ))
}

/// Checks that the database answers a query.
pub fn ping(pool: &DbPool) -> Result<(), RepositoryError> {
    let mut connection = pool.get().map_err(pool_error)?;
    sql_query("SELECT 1")
        .execute(&mut connection)
        .map_err(storage_error)?;
    Ok(())
}

pub(crate) fn connection(pool: &DbPool) -> Result<DbConnection, RepositoryError> {
    pool.get().map_err(pool_error)
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("DATABASE_URL is not a valid postgres:// URL: {0}")]
    InvalidUrl(String),
    #[error("cannot connect to the server's maintenance database {url}: {source}")]
    Connect {
        url: String,
        source: diesel::ConnectionError,
    },
    #[error("cannot create database {name}: {source}")]
    Create {
        name: String,
        source: diesel::result::Error,
    },
}

/// Creates the database named in `database_url` if it does not exist, by connecting to the server's `postgres`
/// database. Returns whether it was created.
pub fn create_database_if_missing(database_url: &str) -> Result<bool, SetupError> {
    let mut url =
        url::Url::parse(database_url).map_err(|e| SetupError::InvalidUrl(e.to_string()))?;
    let name = url.path().trim_start_matches('/').to_owned();
    if name.is_empty() || !matches!(url.scheme(), "postgres" | "postgresql") {
        return Err(SetupError::InvalidUrl(
            "expected postgres://user@host:port/database".into(),
        ));
    }
    url.set_path("/postgres");
    let mut connection =
        PgConnection::establish(url.as_str()).map_err(|source| SetupError::Connect {
            url: redact(&url),
            source,
        })?;
    #[derive(diesel::QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    let exists =
        sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<diesel::sql_types::Text, _>(&name)
            .get_result::<Exists>(&mut connection)
            .map_err(|source| SetupError::Create {
                name: name.clone(),
                source,
            })?;
    if exists.exists {
        return Ok(false);
    }
    // Identifiers cannot be bound as parameters; quote it.
    let quoted = format!("\"{}\"", name.replace('"', "\"\""));
    sql_query(format!("CREATE DATABASE {quoted}"))
        .execute(&mut connection)
        .map_err(|source| SetupError::Create { name, source })?;
    Ok(true)
}

fn redact(url: &url::Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}
