//! A unit of work that hands mocked stores to the work, for every use case that runs one.

use std::sync::Mutex;

use crate::ports::{
    CategoryStore, CustomerStore, MockCategoryStore, MockCustomerStore, MockOrderStore, MockOutbox,
    MockProductStore, OrderStore, Outbox, ProductStore, RepositoryError, Rollback, Transaction,
    UnitOfWork,
};

pub struct FakeTransaction {
    pub categories: MockCategoryStore,
    pub products: MockProductStore,
    pub orders: MockOrderStore,
    pub customers: MockCustomerStore,
    pub outbox: MockOutbox,
}

impl Transaction for FakeTransaction {
    fn categories(&mut self) -> &mut dyn CategoryStore {
        &mut self.categories
    }

    fn products(&mut self) -> &mut dyn ProductStore {
        &mut self.products
    }

    fn orders(&mut self) -> &mut dyn OrderStore {
        &mut self.orders
    }

    fn customers(&mut self) -> &mut dyn CustomerStore {
        &mut self.customers
    }

    fn outbox(&mut self) -> &mut dyn Outbox {
        &mut self.outbox
    }
}

/// Runs the work against the mocked stores; records whether it asked to commit.
pub struct FakeUnitOfWork {
    pub tx: Mutex<FakeTransaction>,
    pub commits: Mutex<u32>,
    pub rollbacks: Mutex<u32>,
    /// Work run as single writes (no transaction), counted in `commits` or `rollbacks` too by how it ended.
    pub single_writes: Mutex<u32>,
}

impl FakeUnitOfWork {
    pub fn new(categories: MockCategoryStore, products: MockProductStore) -> Self {
        Self::with_orders(categories, products, MockOrderStore::new())
    }

    /// Every customer exists (as a plain customer), no admins to tell, and an outbox that accepts anything: for
    /// tests about something else.
    pub fn with_orders(
        categories: MockCategoryStore,
        products: MockProductStore,
        orders: MockOrderStore,
    ) -> Self {
        let mut customers = MockCustomerStore::new();
        customers.expect_active_admins().returning(|| Ok(vec![]));
        customers.expect_find().returning(|id| {
            Ok(Some(crate::test_support::customer(
                id.0,
                "owner@example.com",
                orderflow_domain::identity::Role::Customer,
            )))
        });
        let mut outbox = MockOutbox::new();
        outbox.expect_enqueue().returning(|_, _| Ok(()));
        outbox
            .expect_recent_sms()
            .returning(|_, _, _, _, _| Ok(Default::default()));
        Self::with(FakeTransaction {
            categories,
            products,
            orders,
            customers,
            outbox,
        })
    }

    /// No other store is used: only the outbox.
    pub fn with_outbox(outbox: MockOutbox) -> Self {
        Self::with(FakeTransaction {
            categories: MockCategoryStore::new(),
            products: MockProductStore::new(),
            orders: MockOrderStore::new(),
            customers: MockCustomerStore::new(),
            outbox,
        })
    }

    pub fn with(tx: FakeTransaction) -> Self {
        Self {
            tx: Mutex::new(tx),
            commits: Mutex::new(0),
            rollbacks: Mutex::new(0),
            single_writes: Mutex::new(0),
        }
    }

    pub fn commits(&self) -> u32 {
        *self.commits.lock().unwrap()
    }

    pub fn rollbacks(&self) -> u32 {
        *self.rollbacks.lock().unwrap()
    }

    pub fn single_writes(&self) -> u32 {
        *self.single_writes.lock().unwrap()
    }
}

impl UnitOfWork for FakeUnitOfWork {
    fn run<'a>(
        &self,
        work: &mut (dyn FnMut(&mut dyn Transaction) -> Result<(), Rollback> + 'a),
    ) -> Result<(), RepositoryError> {
        let mut tx = self.tx.lock().unwrap();
        match work(&mut *tx) {
            Ok(()) => *self.commits.lock().unwrap() += 1,
            Err(Rollback) => *self.rollbacks.lock().unwrap() += 1,
        }
        Ok(())
    }

    fn run_single_write<'a>(
        &self,
        work: &mut (dyn FnMut(&mut dyn Transaction) -> Result<(), Rollback> + 'a),
    ) -> Result<(), RepositoryError> {
        *self.single_writes.lock().unwrap() += 1;
        self.run(work)
    }
}
