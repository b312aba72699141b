use rust_decimal::{Decimal, RoundingStrategy};

/// An amount as customers read it: `Ksh 1,234.50` (two decimals, thousands separated by commas). Half cents
/// round away from zero.
///
/// ```
/// use orderflow_domain::notifications::format_amount;
/// use rust_decimal::Decimal;
///
/// assert_eq!(format_amount(Decimal::new(123_456_789, 2)), "Ksh 1,234,567.89");
/// assert_eq!(format_amount(Decimal::new(199, 1)), "Ksh 19.90");
/// assert_eq!(format_amount(Decimal::new(2_005, 3)), "Ksh 2.01");
/// assert_eq!(format_amount(Decimal::ZERO), "Ksh 0.00");
/// ```
pub fn format_amount(amount: Decimal) -> String {
    let rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let text = format!("{:.2}", rounded.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    format!("Ksh {sign}{grouped}.{cents}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn ksh(raw: &str) -> String {
        format_amount(Decimal::from_str(raw).unwrap())
    }

    #[test]
    fn two_decimals_and_thousands_separators() {
        assert_eq!(ksh("0"), "Ksh 0.00");
        assert_eq!(ksh("19.9"), "Ksh 19.90");
        assert_eq!(ksh("999.99"), "Ksh 999.99");
        assert_eq!(ksh("1000"), "Ksh 1,000.00");
        assert_eq!(ksh("1234.5"), "Ksh 1,234.50");
        assert_eq!(ksh("1234567.891"), "Ksh 1,234,567.89");
        assert_eq!(ksh("100000"), "Ksh 100,000.00");
    }

    #[test]
    fn rounds_half_cents_away_from_zero() {
        assert_eq!(ksh("2.005"), "Ksh 2.01");
        assert_eq!(ksh("-1500.5"), "Ksh -1,500.50");
    }
}
