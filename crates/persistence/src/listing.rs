//! How listings read: a page and its total from one snapshot, with plans made for the actual values.

use diesel::pg::PgConnection;
use diesel::{sql_query, QueryResult, RunQueryDsl};

use crate::error::storage_error;
use crate::pool::{connection, DbPool};
use crate::RepositoryError;

/// Runs the reads of one listing (its count and its page, say) in a read-only repeatable-read transaction whose
/// statements are planned for their actual parameters.
///
/// The snapshot makes the total agree with the page even while orders are being placed. The custom plans matter
/// because listings filter on ranges (a subtree's paths, a price band, dates) whose selectivity varies by orders
/// of magnitude: a cached generic plan was measured at 12 s against 45 ms for a filtered product count. Other
/// statements (lookups by key, the writes of a placement) keep Postgres's plan cache: planning is most of the cost
/// of a small statement.
pub fn listing_snapshot<T>(
    connection: &mut PgConnection,
    read: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    snapshot(connection, |connection| {
        sql_query("SET LOCAL plan_cache_mode = force_custom_plan").execute(connection)?;
        read(connection)
    })
}

/// A read-only repeatable-read transaction: the reads agree with each other.
fn snapshot<T>(
    connection: &mut PgConnection,
    read: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    connection
        .build_transaction()
        .read_only()
        .repeatable_read()
        .run(read)
}

/// [`listing_snapshot`] on a pooled connection, with errors translated.
pub(crate) fn read_listing<T>(
    pool: &DbPool,
    read: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
) -> Result<T, RepositoryError> {
    let mut connection = connection(pool)?;
    listing_snapshot(&mut connection, read).map_err(storage_error)
}

/// The reads of one listing in one snapshot, each statement planned as it chooses: [`PlannedPerRun`] where the plan
/// must follow the values, kept prepared (a cached plan after a few runs) where it need not. One round trip less
/// than [`read_listing`], and no planning at all for the common pages.
///
/// [`PlannedPerRun`]: crate::sql::PlannedPerRun
pub(crate) fn read_snapshot<T>(
    pool: &DbPool,
    read: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
) -> Result<T, RepositoryError> {
    let mut connection = connection(pool)?;
    snapshot(&mut connection, read).map_err(storage_error)
}
