//! The workers' first step: turning each recorded change into one message per person to be told.
//!
//! A placement records one [`OutboxEvent`] in its own transaction, whoever is to be told: it holds the stock and
//! the day's order counter until it commits, and a message per active admin written there made every order
//! slower as the staff grew. The worker expands the event here, in a transaction that takes the event and queues
//! its messages together: an event is expanded exactly once (two workers never take the same one), and only a
//! committed order has one.

use std::collections::HashMap;
use std::sync::Arc;

use orderflow_domain::identity::{Customer, CustomerId};
use orderflow_domain::notifications::{self, SmsCaps};
use orderflow_domain::ordering::{Order, OrderId};

use super::queue;
use crate::ports::{transaction, Clock, OutboxEvent, RepositoryError, UnitOfWork};

/// What a round did: the events expanded, and those set aside (each with the reason) because they cannot be.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExpansionRound {
    pub expanded: usize,
    pub set_aside: Vec<(OutboxEvent, String)>,
}

impl ExpansionRound {
    /// Events taken off the outbox, either way.
    pub fn handled(&self) -> usize {
        self.expanded + self.set_aside.len()
    }
}

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

    /// Expands up to a batch of events. The messages are due at once, with the caps
    /// on text messages applied as they are queued.
    ///
    /// A batch costs a fixed number of statements, not a few per event: its orders and their customers are read
    /// together, and its messages queued together. One worker then keeps up with about twice the orders it did
    /// with six statements an order (docs/performance.md).
    ///
    /// A batch that fails for a reason other than the database being out of reach is taken again one event at a
    /// time, and an event that fails by itself twice in a row (a damaged order or customer row, say) is set aside
    /// with its reason: without that, one such event would fail every batch it is in, and nobody would be told
    /// anything any more. Twice, so that a passing failure (a deadlock, say) does not set a sound event aside.
    pub fn run_round(&self) -> Result<ExpansionRound, RepositoryError> {
        match self.expand(self.batch_size) {
            Ok(expanded) => Ok(ExpansionRound {
                expanded,
                ..ExpansionRound::default()
            }),
            Err((_, RepositoryError::Failed(_))) => self.one_at_a_time(),
            Err((_, unavailable)) => Err(unavailable),
        }
    }

    fn one_at_a_time(&self) -> Result<ExpansionRound, RepositoryError> {
        let mut round = ExpansionRound::default();
        let mut failed_once = Vec::new();
        for _ in 0..self.batch_size.saturating_mul(2) {
            match self.expand(1) {
                Ok(0) => break,
                Ok(expanded) => round.expanded += expanded,
                Err((taken, RepositoryError::Failed(cause)))
                    if !taken.is_empty() && taken == failed_once =>
                {
                    let reason = cause.to_string();
                    let at = self.clock.now();
                    transaction(self.uow.as_ref(), |tx| {
                        taken
                            .iter()
                            .filter_map(|event| match tx.outbox().set_aside(*event, &reason, at) {
                                Ok(true) => Some(Ok((*event, reason.clone()))),
                                Ok(false) => None,
                                Err(error) => Some(Err(error)),
                            })
                            .collect::<Result<Vec<_>, RepositoryError>>()
                    })
                    .map(|set_aside| round.set_aside.extend(set_aside))?;
                    failed_once.clear();
                }
                Err((taken, RepositoryError::Failed(_))) if !taken.is_empty() => {
                    failed_once = taken;
                }
                // The database out of reach, or the take itself failing: nothing to tell apart.
                Err((_, error)) => return Err(error),
            }
        }
        Ok(round)
    }

    /// Expands up to `limit` events in one transaction; on failure, the events it had taken (put back by the
    /// rollback) with the error.
    fn expand(&self, limit: u32) -> Result<usize, (Vec<OutboxEvent>, RepositoryError)> {
        let mut taken = Vec::new();
        transaction(self.uow.as_ref(), |tx| {
            let events = tx.outbox().take_events(limit)?;
            if events.is_empty() {
                return Ok(0);
            }
            taken.clone_from(&events);
            let placed: Vec<OrderId> = events
                .iter()
                .map(|event| match event {
                    OutboxEvent::OrderPlaced(order) => *order,
                })
                .collect();
            // Deleting an order deletes its events; a customer with orders cannot be deleted. Either gone is
            // nobody left to tell. The order is read as committed, not locked: its placement is what is told.
            let mut orders: HashMap<OrderId, Order> = tx
                .orders()
                .find_many(&placed)?
                .into_iter()
                .map(|order| (order.id, order))
                .collect();
            let mut customer_ids: Vec<CustomerId> =
                orders.values().map(|order| order.customer_id).collect();
            customer_ids.sort_unstable();
            customer_ids.dedup();
            let customers: HashMap<CustomerId, Customer> = tx
                .customers()
                .find_many(&customer_ids)?
                .into_iter()
                .map(|customer| (customer.id, customer))
                .collect();
            // Admins are the same for every order of the batch.
            let admins = tx.customers().active_admins()?;
            let mut messages = Vec::new();
            // In the order the events were recorded, so that the caps keep the earliest messages.
            for id in &placed {
                let Some(order) = orders.remove(id) else {
                    continue;
                };
                if let Some(customer) = customers.get(&order.customer_id) {
                    messages.extend(notifications::order_placed(&order, customer, &admins));
                }
            }
            queue(tx, messages, self.sms_caps, self.clock.now())?;
            Ok(events.len())
        })
        .map_err(|error| (taken, error))
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

    fn expander_for_alice_and_an_admin(
        orders: MockOrderStore,
        outbox: MockOutbox,
    ) -> (ExpandOutboxEvents, Arc<FakeUnitOfWork>) {
        expander(FakeTransaction {
            categories: MockCategoryStore::new(),
            products: MockProductStore::new(),
            orders,
            customers: customers_with_admin(),
            outbox,
        })
    }

    fn placed_order(id: OrderId) -> orderflow_domain::ordering::Order {
        let mut placed = order(OrderStatus::Pending, 1, &[(1, 2)]);
        placed.id = id;
        placed
    }

    fn customers_with_admin() -> MockCustomerStore {
        let mut customers = MockCustomerStore::new();
        customers
            .expect_active_admins()
            .times(1)
            .returning(|| Ok(vec![customer(9, "admin@example.com", Role::Admin)]));
        customers
            .expect_find_many()
            .withf(|ids| ids == [CustomerId(1)])
            .times(1)
            .returning(|_| Ok(vec![customer(1, "alice@example.com", Role::Customer)]));
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
            .expect_find_many()
            .withf(|ids| ids == [OrderId(Uuid::from_u128(5))])
            .returning(|ids| Ok(ids.iter().map(|id| placed_order(*id)).collect()));
        let (expand, uow) = expander_for_alice_and_an_admin(orders, outbox);
        assert_eq!(expand.run_round().unwrap().expanded, 1);
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
            .expect_find_many()
            .returning(|_| Err(RepositoryError::Unavailable("gone".into())));
        let (expand, uow) = expander(FakeTransaction {
            categories: MockCategoryStore::new(),
            products: MockProductStore::new(),
            orders,
            customers: MockCustomerStore::new(),
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
        assert_eq!(expand.run_round().unwrap().expanded, 0);
    }

    #[test]
    fn a_batch_reads_its_orders_and_customers_once_and_queues_every_message_in_one_statement() {
        // Three events: two orders of one customer and one order deleted since.
        let ids = [1, 2, 3].map(|n| OrderId(Uuid::from_u128(n)));
        let mut outbox = MockOutbox::new();
        outbox
            .expect_take_events()
            .times(1)
            .returning(move |_| Ok(ids.map(OutboxEvent::OrderPlaced).to_vec()));
        outbox
            .expect_recent_sms()
            .times(1)
            .returning(|_, _, _, _, _| Ok(Default::default()));
        outbox
            .expect_enqueue()
            .withf(move |queued, _| {
                let orders: Vec<_> = queued.iter().map(|n| n.order_id).collect();
                orders
                    == [Some(ids[0]); 3]
                        .into_iter()
                        .chain([Some(ids[2]); 3])
                        .collect::<Vec<_>>()
            })
            .times(1)
            .returning(|_, _| Ok(()));
        let mut orders = MockOrderStore::new();
        orders
            .expect_find_many()
            .withf(move |asked| asked == ids)
            .times(1)
            .returning(move |_| Ok(vec![placed_order(ids[2]), placed_order(ids[0])]));
        let (expand, uow) = expander_for_alice_and_an_admin(orders, outbox);
        assert_eq!(expand.run_round().unwrap().expanded, 3);
        assert_eq!(uow.commits(), 1);
    }

    /// The outbox of one waiting event, taken by every transaction (a rollback puts it back), until `set_aside` or
    /// an expansion that committed; `find_many` answers with the given results in turn.
    fn one_event_whose_order_reads(
        results: Vec<Result<(), RepositoryError>>,
    ) -> (ExpandOutboxEvents, Arc<FakeUnitOfWork>) {
        let event = OutboxEvent::OrderPlaced(OrderId(Uuid::from_u128(5)));
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut outbox = MockOutbox::new();
        let waiting = done.clone();
        outbox.expect_take_events().returning(move |limit| {
            assert!(limit == 50 || limit == 1, "{limit}");
            Ok(if waiting.load(std::sync::atomic::Ordering::SeqCst) {
                vec![]
            } else {
                vec![event]
            })
        });
        let queued = done.clone();
        outbox.expect_enqueue().returning(move |_, _| {
            queued.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        });
        outbox
            .expect_recent_sms()
            .returning(|_, _, _, _, _| Ok(Default::default()));
        let set_aside = done;
        outbox
            .expect_set_aside()
            .withf(move |aside, reason, at| *aside == event && reason == "damaged" && *at == now())
            .returning(move |_, _, _| {
                set_aside.store(true, std::sync::atomic::Ordering::SeqCst);
                Ok(true)
            });
        let results = std::sync::Mutex::new(results.into_iter());
        let mut orders = MockOrderStore::new();
        orders.expect_find_many().returning(move |ids| {
            let next = results.lock().unwrap().next().unwrap_or(Ok(()));
            next.map(|()| ids.iter().map(|id| placed_order(*id)).collect())
        });
        let mut customers = MockCustomerStore::new();
        customers.expect_active_admins().returning(|| Ok(vec![]));
        customers
            .expect_find_many()
            .returning(|_| Ok(vec![customer(1, "alice@example.com", Role::Customer)]));
        expander(FakeTransaction {
            categories: MockCategoryStore::new(),
            products: MockProductStore::new(),
            orders,
            customers,
            outbox,
        })
    }

    fn damaged() -> Result<(), RepositoryError> {
        Err(RepositoryError::Failed("damaged".into()))
    }

    #[test]
    fn an_event_failing_twice_by_itself_is_set_aside_with_the_reason() {
        let (expand, _) = one_event_whose_order_reads(vec![damaged(), damaged(), damaged()]);
        let round = expand.run_round().unwrap();
        assert_eq!(
            round,
            ExpansionRound {
                expanded: 0,
                set_aside: vec![(
                    OutboxEvent::OrderPlaced(OrderId(Uuid::from_u128(5))),
                    "damaged".into()
                )],
            }
        );
        assert_eq!(round.handled(), 1, "work done: the worker goes on");
    }

    #[test]
    fn an_event_failing_once_by_itself_is_expanded_when_it_then_succeeds() {
        // The batch fails, the event alone fails once (a deadlock, say), then goes through.
        let (expand, uow) = one_event_whose_order_reads(vec![damaged(), damaged()]);
        assert_eq!(
            expand.run_round().unwrap(),
            ExpansionRound {
                expanded: 1,
                set_aside: vec![],
            }
        );
        assert_eq!(
            uow.commits(),
            2,
            "the expansion, and the empty take after it"
        );
    }

    #[test]
    fn the_database_out_of_reach_sets_nothing_aside() {
        let (expand, _) =
            one_event_whose_order_reads(vec![Err(RepositoryError::Unavailable("down".into()))]);
        assert!(expand.run_round().is_err());
        let (expand, _) = one_event_whose_order_reads(vec![
            damaged(),
            Err(RepositoryError::Unavailable("down".into())),
        ]);
        assert!(expand.run_round().is_err(), "not even after a batch failed");
    }
}
