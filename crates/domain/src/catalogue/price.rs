//! Prices: exact decimals, positive, two decimals at most, ten digits at most (`numeric(10, 2)`).

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// A product's unit price: an exact decimal, from 0.01 to 99,999,999.99, with at most two decimals. It displays
/// with exactly two decimals; [`format_amount`](crate::notifications::format_amount) writes amounts for customers.
///
/// ```
/// use orderflow_domain::catalogue::{Price, PriceError};
/// use orderflow_domain::notifications::format_amount;
///
/// let price = Price::parse("1234.5").unwrap();
/// assert_eq!(price.to_string(), "1234.50");
/// assert_eq!(format_amount(price.amount()), "Ksh 1,234.50");
///
/// assert_eq!(Price::parse("0"), Err(PriceError::NotPositive));
/// assert_eq!(Price::parse("1.005"), Err(PriceError::TooManyDecimals));
/// assert_eq!(Price::parse("100000000"), Err(PriceError::TooManyDigits));
/// assert_eq!(Price::parse("1e3"), Err(PriceError::NotANumber));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Price(Decimal);

/// Why an amount is not a price. The messages are the ones clients of the old system already show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PriceError {
    /// Not a plain decimal: no exponent, no separators, at most one point.
    #[error("not a plain decimal number")]
    NotANumber,
    /// Zero or below.
    #[error("not above zero")]
    NotPositive,
    /// More than two decimals (counted in the text, trailing zeros included).
    #[error("more than 2 decimal places")]
    TooManyDecimals,
    /// More than [`Price::max`]: over eight digits before the point.
    #[error("more than 10 digits")]
    TooManyDigits,
}

impl Price {
    /// 99,999,999.99: ten digits, two of them decimals.
    pub fn max() -> Decimal {
        Decimal::new(9_999_999_999, 2)
    }

    /// The price of an exact amount (trailing zeros dropped), or why it is not one.
    pub fn new(value: Decimal) -> Result<Self, PriceError> {
        let value = value.normalize();
        if value <= Decimal::ZERO {
            Err(PriceError::NotPositive)
        } else if value.scale() > 2 {
            Err(PriceError::TooManyDecimals)
        } else if value > Self::max() {
            Err(PriceError::TooManyDigits)
        } else {
            Ok(Self(value))
        }
    }

    /// Parses a decimal written as text (`"999.99"`), as clients send it; no float ever touches the value.
    ///
    /// Decimals and digits are counted in the text itself, before any parsing: a decimal type rounds what it
    /// cannot hold (29 decimals become 28), and `"1.500"` states a precision a price does not have.
    pub fn parse(text: &str) -> Result<Self, PriceError> {
        let text = text.trim();
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let all_digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction)
        {
            return Err(PriceError::NotANumber);
        }
        if fraction.len() > 2 {
            return Err(PriceError::TooManyDecimals);
        }
        if whole.trim_start_matches('0').len() > 8 {
            return Err(PriceError::TooManyDigits);
        }
        let value = Decimal::from_str(text).map_err(|_| PriceError::NotANumber)?;
        Self::new(value)
    }

    /// The exact amount.
    pub fn amount(&self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Price {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_positive_amounts_with_up_to_two_decimals() {
        assert_eq!(Price::parse("999.99").unwrap().to_string(), "999.99");
        assert_eq!(Price::parse("5").unwrap().to_string(), "5.00");
        assert_eq!(Price::parse("0.01").unwrap().amount(), Decimal::new(1, 2));
        assert_eq!(
            Price::parse("1.50").unwrap().to_string(),
            "1.50",
            "trailing zeros are not extra decimals"
        );
        assert_eq!(
            Price::parse("99999999.99").unwrap().to_string(),
            "99999999.99"
        );
    }

    #[test]
    fn refuses_zero_negative_and_over_precise_amounts() {
        assert_eq!(Price::parse("0"), Err(PriceError::NotPositive));
        assert_eq!(Price::parse("-3"), Err(PriceError::NotPositive));
        assert_eq!(Price::parse("1.005"), Err(PriceError::TooManyDecimals));
        assert_eq!(Price::parse("100000000.00"), Err(PriceError::TooManyDigits));
        assert_eq!(Price::parse("abc"), Err(PriceError::NotANumber));
        assert_eq!(Price::parse("1e3"), Err(PriceError::NotANumber));
        assert_eq!(Price::parse("1.2.3"), Err(PriceError::NotANumber));
        assert_eq!(Price::parse("."), Err(PriceError::NotANumber));
    }

    #[test]
    fn decimals_and_digits_are_counted_in_the_text_before_any_rounding() {
        assert_eq!(
            Price::parse("1.10000000000000000000000000001"),
            Err(PriceError::TooManyDecimals)
        );
        assert_eq!(Price::parse("1.500"), Err(PriceError::TooManyDecimals));
        assert_eq!(
            Price::parse(&format!("1{}", "0".repeat(40))),
            Err(PriceError::TooManyDigits)
        );
        assert_eq!(Price::parse("00000012.50").unwrap().to_string(), "12.50");
        assert_eq!(Price::parse(".5").unwrap().to_string(), "0.50");
    }

    #[test]
    fn arithmetic_is_exact() {
        let a = Price::parse("0.10").unwrap().amount();
        let b = Price::parse("0.20").unwrap().amount();
        assert_eq!(a + b, Decimal::from_str("0.30").unwrap());
    }
}
