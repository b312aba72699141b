//! The words of every message, after the system OrderFlow replaces (amounts now always `Ksh 1,234.50`).

use chrono::{DateTime, Utc};

use super::format_amount;
use crate::identity::Customer;
use crate::ordering::{Order, OrderStatus};

/// A subject and a plain-text body. SMS carry the subject only as a label for the records.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Message {
    /// An email's subject; an SMS keeps it as a label for the records.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

impl Message {
    fn new(subject: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            body: body.into(),
        }
    }
}

/// `pending` → `Pending`, `out for delivery` → `Out For Delivery`.
pub fn title_case(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn status(status: OrderStatus) -> String {
    title_case(status.as_str())
}

fn greeting(first_name: &str) -> String {
    let name = first_name.trim();
    format!("Dear {},", if name.is_empty() { "Customer" } else { name })
}

const SIGNATURE: &str = "Best regards,\nOrderFlow Team";

fn item_lines(order: &Order) -> String {
    order
        .items()
        .iter()
        .map(|item| {
            format!(
                "- {} x{} @ {} = {}\n",
                item.product_name,
                item.quantity,
                format_amount(item.unit_price.amount()),
                format_amount(item.subtotal)
            )
        })
        .collect()
}

/// The customer's SMS for a placed order: number, total and status.
pub fn order_confirmation_sms(order: &Order) -> Message {
    Message::new(
        "Order Confirmation",
        format!(
            "Order #{} confirmed!\nTotal: {}\nStatus: {}\nThank you for your order!",
            order.number,
            format_amount(order.total_amount()),
            status(order.status())
        ),
    )
}

/// The customer's email for a placed order: details, lines and shipping address. `first_name` is greeted ("Customer" when empty).
pub fn order_confirmation_email(order: &Order, first_name: &str) -> Message {
    Message::new(
        format!("Order Confirmation - #{}", order.number),
        format!(
            "{}\n\nThank you for your order! Your order has been confirmed.\n\n\
             Order Details:\n\
             - Order Number: {}\n\
             - Total Amount: {}\n\
             - Status: {}\n\
             - Date: {}\n\n\
             Order Items:\n{}\n\n\
             Shipping Address:\n{}\n\n\
             We will keep you updated on your order status.\n\n\
             Thank you for shopping with us!\n\n{SIGNATURE}",
            greeting(first_name),
            order.number,
            format_amount(order.total_amount()),
            status(order.status()),
            order.created_at.format("%B %d, %Y"),
            item_lines(order),
            order.details().shipping_address,
        ),
    )
}

/// The customer's SMS when the order moves from `from` to `to`.
pub fn status_update_sms(order: &Order, from: OrderStatus, to: OrderStatus) -> Message {
    Message::new(
        "Order Status Update",
        format!(
            "Order #{} status updated!\nFrom: {}\nTo: {}\nTrack your order at our website.",
            order.number,
            status(from),
            status(to)
        ),
    )
}

/// The customer's email when the order moves from `from` to `to`.
pub fn status_update_email(
    order: &Order,
    first_name: &str,
    from: OrderStatus,
    to: OrderStatus,
) -> Message {
    Message::new(
        format!("Order Status Update - #{}", order.number),
        format!(
            "{}\n\nYour order status has been updated.\n\n\
             Order Details:\n\
             - Order Number: {}\n\
             - Previous Status: {}\n\
             - New Status: {}\n\
             - Total Amount: {}\n\n\
             You can track your order at our website.\n\n\
             Thank you for your patience!\n\n{SIGNATURE}",
            greeting(first_name),
            order.number,
            status(from),
            status(to),
            format_amount(order.total_amount()),
        ),
    )
}

/// The customer's SMS for a delivered order, in place of the status update.
pub fn delivered_sms(order: &Order) -> Message {
    Message::new(
        "Order Delivered",
        format!(
            "Your order #{} has been delivered!\nTotal: {}\nThank you for shopping with us!",
            order.number,
            format_amount(order.total_amount())
        ),
    )
}

/// The customer's email for a delivered order, dated `at`, in place of the status update.
pub fn delivered_email(order: &Order, first_name: &str, at: DateTime<Utc>) -> Message {
    Message::new(
        format!("Order Delivered - #{}", order.number),
        format!(
            "{}\n\nGreat news! Your order has been delivered.\n\n\
             Order Details:\n\
             - Order Number: {}\n\
             - Total Amount: {}\n\
             - Delivery Date: {}\n\n\
             Thank you for shopping with us!\n\n{SIGNATURE}",
            greeting(first_name),
            order.number,
            format_amount(order.total_amount()),
            at.format("%B %d, %Y"),
        ),
    )
}

/// The customer's receipt by SMS for a payment staff recorded.
pub fn payment_sms(order: &Order) -> Message {
    Message::new(
        "Payment Received",
        format!(
            "Payment received for order #{}.\nAmount: {}\nThank you!",
            order.number,
            format_amount(order.total_amount())
        ),
    )
}

/// The customer's receipt by email: amount, payment method and reference.
pub fn payment_email(order: &Order, first_name: &str) -> Message {
    let method = if order.payment().method.trim().is_empty() {
        "Not specified"
    } else {
        order.payment().method.trim()
    };
    Message::new(
        format!("Payment Received - #{}", order.number),
        format!(
            "{}\n\nWe have received your payment.\n\n\
             Order Details:\n\
             - Order Number: {}\n\
             - Amount Paid: {}\n\
             - Payment Method: {method}\n\
             - Reference: {}\n\n\
             Thank you for shopping with us!\n\n{SIGNATURE}",
            greeting(first_name),
            order.number,
            format_amount(order.total_amount()),
            order.payment().reference.trim(),
        ),
    )
}

/// The email every active admin receives for a new order.
pub fn admin_new_order_email(order: &Order, customer: &Customer) -> Message {
    let phone = customer
        .phone_number
        .as_ref()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let order_phone = order
        .details()
        .phone_number
        .as_ref()
        .map_or_else(|| phone.clone(), |p| p.as_str().to_owned());
    Message::new(
        format!("New Order Received - #{}", order.number),
        format!(
            "A new order has been placed.\n\n\
             Order Information:\n\
             - Order Number: {}\n\
             - Customer: {}\n\
             - Email: {}\n\
             - Phone: {order_phone}\n\
             - Order Date: {}\n\
             - Status: {}\n\
             - Total Amount: {}\n\n\
             Order Items:\n{}\n\
             Customer Information:\n\
             - Name: {}\n\
             - Email: {}\n\
             - Phone: {phone}\n\
             - Address: {}\n\n\
             Shipping Address:\n{}\n\n\
             Billing Address:\n{}\n\n\
             Payment Information:\n\
             - Method: {}\n\
             - Status: {}\n\n\
             Notes:\n{}\n\n\
             Please process this order accordingly.\n\n\
             Best regards,\nOrderFlow System",
            order.number,
            customer.full_name(),
            customer.email,
            order.created_at.format("%B %d, %Y at %I:%M %p UTC"),
            status(order.status()),
            format_amount(order.total_amount()),
            item_lines(order),
            customer.full_name(),
            customer.email,
            customer.address,
            order.details().shipping_address,
            order.details().billing_address,
            if order.payment().method.is_empty() {
                "Not specified"
            } else {
                &order.payment().method
            },
            if order.payment().is_paid {
                "Paid"
            } else {
                "Pending"
            },
            if order.details().notes.trim().is_empty() {
                "None"
            } else {
                order.details().notes.trim()
            },
        ),
    )
}

/// The email every active admin receives for a system alert of `alert_type`, raised at `at`.
pub fn system_alert_email(alert_type: &str, message: &str, at: DateTime<Utc>) -> Message {
    Message::new(
        format!("System Alert - {}", alert_type.to_uppercase()),
        format!(
            "System Alert\n\n\
             - Type: {alert_type}\n\
             - Time: {}\n\n\
             Message:\n{message}\n\n\
             Please review and take appropriate action.\n\n\
             Best regards,\nOrderFlow System",
            at.format("%B %d, %Y at %I:%M %p UTC"),
        ),
    )
}
