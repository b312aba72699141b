//! Early lock release: a write that commits on its own lets go of its row locks as it ends, before its commit is
//! on disk, and the caller is answered only once it is.
//!
//! A commit holds its row locks until Postgres has flushed its WAL. Every order of one product takes that
//! product's row (and every order of the day the day's order counter), so placements ran one flush after another:
//! measured with pgbench on the placement's statement alone (2 cores, 8 clients, one product), about 450 orders/s
//! with the flush inside the lock, 1,270 with it outside, where the waiting placements' flushes are shared.
//!
//! The statement sets `synchronous_commit` off for its own transaction (`set_config(..., true)`), and
//! [`wait_until_durable`] then commits a transaction that writes WAL with the default setting: Postgres flushes
//! the WAL up to that commit, which comes after the statement's, so when it returns the statement's commit is on
//! disk too (and on synchronous standbys, whatever `synchronous_commit` asks of them). Until then, other sessions
//! may read what the statement wrote; a crash in that window loses it as if it had been rolled back, and with it
//! anything that read it and committed later, since its commit comes later still. Nothing leaves the database
//! before that: the notification workers queue an order's messages, and the webhook workers claim a delivery
//! (the low-stock one the statement's trigger may add), with an update committed with the default setting before
//! anything is sent, and that commit's flush covers the order's.

use diesel::pg::PgConnection;
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};

use crate::error::storage_error;
use crate::sql::prepared;
use crate::RepositoryError;

/// Returns once everything this connection committed is flushed as the session's `synchronous_commit` asks.
///
/// A transactional logical-decoding message is the smallest write Postgres offers that gives the transaction an
/// id and a WAL record, which is what makes its commit wait for the flush; it changes no table, takes no lock and
/// needs no privilege. (`txid_current()` alone writes no WAL, and its commit does not wait.)
pub(crate) fn wait_until_durable(connection: &mut PgConnection) -> Result<(), RepositoryError> {
    #[derive(QueryableByName)]
    struct Flushed {
        #[diesel(sql_type = Text)]
        #[allow(dead_code)]
        lsn: String,
    }
    prepared(diesel::sql_query(
        "SELECT pg_logical_emit_message(true, 'orderflow.durable', '')::text AS lsn",
    ))
    .get_result::<Flushed>(connection)
    .map(|_| ())
    .map_err(storage_error)
}
