//! Email addresses: the sign-in identity. Stored as given, compared case-insensitively.

use std::fmt;

/// A syntactically valid email address, kept exactly as the person typed it (trimmed).
///
/// Two addresses that differ only in letter case name the same account: [`EmailAddress::normalized`] is the form
/// used for uniqueness and look-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

/// Why a text is not an email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmailError {
    /// Not shaped `local@domain.tld`, or holds a character no address may hold.
    #[error("not an email address")]
    Invalid,
    /// Over 254 characters.
    #[error("email address longer than 254 characters")]
    TooLong,
}

const MAX_LENGTH: usize = crate::text::limits::EMAIL;
const MAX_LOCAL_PART: usize = 64;

impl EmailAddress {
    /// The address trimmed, or why it is refused. The check is on the text only: nothing is sent to it.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let address = raw.trim();
        if address.chars().count() > MAX_LENGTH {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = address.rsplit_once('@').ok_or(EmailError::Invalid)?;
        if !is_valid_local_part(local) || !is_valid_domain(domain) {
            return Err(EmailError::Invalid);
        }
        Ok(Self(address.to_owned()))
    }

    /// The address as typed (trimmed), to show and to send to.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The comparison form: lower-cased, so `ALICE@x.com` and `alice@x.com` are one account.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }

    /// True when both name the same account.
    pub fn same_account_as(&self, other: &EmailAddress) -> bool {
        self.normalized() == other.normalized()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_valid_local_part(local: &str) -> bool {
    const SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";
    !local.is_empty()
        && local.len() <= MAX_LOCAL_PART
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || SPECIALS.contains(c))
}

fn is_valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().any(|c| !c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_address_as_given_but_trimmed() {
        let email = EmailAddress::parse("  Alice.Smith@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Alice.Smith@Example.COM");
    }

    #[test]
    fn normalizes_by_lower_casing_the_whole_address() {
        let email = EmailAddress::parse("ALICE@X.com").unwrap();
        assert_eq!(email.normalized(), "alice@x.com");
        let lower = EmailAddress::parse("alice@x.com").unwrap();
        assert!(email.same_account_as(&lower));
        let other = EmailAddress::parse("alice2@x.com").unwrap();
        assert!(!email.same_account_as(&other));
    }

    #[test]
    fn accepts_common_shapes() {
        for ok in [
            "a@b.co",
            "first.last+tag@sub.example.org",
            "o'brien@example.ie",
            "x_y-z@a-b.example",
        ] {
            assert!(EmailAddress::parse(ok).is_ok(), "{ok} should be valid");
        }
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "alice@",
            "alice@localhost",
            "alice@exa mple.com",
            "al ice@example.com",
            ".alice@example.com",
            "alice.@example.com",
            "al..ice@example.com",
            "alice@-example.com",
            "alice@example..com",
            "alice@example.123",
            "alice@@example.com",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(EmailError::Invalid),
                "{bad:?} should be invalid"
            );
        }
    }

    #[test]
    fn rejects_overlong_addresses() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }
}
