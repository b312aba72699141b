//! Pages of products against a real Postgres: the total each way it is found (from the page itself, from the
//! price statistics, by counting), the names along each row's path, and which statements stay prepared.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use orderflow_application::listing::{PageRequest, SortDirection};
use orderflow_application::ports::{
    transaction, CatalogueQueries, ProductFilter, ProductSort, RepositoryError,
};
use orderflow_domain::catalogue::{
    Category, Price, Product, ProductId, ProductStatus, Sku, StockQuantity,
};
use orderflow_persistence::{PgCatalogueQueries, PgUnitOfWork, PoolOptions};
use orderflow_test_support::fixtures::{new_category, prepared_statements};
use orderflow_test_support::TestDatabase;

fn new_product(n: usize, category: &Category, status: ProductStatus, stock: i32) -> Product {
    let id = uuid::Uuid::new_v4();
    Product {
        id: ProductId(id),
        name: format!("Product {n:03}"),
        slug: format!("product-{n:03}"),
        description: String::new(),
        price: Price::parse(&format!("{}.50", n + 1)).unwrap(),
        category_id: category.id,
        sku: Sku::generated(id),
        stock_quantity: StockQuantity::new(stock.into()).unwrap(),
        image: None,
        status,
        is_featured: false,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

/// A shop of three levels: Home > Lighting > Lamps, and Garden beside Home. Products: 30 active in Lamps (every
/// third out of stock), 5 active in Garden, 4 inactive in Lighting.
struct Shop {
    home: Category,
    lighting: Category,
    lamps: Category,
    garden: Category,
}

fn shop(db: &TestDatabase) -> Shop {
    let uow = PgUnitOfWork::new(db.pool());
    transaction(&uow, |tx| {
        let home = new_category(tx, "Home", None);
        let lighting = new_category(tx, "Lighting", Some(&home));
        let lamps = new_category(tx, "Lamps", Some(&lighting));
        let garden = new_category(tx, "Garden", None);
        for n in 0..30 {
            let stock = if n % 3 == 0 { 0 } else { 5 };
            tx.products()
                .insert(&new_product(n, &lamps, ProductStatus::Active, stock))
                .unwrap();
        }
        for n in 30..35 {
            tx.products()
                .insert(&new_product(n, &garden, ProductStatus::Active, 1))
                .unwrap();
        }
        for n in 35..39 {
            tx.products()
                .insert(&new_product(n, &lighting, ProductStatus::Inactive, 1))
                .unwrap();
        }
        Ok::<_, RepositoryError>(Shop {
            home,
            lighting,
            lamps,
            garden,
        })
    })
    .unwrap()
}

fn active() -> ProductFilter {
    ProductFilter {
        status: Some(ProductStatus::Active),
        ..ProductFilter::default()
    }
}

#[test]
fn every_page_tells_the_total_of_its_filter_whichever_way_it_is_found() {
    let db = TestDatabase::new();
    let shop = shop(&db);
    let queries = PgCatalogueQueries::new(db.pool());
    let total = |filter: &ProductFilter, page: u32, size: u32| {
        let page = queries
            .products(filter, PageRequest::new(page, size))
            .unwrap();
        (page.items.len(), page.total)
    };

    // The statistics (active products, whole catalogue or a subtree), on full pages and past the end.
    assert_eq!(total(&active(), 1, 20), (20, 35));
    assert_eq!(
        total(&active(), 2, 20),
        (15, 35),
        "a short page ends the list"
    );
    assert_eq!(total(&active(), 3, 20), (0, 35), "past the end: counted");
    assert_eq!(
        total(&active(), 2, 15),
        (15, 35),
        "a full last page is not taken for the end"
    );
    let within = |category: &Category| ProductFilter {
        within: Some(category.path.clone()),
        ..active()
    };
    assert_eq!(total(&within(&shop.home), 1, 10), (10, 30));
    assert_eq!(total(&within(&shop.lighting), 1, 10), (10, 30));
    assert_eq!(total(&within(&shop.garden), 1, 2), (2, 5));
    assert_eq!(total(&within(&shop.lamps), 4, 10), (0, 30));

    // Counted: any status, or a filter the statistics cannot answer.
    assert_eq!(total(&ProductFilter::default(), 1, 20), (20, 39));
    let in_stock = ProductFilter {
        in_stock: Some(true),
        within: Some(shop.home.path.clone()),
        ..active()
    };
    assert_eq!(total(&in_stock, 1, 10), (10, 20));
    assert_eq!(total(&in_stock, 3, 10), (0, 20));
    let inactive = ProductFilter {
        status: Some(ProductStatus::Inactive),
        ..ProductFilter::default()
    };
    assert_eq!(total(&inactive, 1, 2), (2, 4));
}

/// Every product carries its category's path for the subtree listings (a derived column kept by triggers); these
/// check it follows the product into another category and the category into another subtree.
#[test]
fn a_subtree_lists_what_moved_into_it_and_nothing_that_moved_out() {
    let db = TestDatabase::new();
    let shop = shop(&db);
    let queries = PgCatalogueQueries::new(db.pool());
    // In stock, one per page: the total is counted from the products, not from the statistics or the page.
    let in_stock_within = |category: &Category| {
        let filter = ProductFilter {
            within: Some(category.path.clone()),
            in_stock: Some(true),
            ..active()
        };
        let page = queries.products(&filter, PageRequest::new(1, 1)).unwrap();
        let all = queries.products(&filter, PageRequest::new(1, 100)).unwrap();
        assert_eq!(all.items.len() as u64, page.total, "counted as listed");
        page.total
    };
    assert_eq!(
        (in_stock_within(&shop.home), in_stock_within(&shop.garden)),
        (20, 5)
    );

    // Lighting (with Lamps below it) moves from Home to Garden.
    let uow = PgUnitOfWork::new(db.pool());
    let lighting = transaction(&uow, |tx| {
        tx.categories().lock_tree()?;
        let to = shop.garden.path.child(shop.lighting.id).unwrap();
        tx.categories().move_subtree(&shop.lighting.path, &to)?;
        let mut moved = shop.lighting.clone();
        (moved.parent_id, moved.path) = (Some(shop.garden.id), to);
        tx.categories().update(&moved).unwrap();
        Ok::<_, RepositoryError>(moved)
    })
    .unwrap();
    assert_eq!(
        (in_stock_within(&shop.home), in_stock_within(&shop.garden)),
        (0, 25)
    );
    assert_eq!(in_stock_within(&lighting), 20);

    // One lamp moves to Home by itself.
    let lamps = queries
        .products(
            &ProductFilter {
                within: Some(lighting.path.clone()),
                in_stock: Some(true),
                ..active()
            },
            PageRequest::new(1, 1),
        )
        .unwrap();
    let mut lamp = lamps.items[0].product.clone();
    lamp.category_id = shop.home.id;
    transaction(&uow, |tx| tx.products().update(&lamp)).unwrap();
    assert_eq!(
        (in_stock_within(&shop.home), in_stock_within(&shop.garden)),
        (1, 24)
    );
}

#[test]
fn each_row_carries_the_names_along_its_category_path() {
    let db = TestDatabase::new();
    let shop = shop(&db);
    let queries = PgCatalogueQueries::new(db.pool());
    let filter = ProductFilter {
        ordering: vec![(ProductSort::Price, SortDirection::Descending)],
        ..ProductFilter::default()
    };
    let page = queries.products(&filter, PageRequest::new(1, 100)).unwrap();
    assert_eq!(page.items.len(), 39);
    for item in &page.items {
        let expected: &[&str] = if item.product.category_id == shop.lamps.id {
            &["Home", "Lighting", "Lamps"]
        } else if item.product.category_id == shop.lighting.id {
            &["Home", "Lighting"]
        } else {
            assert_eq!(item.product.category_id, shop.garden.id);
            &["Garden"]
        };
        assert_eq!(item.category_path_names, expected, "{}", item.product.name);
        assert_eq!(item.category_name, *expected.last().unwrap());
    }
}

#[test]
fn listings_whose_plans_swing_are_planned_per_run_and_the_rest_stay_prepared() {
    let db = TestDatabase::new();
    let shop = shop(&db);
    // One connection, so that every statement lands on the session inspected afterwards.
    let pool = orderflow_persistence::connect(
        db.url(),
        &PoolOptions {
            max_size: 1,
            ..Default::default()
        },
    );
    let queries = PgCatalogueQueries::new(pool.clone());
    let before = prepared_statements(&pool);

    // The storefront's default list, page 1 and page 2: prepared once, then reused.
    queries
        .products(&active(), PageRequest::new(1, 20))
        .unwrap();
    let after_first = prepared_statements(&pool);
    assert!(
        after_first.len() > before.len(),
        "the default listing keeps its statements: {after_first:#?}"
    );
    queries
        .products(&active(), PageRequest::new(2, 20))
        .unwrap();
    queries
        .products(&active(), PageRequest::new(1, 20))
        .unwrap();
    assert_eq!(
        prepared_statements(&pool),
        after_first,
        "the same statements again"
    );

    // Ranges and searches, in every combination a client can send, leave nothing behind.
    let mut swinging = Vec::new();
    for (n, category) in [&shop.home, &shop.lamps, &shop.garden]
        .into_iter()
        .enumerate()
    {
        swinging.push(ProductFilter {
            within: Some(category.path.clone()),
            ordering: vec![(ProductSort::Price, SortDirection::Ascending)],
            ..active()
        });
        swinging.push(ProductFilter {
            min_price: Some(rust_decimal::Decimal::from(n)),
            in_stock: Some(true),
            ..active()
        });
        swinging.push(ProductFilter {
            search_terms: vec![format!("product {n}")],
            ordering: vec![
                (ProductSort::Name, SortDirection::Descending),
                (ProductSort::Price, SortDirection::Ascending),
            ],
            ..ProductFilter::default()
        });
    }
    for filter in &swinging {
        for page in 1..=3 {
            queries
                .products(filter, PageRequest::new(page, 10))
                .unwrap();
        }
    }
    let added: Vec<String> = prepared_statements(&pool)
        .into_iter()
        .filter(|s| !after_first.contains(s))
        .collect();
    // Per-run statements are unnamed: nothing of theirs is kept on the connection. The two statements added are
    // one text each whatever the filter: the sum of the statistics of a subtree's categories (the total of its
    // active products: an index range on the paths whatever its size, and no products), and the catalogue's
    // version that the kept totals of counted filters are checked against.
    assert_eq!(added.len(), 2, "{added:#?}");
    assert!(
        added.iter().any(
            |s| s.contains("FROM categories c JOIN category_price_stats")
                && !s.contains("products")
        ),
        "{added:#?}"
    );
    assert!(
        added
            .iter()
            .any(|s| s == "SELECT version FROM catalogue_version"),
        "{added:#?}"
    );
}

fn execute(connection: &mut diesel::PgConnection, sql: &str) {
    use diesel::RunQueryDsl;
    diesel::sql_query(sql).execute(connection).unwrap();
}

fn catalogue_version(connection: &mut diesel::PgConnection) -> i64 {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        version: i64,
    }
    diesel::sql_query("SELECT version FROM catalogue_version")
        .get_result::<Version>(connection)
        .unwrap()
        .version
}

/// The lamps in stock priced 5 to 20, the filter whose total is counted and then kept per catalogue version.
fn lamps_in_band(shop: &Shop) -> ProductFilter {
    ProductFilter {
        within: Some(shop.home.path.clone()),
        min_price: Some(rust_decimal::Decimal::from(5)),
        max_price: Some(rust_decimal::Decimal::from(20)),
        in_stock: Some(true),
        ..ProductFilter::default()
    }
}

/// Totals counted once are kept with the catalogue's version; each change that can alter a total moves the
/// version in its own transaction, so the next page shows the total counting again would give.
#[test]
fn a_kept_total_follows_every_change_that_can_alter_it() {
    let db = TestDatabase::new();
    let shop = shop(&db);
    let queries = PgCatalogueQueries::new(db.pool());
    let mut sql = db.connection();
    let filter = lamps_in_band(&shop);
    let total = |filter: &ProductFilter| {
        let page = queries.products(filter, PageRequest::new(1, 2)).unwrap();
        let all = queries.products(filter, PageRequest::new(1, 100)).unwrap();
        assert_eq!(all.items.len() as u64, page.total, "counted as listed");
        page.total
    };
    // Lamps 4..=19 are priced 5.50 to 20.50: 4..=18 in the band, of which 6, 9, 12, 15 and 18 are out of stock.
    assert_eq!(total(&filter), 10);
    assert_eq!(total(&filter), 10, "the same total, kept");

    let mut changes: Vec<(&str, String, u64)> = vec![
        (
            "a price out of the band",
            "UPDATE products SET price = 99 WHERE name = 'Product 004'".into(),
            9,
        ),
        (
            "the last unit sold",
            "UPDATE products SET stock_quantity = 0 WHERE name = 'Product 005'".into(),
            8,
        ),
        (
            "stock back from zero",
            "UPDATE products SET stock_quantity = 3 WHERE name = 'Product 006'".into(),
            9,
        ),
        (
            "a product deleted",
            "DELETE FROM products WHERE name = 'Product 007'".into(),
            8,
        ),
    ];
    changes.push((
        "a product moved into the subtree",
        format!(
            "UPDATE products SET category_id = {} WHERE name = 'Product 030'",
            shop.lamps.id.0
        ),
        8,
    ));
    changes.push((
        "... whose price enters the band",
        "UPDATE products SET price = 10 WHERE name = 'Product 030'".into(),
        9,
    ));
    for (change, statement, expected) in changes {
        execute(&mut sql, statement.as_str());
        assert_eq!(total(&filter), expected, "after {change}");
    }

    // A search's total follows the names.
    let searched = ProductFilter {
        search_terms: vec!["renamed".into()],
        ..filter.clone()
    };
    assert_eq!(total(&searched), 0);
    execute(
        &mut sql,
        "UPDATE products SET name = 'Renamed lamp' WHERE name = 'Product 008'",
    );
    assert_eq!(total(&searched), 1, "after a rename");

    // A category moved out of the subtree, in a transaction of its own.
    let uow = PgUnitOfWork::new(db.pool());
    transaction(&uow, |tx| {
        tx.categories().lock_tree()?;
        let to = shop.garden.path.child(shop.lighting.id).unwrap();
        tx.categories().move_subtree(&shop.lighting.path, &to)?;
        let mut moved = shop.lighting.clone();
        (moved.parent_id, moved.path) = (Some(shop.garden.id), to);
        tx.categories().update(&moved)
    })
    .unwrap();
    assert_eq!(total(&filter), 0, "after the move");

    // A sale that leaves units in stock changes no total and leaves the version where it was.
    let version = catalogue_version(&mut sql);
    execute(
        &mut sql,
        "UPDATE products SET stock_quantity = stock_quantity - 1 WHERE stock_quantity > 1",
    );
    assert_eq!(catalogue_version(&mut sql), version);
}

/// The version moves once per transaction, at its commit, whatever the number of rows it changed, and not at all
/// for a transaction rolled back.
#[test]
fn the_version_moves_once_per_committed_transaction() {
    let db = TestDatabase::new();
    let _shop = shop(&db);
    let mut sql = db.connection();
    let before = catalogue_version(&mut sql);
    execute(&mut sql, "BEGIN");
    execute(&mut sql, "UPDATE products SET price = price + 1");
    execute(&mut sql, "UPDATE products SET is_featured = true");
    execute(&mut sql, "COMMIT");
    assert_eq!(catalogue_version(&mut sql), before + 1);
    execute(&mut sql, "BEGIN");
    execute(&mut sql, "UPDATE products SET price = price + 1");
    execute(&mut sql, "ROLLBACK");
    assert_eq!(catalogue_version(&mut sql), before + 1);
}

/// A kept total is served without counting while the version stands: a change made behind the triggers' back
/// (nothing in the service does so; a test can, with triggers off) is not seen until the version moves.
#[test]
fn a_kept_total_is_served_without_counting_while_the_version_stands() {
    let db = TestDatabase::new();
    let shop = shop(&db);
    let queries = PgCatalogueQueries::new(db.pool());
    let mut sql = db.connection();
    let filter = lamps_in_band(&shop);
    let total = || {
        queries
            .products(&filter, PageRequest::new(1, 2))
            .unwrap()
            .total
    };
    assert_eq!(total(), 10);
    execute(&mut sql, "SET session_replication_role = replica");
    execute(
        &mut sql,
        "UPDATE products SET price = 99 WHERE name = 'Product 004'",
    );
    execute(&mut sql, "SET session_replication_role = DEFAULT");
    assert_eq!(total(), 10, "kept: no count ran");
    assert_eq!(
        PgCatalogueQueries::new(db.pool())
            .products(&filter, PageRequest::new(1, 2))
            .unwrap()
            .total,
        9,
        "another instance counts for itself"
    );
    execute(
        &mut sql,
        "UPDATE catalogue_version SET version = version + 1",
    );
    assert_eq!(total(), 9, "counted again once the version moved");
}

/// Two orders each selling the last unit of one product, then wanting the other's product: the version is moved
/// at commit, after every row lock, so neither waits for the version while holding a product the other needs.
#[test]
fn selling_last_units_in_crossing_transactions_does_not_deadlock_on_the_version() {
    let db = TestDatabase::new();
    let _shop = shop(&db);
    let mut first = db.connection();
    let mut second = db.connection();
    execute(&mut first, "SET lock_timeout = '10s'");
    execute(&mut second, "SET lock_timeout = '10s'");
    // Products 031 and 032 (Garden) hold one unit each.
    execute(&mut first, "BEGIN");
    execute(
        &mut first,
        "UPDATE products SET stock_quantity = 0 WHERE name = 'Product 031'",
    );
    let (sold, sale_seen) = std::sync::mpsc::channel();
    let other = std::thread::spawn(move || {
        execute(&mut second, "BEGIN");
        execute(
            &mut second,
            "UPDATE products SET stock_quantity = 0 WHERE name = 'Product 032'",
        );
        sold.send(()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(300));
        execute(&mut second, "COMMIT");
    });
    // Had the sale waited for the version (held by the first transaction), it would not return; the first then
    // goes on after a while and the two would deadlock.
    let _ = sale_seen.recv_timeout(std::time::Duration::from_secs(5));
    // Waits for the other transaction's commit, then goes on.
    execute(
        &mut first,
        "UPDATE products SET description = 'seen' WHERE name = 'Product 032'",
    );
    execute(&mut first, "COMMIT");
    other.join().unwrap();
}
