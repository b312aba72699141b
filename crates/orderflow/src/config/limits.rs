//! Limits on attempts: failed logins (`LOGIN_*`, as before) and the `RATE_LIMIT_*` variables, each written as
//! `<count>/<window>` with the window in seconds, minutes, hours or days (`100/1h`, `300/15m`).

use chrono::Duration;
use orderflow_application::identity::AttemptLimits;
use orderflow_domain::identity::AttemptLimit;

use super::{ConfigError, Vars};

/// `<count>/<window>`: a positive count and a window of 1 second to 1 day.
fn parse_limit(raw: &str) -> Option<AttemptLimit> {
    let (count, window) = raw.split_once('/')?;
    let max_attempts: u32 = count.trim().parse().ok().filter(|n| *n >= 1)?;
    let window = window.trim();
    let (number, unit) = window.split_at(window.find(|c: char| !c.is_ascii_digit())?);
    let number: i64 = number.parse().ok().filter(|n| *n >= 1)?;
    let window = match unit {
        "s" => Duration::seconds(number),
        "m" => Duration::minutes(number),
        "h" => Duration::hours(number),
        "d" => Duration::days(number),
        _ => return None,
    };
    (window <= Duration::days(1)).then_some(AttemptLimit {
        max_attempts,
        window,
    })
}

impl Vars<'_> {
    fn limit(
        &self,
        name: &'static str,
        default: AttemptLimit,
    ) -> Result<AttemptLimit, ConfigError> {
        let Some(raw) = self.get(name) else {
            return Ok(default);
        };
        parse_limit(&raw).ok_or_else(|| ConfigError {
            variable: name,
            value: raw,
            problem: "expected <count>/<window> such as 100/1h or 300/15m (window up to 1d)".into(),
        })
    }

    pub(super) fn attempt_limits(&self) -> Result<AttemptLimits, ConfigError> {
        let defaults = AttemptLimits::default();
        let login_failures: u32 = self.parsed(
            "LOGIN_MAX_FAILURES",
            defaults.login_per_email.max_attempts,
            "a whole number",
            |n| *n >= 1,
        )?;
        let address_failures: u32 = self.parsed(
            "LOGIN_MAX_FAILURES_PER_ADDRESS",
            defaults.login_per_address.max_attempts,
            "a whole number",
            |n| *n >= 1,
        )?;
        let window = Duration::minutes(self.parsed(
            "LOGIN_WINDOW_MINUTES",
            defaults.login_per_email.window.num_minutes(),
            "a number of minutes (1-1440)",
            |n| (1..=1440).contains(n),
        )?);
        Ok(AttemptLimits {
            login_per_email: AttemptLimit {
                max_attempts: login_failures,
                window,
            },
            login_per_address: AttemptLimit {
                max_attempts: address_failures,
                window,
            },
            registration_per_address: self.limit(
                "RATE_LIMIT_REGISTRATION_PER_ADDRESS",
                defaults.registration_per_address,
            )?,
            oidc_start_per_address: self.limit(
                "RATE_LIMIT_OIDC_START_PER_ADDRESS",
                defaults.oidc_start_per_address,
            )?,
            password_change_per_account: self.limit(
                "RATE_LIMIT_PASSWORD_CHANGE_PER_ACCOUNT",
                defaults.password_change_per_account,
            )?,
            password_change_per_address: self.limit(
                "RATE_LIMIT_PASSWORD_CHANGE_PER_ADDRESS",
                defaults.password_change_per_address,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::config;
    use super::*;

    #[test]
    fn limits_are_a_count_over_a_window() {
        assert_eq!(
            parse_limit("100/1h"),
            Some(AttemptLimit {
                max_attempts: 100,
                window: Duration::hours(1)
            })
        );
        assert_eq!(
            parse_limit(" 5 / 30s "),
            Some(AttemptLimit {
                max_attempts: 5,
                window: Duration::seconds(30)
            })
        );
        for bad in [
            "100", "0/1h", "10/0m", "10/1w", "10/2d", "ten/1h", "10/h", "-1/1h",
        ] {
            assert_eq!(parse_limit(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_limits_default_generously_and_are_read() {
        assert_eq!(
            config(&[]).unwrap().attempt_limits,
            AttemptLimits::default()
        );
        let limits = config(&[
            ("LOGIN_MAX_FAILURES", "3"),
            ("LOGIN_WINDOW_MINUTES", "5"),
            ("RATE_LIMIT_REGISTRATION_PER_ADDRESS", "20/1d"),
        ])
        .unwrap()
        .attempt_limits;
        assert_eq!(
            limits.login_per_email,
            AttemptLimit {
                max_attempts: 3,
                window: Duration::minutes(5)
            }
        );
        assert_eq!(limits.login_per_address.window, Duration::minutes(5));
        assert_eq!(limits.registration_per_address.max_attempts, 20);
        let error = config(&[("RATE_LIMIT_OIDC_START_PER_ADDRESS", "lots")]).unwrap_err();
        assert_eq!(error.variable, "RATE_LIMIT_OIDC_START_PER_ADDRESS");
    }
}
