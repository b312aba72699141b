//! Attempts counted against their limits before the costly or guessable work (a password hash, a new account, a
//! pending sign-in) is done, and the limits the service is configured with.

use std::sync::Arc;

use orderflow_domain::identity::AttemptLimit;

use crate::ports::{AttemptId, AttemptKey, AttemptLedger, Clock, RepositoryError, Reservation};

/// Every limit on attempts, as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimits {
    /// Failed logins (and `auth/token/` requests) per account email.
    pub login_per_email: AttemptLimit,
    /// Failed logins per client address.
    pub login_per_address: AttemptLimit,
    /// Registrations per client address.
    pub registration_per_address: AttemptLimit,
    /// OpenID Connect sign-ins started per client address.
    pub oidc_start_per_address: AttemptLimit,
    /// Wrong old passwords per account.
    pub password_change_per_account: AttemptLimit,
    /// Wrong old passwords per client address.
    pub password_change_per_address: AttemptLimit,
}

impl Default for AttemptLimits {
    /// Generous enough for many customers behind one carrier-grade NAT, tight enough against guessing.
    fn default() -> Self {
        let limit = |max_attempts, minutes| AttemptLimit {
            max_attempts,
            window: chrono::Duration::minutes(minutes),
        };
        Self {
            login_per_email: limit(10, 15),
            login_per_address: limit(50, 15),
            registration_per_address: limit(100, 60),
            oidc_start_per_address: limit(300, 15),
            password_change_per_account: limit(10, 15),
            password_change_per_address: limit(50, 15),
        }
    }
}

/// Too many attempts: the client may try again after this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many attempts; retry after {retry_after_seconds} s")]
pub struct Throttled {
    pub retry_after_seconds: i64,
}

/// Counts attempts against their limits in the shared ledger, as the use cases that limit attempts hold it.
#[derive(Clone)]
pub struct AttemptCounter {
    ledger: Arc<dyn AttemptLedger>,
    clock: Arc<dyn Clock>,
    limits: AttemptLimits,
}

impl AttemptCounter {
    pub fn new(
        ledger: Arc<dyn AttemptLedger>,
        clock: Arc<dyn Clock>,
        limits: AttemptLimits,
    ) -> Self {
        Self {
            ledger,
            clock,
            limits,
        }
    }

    pub(crate) fn limits(&self) -> &AttemptLimits {
        &self.limits
    }

    /// Records an attempt now against every key of `keys`, or says how long to wait when one is at its limit.
    /// With no keys (no client address, no account) there is nothing to count and nothing is recorded.
    pub(crate) fn reserve(
        &self,
        keys: &[(AttemptKey, AttemptLimit)],
    ) -> Result<Result<Option<AttemptId>, Throttled>, RepositoryError> {
        if keys.is_empty() {
            return Ok(Ok(None));
        }
        Ok(match self.ledger.reserve(keys, self.clock.now())? {
            Reservation::Granted(attempt) => Ok(Some(attempt)),
            Reservation::Refused {
                retry_after_seconds,
            } => Err(Throttled {
                retry_after_seconds,
            }),
        })
    }

    /// Takes back an attempt that succeeded (only failures count).
    pub(crate) fn release(&self, attempt: Option<AttemptId>) -> Result<(), RepositoryError> {
        match attempt {
            Some(attempt) => self.ledger.release(attempt),
            None => Ok(()),
        }
    }

    /// Forgets every attempt recorded against `key`.
    pub(crate) fn clear(&self, key: &AttemptKey) -> Result<(), RepositoryError> {
        self.ledger.clear(key)
    }
}
