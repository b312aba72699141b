//! Password rules, the same on registration, password change and admin creation.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::EmailAddress;

/// Why a password was refused. The messages are the ones DRF clients of the old system already show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PasswordViolation {
    /// Fewer characters than the policy's minimum (given).
    #[error("password shorter than {0} characters")]
    TooShort(usize),
    /// More characters than the policy's maximum (given).
    #[error("password longer than {0} characters")]
    TooLong(usize),
    /// Among the 20,000 most common passwords, whatever the letter case.
    #[error("common password")]
    TooCommon,
    /// Digits only.
    #[error("numeric password")]
    EntirelyNumeric,
    /// The email address or its part before `@`, whatever the letter case.
    #[error("password similar to the email address")]
    SameAsEmail,
}

/// The password rules. Every violated rule is reported, not only the first.
#[derive(Debug, Clone, Copy)]
pub struct PasswordPolicy {
    /// The fewest characters (8 by default).
    pub min_length: usize,
    /// Bounds the work of hashing an attacker-supplied string.
    pub max_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            max_length: crate::text::limits::PASSWORD,
        }
    }
}

/// The 20,000 most common passwords (the list Django ships, from Royce Williams' breach compilation), lower-cased.
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt")
        .lines()
        .map(str::trim)
        .collect()
});

impl PasswordPolicy {
    /// Checks `password` against every rule, and against the account's `email` when given.
    pub fn check(
        &self,
        password: &str,
        email: Option<&EmailAddress>,
    ) -> Result<(), Vec<PasswordViolation>> {
        let mut violations = Vec::new();
        let length = password.chars().count();
        if length < self.min_length {
            violations.push(PasswordViolation::TooShort(self.min_length));
        }
        if length > self.max_length {
            violations.push(PasswordViolation::TooLong(self.max_length));
        }
        let lowered = password.trim().to_lowercase();
        if COMMON_PASSWORDS.contains(lowered.as_str()) {
            violations.push(PasswordViolation::TooCommon);
        }
        if !password.is_empty() && password.chars().all(|c| c.is_ascii_digit()) {
            violations.push(PasswordViolation::EntirelyNumeric);
        }
        if let Some(email) = email {
            let address = email.normalized();
            let local_part = address.split('@').next().unwrap_or_default();
            if lowered == address || lowered == local_part {
                violations.push(PasswordViolation::SameAsEmail);
            }
        }
        if violations.is_empty() {
            Ok(())
        } else {
            Err(violations)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(password: &str) -> Result<(), Vec<PasswordViolation>> {
        PasswordPolicy::default().check(password, None)
    }

    #[test]
    fn accepts_a_reasonable_password() {
        assert_eq!(check("correct horse battery"), Ok(()));
        assert_eq!(check("password1234!"), Ok(()));
    }

    #[test]
    fn too_short_below_eight_characters() {
        assert_eq!(check("Zq7#kp2"), Err(vec![PasswordViolation::TooShort(8)]));
        assert_eq!(check("Zq7#kp2x"), Ok(()));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert_eq!(check("ñandú€7"), Err(vec![PasswordViolation::TooShort(8)]));
    }

    #[test]
    fn too_long_above_the_limit() {
        assert_eq!(
            check(&"Zq7#".repeat(33)),
            Err(vec![PasswordViolation::TooLong(128)])
        );
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert_eq!(
            check("password123"),
            Err(vec![PasswordViolation::TooCommon])
        );
        assert_eq!(
            check("PassWord123"),
            Err(vec![PasswordViolation::TooCommon])
        );
        assert_eq!(check("admin123"), Err(vec![PasswordViolation::TooCommon]));
    }

    #[test]
    fn entirely_numeric_is_refused() {
        assert_eq!(
            check("80452916357"),
            Err(vec![PasswordViolation::EntirelyNumeric])
        );
    }

    #[test]
    fn reports_every_violated_rule() {
        assert_eq!(
            check("1234"),
            Err(vec![
                PasswordViolation::TooShort(8),
                PasswordViolation::TooCommon,
                PasswordViolation::EntirelyNumeric
            ])
        );
    }

    #[test]
    fn the_email_or_its_local_part_is_refused() {
        let email = EmailAddress::parse("Wanjiru.Kamau@example.com").unwrap();
        let policy = PasswordPolicy::default();
        assert_eq!(
            policy.check("wanjiru.kamau@EXAMPLE.com", Some(&email)),
            Err(vec![PasswordViolation::SameAsEmail])
        );
        assert_eq!(
            policy.check("WANJIRU.KAMAU", Some(&email)),
            Err(vec![PasswordViolation::SameAsEmail])
        );
        assert_eq!(policy.check("kamau-wanjiru-77", Some(&email)), Ok(()));
    }
}
