use chrono::{DateTime, Utc};
use diesel::prelude::*;
use orderflow_domain::catalogue::{Price, ProductId, Sku};
use orderflow_domain::identity::{CustomerId, PhoneNumber};
use orderflow_domain::notifications::Channel;
use orderflow_domain::ordering::{
    DeliveryDetails, Order, OrderEvent, OrderEventKind, OrderId, OrderItem, OrderItemId,
    OrderNumber, OrderStatus, Payment, StoredOrder,
};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::error::corrupt_row;
use crate::schema::{order_events, order_items, orders};
use crate::RepositoryError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = orders, check_for_backend(diesel::pg::Pg))]
pub struct OrderRow {
    pub id: Uuid,
    pub order_number: String,
    pub customer_id: i64,
    pub status: String,
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
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = order_items, check_for_backend(diesel::pg::Pg))]
pub struct OrderItemRow {
    pub id: Uuid,
    pub order_id: Uuid,
    pub product_id: Uuid,
    pub product_name: String,
    pub product_sku: String,
    pub quantity: i32,
    pub unit_price: Decimal,
    pub subtotal: Decimal,
    pub created_at: DateTime<Utc>,
}

/// A line of an order's history, as `OrderQueries::events` reads it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_events, check_for_backend(diesel::pg::Pg))]
pub struct OrderEventRow {
    pub order_id: Uuid,
    pub event_type: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub actor: String,
    pub actor_id: Option<i64>,
    pub recipient_id: Option<i64>,
    pub channel: Option<String>,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

impl OrderEventRow {
    pub fn into_event(self) -> Result<OrderEvent, RepositoryError> {
        let status = |raw: Option<String>| {
            raw.map(|s| {
                s.parse::<OrderStatus>()
                    .map_err(|e| corrupt_row("event status", e))
            })
            .transpose()
        };
        Ok(OrderEvent {
            order_id: OrderId(self.order_id),
            event_type: OrderEventKind::from_name(&self.event_type),
            from_status: status(self.from_status)?,
            to_status: status(self.to_status)?,
            actor: self.actor,
            actor_id: self.actor_id.map(CustomerId),
            recipient_id: self.recipient_id.map(CustomerId),
            channel: self
                .channel
                .map(|c| {
                    c.parse::<Channel>()
                        .map_err(|e| corrupt_row("event channel", e))
                })
                .transpose()?,
            note: self.note,
            created_at: self.created_at,
        })
    }
}

/// The order's phone as the `phone_number` column holds it: empty when the owner's profile phone is to be used.
pub(crate) fn phone_column(details: &DeliveryDetails) -> &str {
    details
        .phone_number
        .as_ref()
        .map_or("", PhoneNumber::as_str)
}

impl OrderRow {
    pub fn from_order(order: &Order) -> Self {
        Self {
            id: order.id.0,
            order_number: order.number.to_string(),
            customer_id: order.customer_id.0,
            status: order.status().as_str().to_owned(),
            total_amount: order.total_amount(),
            shipping_address: order.details().shipping_address.clone(),
            billing_address: order.details().billing_address.clone(),
            phone_number: phone_column(order.details()).to_owned(),
            notes: order.details().notes.clone(),
            is_paid: order.payment().is_paid,
            payment_method: order.payment().method.clone(),
            payment_reference: order.payment().reference.clone(),
            created_at: order.created_at,
            updated_at: order.updated_at(),
        }
    }

    pub fn into_order(self, items: Vec<OrderItemRow>) -> Result<Order, RepositoryError> {
        Ok(Order::restore(StoredOrder {
            id: OrderId(self.id),
            number: OrderNumber::parse(&self.order_number)
                .ok_or_else(|| corrupt_row("order number", &self.order_number))?,
            customer_id: CustomerId(self.customer_id),
            status: self
                .status
                .parse()
                .map_err(|e| corrupt_row("order status", e))?,
            total_amount: self.total_amount,
            details: DeliveryDetails {
                shipping_address: self.shipping_address,
                billing_address: self.billing_address,
                // An empty column: the owner's profile phone is used.
                phone_number: Some(self.phone_number.as_str())
                    .filter(|raw| !raw.is_empty())
                    .map(PhoneNumber::parse)
                    .transpose()
                    .map_err(|e| corrupt_row("order phone number", e))?,
                notes: self.notes,
            },
            payment: Payment {
                is_paid: self.is_paid,
                method: self.payment_method,
                reference: self.payment_reference,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
            items: items
                .into_iter()
                .map(OrderItemRow::into_item)
                .collect::<Result<_, _>>()?,
        }))
    }
}

impl OrderItemRow {
    pub fn from_item(order: OrderId, item: &OrderItem) -> Self {
        Self {
            id: item.id.0,
            order_id: order.0,
            product_id: item.product_id.0,
            product_name: item.product_name.clone(),
            product_sku: item.product_sku.to_string(),
            quantity: i32::try_from(item.quantity).unwrap_or(i32::MAX),
            unit_price: item.unit_price.amount(),
            subtotal: item.subtotal,
            created_at: item.created_at,
        }
    }

    fn into_item(self) -> Result<OrderItem, RepositoryError> {
        Ok(OrderItem {
            id: OrderItemId(self.id),
            product_id: ProductId(self.product_id),
            product_sku: Sku::parse(&self.product_sku)
                .map_err(|e| corrupt_row("order item SKU", e))?,
            product_name: self.product_name,
            quantity: i64::from(self.quantity),
            unit_price: Price::new(self.unit_price)
                .map_err(|e| corrupt_row("order item price", e))?,
            subtotal: self.subtotal,
            created_at: self.created_at,
        })
    }
}
