//! Average, lowest and highest price of a set of products, in exact decimals.

use rust_decimal::{Decimal, RoundingStrategy};

use super::Price;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceStats {
    pub count: u64,
    /// `None` when there are no prices.
    pub average: Option<Decimal>,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
}

impl PriceStats {
    pub const EMPTY: PriceStats = PriceStats {
        count: 0,
        average: None,
        min: None,
        max: None,
    };

    /// The statistics of `prices`; the average is the exact mean rounded half-to-even to the cent.
    pub fn of(prices: &[Price]) -> Self {
        let Some(first) = prices.first() else {
            return Self::EMPTY;
        };
        let mut sum = Decimal::ZERO;
        let (mut min, mut max) = (first.amount(), first.amount());
        for price in prices {
            sum += price.amount();
            min = min.min(price.amount());
            max = max.max(price.amount());
        }
        let count = prices.len() as u64;
        Self {
            count,
            average: Some(Self::round(sum / Decimal::from(count))),
            min: Some(min),
            max: Some(max),
        }
    }

    /// Money is shown with two decimals, rounded half to even (as the old system's Decimal quantize).
    pub fn round(value: Decimal) -> Decimal {
        value.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn prices(values: &[&str]) -> Vec<Price> {
        values.iter().map(|v| Price::parse(v).unwrap()).collect()
    }

    #[test]
    fn empty_set_has_no_prices() {
        assert_eq!(PriceStats::of(&[]), PriceStats::EMPTY);
    }

    #[test]
    fn mean_min_and_max_are_exact() {
        let stats = PriceStats::of(&prices(&[
            "19.99", "2499.99", "999.99", "1299.99", "499.99",
        ]));
        assert_eq!(stats.count, 5);
        assert_eq!(stats.average, Some(Decimal::from_str("1063.99").unwrap()));
        assert_eq!(stats.min, Some(Decimal::from_str("19.99").unwrap()));
        assert_eq!(stats.max, Some(Decimal::from_str("2499.99").unwrap()));
    }

    #[test]
    fn a_float_would_get_this_wrong() {
        // 0.10 + 0.20 + 0.30 = 0.60 exactly; mean 0.20.
        let stats = PriceStats::of(&prices(&["0.10", "0.20", "0.30"]));
        assert_eq!(stats.average, Some(Decimal::from_str("0.20").unwrap()));
    }

    #[test]
    fn the_mean_is_rounded_half_to_even_at_the_cent() {
        // (1.00 + 1.01 + 1.02 + 1.02) / 4 = 1.0125 -> 1.01; (0.01 + 0.02) / 2 = 0.015 -> 0.02.
        assert_eq!(
            PriceStats::of(&prices(&["1.00", "1.01", "1.02", "1.02"])).average,
            Some(Decimal::from_str("1.01").unwrap())
        );
        assert_eq!(
            PriceStats::of(&prices(&["0.01", "0.02"])).average,
            Some(Decimal::from_str("0.02").unwrap())
        );
        assert_eq!(
            PriceStats::of(&prices(&["0.01", "0.04"])).average,
            Some(Decimal::from_str("0.02").unwrap())
        );
    }
}
