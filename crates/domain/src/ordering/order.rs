use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{OrderNumber, OrderStatus};
use crate::catalogue::ProductId;
use crate::identity::CustomerId;

/// Orders are identified by UUID; people quote the [`OrderNumber`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OrderId(pub Uuid);

/// Identifies a line of a placed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OrderItemId(pub Uuid);

/// A placed order, as stored: whose it is, where it goes, how it is paid, and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Order {
    /// Fixed at placement.
    pub id: OrderId,
    /// The number people quote (`ORD-20261124-0001`).
    pub number: OrderNumber,
    /// The customer who placed it: its owner.
    pub customer_id: CustomerId,
    /// Where it is in its lifecycle.
    pub status: OrderStatus,
    /// The exact sum of its lines' subtotals.
    pub total_amount: Decimal,
    /// Where it is delivered.
    pub shipping_address: String,
    /// Where the bill goes.
    pub billing_address: String,
    /// The phone to text about this order; empty to use the owner's profile phone.
    pub phone_number: String,
    /// The customer's notes for the shop.
    pub notes: String,
    /// Whether staff recorded a payment.
    pub is_paid: bool,
    /// How it was paid, as staff recorded it; empty until then.
    pub payment_method: String,
    /// The payment's reference (a receipt or transaction number), as staff recorded it.
    pub payment_reference: String,
    /// When it was placed.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Its lines, priced at placement.
    pub items: Vec<OrderItem>,
}

/// A line of a placed order; name, SKU and unit price are the product's at the time of placement.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OrderItem {
    /// Fixed at placement.
    pub id: OrderItemId,
    /// The product ordered.
    pub product_id: ProductId,
    /// The product's name at placement.
    pub product_name: String,
    /// The product's SKU at placement.
    pub product_sku: String,
    /// Units ordered.
    pub quantity: i64,
    /// The product's price at placement.
    pub unit_price: Decimal,
    /// Unit price times quantity, exact.
    pub subtotal: Decimal,
    /// When the line was written, with its order.
    pub created_at: DateTime<Utc>,
}

impl Order {
    /// Whether the owner may still cancel (see [`OrderStatus::can_be_cancelled`]).
    pub fn can_be_cancelled(&self) -> bool {
        self.status.can_be_cancelled()
    }

    /// The owner may change the delivery details while the order is pending.
    pub fn is_editable_by_owner(&self) -> bool {
        self.status == OrderStatus::Pending
    }
}
