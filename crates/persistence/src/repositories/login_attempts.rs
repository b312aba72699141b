use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use orderflow_application::ports::{LoginAttemptRepository, ThrottleKey};

use crate::error::storage_error;
use crate::pool::{connection, DbPool};
use crate::schema::login_failures;
use crate::RepositoryError;

pub struct PgLoginAttemptRepository {
    pool: DbPool,
}

impl PgLoginAttemptRepository {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

/// Failures older than this are deleted when new ones are recorded for the same key; no throttle window is longer.
const RETENTION: Duration = Duration::days(1);

fn stored_key(key: &ThrottleKey) -> String {
    match key {
        ThrottleKey::Email(email) => format!("email:{email}"),
        ThrottleKey::ClientAddress(address) => format!("address:{address}"),
    }
}

impl LoginAttemptRepository for PgLoginAttemptRepository {
    fn failures_since(
        &self,
        key: &ThrottleKey,
        since: DateTime<Utc>,
    ) -> Result<Vec<DateTime<Utc>>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        login_failures::table
            .filter(login_failures::throttle_key.eq(stored_key(key)))
            .filter(login_failures::failed_at.gt(since))
            .select(login_failures::failed_at)
            .load(&mut connection)
            .map_err(storage_error)
    }

    fn record_failure(
        &self,
        keys: &[ThrottleKey],
        at: DateTime<Utc>,
    ) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let stored: Vec<String> = keys.iter().map(stored_key).collect();
        connection
            .transaction(|connection| {
                diesel::delete(
                    login_failures::table
                        .filter(login_failures::throttle_key.eq_any(&stored))
                        .filter(login_failures::failed_at.lt(at - RETENTION)),
                )
                .execute(connection)?;
                let rows: Vec<_> = stored
                    .iter()
                    .map(|key| {
                        (
                            login_failures::throttle_key.eq(key),
                            login_failures::failed_at.eq(at),
                        )
                    })
                    .collect();
                diesel::insert_into(login_failures::table)
                    .values(rows)
                    .execute(connection)
            })
            .map_err(storage_error)?;
        Ok(())
    }

    fn clear(&self, key: &ThrottleKey) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        diesel::delete(
            login_failures::table.filter(login_failures::throttle_key.eq(stored_key(key))),
        )
        .execute(&mut connection)
        .map_err(storage_error)?;
        Ok(())
    }
}
