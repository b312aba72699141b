use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{Actor, IllegalTransition, OrderLine, OrderNumber, OrderStatus, StockEffect};
use crate::catalogue::{Price, ProductId, Sku};
use crate::identity::{CustomerId, PhoneNumber};

/// Orders are identified by UUID; people quote the [`OrderNumber`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OrderId(pub Uuid);

/// Identifies a line of a placed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OrderItemId(pub Uuid);

/// A placed order: whose it is, where it goes, how it is paid, and its lines.
///
/// Its status, payment and delivery details change only through its methods, which apply the lifecycle's rules
/// ([`Order::change_status`], [`Order::cancel`], [`Order::record_payment`], [`Order::change_details`]); its lines
/// and total are fixed at placement. Storage adapters rebuild a stored order with [`Order::restore`].
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use orderflow_domain::catalogue::{Price, ProductId, Sku};
/// use orderflow_domain::identity::CustomerId;
/// use orderflow_domain::ordering::{
///     Actor, DeliveryDetails, NewOrder, Order, OrderId, OrderItemId, OrderLine, OrderNumber, OrderStatus,
///     PaymentRefusal, StockEffect,
/// };
/// use uuid::Uuid;
///
/// let at = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
/// let lamp = OrderLine {
///     product_id: ProductId(Uuid::nil()),
///     product_name: "Desk lamp".into(),
///     product_sku: Sku::parse("LAMP-1").unwrap(),
///     quantity: 2,
///     unit_price: Price::parse("12.50").unwrap(),
/// };
/// let mut order = Order::place(NewOrder {
///     id: OrderId(Uuid::nil()),
///     number: OrderNumber::new(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), 1),
///     customer_id: CustomerId(7),
///     details: DeliveryDetails::default(),
///     payment_method: "M-Pesa".into(),
///     lines: vec![(OrderItemId(Uuid::nil()), lamp)],
///     at,
/// });
/// assert_eq!(order.total_amount(), rust_decimal::Decimal::new(25, 0));
/// // A confirmed order can be paid, once.
/// order.change_status(OrderStatus::Confirmed, Actor::Staff, false, at).unwrap();
/// order.record_payment("", "QX81", at).unwrap();
/// assert_eq!(order.record_payment("", "QX81", at), Err(PaymentRefusal::AlreadyPaid));
/// // Cancelling gives the stock back.
/// let change = order.cancel(Actor::Owner, at).unwrap();
/// assert_eq!((change.from, change.effect), (OrderStatus::Confirmed, StockEffect::Return));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Order {
    /// Fixed at placement.
    pub id: OrderId,
    /// The number people quote (`ORD-20261124-0001`); the store draws it as it writes the order.
    pub number: OrderNumber,
    /// The customer who placed it: its owner.
    pub customer_id: CustomerId,
    /// When it was placed.
    pub created_at: DateTime<Utc>,
    status: OrderStatus,
    total_amount: Decimal,
    details: DeliveryDetails,
    payment: Payment,
    updated_at: DateTime<Utc>,
    items: Vec<OrderItem>,
}

/// Where an order goes, and what the customer told the shop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DeliveryDetails {
    /// Where it is delivered.
    pub shipping_address: String,
    /// Where the bill goes.
    pub billing_address: String,
    /// The phone to text about this order; `None` to use the owner's profile phone.
    pub phone_number: Option<PhoneNumber>,
    /// The customer's notes for the shop.
    pub notes: String,
}

/// The delivery details to change; `None` keeps a detail as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailsChange {
    /// A new shipping address.
    pub shipping_address: Option<String>,
    /// A new billing address.
    pub billing_address: Option<String>,
    /// A new phone number.
    pub phone_number: Option<PhoneNumber>,
    /// New notes.
    pub notes: Option<String>,
}

/// How an order is paid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Payment {
    /// Whether staff recorded a payment.
    pub is_paid: bool,
    /// How it was (or is to be) paid: given at placement, or as staff recorded it.
    pub method: String,
    /// The payment's reference (a receipt or transaction number), as staff recorded it.
    pub reference: String,
}

