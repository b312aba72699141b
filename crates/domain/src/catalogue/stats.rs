//! Average, lowest and highest price of a set of products, in exact decimals.

use rust_decimal::{Decimal, RoundingStrategy};

use super::Price;

/// How many prices a set of products has, and their average, lowest and highest, in exact decimals.
///
/// A category's statistics cover its whole subtree: each category's [`PriceTotals`] combine exactly, and give the
/// statistics once at the end.
///
/// ```
/// use orderflow_domain::catalogue::{Price, PriceStats, PriceTotals};
/// use rust_decimal::Decimal;
///
/// let prices = |texts: &[&str]| -> Vec<Price> {
///     texts.iter().map(|text| Price::parse(text).unwrap()).collect()
/// };
/// // Tools holds two products, Rakes (below Tools) one.
/// let mut subtree = PriceTotals::of(&prices(&["0.10", "0.20"]));
/// subtree.combine(&PriceTotals::of(&prices(&["0.30"])));
///
/// let stats = subtree.stats();
/// assert_eq!(stats.count, 3);
/// // Exactly 0.20: a float would not say so.
/// assert_eq!(stats.average, Some(Decimal::new(20, 2)));
/// assert_eq!(stats.min, Some(Decimal::new(10, 2)));
/// assert_eq!(stats.max, Some(Decimal::new(30, 2)));
/// assert_eq!(stats, PriceStats::of(&prices(&["0.10", "0.20", "0.30"])));
///
/// // The mean is rounded half to even at the cent: 0.015 becomes 0.02, 1.0125 becomes 1.01.
/// assert_eq!(PriceStats::of(&prices(&["0.01", "0.02"])).average, Some(Decimal::new(2, 2)));
/// assert_eq!(PriceStats::of(&[]), PriceStats::EMPTY);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PriceStats {
    /// How many prices.
    pub count: u64,
    /// `None` when there are no prices.
    pub average: Option<Decimal>,
    /// The lowest price; `None` when there are no prices.
    pub min: Option<Decimal>,
    /// The highest price; `None` when there are no prices.
    pub max: Option<Decimal>,
}

impl PriceStats {
    /// The statistics of no prices at all.
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

/// The additive form of price statistics: totals of a set of prices, which combine exactly (the totals of a
/// subtree are the sum of its categories' totals) and give the statistics at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PriceTotals {
    /// How many prices.
    pub count: u64,
    /// Their exact sum.
    pub sum: Decimal,
    /// The lowest price; `None` when there are no prices.
    pub min: Option<Decimal>,
    /// The highest price; `None` when there are no prices.
    pub max: Option<Decimal>,
}

impl PriceTotals {
    /// The totals of `prices`.
    pub fn of(prices: &[Price]) -> Self {
        let mut totals = Self::default();
        for price in prices {
            totals.combine(&Self {
                count: 1,
                sum: price.amount(),
                min: Some(price.amount()),
                max: Some(price.amount()),
            });
        }
        totals
    }

    /// Adds `other`'s prices to these, as if both sets were one.
    pub fn combine(&mut self, other: &PriceTotals) {
        self.count += other.count;
        self.sum += other.sum;
        self.min = match (self.min, other.min) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max = match (self.max, other.max) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    /// The statistics of the prices totalled (the average rounded as in [`PriceStats::of`]).
    pub fn stats(&self) -> PriceStats {
        if self.count == 0 {
            return PriceStats::EMPTY;
        }
        PriceStats {
            count: self.count,
            average: Some(PriceStats::round(self.sum / Decimal::from(self.count))),
            min: self.min,
            max: self.max,
        }
    }
}

#[cfg(test)]
mod totals_tests {
    use super::*;

    fn prices(values: &[&str]) -> Vec<Price> {
        values.iter().map(|v| Price::parse(v).unwrap()).collect()
    }

    #[test]
    fn combined_totals_give_the_statistics_of_the_union() {
        let left = prices(&["0.10", "19.99"]);
        let right = prices(&["1234.56", "0.20"]);
        let mut totals = PriceTotals::of(&left);
        totals.combine(&PriceTotals::of(&right));
        let all: Vec<Price> = left.into_iter().chain(right).collect();
        assert_eq!(totals.stats(), PriceStats::of(&all));
        assert_eq!(totals, PriceTotals::of(&all));
    }

    #[test]
    fn empty_totals_are_neutral() {
        let mut totals = PriceTotals::default();
        totals.combine(&PriceTotals::default());
        assert_eq!(totals.stats(), PriceStats::EMPTY);
        let mut one = PriceTotals::of(&prices(&["5.00"]));
        one.combine(&PriceTotals::default());
        assert_eq!(one.stats().average, Some(Decimal::from(5)));
    }
}
