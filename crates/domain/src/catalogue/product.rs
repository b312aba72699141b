use std::fmt;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{CategoryId, Price};
use crate::named_values::named_values;
use crate::text::{self, limits, TextError};

/// Products are identified by UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProductId(pub Uuid);

/// An item for sale, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Product {
    /// Fixed at creation.
    pub id: ProductId,
    /// Shown to shoppers (see [`product_name`]).
    pub name: String,
    /// The name as it appears in URLs; unique (see [`slugify`](super::slugify)).
    pub slug: String,
    /// Free text (see [`product_description`]).
    pub description: String,
    /// The current unit price; an order keeps the price it was placed at.
    pub price: Price,
    /// The category it is listed under.
    pub category_id: CategoryId,
    /// The shop's reference for it; unique whatever the letter case (see [`Sku::key`]).
    pub sku: Sku,
    /// Units on hand: placing an order takes them, a cancel or a restocked refund gives them back.
    pub stock_quantity: StockQuantity,
    /// The stored image's file name, if it has one.
    pub image: Option<String>,
    /// Whether it is on sale.
    pub status: ProductStatus,
    /// Picked by staff to be highlighted; listings can filter on it.
    pub is_featured: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl Product {
    /// At least one unit on hand.
    pub fn is_in_stock(&self) -> bool {
        self.stock_quantity.0 > 0
    }

    /// Whether `quantity` units can be sold now: the product must be on sale and hold that many.
    pub fn supply(&self, quantity: i64) -> Result<(), Supply> {
        if self.status != ProductStatus::Active {
            return Err(Supply::NotOnSale);
        }
        if i64::from(self.stock_quantity.0) < quantity {
            return Err(Supply::Short {
                available: self.stock_quantity,
            });
        }
        Ok(())
    }
}

/// Why a product cannot supply an order line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Supply {
    /// Not on sale (inactive or discontinued).
    #[error("not on sale")]
    NotOnSale,
    /// Fewer units on hand than asked for.
    #[error("only {} on hand", available.0)]
    Short {
        /// What it holds.
        available: StockQuantity,
    },
}

/// A product name: required, one line, at most 200 characters.
///
/// Returns the name trimmed, or why it is refused.
pub fn product_name(raw: &str) -> Result<String, TextError> {
    text::required_line(raw, limits::PRODUCT_NAME)
}

/// A product's description: free text, at most 10,000 characters.
pub fn product_description(raw: &str) -> Result<String, TextError> {
    text::free_text(raw, limits::PRODUCT_DESCRIPTION)
}

/// Units on hand: from 0 to 2,147,483,647 (the database column is a 32-bit integer, and checks it too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StockQuantity(i32);

/// Why a number of units is not a stock quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StockError {
    /// Below zero.
    #[error("negative stock")]
    Negative,
    /// Above [`StockQuantity::MAX`].
    #[error("stock above {}", StockQuantity::MAX.0)]
    TooLarge,
}

impl StockQuantity {
    /// The most units one product can hold.
    pub const MAX: StockQuantity = StockQuantity(i32::MAX);
    /// Nothing on hand.
    pub const ZERO: StockQuantity = StockQuantity(0);

    /// Units on hand.
    pub fn units(self) -> i32 {
        self.0
    }

    /// A quantity as given, refused (never clamped) outside 0..=MAX.
    pub fn new(units: i64) -> Result<Self, StockError> {
        if units < 0 {
            return Err(StockError::Negative);
        }
        i32::try_from(units)
            .map(Self)
            .map_err(|_| StockError::TooLarge)
    }

    /// The stock after `units` come back (a cancelled order's lines), or `None` past [`StockQuantity::MAX`].
    pub fn returned(self, units: i32) -> Option<Self> {
        self.0.checked_add(units).filter(|n| *n >= 0).map(Self)
    }
}

/// Whether a product is on sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum ProductStatus {
    /// On sale.
    Active,
    /// Not on sale for now.
    Inactive,
    /// No longer sold; kept because orders refer to it.
    Discontinued,
}

/// A status name that is not one of [`ProductStatus::ALL`]; holds the name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown product status {0:?}")]
pub struct UnknownStatus(pub String);

impl ProductStatus {}

named_values!(ProductStatus, unknown: UnknownStatus, {
    Active => "active",
    Inactive => "inactive",
    Discontinued => "discontinued",
});

/// A stock-keeping unit: given by the shop, or generated as `SKU-` and 8 upper-case hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Sku(String);

/// Why a text is not a SKU.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SkuError {
    /// Empty once trimmed.
    #[error("blank SKU")]
    Blank,
    /// Over [`Sku::MAX_LENGTH`] characters.
    #[error("SKU longer than {} characters", Sku::MAX_LENGTH)]
    TooLong,
    /// Holds something other than ASCII letters, digits, `-`, `_` and `.`.
    #[error("SKU character other than a letter, digit, '-', '_' or '.'")]
    BadCharacters,
}

impl Sku {
    /// The longest SKU, in characters.
    pub const MAX_LENGTH: usize = 50;

