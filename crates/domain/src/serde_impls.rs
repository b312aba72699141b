//! Serde for the value types that check their input: each is written as its text (a price as its two-decimal
//! text), and reading one back goes through the same check as parsing it, so no invalid value enters by the wire.

use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::catalogue::{CategoryPath, Price, Sku};
use crate::identity::{EmailAddress, NextPath, PhoneNumber};
use crate::ordering::OrderNumber;

/// Serialize as `to_text`, deserialize a string through `from_text`, whose error (any `Display`) is the message.
macro_rules! as_checked_text {
    ($type:ty, $to_text:expr, $from_text:expr) => {
        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let to_text: fn(&$type) -> String = $to_text;
                serializer.serialize_str(&to_text(self))
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $from_text(&text).map_err(D::Error::custom)
            }
        }
    };
}

as_checked_text!(Sku, |sku| sku.as_str().to_owned(), Sku::parse);
as_checked_text!(
    EmailAddress,
    |email| email.as_str().to_owned(),
    EmailAddress::parse
);
as_checked_text!(
    PhoneNumber,
    |phone| phone.as_str().to_owned(),
    PhoneNumber::parse
);
as_checked_text!(NextPath, |path| path.as_str().to_owned(), NextPath::parse);
as_checked_text!(CategoryPath, CategoryPath::encode, CategoryPath::decode);
as_checked_text!(
    OrderNumber,
    |number| number.as_str().to_owned(),
    |text: &str| {
        OrderNumber::parse(text).ok_or_else(|| format!("malformed order number {text:?}"))
    }
);

impl Serialize for Price {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Price {
    /// From a decimal written as text or as a number; the number's decimals are the price's to check.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `Decimal` has an inherent `deserialize` (from bytes): name the trait.
        let amount = <Decimal as Deserialize>::deserialize(deserializer)?;
        Price::new(amount).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::ProductId;
    use crate::ordering::{OrderLine, OrderStatus};
    use uuid::Uuid;

    #[test]
    fn an_order_line_round_trips() {
        let line = OrderLine {
            product_id: ProductId(Uuid::from_u128(7)),
            product_name: "Garden rake".into(),
            product_sku: Sku::parse("RAKE-001").unwrap(),
            quantity: 3,
            unit_price: Price::parse("1499.9").unwrap(),
        };
        let json = serde_json::to_value(&line).unwrap();
        assert_eq!(json["unit_price"], "1499.90");
        assert_eq!(json["product_id"], "00000000-0000-0000-0000-000000000007");
        assert_eq!(serde_json::from_value::<OrderLine>(json).unwrap(), line);
    }

    #[test]
    fn statuses_use_their_wire_names() {
        assert_eq!(
            serde_json::to_string(&OrderStatus::Cancelled).unwrap(),
            "\"cancelled\""
        );
        assert_eq!(
            serde_json::from_str::<OrderStatus>("\"refunded\"").unwrap(),
            OrderStatus::Refunded
        );
    }

    #[test]
    fn checked_values_are_checked_when_read() {
        assert!(serde_json::from_str::<Price>("\"0\"").is_err());
        assert!(serde_json::from_str::<Price>("\"1.005\"").is_err());
        assert_eq!(
            serde_json::from_str::<Price>("12.5").unwrap(),
            Price::parse("12.50").unwrap()
        );
        assert!(serde_json::from_str::<EmailAddress>("\"not an email\"").is_err());
        assert!(serde_json::from_str::<Sku>("\"A B\"").is_err());
        assert!(serde_json::from_str::<CategoryPath>("\"/1//2/\"").is_err());
        assert!(serde_json::from_str::<OrderNumber>("\"ORD-1\"").is_err());
        let path: CategoryPath = serde_json::from_str("\"/1/5/23/\"").unwrap();
        assert_eq!(serde_json::to_string(&path).unwrap(), "\"/1/5/23/\"");
    }
}
