//! Who is told what: the recipient rules of every event, with the customer's preferences applied.

use chrono::{DateTime, Utc};

use super::texts::{self, Message};
use super::Channel;
use crate::identity::{Customer, CustomerId, Role};
use crate::ordering::{Order, OrderId, OrderStatus};

/// One message to one recipient by one channel, to be queued with the change that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NewNotification {
    /// How it travels.
    pub channel: Channel,
    /// The account it is for.
    pub recipient: CustomerId,
    /// The recipient's full name, kept with the record.
    pub recipient_name: String,
    /// The phone number (E.164) or email address the message goes to, as it was when the message was queued.
    pub address: String,
    /// The order it is about; `None` for a system alert.
    pub order_id: Option<OrderId>,
    /// Its subject and body.
    pub message: Message,
}

fn sms(
    customer: &Customer,
    phone: String,
    order: Option<&Order>,
    message: Message,
) -> NewNotification {
    NewNotification {
        channel: Channel::Sms,
        recipient: customer.id,
        recipient_name: customer.full_name(),
        address: phone,
        order_id: order.map(|o| o.id),
        message,
    }
}

fn email(customer: &Customer, order: Option<&Order>, message: Message) -> NewNotification {
    NewNotification {
        channel: Channel::Email,
        recipient: customer.id,
        recipient_name: customer.full_name(),
        address: customer.email.to_string(),
        order_id: order.map(|o| o.id),
        message,
    }
}

/// The customer's SMS and email about `order`, each only if their preferences allow it. The SMS goes to the phone
/// given with the order (where the customer expects news of it), else to the profile's; with neither, no SMS.
fn to_customer(
    order: &Order,
    customer: &Customer,
    sms_text: Message,
    email_text: Message,
) -> Vec<NewNotification> {
    let mut out = Vec::with_capacity(2);
    if customer.sms_notifications {
        let phone = order
            .details()
            .phone_number
            .as_ref()
            .or(customer.phone_number.as_ref())
            .map(|p| p.as_str().to_owned());
        if let Some(phone) = phone {
            out.push(sms(customer, phone, Some(order), sms_text));
        }
    }
    if customer.email_notifications {
        out.push(email(customer, Some(order), email_text));
    }
    out
}

/// Admins (and super admins) whose accounts are active.
fn active_admins(accounts: &[Customer]) -> impl Iterator<Item = &Customer> {
    accounts
        .iter()
        .filter(|account| account.is_active && account.role >= Role::Admin)
}

/// A new order: the customer's confirmation by SMS and email, and an email to every active admin.
pub fn order_placed(
    order: &Order,
    customer: &Customer,
    admins: &[Customer],
) -> Vec<NewNotification> {
    let mut out = to_customer(
        order,
        customer,
        texts::order_confirmation_sms(order),
        texts::order_confirmation_email(order, &customer.first_name),
    );
    let admin_text = texts::admin_new_order_email(order, customer);
    out.extend(active_admins(admins).map(|admin| email(admin, Some(order), admin_text.clone())));
    out
}

/// A status change (cancelling included): the update by SMS and email; a delivered order gets the delivery text.
pub fn status_changed(
    order: &Order,
    customer: &Customer,
    from: OrderStatus,
    to: OrderStatus,
    at: DateTime<Utc>,
) -> Vec<NewNotification> {
    let (sms_text, email_text) = if to == OrderStatus::Delivered {
        (
            texts::delivered_sms(order),
            texts::delivered_email(order, &customer.first_name, at),
        )
    } else {
        (
            texts::status_update_sms(order, from, to),
            texts::status_update_email(order, &customer.first_name, from, to),
        )
    };
    to_customer(order, customer, sms_text, email_text)
}

/// A payment recorded by staff: a receipt by SMS and email.
pub fn payment_recorded(order: &Order, customer: &Customer) -> Vec<NewNotification> {
    to_customer(
        order,
        customer,
        texts::payment_sms(order),
        texts::payment_email(order, &customer.first_name),
    )
}

