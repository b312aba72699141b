//! Fixtures for the order use-case tests.

use chrono::{DateTime, NaiveDate, Utc};
use orderflow_domain::catalogue::{Price, ProductId, Sku};
use orderflow_domain::identity::{CustomerId, PhoneNumber, Role};
use orderflow_domain::ordering::{
    DeliveryDetails, Order, OrderId, OrderItem, OrderItemId, OrderNumber, OrderStatus, Payment,
    StoredOrder,
};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::identity::{customer, now};
use crate::ports::{MockOrderQueries, OrderView};

pub fn order(status: OrderStatus, owner: i64, lines: &[(u128, i64)]) -> Order {
    let at: DateTime<Utc> = now();
    Order::restore(StoredOrder {
        id: OrderId(Uuid::from_u128(99)),
        number: OrderNumber::new(NaiveDate::from_ymd_opt(2026, 5, 1).unwrap_or_default(), 1),
        customer_id: CustomerId(owner),
        status,
        total_amount: Decimal::from(10),
        details: DeliveryDetails {
            shipping_address: "1 Moi Avenue".into(),
            billing_address: "1 Moi Avenue".into(),
            phone_number: Some(PhoneNumber::parse("+254711000001").unwrap()),
            notes: String::new(),
        },
        payment: Payment::default(),
        created_at: at,
        updated_at: at,
        items: lines
            .iter()
            .map(|(product, quantity)| OrderItem {
                id: OrderItemId(Uuid::new_v4()),
                product_id: ProductId(Uuid::from_u128(*product)),
                product_name: "Lamp".into(),
                product_sku: Sku::parse("LAMP").unwrap(),
                quantity: *quantity,
                unit_price: Price::parse("10").unwrap(),
                subtotal: Decimal::from(10 * quantity),
                created_at: at,
            })
            .collect(),
    })
}

/// Answers `order(id)` with an order of `status` owned by customer 1.
pub fn queries_returning(status: OrderStatus) -> MockOrderQueries {
    let mut queries = MockOrderQueries::new();
    queries.expect_order().returning(move |_| {
        Ok(Some(OrderView {
            order: order(status, 1, &[(1, 1)]),
            customer_name: "Alice".into(),
            customer_email: "alice@example.com".into(),
        }))
    });
    queries
}

pub fn owner() -> orderflow_domain::identity::Customer {
    customer(1, "alice@example.com", Role::Customer)
}

pub fn stranger() -> orderflow_domain::identity::Customer {
    customer(2, "bob@example.com", Role::Customer)
}

pub fn staff() -> orderflow_domain::identity::Customer {
    customer(3, "staff@example.com", Role::Staff)
}
