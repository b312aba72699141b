//! How listings read: a page and its total, with plans made for the actual values where they must be.

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
    connection
        .build_transaction()
        .read_only()
        .repeatable_read()
        .run(|connection| {
            sql_query("SET LOCAL plan_cache_mode = force_custom_plan").execute(connection)?;
            read(connection)
        })
}

/// [`listing_snapshot`] on a pooled connection, with errors translated.
pub(crate) fn read_listing<T>(
    pool: &DbPool,
    read: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
) -> Result<T, RepositoryError> {
    let mut connection = connection(pool)?;
    listing_snapshot(&mut connection, read).map_err(storage_error)
}

/// The reads of one listing as statements of their own, each planned as it chooses: [`PlannedPerRun`] where the
/// plan must follow the values, kept prepared (a cached plan after a few runs) where it need not.
///
/// No transaction around them: two round trips fewer than a snapshot (BEGIN, COMMIT), which on a busy machine is
/// most of a page's cost. Each statement sees what was committed when it began, as with Django's paginator: a
/// product written between the page and its count can make the total differ from the page by that product, no
/// more; the names along a row's path belong to categories that cannot be deleted while they hold it.
///
/// [`PlannedPerRun`]: crate::sql::PlannedPerRun
pub(crate) fn read_statements<T>(
    pool: &DbPool,
    read: impl FnOnce(&mut PgConnection) -> QueryResult<T>,
) -> Result<T, RepositoryError> {
    let mut connection = connection(pool)?;
    read(&mut connection).map_err(storage_error)
}
