//! Moving orders through their lifecycle, recording payment, and changing delivery details.

use std::sync::Arc;

use crate::validation::{FieldErrors, FieldProblem};
use orderflow_domain::identity::{Customer, PhoneNumber};
use orderflow_domain::notifications::{self, SmsCaps};
use orderflow_domain::ordering::{
    Actor, DetailsChange, EventType, Order, OrderId, OrderStatus, StatusChange, StockEffect,
};
use orderflow_domain::text::{self, limits};

use super::ChangeOrderError;
use crate::notifications::queue;
use crate::ports::{
    transaction, Clock, NewOrderEvent, OrderQueries, OrderView, Transaction, UnitOfWork,
};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusInput {
    pub status: Option<String>,
    pub notes: Option<String>,
    /// For refunds: put the units back in stock.
    pub restock: bool,
}

/// The delivery details the owner may change while the order is pending.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailsInput {
    pub shipping_address: Option<String>,
    pub billing_address: Option<String>,
    pub phone_number: Option<String>,
    pub notes: Option<String>,
}

pub struct ChangeOrders {
    uow: Arc<dyn UnitOfWork>,
    queries: Arc<dyn OrderQueries>,
    clock: Arc<dyn Clock>,
    sms_caps: SmsCaps,
}

/// An order the caller may see: their own, or any for staff. Others' orders do not exist for them.
fn visible(order: Option<Order>, actor: &Customer) -> Result<Order, ChangeOrderError> {
    order
        .filter(|order| order.customer_id == actor.id || actor.is_staff())
        .ok_or(ChangeOrderError::NotFound)
}

/// The customer who placed `order`: the actor, or read in the transaction. `None` if the account is gone.
fn owner_of(
    tx: &mut dyn Transaction,
    order: &Order,
    actor: &Customer,
) -> Result<Option<Customer>, ChangeOrderError> {
    if order.customer_id == actor.id {
        return Ok(Some(actor.clone()));
    }
    Ok(tx.customers().find(order.customer_id)?)
}

impl ChangeOrders {
    pub fn new(
        uow: Arc<dyn UnitOfWork>,
        queries: Arc<dyn OrderQueries>,
        clock: Arc<dyn Clock>,
        sms_caps: SmsCaps,
    ) -> Self {
        Self {
            uow,
            queries,
            clock,
            sms_caps,
        }
    }

    fn view(&self, id: OrderId) -> Result<OrderView, ChangeOrderError> {
        self.queries.order(id)?.ok_or(ChangeOrderError::NotFound)
    }