/// A new order, as placement builds it: pending, unpaid, its lines priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// Its identity.
    pub id: OrderId,
    /// A number, or a draft one until the store draws it.
    pub number: OrderNumber,
    /// Its owner.
    pub customer_id: CustomerId,
    /// Where it goes.
    pub details: DeliveryDetails,
    /// How the customer means to pay; empty if not said.
    pub payment_method: String,
    /// Its lines, priced at placement, each with the id its item gets (ids come from the caller: this crate
    /// draws no random numbers).
    pub lines: Vec<(OrderItemId, OrderLine)>,
    /// When it is placed.
    pub at: DateTime<Utc>,
}

/// Every field of an order as a store keeps it, for rebuilding one with [`Order::restore`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // the fields are those of `Order`, documented there
pub struct StoredOrder {
    pub id: OrderId,
    pub number: OrderNumber,
    pub customer_id: CustomerId,
    pub status: OrderStatus,
    pub total_amount: Decimal,
    pub details: DeliveryDetails,
    pub payment: Payment,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub items: Vec<OrderItem>,
}

/// A status move that happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    /// The status before.
    pub from: OrderStatus,
    /// The status now.
    pub to: OrderStatus,
    /// What the move does to stock (the caller applies it, in the same transaction).
    pub effect: StockEffect,
}

/// Why an order cannot be cancelled. (Not `#[non_exhaustive]`: these are the only two ways.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CancelRefusal {
    /// Past the point where cancelling is possible (processing or later).
    #[error("a {status} order cannot be cancelled")]
    NotCancellable {
        /// The order's status.
        status: OrderStatus,
    },
    /// The lifecycle refuses the move for this actor.
    #[error(transparent)]
    Illegal(#[from] IllegalTransition),
}

/// Why a payment cannot be recorded. (Not `#[non_exhaustive]`: these are the only two ways.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PaymentRefusal {
    /// A payment is already recorded.
    #[error("already paid")]
    AlreadyPaid,
    /// The order is cancelled or refunded.
    #[error("a {status} order cannot be paid")]
    NotPayable {
        /// The order's status.
        status: OrderStatus,
    },
}

/// The delivery details can change only while the order is pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the details of a {status} order are fixed")]
pub struct DetailsLocked {
    /// The order's status.
    pub status: OrderStatus,
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
    pub product_sku: Sku,
    /// Units ordered.
    pub quantity: i64,
    /// The product's price at placement.
    pub unit_price: Price,
    /// Unit price times quantity, exact.
    pub subtotal: Decimal,
    /// When the line was written, with its order.
    pub created_at: DateTime<Utc>,
}

impl Order {
    /// A new order: pending, unpaid, its total the exact sum of its lines.
    pub fn place(new: NewOrder) -> Self {
        let items = new
            .lines
            .iter()
            .map(|(id, line)| OrderItem {
                id: *id,
                product_id: line.product_id,
                product_name: line.product_name.clone(),
                product_sku: line.product_sku.clone(),
                quantity: line.quantity,
                unit_price: line.unit_price,
                subtotal: line.subtotal(),
                created_at: new.at,
            })
            .collect();
        Self {
            id: new.id,
            number: new.number,
            customer_id: new.customer_id,
            created_at: new.at,
            status: OrderStatus::Pending,
            total_amount: new.lines.iter().map(|(_, line)| line.subtotal()).sum(),
            details: new.details,
            payment: Payment {
                is_paid: false,
                method: new.payment_method,
                reference: String::new(),
            },
            updated_at: new.at,
            items,
        }
    }

    /// An order as a store kept it (trusted: it was an order when it was written).
    pub fn restore(stored: StoredOrder) -> Self {
        Self {
            id: stored.id,
            number: stored.number,
            customer_id: stored.customer_id,
            created_at: stored.created_at,
            status: stored.status,
            total_amount: stored.total_amount,
            details: stored.details,
            payment: stored.payment,
            updated_at: stored.updated_at,
            items: stored.items,
        }
    }

    /// Where it is in its lifecycle.
    pub fn status(&self) -> OrderStatus {
        self.status
    }

