//! The attempt ledger: attempts counted per key, reserved atomically under a per-key advisory lock.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamptz};
use orderflow_application::ports::{AttemptId, AttemptKey, AttemptLedger, Reservation};
use orderflow_domain::identity::{AttemptLimit, LimitDecision};
use sha2::{Digest, Sha256};

use crate::error::storage_error;
use crate::pool::{connection, DbPool};
use crate::schema::attempts;
use crate::RepositoryError;

pub struct PgAttemptLedger {
    pool: DbPool,
}

impl PgAttemptLedger {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

/// Attempts older than this are deleted as new ones are recorded; no limit's window is longer.
const RETENTION: Duration = Duration::days(1);
/// Old attempts deleted per reservation at most: the work of a reservation stays bounded.
const PURGE_BATCH: i64 = 100;

/// A key as stored: its SHA-256 digest, 32 bytes whatever the email or address it holds.
fn digest(key: &AttemptKey) -> Vec<u8> {
    Sha256::digest(key.as_str().as_bytes()).to_vec()
}

/// The advisory lock that serialises the reservations of one key: the first eight bytes of its digest.
fn lock_of(digest: &[u8]) -> i64 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

impl AttemptLedger for PgAttemptLedger {
    fn reserve(
        &self,
        limits: &[(AttemptKey, AttemptLimit)],
        at: DateTime<Utc>,
    ) -> Result<Reservation, RepositoryError> {
        let keyed: Vec<(Vec<u8>, AttemptLimit)> = limits
            .iter()
            .map(|(key, limit)| (digest(key), *limit))
            .collect();
        // Taken in one order by everyone, so two reservations sharing keys cannot deadlock.
        let mut locks: Vec<i64> = keyed.iter().map(|(digest, _)| lock_of(digest)).collect();
        locks.sort_unstable();
        locks.dedup();
        let digests: Vec<Vec<u8>> = keyed.iter().map(|(digest, _)| digest.clone()).collect();
        let earliest = keyed
            .iter()
            .map(|(_, limit)| limit.window_start(at))
            .min()
            .unwrap_or(at);
        let mut connection = connection(&self.pool)?;
        connection
            .transaction(|connection| {
                for lock in &locks {
                    diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                        .bind::<BigInt, _>(lock)
                        .execute(connection)?;
                }
                let recorded: Vec<(Vec<u8>, DateTime<Utc>)> = attempts::table
                    .filter(attempts::key_digest.eq_any(&digests))
                    .filter(attempts::at.gt(earliest))
                    .select((attempts::key_digest, attempts::at))
                    .load(connection)?;
                let longest_wait = keyed
                    .iter()
                    .filter_map(|(digest, limit)| {
                        let times: Vec<DateTime<Utc>> = recorded
                            .iter()
                            .filter(|(recorded, _)| recorded == digest)
                            .map(|(_, time)| *time)
                            .collect();
                        match limit.decide(&times, at) {
                            LimitDecision::Deny {
                                retry_after_seconds,
                            } => Some(retry_after_seconds),
                            LimitDecision::Allow => None,
                        }
                    })
                    .max();
                if let Some(retry_after_seconds) = longest_wait {
                    return Ok(Reservation::Refused {
                        retry_after_seconds,
                    });
                }
                let attempt = uuid::Uuid::new_v4();
                let rows: Vec<_> = digests
                    .iter()
                    .map(|digest| {
                        (
                            attempts::key_digest.eq(digest),
                            attempts::attempt.eq(attempt),
                            attempts::at.eq(at),
                        )
                    })
                    .collect();
                diesel::insert_into(attempts::table)
                    .values(rows)
                    .execute(connection)?;
                diesel::sql_query(
                    "DELETE FROM attempts WHERE id IN (SELECT id FROM attempts WHERE at < $1 LIMIT $2)",
                )
                .bind::<Timestamptz, _>(at - RETENTION)
                .bind::<BigInt, _>(PURGE_BATCH)
                .execute(connection)?;
                Ok(Reservation::Granted(AttemptId(attempt)))
            })
            .map_err(storage_error)
    }

    fn release(&self, attempt: AttemptId) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        diesel::delete(attempts::table.filter(attempts::attempt.eq(attempt.0)))
            .execute(&mut connection)
            .map_err(storage_error)?;
        Ok(())
    }

    fn clear(&self, key: &AttemptKey) -> Result<(), RepositoryError> {
        let mut connection = connection(&self.pool)?;
        diesel::delete(attempts::table.filter(attempts::key_digest.eq(digest(key))))
            .execute(&mut connection)
            .map_err(storage_error)?;
        Ok(())
    }
}