    /// Staff move an order along the lifecycle; cancelling returns the stock, refunding returns it on `restock`.
    pub fn update_status(
        &self,
        actor: &Customer,
        id: OrderId,
        input: StatusInput,
    ) -> Result<OrderView, ChangeOrderError> {
        let mut errors = FieldErrors::new();
        let to = match input.status.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add("status", FieldProblem::Required);
                None
            }
            Some(raw) => errors.check("status", raw.parse::<OrderStatus>()),
        };
        let note = errors.check(
            "notes",
            text::free_text(
                input.notes.as_deref().unwrap_or_default(),
                limits::STATUS_NOTE,
            ),
        );
        let (Some(to), Some(note)) = (to, note) else {
            return Err(errors.into());
        };
        transaction(self.uow.as_ref(), |tx| {
            let mut order = visible(tx.orders().find_for_update(id)?, actor)?;
            let change = order
                .change_status(to, Actor::Staff, input.restock, self.clock.now())
                .map_err(|e| ChangeOrderError::Invalid(FieldErrors::single("status", e)))?;
            self.record_move(tx, &order, change, actor, &note)
        })?;
        self.view(id)
    }

    /// The owner (or staff) cancels an order that has not started processing; its stock comes back.
    pub fn cancel(&self, actor: &Customer, id: OrderId) -> Result<OrderView, ChangeOrderError> {
        transaction(self.uow.as_ref(), |tx| {
            let mut order = visible(tx.orders().find_for_update(id)?, actor)?;
            let role = if order.customer_id == actor.id {
                Actor::Owner
            } else {
                Actor::Staff
            };
            let change = order
                .cancel(role, self.clock.now())
                .map_err(ChangeOrderError::from)?;
            self.record_move(tx, &order, change, actor, "")
        })?;
        self.view(id)
    }

    /// Writes a move the order made: its stock effect, the order, its history line and the owner's messages.
    fn record_move(
        &self,
        tx: &mut dyn Transaction,
        order: &Order,
        change: StatusChange,
        actor: &Customer,
        note: &str,
    ) -> Result<(), ChangeOrderError> {
        let StatusChange { from, to, effect } = change;
        if effect == StockEffect::Return {
            // In product order, as placement locks them: concurrent orders and returns cannot deadlock.
            let mut items: Vec<_> = order
                .items()
                .iter()
                .map(|item| (item.product_id, item.quantity, &item.product_name))
                .collect();
            items.sort();
            for (product, units, name) in items {
                // The transaction rolls back: no line's stock comes back unless every line's can.
                if !tx.products().return_stock(product, units)? {
                    return Err(ChangeOrderError::StockLimit {
                        product_name: name.clone(),
                        units,
                    });
                }
            }
        }
        let now = order.updated_at();
        tx.orders().update(order)?;
        let restocked = if effect == StockEffect::Return {
            " (stock returned)"
        } else {
            ""
        };
        tx.orders().add_event(&NewOrderEvent {
            from_status: Some(from),
            to_status: Some(to),
            note: format!("{}{restocked}", note.trim()),
            ..NewOrderEvent::by(actor, order.id, EventType::StatusChanged, now)
        })?;
        if let Some(owner) = owner_of(tx, order, actor)? {
            queue(
                tx,
                notifications::status_changed(order, &owner, from, to, now),
                self.sms_caps,
                now,
            )?;
        }
        Ok(())
    }

    /// Staff record the payment of an order.
    pub fn mark_paid(
        &self,
        actor: &Customer,
        id: OrderId,
        payment_method: Option<String>,
        payment_reference: Option<String>,
    ) -> Result<OrderView, ChangeOrderError> {
        let mut errors = FieldErrors::new();
        let method = errors.check(
            "payment_method",
            text::line(
                payment_method.as_deref().unwrap_or_default(),
                limits::PAYMENT_METHOD,
            ),
        );
        let reference = errors.check(
            "payment_reference",
            text::line(
                payment_reference.as_deref().unwrap_or_default(),
                limits::PAYMENT_REFERENCE,
            ),
        );
        let (Some(method), Some(reference)) = (method, reference) else {
            return Err(errors.into());
        };
        transaction(self.uow.as_ref(), |tx| {
            let mut order = visible(tx.orders().find_for_update(id)?, actor)?;
            let now = self.clock.now();
            order
                .record_payment(&method, &reference, now)
                .map_err(ChangeOrderError::from)?;
            tx.orders().update(&order)?;
            let payment = order.payment();
            tx.orders().add_event(&NewOrderEvent {
                note: format!("{} {}", payment.method, payment.reference)
                    .trim()
                    .to_owned(),
                ..NewOrderEvent::by(actor, order.id, EventType::Paid, now)
            })?;
            if let Some(owner) = owner_of(tx, &order, actor)? {
                queue(
                    tx,
                    notifications::payment_recorded(&order, &owner),
                    self.sms_caps,
                    now,
                )?;
            }
            Ok::<_, ChangeOrderError>(())
        })?;
        self.view(id)
    }

    /// While the order is pending, its owner (or staff) may change the delivery details and notes.
    pub fn update_details(
        &self,
        actor: &Customer,
        id: OrderId,
        input: DetailsInput,
    ) -> Result<OrderView, ChangeOrderError> {
        let mut errors = FieldErrors::new();
        let address = |errors: &mut FieldErrors, field: &str, value: &Option<String>| {
            value.as_deref().and_then(|raw| {
                if raw.trim().is_empty() {
                    errors.add(field, text::TextError::Blank);
                    None
                } else {
                    errors.check(field, text::free_text(raw, limits::ORDER_ADDRESS))
                }
            })
        };
        let shipping = address(&mut errors, "shipping_address", &input.shipping_address);
        let billing = address(&mut errors, "billing_address", &input.billing_address);
        let phone = input
            .phone_number
            .as_deref()
            .and_then(|raw| errors.check("phone_number", PhoneNumber::parse(raw)));
        let notes = input
            .notes
            .as_deref()
            .and_then(|raw| errors.check("notes", text::free_text(raw, limits::ORDER_NOTES)));
        errors.into_result()?;
        transaction(self.uow.as_ref(), |tx| {
            let mut order = visible(tx.orders().find_for_update(id)?, actor)?;
            let now = self.clock.now();
            order
                .change_details(
                    DetailsChange {
                        shipping_address: shipping.clone(),
                        billing_address: billing.clone(),
                        phone_number: phone.clone(),
                        notes: notes.clone(),
                    },
                    now,
                )
                .map_err(ChangeOrderError::from)?;
            tx.orders().update(&order)?;
            tx.orders().add_event(&NewOrderEvent::by(
                actor,
                order.id,
                EventType::DetailsChanged,
                now,
            ))?;
            Ok::<_, ChangeOrderError>(())
        })?;
        self.view(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{
        MockCategoryStore, MockCustomerStore, MockOrderStore, MockOutbox, MockProductStore,
    };
    use crate::test_support::fixed_clock;
    use crate::test_support::{order, owner, queries_returning, staff, stranger};
    use crate::test_support::{FakeTransaction, FakeUnitOfWork};
    use mockall::Sequence;
    use orderflow_domain::catalogue::ProductId;
    use uuid::Uuid;

    fn change(
        status: OrderStatus,
        products: MockProductStore,
        mut orders: MockOrderStore,
    ) -> (ChangeOrders, Arc<FakeUnitOfWork>) {
        let lines = [(2, 3), (1, 4)];
        orders
            .expect_find_for_update()
            .returning(move |_| Ok(Some(order(status, 1, &lines))));
        let uow = Arc::new(FakeUnitOfWork::with_orders(
            MockCategoryStore::new(),
            products,
            orders,
        ));
        (
            ChangeOrders::new(
                uow.clone(),
                Arc::new(queries_returning(status)),
                fixed_clock(),
                SmsCaps::default(),
            ),
            uow,
        )
    }

    fn status(value: &str, restock: bool) -> StatusInput {
        StatusInput {
            status: Some(value.into()),
            notes: Some("note".into()),
            restock,
        }
    }

    fn id() -> OrderId {
        OrderId(Uuid::from_u128(99))
    }

    #[test]
    fn an_illegal_move_changes_nothing() {
        let mut orders = MockOrderStore::new();
        orders.expect_update().never();
        let (change, uow) = change(OrderStatus::Pending, MockProductStore::new(), orders);
        let Err(ChangeOrderError::Invalid(errors)) =
            change.update_status(&staff(), id(), status("shipped", false))
        else {
            panic!("expected a refusal")
        };
        assert_eq!(
            errors.problems("status"),
            [FieldProblem::Transition(
                orderflow_domain::ordering::IllegalTransition::NotAllowed {
                    from: OrderStatus::Pending,
                    to: OrderStatus::Shipped
                }
            )]
        );
        assert_eq!(uow.rollbacks(), 1);
    }

    #[test]
    fn cancelling_returns_every_line_in_product_order_and_records_the_move() {
        let mut products = MockProductStore::new();
        let mut sequence = Sequence::new();
        for (product, quantity) in [(1, 4), (2, 3)] {
            products
                .expect_return_stock()
                .withf(move |id, q| *id == ProductId(Uuid::from_u128(product)) && *q == quantity)
                .times(1)
                .in_sequence(&mut sequence)
                .returning(|_, _| Ok(true));
        }
        let mut orders = MockOrderStore::new();
        orders
            .expect_update()
            .withf(|o| o.status() == OrderStatus::Cancelled)
            .times(1)
            .returning(|_| Ok(()));
        orders
            .expect_add_event()
            .withf(|e| {
                e.from_status == Some(OrderStatus::Confirmed)
                    && e.to_status == Some(OrderStatus::Cancelled)
                    && e.actor_id == Some(owner().id)
            })
            .times(1)
            .returning(|_| Ok(()));
        let (change, _) = change(OrderStatus::Confirmed, products, orders);
        change.cancel(&owner(), id()).unwrap();
    }

    #[test]
    fn a_return_past_the_stock_maximum_refuses_the_whole_cancellation() {
        let mut products = MockProductStore::new();
        products
            .expect_return_stock()
            .withf(|id, _| *id == ProductId(Uuid::from_u128(1)))
            .returning(|_, _| Ok(true));
        products
            .expect_return_stock()
            .withf(|id, _| *id == ProductId(Uuid::from_u128(2)))
            .returning(|_, _| Ok(false));
        let mut orders = MockOrderStore::new();
        orders.expect_update().never();
        orders.expect_add_event().never();
        let (change, uow) = change(OrderStatus::Pending, products, orders);
        let Err(ChangeOrderError::StockLimit { units, .. }) = change.cancel(&owner(), id()) else {
            panic!("expected the stock limit")
        };
        assert_eq!(units, 3);
        assert_eq!(
            uow.rollbacks(),
            1,
            "the first line's return is rolled back too"
        );
    }

    #[test]
    fn a_status_note_is_bounded_free_text() {
        let (change, _) = change(
            OrderStatus::Pending,
            MockProductStore::new(),
            MockOrderStore::new(),
        );
        for (note, expected) in [
            ("n".repeat(1_001), text::TextError::TooLong(1_000)),
            ("bad\u{0}".to_owned(), text::TextError::ControlInText),
        ] {
            let input = StatusInput {
                status: Some("confirmed".into()),
                notes: Some(note),
                restock: false,
            };
            let Err(ChangeOrderError::Invalid(errors)) =
                change.update_status(&staff(), id(), input)
            else {
                panic!("expected a refusal")
            };
            assert_eq!(errors.problems("notes"), [FieldProblem::Text(expected)]);
        }
    }

    fn telling(
        status: OrderStatus,
        customers: MockCustomerStore,
        mut outbox: MockOutbox,
    ) -> (ChangeOrders, Arc<FakeUnitOfWork>) {
        outbox
            .expect_recent_sms()
            .returning(|_, _, _, _, _| Ok(Default::default()));
        let mut orders = MockOrderStore::new();
        orders
            .expect_find_for_update()
            .returning(move |_| Ok(Some(order(status, 1, &[(1, 1)]))));
        orders.expect_update().returning(|_| Ok(()));
        orders.expect_add_event().returning(|_| Ok(()));
        let mut products = MockProductStore::new();
        products.expect_return_stock().returning(|_, _| Ok(true));
        let uow = Arc::new(FakeUnitOfWork::with(FakeTransaction {
            categories: MockCategoryStore::new(),
            products,
            orders,
            customers,
            outbox,
        }));
        let change = ChangeOrders::new(
            uow.clone(),
            Arc::new(queries_returning(status)),
            fixed_clock(),
            SmsCaps::default(),
        );
        (change, uow)
    }

    fn subjects(queued: &[notifications::NewNotification]) -> Vec<&str> {
        queued.iter().map(|n| n.message.subject.as_str()).collect()
    }

    #[test]
    fn staff_moves_tell_the_owner_read_in_the_transaction() {
        let mut customers = MockCustomerStore::new();
        customers
            .expect_find()
            .withf(|id| id.0 == 1)
            .times(1)
            .returning(|_| Ok(Some(owner())));
        let mut outbox = MockOutbox::new();
        outbox
            .expect_enqueue()
            .withf(|queued, _| {
                subjects(queued) == ["Order Delivered", "Order Delivered - #ORD-20260501-0001"]
                    && queued[1].address == "alice@example.com"
            })
            .times(1)
            .returning(|_, _| Ok(()));
        let (change, uow) = telling(OrderStatus::Shipped, customers, outbox);
        change
            .update_status(&staff(), id(), status("delivered", false))
            .unwrap();
        assert_eq!(uow.commits(), 1);
    }

    #[test]
    fn the_owner_cancelling_is_told_without_a_lookup_and_payments_send_a_receipt() {
        let mut customers = MockCustomerStore::new();
        customers.expect_find().never();
        let mut outbox = MockOutbox::new();
        outbox
            .expect_enqueue()
            .withf(|queued, _| {
                subjects(queued)
                    == [
                        "Order Status Update",
                        "Order Status Update - #ORD-20260501-0001",
                    ]
                    && queued[0]
                        .message
                        .body
                        .contains("From: Pending\nTo: Cancelled")
            })
            .times(1)
            .returning(|_, _| Ok(()));
        let (change, _) = telling(OrderStatus::Pending, customers, outbox);
        change.cancel(&owner(), id()).unwrap();

        let mut customers = MockCustomerStore::new();
        customers.expect_find().returning(|_| Ok(Some(owner())));
        let mut outbox = MockOutbox::new();
        outbox
            .expect_enqueue()
            .withf(|queued, _| {
                subjects(queued) == ["Payment Received", "Payment Received - #ORD-20260501-0001"]
            })
            .times(1)
            .returning(|_, _| Ok(()));
        let (change, _) = telling(OrderStatus::Confirmed, customers, outbox);
        change
            .mark_paid(&staff(), id(), None, Some("QX1".into()))
            .unwrap();
    }

    #[test]
    fn editing_details_tells_no_one() {
        let mut outbox = MockOutbox::new();
        outbox.expect_enqueue().never();
        let (change, _) = telling(OrderStatus::Pending, MockCustomerStore::new(), outbox);
        change
            .update_details(
                &owner(),
                id(),
                DetailsInput {
                    notes: Some("leave at the gate".into()),
                    ..DetailsInput::default()
                },
            )
            .unwrap();
    }

    #[test]
    fn a_refund_returns_stock_only_with_restock() {
        for restock in [true, false] {
            let mut products = MockProductStore::new();
            products
                .expect_return_stock()
                .times(if restock { 2 } else { 0 })
                .returning(|_, _| Ok(true));
            let mut orders = MockOrderStore::new();
            orders.expect_update().returning(|_| Ok(()));
            orders.expect_add_event().returning(|_| Ok(()));
            let (change, _) = change(OrderStatus::Delivered, products, orders);
            change
                .update_status(&staff(), id(), status("refunded", restock))
                .unwrap();
        }
    }

    #[test]
    fn a_stranger_cannot_see_let_alone_cancel_an_order() {
        let (change, _) = change(
            OrderStatus::Pending,
            MockProductStore::new(),
            MockOrderStore::new(),
        );
        assert!(matches!(
            change.cancel(&stranger(), id()),
            Err(ChangeOrderError::NotFound)
        ));
        assert!(matches!(
            change.update_details(&stranger(), id(), DetailsInput::default()),
            Err(ChangeOrderError::NotFound)
        ));
    }

    #[test]
    fn a_shipped_order_cannot_be_cancelled_or_edited() {
        let (change, _) = change(
            OrderStatus::Shipped,
            MockProductStore::new(),
            MockOrderStore::new(),
        );
        assert!(matches!(
            change.cancel(&owner(), id()),
            Err(ChangeOrderError::NotCancellable {
                status: OrderStatus::Shipped
            })
        ));
        assert!(matches!(
            change.update_details(
                &owner(),
                id(),
                DetailsInput {
                    notes: Some("x".into()),
                    ..DetailsInput::default()
                }
            ),
            Err(ChangeOrderError::DetailsLocked {
                status: OrderStatus::Shipped
            })
        ));
    }

    #[test]
    fn payment_is_recorded_once() {
        let mut orders = MockOrderStore::new();
        orders
            .expect_update()
            .withf(|o| o.payment().is_paid && o.payment().reference == "QX1")
            .times(1)
            .returning(|_| Ok(()));
        orders
            .expect_add_event()
            .withf(|e| {
                e.event_type == EventType::Paid
                    && (e.actor.as_str(), e.actor_id) == ("staff@example.com", Some(staff().id))
                    && e.note == "mpesa QX1"
            })
            .times(1)
            .returning(|_| Ok(()));
        let (change, _) = change(OrderStatus::Confirmed, MockProductStore::new(), orders);
        change
            .mark_paid(&staff(), id(), Some("mpesa".into()), Some("QX1".into()))
            .unwrap();

        let mut orders = MockOrderStore::new();
        orders.expect_find_for_update().returning(|_| {
            let mut paid = order(OrderStatus::Confirmed, 1, &[(1, 1)]);
            paid.record_payment("", "", paid.created_at)
                .map_err(|_| crate::ports::RepositoryError::Failed("unpayable fixture".into()))?;
            Ok(Some(paid))
        });
        orders.expect_update().never();
        let uow = Arc::new(FakeUnitOfWork::with_orders(
            MockCategoryStore::new(),
            MockProductStore::new(),
            orders,
        ));
        let change = ChangeOrders::new(
            uow,
            Arc::new(queries_returning(OrderStatus::Confirmed)),
            fixed_clock(),
            SmsCaps::default(),
        );
        assert!(matches!(
            change.mark_paid(&staff(), id(), None, None),
            Err(ChangeOrderError::AlreadyPaid)
        ));
    }
}
