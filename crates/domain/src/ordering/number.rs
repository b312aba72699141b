//! Order numbers: `ORD-YYYYMMDD-NNNN`, the UTC date and that day's counter.

use std::fmt;

use chrono::NaiveDate;

/// The number people quote for an order: `ORD-`, the UTC day it was placed (`YYYYMMDD`), `-`, and that day's
/// counter, zero-padded to four digits.
///
/// ```
/// use chrono::NaiveDate;
/// use orderflow_domain::ordering::OrderNumber;
///
/// let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
/// assert_eq!(OrderNumber::new(day, 7).as_str(), "ORD-20261124-0007");
/// // Past 9,999 orders in a day the counter grows a digit rather than wrap.
/// assert_eq!(OrderNumber::new(day, 10_000).as_str(), "ORD-20261124-10000");
/// assert_eq!(OrderNumber::prefix(day), "ORD-20261124-");
///
/// assert!(OrderNumber::parse("ORD-20261124-0007").is_some());
/// assert!(OrderNumber::parse("ORD-20261324-0007").is_none(), "no 13th month");
/// assert!(OrderNumber::parse("ORD-20261124-07").is_none(), "four digits at least");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderNumber(String);

impl OrderNumber {
    /// The fewest digits the day's counter is written with (zero-padded).
    pub const COUNTER_DIGITS: usize = 4;

    /// The `counter`-th order of `day` (from 1). Past 9999 the counter simply grows a digit: numbers never collide.
    pub fn new(day: NaiveDate, counter: u32) -> Self {
        Self(format!(
            "{}{counter:0width$}",
            Self::prefix(day),
            width = Self::COUNTER_DIGITS
        ))
    }

    /// What every number of `day` starts with, before the counter.
    pub fn prefix(day: NaiveDate) -> String {
        format!("ORD-{}-", day.format("%Y%m%d"))
    }

    /// The number of an order of `day` that is not written yet (counter 0, which no written order has: a day's
    /// counter starts at 1). The store numbers the order as it writes it.
    pub fn draft(day: NaiveDate) -> Self {
        Self::new(day, 0)
    }

    /// A number read back, if well formed: `ORD-`, a real date, `-` and at least four digits.
    pub fn parse(raw: &str) -> Option<Self> {
        let rest = raw.strip_prefix("ORD-")?;
        let (date, counter) = rest.split_once('-')?;
        let valid = date.len() == 8
            && NaiveDate::parse_from_str(date, "%Y%m%d").is_ok()
            && counter.len() >= 4
            && counter.chars().all(|c| c.is_ascii_digit());
        valid.then(|| Self(raw.to_owned()))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrderNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_day_and_a_four_digit_counter() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(OrderNumber::new(day, 1).as_str(), "ORD-20261124-0001");
        assert_eq!(OrderNumber::new(day, 9999).as_str(), "ORD-20261124-9999");
        assert_eq!(OrderNumber::new(day, 10000).as_str(), "ORD-20261124-10000");
    }

    #[test]
    fn parses_only_well_formed_numbers() {
        assert!(OrderNumber::parse("ORD-20261124-0001").is_some());
        for bad in [
            "ORD-2026112-0001",
            "ORD-20261324-0001",
            "ORD-20261124-01",
            "XYZ-20261124-0001",
            "ORD-20261124-00a1",
        ] {
            assert!(OrderNumber::parse(bad).is_none(), "{bad}");
        }
    }
}
