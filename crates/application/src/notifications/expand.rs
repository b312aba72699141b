//! The workers' first step: turning each recorded change into one message per person to be told.
//!
//! A placement records one [`OutboxEvent`] in its own transaction, whoever is to be told: it holds the stock and
//! the day's order counter until it commits, and a message per active admin written there made every order
//! slower as the staff grew. The worker expands the event here, in a transaction that takes the event and queues
//! its messages together: an event is expanded exactly once (two workers never take the same one), and only a
//! committed order has one.

use std::sync::Arc;

use orderflow_domain::notifications::{self, SmsCaps};

use super::queue;
use crate::ports::{transaction, Clock, OutboxEvent, RepositoryError, Transaction, UnitOfWork};

pub struct ExpandOutboxEvents {
    uow: Arc<dyn UnitOfWork>,
    clock: Arc<dyn Clock>,
    sms_caps: SmsCaps,
    batch_size: u32,
}

impl ExpandOutboxEvents {
    pub fn new(
        uow: Arc<dyn UnitOfWork>,
        clock: Arc<dyn Clock>,
        sms_caps: SmsCaps,
        batch_size: u32,
    ) -> Self {
        Self {
            uow,
            clock,
            sms_caps,
            batch_size,
        }
    }

    /// Expands up to a batch of events; returns how many. The messages are due at once, with the caps on text
    /// messages applied as they are queued.
    pub fn run_round(&self) -> Result<usize, RepositoryError> {
        transaction(self.uow.as_ref(), |tx| {
            let events = tx.outbox().take_events(self.batch_size)?;
            if events.is_empty() {
                return Ok(0);
            }
            // Admins are the same for every order of the batch.
            let admins = tx.customers().active_admins()?;
            for event in &events {
                self.expand(tx, *event, &admins)?;
            }
            Ok(events.len())
        })
    }

    fn expand(
        &self,
        tx: &mut dyn Transaction,
        event: OutboxEvent,
        admins: &[orderflow_domain::identity::Customer],
    ) -> Result<(), RepositoryError> {
        match event {
            OutboxEvent::OrderPlaced(order_id) => {
                // Deleting an order deletes its events; a customer with orders cannot be deleted. Either gone is
                // nobody left to tell.
                let Some(order) = tx.orders().find_for_update(order_id)? else {
                    return Ok(());
                };
                let Some(customer) = tx.customers().find(order.customer_id)? else {
                    return Ok(());
                };
                queue(
                    tx,
                    notifications::order_placed(&order, &customer, admins),
                    self.sms_caps,
                    self.clock.now(),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{
        MockCategoryStore, MockCustomerStore, MockOrderStore, MockOutbox, MockProductStore,
    };
    use crate::test_support::order;
    use crate::test_support::{customer, fixed_clock, now};
    use crate::test_support::{FakeTransaction, FakeUnitOfWork};
    use orderflow_domain::identity::{CustomerId, Role};
    use orderflow_domain::notifications::Channel;
    use orderflow_domain::ordering::{OrderId, OrderStatus};
    use uuid::Uuid;

    fn expander(tx: FakeTransaction) -> (ExpandOutboxEvents, Arc<FakeUnitOfWork>) {
        let uow = Arc::new(FakeUnitOfWork::with(tx));
        (
            ExpandOutboxEvents::new(uow.clone(), fixed_clock(), SmsCaps::default(), 50),
            uow,
        )
    }

    fn customers_with_admin() -> MockCustomerStore {
        let mut customers = MockCustomerStore::new();
        customers
            .expect_active_admins()
            .times(1)
            .returning(|| Ok(vec![customer(9, "admin@example.com", Role::Admin)]));
        customers
            .expect_find()
            .withf(|id| *id == CustomerId(1))
            .returning(|_| Ok(Some(customer(1, "alice@example.com", Role::Customer))));
        customers
    }

    #[test]
    fn a_placed_order_tells_the_customer_by_sms_and_email_and_every_active_admin_in_one_transaction(
    ) {
        let mut outbox = MockOutbox::new();
        outbox
            .expect_take_events()
            .withf(|limit| *limit == 50)
            .times(1)
            .returning(|_| Ok(vec![OutboxEvent::OrderPlaced(OrderId(Uuid::from_u128(5)))]));
        outbox
            .expect_recent_sms()
            .returning(|_, _, _, _, _| Ok(Default::default()));
        outbox
            .expect_enqueue()
            .withf(|queued, at| {
                let to: Vec<_> = queued
                    .iter()
                    .map(|n| (n.channel, n.address.as_str()))
                    .collect();
                *at == now()
                    && to
                        == [
                            (Channel::Sms, "+254711000001"),
                            (Channel::Email, "alice@example.com"),
                            (Channel::Email, "admin@example.com"),
                        ]
                    && queued[0].message.body.starts_with("Order #ORD-")
                    && queued
                        .iter()
                        .all(|n| n.order_id == Some(OrderId(Uuid::from_u128(5))))
            })
            .times(1)
            .returning(|_, _| Ok(()));
        let mut orders = MockOrderStore::new();
        orders
            .expect_find_for_update()
            .withf(|id| *id == OrderId(Uuid::from_u128(5)))
            .returning(|id| {
                let mut placed = order(OrderStatus::Pending, 1, &[(1, 2)]);
                placed.id = id;
                Ok(Some(placed))
            });
        let (expand, uow) = expander(FakeTransaction {
            categories: MockCategoryStore::new(),
            products: MockProductStore::new(),
            orders,
            customers: customers_with_admin(),
            outbox,
        });
        assert_eq!(expand.run_round().unwrap(), 1);
        assert_eq!(uow.commits(), 1);
    }

    #[test]
    fn a_failure_puts_the_events_back_and_nothing_is_queued() {
        let mut outbox = MockOutbox::new();
        outbox
            .expect_take_events()
            .returning(|_| Ok(vec![OutboxEvent::OrderPlaced(OrderId(Uuid::from_u128(5)))]));
        outbox.expect_enqueue().never();
        let mut orders = MockOrderStore::new();
        orders
            .expect_find_for_update()
            .returning(|_| Err(RepositoryError::Unavailable("gone".into())));
        let (expand, uow) = expander(FakeTransaction {
            categories: MockCategoryStore::new(),
            products: MockProductStore::new(),
            orders,
            customers: customers_with_admin(),
            outbox,
        });
        assert!(expand.run_round().is_err());
        assert_eq!((uow.commits(), uow.rollbacks()), (0, 1));
    }

    #[test]
    fn nothing_to_expand_reads_nothing_else() {
        let mut outbox = MockOutbox::new();
        outbox.expect_take_events().returning(|_| Ok(vec![]));
        let mut customers = MockCustomerStore::new();
        customers.expect_active_admins().never();
        let (expand, _) = expander(FakeTransaction {
            categories: MockCategoryStore::new(),
            products: MockProductStore::new(),
            orders: MockOrderStore::new(),
            customers,
            outbox,
        });
        assert_eq!(expand.run_round().unwrap(), 0);
    }
}
