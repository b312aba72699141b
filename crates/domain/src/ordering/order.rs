use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{OrderNumber, OrderStatus};
use crate::catalogue::ProductId;
use crate::identity::CustomerId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrderId(pub Uuid);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderItemId(pub Uuid);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: OrderId,
    pub number: OrderNumber,
    pub customer_id: CustomerId,
    pub status: OrderStatus,
    pub total_amount: Decimal,
    pub shipping_address: String,
    pub billing_address: String,
    pub phone_number: String,
    pub notes: String,
    pub is_paid: bool,
    pub payment_method: String,
    pub payment_reference: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub items: Vec<OrderItem>,
}

/// A line of a placed order; name, SKU and unit price are the product's at the time of placement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderItem {
    pub id: OrderItemId,
    pub product_id: ProductId,
    pub product_name: String,
    pub product_sku: String,
    pub quantity: i64,
    pub unit_price: Decimal,
    pub subtotal: Decimal,
    pub created_at: DateTime<Utc>,
}

impl Order {
    pub fn can_be_cancelled(&self) -> bool {
        self.status.can_be_cancelled()
    }

    /// The owner may change the delivery details while the order is pending.
    pub fn is_editable_by_owner(&self) -> bool {
        self.status == OrderStatus::Pending
    }
}
