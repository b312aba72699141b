use std::time::Duration;

/// How failed deliveries are retried: exponential backoff with jitter, up to a number of attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The wait after the first failure, before jitter.
    pub base_delay: Duration,
    /// No wait is longer than this.
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// The wait before the next attempt after attempt number `attempt` (1 for the first) failed, or `None` when
    /// that was the last. `jitter` in [0, 1) picks a point in the upper half of the backoff ("equal jitter"), so
    /// messages that failed together do not all come back at the same instant.
    pub fn after_failure(&self, attempt: u32, jitter: f64) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let doublings = attempt.saturating_sub(1).min(30);
        let backoff = self
            .base_delay
            .saturating_mul(1_u32 << doublings)
            .min(self.max_delay);
        let jitter = jitter.clamp(0.0, 1.0);
        Some(backoff.mul_f64(0.5 + 0.5 * jitter))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        max_attempts: 5,
        base_delay: Duration::from_secs(30),
        max_delay: Duration::from_secs(300),
    };

    #[test]
    fn waits_double_after_each_failure_up_to_the_cap() {
        let waits: Vec<_> = (1..5)
            .map(|attempt| POLICY.after_failure(attempt, 1.0).unwrap().as_secs())
            .collect();
        assert_eq!(waits, [30, 60, 120, 240]);
        let long = RetryPolicy {
            max_attempts: 40,
            ..POLICY
        };
        assert_eq!(long.after_failure(10, 1.0), Some(Duration::from_secs(300)));
        assert_eq!(long.after_failure(39, 1.0), Some(Duration::from_secs(300)));
    }

    #[test]
    fn jitter_keeps_the_wait_in_the_upper_half() {
        assert_eq!(POLICY.after_failure(2, 0.0), Some(Duration::from_secs(30)));
        assert_eq!(POLICY.after_failure(2, 0.5), Some(Duration::from_secs(45)));
        let wait = POLICY.after_failure(3, 0.999).unwrap();
        assert!(wait > Duration::from_secs(119) && wait <= Duration::from_secs(120));
    }

    #[test]
    fn the_last_attempt_has_no_retry() {
        assert!(POLICY.after_failure(4, 0.3).is_some());
        assert_eq!(POLICY.after_failure(5, 0.3), None);
        assert_eq!(POLICY.after_failure(6, 0.3), None);
        let once = RetryPolicy {
            max_attempts: 1,
            ..POLICY
        };
        assert_eq!(once.after_failure(1, 0.3), None);
    }
}
