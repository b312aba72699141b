//! Test doubles for the catalogue use cases: a unit of work that hands mocked stores to the work.

use std::sync::Mutex;

use chrono::{TimeZone, Utc};
use orderflow_domain::catalogue::{
    Category, CategoryId, CategoryPath, Price, Product, ProductId, ProductStatus, Sku,
    StockQuantity,
};
use uuid::Uuid;

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
            Ok(Some(crate::identity::fixtures::customer(
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

/// A category whose path is the chain of `parent` ids given by `ancestors` (root first).
pub fn category_at(id: i64, ancestors: &[i64], name: &str) -> Category {
    let mut path = None::<CategoryPath>;
    for ancestor in ancestors {
        path = Some(match path {
            None => CategoryPath::root(CategoryId(*ancestor)),
            Some(p) => p.child(CategoryId(*ancestor)).unwrap(),
        });
    }
    let path = match path {
        None => CategoryPath::root(CategoryId(id)),
        Some(p) => p.child(CategoryId(id)).unwrap(),
    };
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    Category {
        id: CategoryId(id),
        name: name.into(),
        slug: name.to_lowercase(),
        description: String::new(),
        parent_id: ancestors.last().copied().map(CategoryId),
        path,
        image: None,
        is_active: true,
        created_at: at,
        updated_at: at,
    }
}

/// A category directly under `parent` (its path only names the parent).
pub fn category(id: i64, parent: Option<i64>, name: &str) -> Category {
    category_at(id, &parent.into_iter().collect::<Vec<_>>(), name)
}

pub fn product(name: &str, category_id: i64) -> Product {
    let id = Uuid::new_v4();
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    Product {
        id: ProductId(id),
        name: name.into(),
        slug: name.to_lowercase(),
        description: String::new(),
        price: Price::parse("10.00").unwrap(),
        category_id: CategoryId(category_id),
        sku: Sku::generated(id),
        stock_quantity: StockQuantity(5),
        image: None,
        status: ProductStatus::Active,
        is_featured: false,
        created_at: at,
        updated_at: at,
    }
}
