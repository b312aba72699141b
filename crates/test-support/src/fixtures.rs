//! Records the adapter and process tests need, written through the real repositories.

use orderflow_application::ports::CustomerRepository;
use orderflow_domain::identity::{Customer, EmailAddress, NewCustomer, Role};
use orderflow_persistence::PgCustomerRepository;

use crate::TestDatabase;

/// A plain customer registration: no password (as an OpenID-only account), no phone.
pub fn new_customer(email: &str) -> NewCustomer {
    NewCustomer {
        email: EmailAddress::parse(email).expect("a valid email"),
        password_hash: None,
        first_name: "Alice".into(),
        last_name: "Wanjiru".into(),
        phone_number: None,
        address: String::new(),
        city: String::new(),
        state: String::new(),
        country: "Kenya".into(),
        postal_code: String::new(),
        role: Role::Customer,
        is_verified: false,
    }
}

/// That customer, stored in `db`.
pub fn stored_customer(db: &TestDatabase, email: &str) -> Customer {
    PgCustomerRepository::new(db.pool())
        .insert(&new_customer(email), None)
        .expect("store the customer")
}

/// The statements kept prepared on the pool's connection (give it a pool of one to see every statement).
pub fn prepared_statements(pool: &orderflow_persistence::DbPool) -> Vec<String> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Statement {
        #[diesel(sql_type = diesel::sql_types::Text)]
        statement: String,
    }
    let mut connection = pool.get().expect("a connection from the test pool");
    diesel::sql_query("SELECT statement FROM pg_prepared_statements ORDER BY statement")
        .load::<Statement>(&mut connection)
        .expect("read pg_prepared_statements")
        .into_iter()
        .map(|s| s.statement)
        .collect()
}

/// An active category named `name` under `parent`, inserted in `tx`.
pub fn new_category(
    tx: &mut dyn orderflow_application::ports::Transaction,
    name: &str,
    parent: Option<&orderflow_domain::catalogue::Category>,
) -> orderflow_domain::catalogue::Category {
    use orderflow_domain::catalogue::{Category, CategoryPath};
    let categories = tx.categories();
    let id = categories.next_id().expect("next category id");
    let category = Category {
        id,
        name: name.into(),
        slug: name.to_lowercase().replace(' ', "-"),
        description: String::new(),
        parent_id: parent.map(|p| p.id),
        path: parent.map_or(CategoryPath::root(id), |p| {
            p.path.child(id).expect("a path within the depth limit")
        }),
        image: None,
        is_active: true,
        created_at: chrono::Utc::now(),
        updated_at: chrono::Utc::now(),
    };
    categories.insert(&category).expect("insert the category");
    category
}

/// An active product with `stock` units, 10.00 each, in a new category of its own, stored in `db`.
pub fn stored_product(
    db: &TestDatabase,
    name: &str,
    stock: i32,
) -> orderflow_domain::catalogue::ProductId {
    use orderflow_application::ports::{transaction, RepositoryError};
    use orderflow_domain::catalogue::{
        Price, Product, ProductId, ProductStatus, Sku, StockQuantity,
    };
    let uow = orderflow_persistence::PgUnitOfWork::new(db.pool());
    transaction(&uow, |tx| {
        let category = new_category(tx, &format!("{name} shelf"), None);
        let id = uuid::Uuid::new_v4();
        tx.products()
            .insert(&Product {
                id: ProductId(id),
                name: name.into(),
                slug: name.to_lowercase().replace(' ', "-"),
                description: String::new(),
                price: Price::parse("10.00").expect("a valid price"),
                category_id: category.id,
                sku: Sku::generated(id),
                stock_quantity: StockQuantity::new(stock.into()).expect("a valid stock"),
                image: None,
                status: ProductStatus::Active,
                is_featured: false,
                created_at: chrono::Utc::now(),
                updated_at: chrono::Utc::now(),
            })
            .expect("insert the product");
        Ok::<_, RepositoryError>(ProductId(id))
    })
    .expect("store the product")
}
