//! Text that people send: trimmed, bounded in characters, free of control characters.
//!
//! Two kinds. A *line* (a name, a SKU, a city, a payment reference) holds no control character at all. *Free text*
//! (a description, an address, a note) may also hold tabs and line breaks. Everything else in Unicode's control
//! category is refused: NUL in particular, which Postgres refuses in text (a client's stray `\u0000` would
//! otherwise end as a server error), and the terminal escapes that make logs and admin screens lie.

/// Why a text value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TextError {
    /// Empty once trimmed, where a value is required.
    #[error("blank")]
    Blank,
    /// More characters than the limit (given).
    #[error("longer than {0} characters")]
    TooLong(usize),
    /// A line holds a control character.
    #[error("control character in a line")]
    ControlInLine,
    /// Free text holds a control character other than tab, line feed and carriage return.
    #[error("control character other than tab or line break")]
    ControlInText,
}

/// Whether `c` may appear in free text: anything but a control character, except tab, line feed and carriage return
/// (browsers send a textarea's line breaks as CR LF).
pub fn allowed_in_free_text(c: char) -> bool {
    !c.is_control() || matches!(c, '\t' | '\n' | '\r')
}

/// A single line of at most `max` characters, trimmed; may be empty.
pub fn line(raw: &str, max: usize) -> Result<String, TextError> {
    let text = raw.trim();
    if text.chars().any(char::is_control) {
        return Err(TextError::ControlInLine);
    }
    within(text, max)
}

/// A single line of at most `max` characters, trimmed, that may not be blank.
pub fn required_line(raw: &str, max: usize) -> Result<String, TextError> {
    let text = line(raw, max)?;
    if text.is_empty() {
        Err(TextError::Blank)
    } else {
        Ok(text)
    }
}

/// Free text of at most `max` characters, trimmed; tabs and line breaks allowed; may be empty.
pub fn free_text(raw: &str, max: usize) -> Result<String, TextError> {
    let text = raw.trim();
    if !text.chars().all(allowed_in_free_text) {
        return Err(TextError::ControlInText);
    }
    within(text, max)
}

fn within(text: &str, max: usize) -> Result<String, TextError> {
    // Counting stops one past the limit: the caller's input may be large, the answer needs only that much.
    if text.chars().nth(max).is_some() {
        Err(TextError::TooLong(max))
    } else {
        Ok(text.to_owned())
    }
}

/// The longest value of each text field, in characters. The README's "Limits" table lists them.
pub mod limits {
    /// Customers' first and last names.
    pub const PERSON_NAME: usize = 150;
    /// Email addresses (RFC 5321's path limit).
    pub const EMAIL: usize = 254;
    /// Passwords: long passphrases are welcome, megabytes to hash are not.
    pub const PASSWORD: usize = 128;
    /// A customer's postal address.
    pub const ADDRESS: usize = 500;
    /// A customer's city.
    pub const CITY: usize = 100;
    /// A customer's state or county.
    pub const STATE: usize = 100;
    /// A customer's country.
    pub const COUNTRY: usize = 100;
    /// A customer's postal code.
    pub const POSTAL_CODE: usize = 20;
    /// Category names.
    pub const CATEGORY_NAME: usize = 100;
    /// Category descriptions.
    pub const CATEGORY_DESCRIPTION: usize = 2_000;
    /// Product names.
    pub const PRODUCT_NAME: usize = 200;
    /// Product descriptions.
    pub const PRODUCT_DESCRIPTION: usize = 10_000;
    /// An order's shipping and billing addresses.
    pub const ORDER_ADDRESS: usize = 1_000;
    /// The notes a customer writes on an order.
    pub const ORDER_NOTES: usize = 2_000;
    /// The note staff write with a status change.
    pub const STATUS_NOTE: usize = 1_000;
    /// How an order was paid, as staff record it.
    pub const PAYMENT_METHOD: usize = 50;
    /// A payment's reference, as staff record it.
    pub const PAYMENT_REFERENCE: usize = 100;
    /// An admin's system alert.
    pub const ALERT_MESSAGE: usize = 1_000;
    /// The type of an admin's system alert.
    pub const ALERT_TYPE: usize = 50;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_bounded_in_characters_and_may_be_empty() {
        assert_eq!(line("  Nairobi ", 10), Ok("Nairobi".into()));
        assert_eq!(line("", 5), Ok(String::new()));
        assert_eq!(
            line("ñañaña", 6),
            Ok("ñañaña".into()),
            "characters, not bytes"
        );
        assert_eq!(line("abc", 2), Err(TextError::TooLong(2)));
        assert_eq!(required_line("   ", 5), Err(TextError::Blank));
    }

    #[test]
    fn lines_refuse_every_control_character() {
        for bad in [
            "a\0b",
            "a\tb",
            "a\nb",
            "a\rb",
            "a\u{1b}[31mb",
            "a\u{7f}",
            "a\u{85}b",
        ] {
            assert_eq!(line(bad, 100), Err(TextError::ControlInLine), "{bad:?}");
        }
    }

    #[test]
    fn free_text_keeps_tabs_and_line_breaks_only() {
        assert_eq!(
            free_text("Gate 4\r\nHouse 12\tleft", 100),
            Ok("Gate 4\r\nHouse 12\tleft".into())
        );
        for bad in ["a\0b", "a\u{8}b", "a\u{1b}b", "a\u{7f}"] {
            assert_eq!(
                free_text(bad, 100),
                Err(TextError::ControlInText),
                "{bad:?}"
            );
        }
        assert_eq!(free_text(&"x".repeat(11), 10), Err(TextError::TooLong(10)));
    }

    #[test]
    fn trimming_comes_before_the_checks() {
        // Surrounding whitespace (a trailing newline from a form) is not part of the value.
        assert_eq!(line("Mombasa\n", 10), Ok("Mombasa".into()));
    }
}
