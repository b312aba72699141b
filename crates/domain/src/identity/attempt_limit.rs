//! Limits on attempts: after too many in a sliding window (failed sign-ins for an email or from an address,
//! registrations from an address, guesses at an account's password...), refuse further ones for a while.

use chrono::{DateTime, Duration, Utc};

/// At most `max_attempts` attempts per key (an email, a client address, an account) within `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimit {
    /// Attempts allowed within the window; 0 sets no limit.
    pub max_attempts: u32,
    /// How far back attempts count.
    pub window: Duration,
}

/// Whether one more attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitDecision {
    /// Go ahead.
    Allow,
    /// Refuse; the client may try again after this many seconds (at least 1).
    Deny {
        /// Seconds until an attempt is allowed again.
        retry_after_seconds: i64,
    },
}

impl Default for AttemptLimit {
    /// Ten failed logins per email in fifteen minutes.
    fn default() -> Self {
        Self {
            max_attempts: 10,
            window: Duration::minutes(15),
        }
    }
}

impl AttemptLimit {
    /// The start of the window that counts at `now`.
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    /// Decides from the attempts recorded for one key inside the window (any order).
    ///
    /// Once `max_attempts` are in the window, attempts are refused until the oldest of the most recent
    /// `max_attempts` leaves it.
    pub fn decide(
        &self,
        attempts_in_window: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> LimitDecision {
        let start = self.window_start(now);
        let mut recent: Vec<DateTime<Utc>> = attempts_in_window
            .iter()
            .copied()
            .filter(|t| *t > start)
            .collect();
        let limit = self.max_attempts as usize;
        if recent.len() < limit || limit == 0 {
            return LimitDecision::Allow;
        }
        recent.sort_unstable();
        // The attempt is allowed again when fewer than `limit` failures remain in the window, i.e. when the
        // `limit`-th newest failure drops out of it.
        let pivot = recent[recent.len() - limit];
        let reopens_at = pivot + self.window;
        let seconds = (reopens_at - now).num_milliseconds().div_euclid(1000) + 1;
        LimitDecision::Deny {
            retry_after_seconds: seconds.max(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap() + Duration::minutes(minute)
    }

    #[test]
    fn allows_below_the_limit() {
        let throttle = AttemptLimit::default();
        let failures: Vec<_> = (0..9).map(at).collect();
        assert_eq!(throttle.decide(&failures, at(9)), LimitDecision::Allow);
    }

    #[test]
    fn denies_at_the_limit_until_the_oldest_failure_leaves_the_window() {
        let throttle = AttemptLimit::default();
        let failures: Vec<_> = (0..10).map(at).collect();
        // Oldest failure at minute 0 leaves the 15-minute window at minute 15.
        assert_eq!(
            throttle.decide(&failures, at(10)),
            LimitDecision::Deny {
                retry_after_seconds: 5 * 60 + 1
            }
        );
        assert_eq!(throttle.decide(&failures, at(15)), LimitDecision::Allow);
    }

    #[test]
    fn failures_outside_the_window_do_not_count() {
        let throttle = AttemptLimit::default();
        let mut failures: Vec<_> = (0..5).map(at).collect();
        failures.extend((20..25).map(at));
        assert_eq!(throttle.decide(&failures, at(26)), LimitDecision::Allow);
    }

    #[test]
    fn retry_after_is_never_zero() {
        let throttle = AttemptLimit {
            max_attempts: 1,
            window: Duration::seconds(10),
        };
        let now = at(0);
        let failures = [now - Duration::milliseconds(9_999)];
        assert_eq!(
            throttle.decide(&failures, now),
            LimitDecision::Deny {
                retry_after_seconds: 1
            }
        );
    }
}