/// An admin's system alert: an email to every active admin.
pub fn system_alert(
    admins: &[Customer],
    alert_type: &str,
    message: &str,
    at: DateTime<Utc>,
) -> Vec<NewNotification> {
    let text = texts::system_alert_email(alert_type, message, at);
    active_admins(admins)
        .map(|admin| email(admin, None, text.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Price, ProductId, Sku};
    use crate::identity::{EmailAddress, PhoneNumber};
    use crate::ordering::{
        DeliveryDetails, OrderItem, OrderItemId, OrderNumber, Payment, StoredOrder,
    };
    use chrono::{NaiveDate, TimeZone};
    use rust_decimal::Decimal;
    use std::str::FromStr;
    use uuid::Uuid;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 14, 5, 0).unwrap()
    }

    fn person(id: i64, email: &str, role: Role) -> Customer {
        Customer {
            id: CustomerId(id),
            email: EmailAddress::parse(email).unwrap(),
            first_name: "Alice".into(),
            last_name: "Wanjiru".into(),
            phone_number: Some(PhoneNumber::parse("+254711000001").unwrap()),
            address: "1 Moi Avenue".into(),
            city: "Nairobi".into(),
            state: String::new(),
            country: "Kenya".into(),
            postal_code: String::new(),
            is_verified: true,
            is_active: true,
            role,
            email_notifications: true,
            sms_notifications: true,
            created_at: at(),
            updated_at: at(),
        }
    }

    fn order() -> Order {
        order_with_phone("+254722000002")
    }

    fn order_with_phone(phone: &str) -> Order {
        let item = |name: &str, quantity: i64, price: &str| {
            let unit_price = Price::parse(price).unwrap();
            OrderItem {
                id: OrderItemId(Uuid::new_v4()),
                product_id: ProductId(Uuid::new_v4()),
                product_name: name.into(),
                product_sku: Sku::parse("SKU").unwrap(),
                quantity,
                unit_price,
                subtotal: unit_price.amount() * Decimal::from(quantity),
                created_at: at(),
            }
        };
        Order::restore(StoredOrder {
            id: OrderId(Uuid::new_v4()),
            number: OrderNumber::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(), 7),
            customer_id: CustomerId(1),
            status: OrderStatus::Pending,
            total_amount: Decimal::from_str("2519.50").unwrap(),
            details: DeliveryDetails {
                shipping_address: "1 Moi Avenue, Nairobi".into(),
                billing_address: "PO Box 1, Nairobi".into(),
                phone_number: (!phone.is_empty()).then(|| PhoneNumber::parse(phone).unwrap()),
                notes: String::new(),
            },
            payment: Payment {
                is_paid: false,
                method: "mpesa".into(),
                reference: String::new(),
            },
            created_at: at(),
            updated_at: at(),
            items: vec![item("Lamp", 2, "1234.75"), item("Bulb", 1, "50")],
        })
    }

    fn summary(notes: &[NewNotification]) -> Vec<(Channel, &str, &str)> {
        notes
            .iter()
            .map(|n| (n.channel, n.address.as_str(), n.message.subject.as_str()))
            .collect()
    }

    #[test]
    fn a_new_order_texts_and_emails_the_customer_and_emails_each_active_admin() {
        let alice = person(1, "alice@example.com", Role::Customer);
        let admin = person(2, "admin@example.com", Role::Admin);
        let boss = person(3, "boss@example.com", Role::SuperAdmin);
        let staff = person(4, "staff@example.com", Role::Staff);
        let mut gone = person(5, "gone@example.com", Role::Admin);
        gone.is_active = false;
        let notes = order_placed(&order(), &alice, &[admin, boss, staff, gone]);
        assert_eq!(
            summary(&notes),
            [
                (Channel::Sms, "+254722000002", "Order Confirmation"),
                (
                    Channel::Email,
                    "alice@example.com",
                    "Order Confirmation - #ORD-20261126-0007"
                ),
                (
                    Channel::Email,
                    "admin@example.com",
                    "New Order Received - #ORD-20261126-0007"
                ),
                (
                    Channel::Email,
                    "boss@example.com",
                    "New Order Received - #ORD-20261126-0007"
                ),
            ]
        );
        assert!(notes.iter().all(|n| n.order_id == Some(order_id(&notes))));
        assert_eq!(notes[2].recipient, CustomerId(2));
        assert_eq!(notes[0].recipient_name, "Alice Wanjiru");
    }

    fn order_id(notes: &[NewNotification]) -> OrderId {
        notes[0].order_id.unwrap()
    }

    #[test]
    fn preferences_and_missing_phones_are_respected() {
        let mut alice = person(1, "alice@example.com", Role::Customer);
        alice.sms_notifications = false;
        let notes = order_placed(&order(), &alice, &[]);
        assert_eq!(summary(&notes).len(), 1);
        assert_eq!(notes[0].channel, Channel::Email);

        let mut alice = person(1, "alice@example.com", Role::Customer);
        alice.email_notifications = false;
        let without_phone = order_with_phone("");
        let notes = status_changed(
            &without_phone,
            &alice,
            OrderStatus::Pending,
            OrderStatus::Confirmed,
            at(),
        );
        assert_eq!(
            summary(&notes),
            [(Channel::Sms, "+254711000001", "Order Status Update")]
        );

        alice.phone_number = None;
        assert!(status_changed(
            &without_phone,
            &alice,
            OrderStatus::Pending,
            OrderStatus::Confirmed,
            at()
        )
        .is_empty());
    }

    #[test]
    fn the_confirmation_texts_read_as_specified() {
        let alice = person(1, "alice@example.com", Role::Customer);
        let notes = order_placed(&order(), &alice, &[]);
        assert_eq!(
            notes[0].message.body,
            "Order #ORD-20261126-0007 confirmed!\nTotal: Ksh 2,519.50\nStatus: Pending\nThank you for your order!"
        );
        assert_eq!(
            notes[1].message.body,
            "Dear Alice,\n\nThank you for your order! Your order has been confirmed.\n\n\
             Order Details:\n- Order Number: ORD-20261126-0007\n- Total Amount: Ksh 2,519.50\n- Status: Pending\n\
             - Date: November 26, 2026\n\n\
             Order Items:\n- Lamp x2 @ Ksh 1,234.75 = Ksh 2,469.50\n- Bulb x1 @ Ksh 50.00 = Ksh 50.00\n\n\n\
             Shipping Address:\n1 Moi Avenue, Nairobi\n\n\
             We will keep you updated on your order status.\n\nThank you for shopping with us!\n\n\
             Best regards,\nOrderFlow Team"
        );
    }

    #[test]
    fn a_status_change_names_both_statuses_capitalised() {
        let alice = person(1, "alice@example.com", Role::Customer);
        let notes = status_changed(
            &order(),
            &alice,
            OrderStatus::Confirmed,
            OrderStatus::Processing,
            at(),
        );
        assert_eq!(
            notes[0].message.body,
            "Order #ORD-20261126-0007 status updated!\nFrom: Confirmed\nTo: Processing\nTrack your order at our website."
        );
        assert_eq!(
            notes[1].message.subject,
            "Order Status Update - #ORD-20261126-0007"
        );
        assert!(notes[1]
            .message
            .body
            .contains("- Previous Status: Confirmed\n- New Status: Processing\n"));
        assert!(notes[1]
            .message
            .body
            .contains("- Total Amount: Ksh 2,519.50\n"));
    }

    #[test]
    fn a_delivered_order_gets_the_delivery_text_instead() {
        let alice = person(1, "alice@example.com", Role::Customer);
        let notes = status_changed(
            &order(),
            &alice,
            OrderStatus::Shipped,
            OrderStatus::Delivered,
            at(),
        );
        assert_eq!(
            summary(&notes),
            [
                (Channel::Sms, "+254722000002", "Order Delivered"),
                (
                    Channel::Email,
                    "alice@example.com",
                    "Order Delivered - #ORD-20261126-0007"
                ),
            ]
        );
        assert_eq!(
            notes[0].message.body,
            "Your order #ORD-20261126-0007 has been delivered!\nTotal: Ksh 2,519.50\nThank you for shopping with us!"
        );
        assert!(notes[1]
            .message
            .body
            .contains("- Delivery Date: November 26, 2026\n"));
    }

    #[test]
    fn the_admin_email_carries_the_whole_order() {
        let alice = person(1, "alice@example.com", Role::Customer);
        let admin = person(2, "admin@example.com", Role::Admin);
        let notes = order_placed(&order(), &alice, &[admin]);
        let body = &notes[2].message.body;
        for expected in [
            "- Order Number: ORD-20261126-0007\n",
            "- Customer: Alice Wanjiru\n",
            "- Order Date: November 26, 2026 at 02:05 PM UTC\n",
            "- Total Amount: Ksh 2,519.50\n",
            "- Lamp x2 @ Ksh 1,234.75 = Ksh 2,469.50\n",
            "Billing Address:\nPO Box 1, Nairobi\n",
            "- Method: mpesa\n- Status: Pending\n",
            "Please process this order accordingly.",
        ] {
            assert!(
                body.contains(expected),
                "{expected:?} missing from:\n{body}"
            );
        }
    }

    #[test]
    fn payments_and_alerts() {
        let alice = person(1, "alice@example.com", Role::Customer);
        let mut paid = order();
        paid.record_payment("", "QWE123", at()).unwrap();
        let notes = payment_recorded(&paid, &alice);
        assert_eq!(notes[0].message.subject, "Payment Received");
        assert!(notes[1].message.body.contains(
            "- Amount Paid: Ksh 2,519.50\n- Payment Method: mpesa\n- Reference: QWE123\n"
        ));

        let admin = person(2, "admin@example.com", Role::Admin);
        let alerts = system_alert(&[alice, admin], "disk", "Disk almost full", at());
        assert_eq!(
            summary(&alerts),
            [(Channel::Email, "admin@example.com", "System Alert - DISK")]
        );
        assert_eq!(alerts[0].order_id, None);
        assert!(alerts[0]
            .message
            .body
            .contains("Message:\nDisk almost full\n"));
    }

    #[test]
    fn title_case_capitalises_each_word() {
        assert_eq!(texts::title_case("pending"), "Pending");
        assert_eq!(texts::title_case("out for delivery"), "Out For Delivery");
        assert_eq!(texts::title_case(""), "");
    }
}