    /// The SKU trimmed, or why it is refused. Letter case is kept; [`Sku::key`] compares without it.
    pub fn parse(raw: &str) -> Result<Self, SkuError> {
        let sku = raw.trim();
        if sku.is_empty() {
            Err(SkuError::Blank)
        } else if sku.len() > Self::MAX_LENGTH {
            Err(SkuError::TooLong)
        } else if !sku
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            Err(SkuError::BadCharacters)
        } else {
            Ok(Self(sku.to_owned()))
        }
    }

    /// `SKU-` and the first 8 hex digits of `seed`, upper-cased (the old system used the product's UUID).
    pub fn generated(seed: Uuid) -> Self {
        let hex = seed.simple().to_string();
        Self(format!("SKU-{}", hex[..8].to_ascii_uppercase()))
    }

    /// The SKU as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form SKUs are compared in: `RAKE-001` and `rake-001` are one SKU (index `products_sku_lower_key`).
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Sku {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_supplies_what_it_holds_and_only_while_on_sale() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let mut lamp = Product {
            id: ProductId(Uuid::nil()),
            name: "Desk lamp".into(),
            slug: "desk-lamp".into(),
            description: String::new(),
            price: Price::parse("12.50").unwrap(),
            category_id: CategoryId(1),
            sku: Sku::parse("LAMP-1").unwrap(),
            stock_quantity: StockQuantity::new(2).unwrap(),
            image: None,
            status: ProductStatus::Active,
            is_featured: false,
            created_at: at,
            updated_at: at,
        };
        assert_eq!(lamp.supply(2), Ok(()));
        assert_eq!(
            lamp.supply(3),
            Err(Supply::Short {
                available: StockQuantity::new(2).unwrap()
            })
        );
        lamp.status = ProductStatus::Discontinued;
        assert_eq!(lamp.supply(1), Err(Supply::NotOnSale));
    }

    #[test]
    fn generated_skus_are_sku_and_eight_upper_hex() {
        let sku = Sku::generated(Uuid::parse_str("faf7ef25-0000-4000-8000-000000000000").unwrap());
        assert_eq!(sku.as_str(), "SKU-FAF7EF25");
        for _ in 0..50 {
            let sku = Sku::generated(Uuid::new_v4());
            let hex = sku.as_str().strip_prefix("SKU-").unwrap();
            assert_eq!(hex.len(), 8);
            assert!(hex
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
        }
    }

    #[test]
    fn given_skus_are_checked() {
        assert_eq!(
            Sku::parse(" IPH15PRO-001 ").unwrap().as_str(),
            "IPH15PRO-001"
        );
        assert_eq!(Sku::parse(""), Err(SkuError::Blank));
        assert_eq!(Sku::parse(&"A".repeat(51)), Err(SkuError::TooLong));
        assert_eq!(Sku::parse("A B"), Err(SkuError::BadCharacters));
    }

    #[test]
    fn stock_is_never_negative_nor_clamped() {
        assert_eq!(StockQuantity::new(0), Ok(StockQuantity(0)));
        assert_eq!(StockQuantity::new(-1), Err(StockError::Negative));
        assert_eq!(StockQuantity::new(2_147_483_647), Ok(StockQuantity::MAX));
        assert_eq!(StockQuantity::new(2_147_483_648), Err(StockError::TooLarge));
        assert_eq!(
            StockQuantity::new(1_000_000_000_000),
            Err(StockError::TooLarge)
        );
    }

    #[test]
    fn returned_stock_may_not_pass_the_maximum() {
        assert_eq!(StockQuantity(5).returned(3), Some(StockQuantity(8)));
        assert_eq!(StockQuantity::MAX.returned(1), None);
        assert_eq!(
            StockQuantity(i32::MAX - 2).returned(2),
            Some(StockQuantity::MAX)
        );
    }

    #[test]
    fn statuses_round_trip() {
        for status in ProductStatus::ALL {
            assert_eq!(status.as_str().parse::<ProductStatus>(), Ok(status));
        }
        assert!("archived".parse::<ProductStatus>().is_err());
    }

    #[test]
    fn product_names_are_required_and_bounded() {
        assert!(product_name(" ").is_err());
        assert!(product_name(&"n".repeat(201)).is_err());
        assert_eq!(product_name(" Phone ").unwrap(), "Phone");
        assert_eq!(product_name("Ph\0one"), Err(TextError::ControlInLine));
    }

    #[test]
    fn descriptions_are_bounded_free_text() {
        assert!(product_description("Two lines\nof text").is_ok());
        assert!(product_description(&"d".repeat(10_000)).is_ok());
        assert_eq!(
            product_description(&"d".repeat(10_001)),
            Err(TextError::TooLong(10_000))
        );
        assert_eq!(product_description("a\0"), Err(TextError::ControlInText));
    }

    #[test]
    fn skus_compare_without_letter_case() {
        assert_eq!(
            Sku::parse("RAKE-001").unwrap().key(),
            Sku::parse("rake-001").unwrap().key()
        );
    }
}
