use chrono::{DateTime, Utc};
use orderflow_application::ports::{OrderEvent, OrderStatistics, OrderView};
use orderflow_domain::ordering::OrderItem;
use paperclip::actix::Apiv2Schema;
use serde::Serialize;

use crate::money::Money;

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "OrderItem")]
pub struct OrderItemBody {
    pub id: uuid::Uuid,
    /// The product's id.
    pub product: uuid::Uuid,
    /// Snapshot taken when the order was placed.
    pub product_name: String,
    pub product_sku: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub subtotal: Money,
    pub created_at: DateTime<Utc>,
}

impl From<OrderItem> for OrderItemBody {
    fn from(item: OrderItem) -> Self {
        Self {
            id: item.id.0,
            product: item.product_id.0,
            product_name: item.product_name,
            product_sku: item.product_sku.to_string(),
            quantity: item.quantity,
            unit_price: Money(item.unit_price.amount()),
            subtotal: Money(item.subtotal),
            created_at: item.created_at,
        }
    }
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "Order")]
pub struct OrderBody {
    pub id: uuid::Uuid,
    /// `ORD-YYYYMMDD-NNNN`.
    pub order_number: String,
    /// The customer's id.
    pub customer: i64,
    pub customer_name: String,
    pub customer_email: String,
    /// `pending`, `confirmed`, `processing`, `shipped`, `delivered`, `cancelled` or `refunded`.
    pub status: String,
    pub total_amount: Money,
    pub shipping_address: String,
    pub billing_address: String,
    pub phone_number: String,
    pub notes: String,
    pub is_paid: bool,
    pub payment_method: String,
    pub payment_reference: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub items: Vec<OrderItemBody>,
    /// Number of lines.
    pub items_count: usize,
    pub can_be_cancelled: bool,
}

impl From<OrderView> for OrderBody {
    fn from(view: OrderView) -> Self {
        let order = view.order;
        Self {
            id: order.id.0,
            order_number: order.number.to_string(),
            customer: order.customer_id.0,
            customer_name: view.customer_name,
            customer_email: view.customer_email,
            status: order.status().as_str().to_owned(),
            total_amount: Money(order.total_amount()),
            can_be_cancelled: order.can_be_cancelled(),
            items_count: order.items().len(),
            shipping_address: order.details().shipping_address.clone(),
            billing_address: order.details().billing_address.clone(),
            phone_number: order
                .details()
                .phone_number
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
            notes: order.details().notes.clone(),
            is_paid: order.payment().is_paid,
            payment_method: order.payment().method.clone(),
            payment_reference: order.payment().reference.clone(),
            created_at: order.created_at,
            updated_at: order.updated_at(),
            items: order
                .items()
                .iter()
                .cloned()
                .map(OrderItemBody::from)
                .collect(),
        }
    }
}

/// One entry of an order's history.
#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "OrderEvent")]
pub struct OrderEventBody {
    /// `placed`, `status_changed`, `paid`, `details_changed`, `notification_sent`, `notification_failed`, ...
    #[serde(rename = "type")]
    pub event_type: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    /// Who did it: an email, or `system`; in the owner's view, `staff` for anyone but the owner.
    pub actor: String,
    /// Free text; in the owner's view, empty on staff's changes, and a notification's channel and outcome only.
    pub note: String,
    pub created_at: DateTime<Utc>,
}

impl From<OrderEvent> for OrderEventBody {
    fn from(event: OrderEvent) -> Self {
        Self {
            event_type: event.event_type.into(),
            from_status: event.from_status.map(|s| s.as_str().to_owned()),
            to_status: event.to_status.map(|s| s.as_str().to_owned()),
            actor: event.actor,
            note: event.note,
            created_at: event.created_at,
        }
    }
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "OrderStatistics")]
pub struct OrderStatisticsBody {
    pub total_orders: u64,
    pub pending_orders: u64,
    pub delivered_orders: u64,
    pub cancelled_orders: u64,
    /// Paid orders that were neither cancelled nor refunded.
    pub total_revenue: Money,
}

impl From<OrderStatistics> for OrderStatisticsBody {
    fn from(stats: OrderStatistics) -> Self {
        Self {
            total_orders: stats.total_orders,
            pending_orders: stats.pending_orders,
            delivered_orders: stats.delivered_orders,
            cancelled_orders: stats.cancelled_orders,
            total_revenue: Money(stats.total_revenue),
        }
    }
}
