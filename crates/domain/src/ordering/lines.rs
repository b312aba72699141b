//! The lines of an order as requested, and as priced at placement.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::catalogue::{Price, ProductId, Sku};

/// The most different products one order holds.
pub const MAX_LINES: usize = 100;
/// The most units of one product one order holds.
pub const MAX_QUANTITY: i64 = 10_000;

/// A line as the customer asked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RequestedLine {
    /// The product asked for.
    pub product_id: ProductId,
    /// Units asked for: 1 to [`MAX_QUANTITY`].
    pub quantity: i64,
}

/// A line with the product's name, SKU and price as they were when the order was placed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OrderLine {
    /// The product ordered.
    pub product_id: ProductId,
    /// The product's name at placement.
    pub product_name: String,
    /// The product's SKU at placement.
    pub product_sku: Sku,
    /// Units ordered.
    pub quantity: i64,
    /// The product's price at placement.
    pub unit_price: Price,
}

impl OrderLine {
    /// Unit price times quantity, exact.
    pub fn subtotal(&self) -> Decimal {
        self.unit_price.amount() * Decimal::from(self.quantity)
    }

    /// The exact sum of the lines' subtotals.
    pub fn total(lines: &[OrderLine]) -> Decimal {
        lines.iter().map(OrderLine::subtotal).sum()
    }
}

/// What is wrong with the requested lines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LineError {
    /// No line at all.
    #[error("no lines")]
    NoLines,
    /// More than [`MAX_LINES`] products once merged.
    #[error("more than {MAX_LINES} products")]
    TooManyLines,
    /// The quantity of the line at this index (as sent) is out of range.
    #[error("quantity of line {0} outside 1..={MAX_QUANTITY}")]
    Quantity(usize),
}

/// Checks the requested lines and merges the same product asked for twice into one line (first position kept).
/// Every bad quantity is reported, by the index of its line.
pub fn merge_lines(requested: &[RequestedLine]) -> Result<Vec<RequestedLine>, Vec<LineError>> {
    if requested.is_empty() {
        return Err(vec![LineError::NoLines]);
    }
    let mut errors: Vec<LineError> = requested
        .iter()
        .enumerate()
        .filter(|(_, line)| !(1..=MAX_QUANTITY).contains(&line.quantity))
        .map(|(index, _)| LineError::Quantity(index))
        .collect();
    let mut merged: Vec<RequestedLine> = Vec::new();
    let mut first_index: BTreeMap<ProductId, (usize, usize)> = BTreeMap::new();
    for (index, line) in requested.iter().enumerate() {
        match first_index.get(&line.product_id) {
            Some(&(position, first)) => {
                merged[position].quantity += line.quantity;
                if merged[position].quantity > MAX_QUANTITY
                    && !errors.contains(&LineError::Quantity(first))
                {
                    errors.push(LineError::Quantity(first));
                }
            }
            None => {
                first_index.insert(line.product_id, (merged.len(), index));
                merged.push(*line);
            }
        }
    }
    if merged.len() > MAX_LINES {
        errors.push(LineError::TooManyLines);
    }
    if errors.is_empty() {
        Ok(merged)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn line(product: u128, quantity: i64) -> RequestedLine {
        RequestedLine {
            product_id: ProductId(Uuid::from_u128(product)),
            quantity,
        }
    }

    #[test]
    fn the_same_product_twice_is_one_line() {
        let merged = merge_lines(&[line(1, 2), line(2, 1), line(1, 3)]).unwrap();
        assert_eq!(merged, vec![line(1, 5), line(2, 1)]);
    }

    #[test]
    fn quantities_must_be_between_1_and_10000() {
        assert_eq!(
            merge_lines(&[line(1, 0), line(2, 10_000), line(3, 10_001)]),
            Err(vec![LineError::Quantity(0), LineError::Quantity(2)])
        );
        assert_eq!(
            merge_lines(&[line(1, 6_000), line(1, 5_000)]),
            Err(vec![LineError::Quantity(0)])
        );
        assert_eq!(
            merge_lines(&[line(1, -1)]),
            Err(vec![LineError::Quantity(0)])
        );
    }

    #[test]
    fn one_to_a_hundred_lines() {
        assert_eq!(merge_lines(&[]), Err(vec![LineError::NoLines]));
        let hundred: Vec<_> = (0..100).map(|n| line(n, 1)).collect();
        assert!(merge_lines(&hundred).is_ok());
        let too_many: Vec<_> = (0..101).map(|n| line(n, 1)).collect();
        assert_eq!(merge_lines(&too_many), Err(vec![LineError::TooManyLines]));
        // 101 entries of 100 products are fine once merged.
        let mut repeated = hundred.clone();
        repeated.push(line(0, 1));
        assert!(merge_lines(&repeated).is_ok());
    }

    #[test]
    fn totals_are_exact() {
        let priced = |price: &str, quantity| OrderLine {
            product_id: ProductId(Uuid::nil()),
            product_name: "x".into(),
            product_sku: Sku::parse("X").unwrap(),
            quantity,
            unit_price: Price::parse(price).unwrap(),
        };
        let lines = [priced("999.99", 2), priced("19.99", 1), priced("0.10", 3)];
        assert_eq!(lines[0].subtotal(), Decimal::new(199_998, 2));
        assert_eq!(OrderLine::total(&lines), Decimal::new(202_027, 2));
    }
}