    /// The exact sum of its lines' subtotals.
    pub fn total_amount(&self) -> Decimal {
        self.total_amount
    }

    /// Where it goes.
    pub fn details(&self) -> &DeliveryDetails {
        &self.details
    }

    /// How it is paid.
    pub fn payment(&self) -> &Payment {
        &self.payment
    }

    /// When it last changed.
    pub fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }

    /// Its lines, priced at placement.
    pub fn items(&self) -> &[OrderItem] {
        &self.items
    }

    /// Whether the owner may still cancel (see [`OrderStatus::can_be_cancelled`]).
    pub fn can_be_cancelled(&self) -> bool {
        self.status.can_be_cancelled()
    }

    /// The owner may change the delivery details while the order is pending.
    pub fn is_editable_by_owner(&self) -> bool {
        self.status == OrderStatus::Pending
    }

    /// Moves the order to `to` if the lifecycle allows it for `actor` (see [`OrderStatus::transition`]), and
    /// says what the move does to stock. Nothing changes when it is refused.
    pub fn change_status(
        &mut self,
        to: OrderStatus,
        actor: Actor,
        restock: bool,
        at: DateTime<Utc>,
    ) -> Result<StatusChange, IllegalTransition> {
        let effect = self.status.transition(to, actor, restock)?;
        let from = self.status;
        self.status = to;
        self.updated_at = at;
        Ok(StatusChange { from, to, effect })
    }

    /// Cancels the order if it has not started processing; its stock is to come back.
    pub fn cancel(
        &mut self,
        actor: Actor,
        at: DateTime<Utc>,
    ) -> Result<StatusChange, CancelRefusal> {
        if !self.can_be_cancelled() {
            return Err(CancelRefusal::NotCancellable {
                status: self.status,
            });
        }
        Ok(self.change_status(OrderStatus::Cancelled, actor, false, at)?)
    }

    /// Records a payment, once, on an order that still counts as revenue. An empty `method` keeps the one given
    /// at placement.
    pub fn record_payment(
        &mut self,
        method: &str,
        reference: &str,
        at: DateTime<Utc>,
    ) -> Result<(), PaymentRefusal> {
        if self.payment.is_paid {
            return Err(PaymentRefusal::AlreadyPaid);
        }
        if !self.status.counts_as_revenue() {
            return Err(PaymentRefusal::NotPayable {
                status: self.status,
            });
        }
        self.payment.is_paid = true;
        if !method.is_empty() {
            self.payment.method = method.to_owned();
        }
        self.payment.reference = reference.to_owned();
        self.updated_at = at;
        Ok(())
    }

    /// Changes the delivery details of a pending order.
    pub fn change_details(
        &mut self,
        change: DetailsChange,
        at: DateTime<Utc>,
    ) -> Result<(), DetailsLocked> {
        if !self.is_editable_by_owner() {
            return Err(DetailsLocked {
                status: self.status,
            });
        }
        let details = &mut self.details;
        if let Some(phone) = change.phone_number {
            details.phone_number = Some(phone);
        }
        for (value, field) in [
            (change.shipping_address, &mut details.shipping_address),
            (change.billing_address, &mut details.billing_address),
            (change.notes, &mut details.notes),
        ] {
            if let Some(value) = value {
                *field = value;
            }
        }
        self.updated_at = at;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, hour, 0, 0).unwrap()
    }

    fn pending() -> Order {
        Order::place(NewOrder {
            id: OrderId(Uuid::nil()),
            number: OrderNumber::new(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), 1),
            customer_id: CustomerId(1),
            details: DeliveryDetails {
                shipping_address: "1 Moi Avenue".into(),
                ..DeliveryDetails::default()
            },
            payment_method: "cash".into(),
            lines: vec![
                (
                    OrderItemId(Uuid::from_u128(1)),
                    OrderLine {
                        product_id: ProductId(Uuid::from_u128(1)),
                        product_name: "Lamp".into(),
                        product_sku: Sku::parse("LAMP").unwrap(),
                        quantity: 3,
                        unit_price: crate::catalogue::Price::parse("0.10").unwrap(),
                    },
                ),
                (
                    OrderItemId(Uuid::from_u128(2)),
                    OrderLine {
                        product_id: ProductId(Uuid::from_u128(2)),
                        product_name: "Bulb".into(),
                        product_sku: Sku::parse("BULB").unwrap(),
                        quantity: 1,
                        unit_price: crate::catalogue::Price::parse("0.20").unwrap(),
                    },
                ),
            ],
            at: at(9),
        })
    }

    #[test]
    fn a_placed_order_is_pending_unpaid_and_totals_its_lines_exactly() {
        let order = pending();
        assert_eq!(order.status(), OrderStatus::Pending);
        assert!(!order.payment().is_paid);
        assert_eq!(order.payment().method, "cash");
        assert_eq!(order.total_amount(), Decimal::new(50, 2));
        assert_eq!(order.items()[0].subtotal, Decimal::new(30, 2));
        assert_eq!(order.updated_at(), order.created_at);
    }

    #[test]
    fn a_refused_move_changes_nothing() {
        let mut order = pending();
        let before = order.clone();
        assert_eq!(
            order.change_status(OrderStatus::Shipped, Actor::Staff, false, at(10)),
            Err(IllegalTransition::NotAllowed {
                from: OrderStatus::Pending,
                to: OrderStatus::Shipped
            })
        );
        assert_eq!(
            order.change_status(OrderStatus::Confirmed, Actor::Owner, false, at(10)),
            Err(IllegalTransition::NotPermitted {
                from: OrderStatus::Pending,
                to: OrderStatus::Confirmed
            })
        );
        assert_eq!(order, before);
    }

    #[test]
    fn an_allowed_move_changes_status_and_time_and_reports_the_stock_effect() {
        let mut order = pending();
        let change = order
            .change_status(OrderStatus::Confirmed, Actor::Staff, false, at(10))
            .unwrap();
        assert_eq!(
            change,
            StatusChange {
                from: OrderStatus::Pending,
                to: OrderStatus::Confirmed,
                effect: StockEffect::None
            }
        );
        assert_eq!(
            (order.status(), order.updated_at()),
            (OrderStatus::Confirmed, at(10))
        );
        order
            .change_status(OrderStatus::Processing, Actor::Staff, false, at(11))
            .unwrap();
        assert_eq!(
            order.cancel(Actor::Staff, at(12)),
            Err(CancelRefusal::NotCancellable {
                status: OrderStatus::Processing
            })
        );
        assert_eq!(order.status(), OrderStatus::Processing);
    }

    #[test]
    fn payment_is_recorded_once_and_never_on_a_cancelled_order() {
        let mut order = pending();
        order.record_payment("", "R-1", at(10)).unwrap();
        assert_eq!(
            order.payment(),
            &Payment {
                is_paid: true,
                method: "cash".into(),
                reference: "R-1".into()
            }
        );
        assert_eq!(
            order.record_payment("card", "R-2", at(11)),
            Err(PaymentRefusal::AlreadyPaid)
        );
        assert_eq!(order.payment().reference, "R-1");

        let mut cancelled = pending();
        cancelled.cancel(Actor::Owner, at(10)).unwrap();
        assert_eq!(
            cancelled.record_payment("card", "R-3", at(11)),
            Err(PaymentRefusal::NotPayable {
                status: OrderStatus::Cancelled
            })
        );
        assert!(!cancelled.payment().is_paid);
    }

    #[test]
    fn details_change_only_while_pending_and_only_where_given() {
        let mut order = pending();
        order
            .change_details(
                DetailsChange {
                    notes: Some("Ring twice".into()),
                    ..DetailsChange::default()
                },
                at(10),
            )
            .unwrap();
        assert_eq!(order.details().notes, "Ring twice");
        assert_eq!(order.details().shipping_address, "1 Moi Avenue");
        order
            .change_status(OrderStatus::Confirmed, Actor::Staff, false, at(11))
            .unwrap();
        assert_eq!(
            order.change_details(DetailsChange::default(), at(12)),
            Err(DetailsLocked {
                status: OrderStatus::Confirmed
            })
        );
        assert_eq!(order.updated_at(), at(11));
    }
}
