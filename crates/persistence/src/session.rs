//! Pooled sessions: how the pool makes Postgres connections and vets them on checkout.
//!
//! Every session gets a `statement_timeout` and an `idle_in_transaction_session_timeout`: no statement, however
//! it was reached, runs longer than that, and no request that stalls (or spins) between the statements of its
//! transaction holds its locks and its pooled connection for longer. The first cancels the statement (a 503 for
//! the client); the second ends the session, which the pool then drops.
//!
//! A connection is pinged (`SELECT 1`) on checkout only when it has not been used for a while, as HikariCP does.
//! Under load a connection goes back and forth many times a second, and a ping on every checkout was two of the
//! thirteen round trips of an order placement. A connection that dies while in use fails the query in hand;
//! libpq then reports its transaction status as unknown, diesel counts it broken, and the pool drops it when it
//! is handed back, so the next checkout gets a sound one.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::connection::{get_default_instrumentation, Instrumentation, InstrumentationEvent};
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, ManageConnection, R2D2Connection};
use diesel::Connection;

/// Makes Postgres sessions for the pool and decides which ones need a ping before they are handed out.
#[derive(Debug)]
pub struct SessionManager {
    connections: ConnectionManager<PgConnection>,
    /// A connection used more recently than this is handed out without a ping.
    trusted_after_use: Duration,
    statement_timeout: Duration,
}

impl SessionManager {
    pub fn new(
        database_url: &str,
        trusted_after_use: Duration,
        statement_timeout: Duration,
    ) -> Self {
        Self {
            connections: ConnectionManager::new(database_url),
            trusted_after_use,
            statement_timeout,
        }
    }
}

impl ManageConnection for SessionManager {
    type Connection = PgConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PgConnection, Self::Error> {
        let mut connection = self.connections.connect()?;
        let millis = self.statement_timeout.as_millis();
        connection
            .batch_execute(&format!(
                "SET statement_timeout = {millis}; SET idle_in_transaction_session_timeout = {millis}"
            ))
            .map_err(diesel::r2d2::Error::QueryError)?;
        connection.set_instrumentation(LastUse {
            at: Instant::now(),
            query: None,
            // The process-wide instrumentation, if any (tracing, query counts in tests), keeps its events.
            inner: get_default_instrumentation(),
        });
        Ok(connection)
    }

    fn is_valid(&self, connection: &mut PgConnection) -> Result<(), Self::Error> {
        let recently_used = connection
            .instrumentation()
            .downcast_ref::<LastUse>()
            .is_some_and(|last| last.at.elapsed() < self.trusted_after_use);
        if recently_used {
            return Ok(());
        }
        connection.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, connection: &mut PgConnection) -> bool {
        self.connections.has_broken(connection)
    }
}

/// When the session last finished a query, kept up to date by diesel's instrumentation hook; and the span of the
/// statement running, for exported traces.
struct LastUse {
    at: Instant,
    query: Option<tracing::Span>,
    inner: Option<Box<dyn Instrumentation>>,
}

impl Instrumentation for LastUse {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match &event {
            InstrumentationEvent::StartQuery { query, .. } => self.query = query_span(query),
            InstrumentationEvent::FinishQuery { error, .. } => {
                self.at = Instant::now();
                if let (Some(span), Some(error)) = (self.query.take(), error) {
                    span.record("error", tracing::field::display(error));
                }
            }
            _ => {}
        }
        self.inner.on_connection_event(event);
    }
}

/// A span for one statement, from its start to its end, under the use case running it. Statements outside any
/// span (the delivery worker's rounds, commands) get none: a trace of their own per statement would be noise.
/// The text is the statement without its bound values, which may be personal data or credentials.
fn query_span(query: &dyn std::fmt::Display) -> Option<tracing::Span> {
    if tracing::Span::current().is_none() {
        return None;
    }
    let span = tracing::debug_span!(
        "db.query",
        db.system = "postgresql",
        db.statement = tracing::field::Empty,
        error = tracing::field::Empty,
    );
    if span.is_disabled() {
        return None;
    }
    let text = query.to_string();
    let statement = text.split(" -- binds: ").next().unwrap_or_default();
    // Bounded: a statement's text is ours, but a long IN list or batch insert need not travel whole.
    let statement: String = statement.chars().take(2000).collect();
    span.record("db.statement", statement.as_str());
    Some(span)
}
