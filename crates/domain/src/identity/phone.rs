//! Phone numbers in E.164 form (`+` and 8 to 15 digits), as SMS providers require.

use std::fmt;

/// A phone number in E.164 form (`+254712345678`): `+` and 8 to 15 digits, the first not 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

/// Why a text is not an E.164 phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneNumberError {
    /// Not `+` and 8 to 15 digits once spaces, dashes, dots and brackets are removed.
    #[error("not an E.164 phone number")]
    NotE164,
}

impl PhoneNumber {
    /// Accepts `+` followed by 8 to 15 digits; spaces, dashes and brackets people type are removed first.
    pub fn parse(raw: &str) -> Result<Self, PhoneNumberError> {
        let compact: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
            .collect();
        let digits = compact.strip_prefix('+').ok_or(PhoneNumberError::NotE164)?;
        let valid = (8..=15).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
            && !digits.starts_with('0');
        if valid {
            Ok(Self(compact))
        } else {
            Err(PhoneNumberError::NotE164)
        }
    }

    /// The compact form, e.g. `+254712345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_e164_and_strips_formatting() {
        assert_eq!(
            PhoneNumber::parse("+254712345678").unwrap().as_str(),
            "+254712345678"
        );
        assert_eq!(
            PhoneNumber::parse(" +254 (712) 345-678 ").unwrap().as_str(),
            "+254712345678"
        );
    }

    #[test]
    fn rejects_local_and_malformed_numbers() {
        for bad in [
            "0712345678",
            "254712345678",
            "+",
            "+12345",
            "+2547123456789012",
            "+25471234567a",
            "+0712345678",
            "",
        ] {
            assert_eq!(
                PhoneNumber::parse(bad),
                Err(PhoneNumberError::NotE164),
                "{bad:?}"
            );
        }
    }
}
