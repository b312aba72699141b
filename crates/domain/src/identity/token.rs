//! How long an API token lives.

use chrono::{DateTime, Duration, Utc};

/// Tokens expire so that a leaked key stops working on its own (default 30 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetime(Duration);

impl TokenLifetime {
    /// The default lifetime in hours: 30 days.
    pub const DEFAULT_HOURS: i64 = 720;

    /// Tokens that live `hours` hours from issue.
    pub fn hours(hours: i64) -> Self {
        Self(Duration::hours(hours))
    }

    /// How long a token lives.
    pub fn duration(&self) -> Duration {
        self.0
    }

    /// When a token issued at `issued_at` stops working.
    pub fn expiry_for(&self, issued_at: DateTime<Utc>) -> DateTime<Utc> {
        issued_at + self.0
    }

    /// A token is valid up to, but not at, its expiry instant.
    pub fn is_expired(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now >= expires_at
    }
}

impl Default for TokenLifetime {
    fn default() -> Self {
        Self::hours(Self::DEFAULT_HOURS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn default_is_thirty_days() {
        let issued = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        assert_eq!(
            TokenLifetime::default().expiry_for(issued),
            Utc.with_ymd_and_hms(2026, 1, 31, 12, 0, 0).unwrap()
        );
    }

    #[test]
    fn expires_exactly_at_the_expiry_instant() {
        let issued = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let expires = TokenLifetime::hours(2).expiry_for(issued);
        assert!(!TokenLifetime::is_expired(
            expires,
            expires - Duration::seconds(1)
        ));
        assert!(TokenLifetime::is_expired(expires, expires));
        assert!(TokenLifetime::is_expired(
            expires,
            expires + Duration::days(1)
        ));
    }
}
