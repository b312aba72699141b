//! Money on the wire: a decimal string with exactly two decimals (`"999.99"`), documented as a string.
//!
//! serde writes `rust_decimal::Decimal` as a string while paperclip documents it as a number, so amounts go out
//! through this newtype, whose schema says what is really sent.

use paperclip::v2::models::{DataType, DefaultSchemaRaw};
use paperclip::v2::schema::Apiv2Schema;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money(pub Decimal);

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rounded = self
            .0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
        write!(f, "{rounded:.2}")
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Apiv2Schema for Money {
    fn raw_schema() -> DefaultSchemaRaw {
        DefaultSchemaRaw {
            data_type: Some(DataType::String),
            description: Some(
                "Decimal amount with exactly two decimals, as a string, e.g. \"999.99\".".into(),
            ),
            example: Some(serde_json::json!("999.99")),
            ..DefaultSchemaRaw::default()
        }
    }
}

impl paperclip::actix::OperationModifier for Money {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn money(s: &str) -> String {
        serde_json::to_string(&Money(Decimal::from_str(s).unwrap())).unwrap()
    }

    #[test]
    fn serializes_as_a_string_with_exactly_two_decimals() {
        assert_eq!(money("999.99"), r#""999.99""#);
        assert_eq!(money("5"), r#""5.00""#);
        assert_eq!(money("0.1"), r#""0.10""#);
        assert_eq!(money("-10.5"), r#""-10.50""#);
        // Banker's rounding, as Python's Decimal quantize in the old system.
        assert_eq!(money("2.345"), r#""2.34""#);
        assert_eq!(money("2.355"), r#""2.36""#);
    }

    #[test]
    fn is_documented_as_a_string() {
        let schema = Money::raw_schema();
        assert_eq!(schema.data_type, Some(DataType::String));
    }
}
