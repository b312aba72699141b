//! The catalogue adapters against a real Postgres: paths, moves, constraint translation, statistics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::Utc;
use orderflow_application::listing::Page;
use orderflow_application::ports::{
    transaction, CatalogueQueries, CategoryWriteError, DeleteError, ProductDetails, ProductFilter,
    ProductWriteError, RepositoryError, Transaction,
};
use orderflow_domain::catalogue::{
    Category, CategoryId, CategoryPath, Price, Product, ProductId, ProductStatus, Sku,
    StockQuantity,
};
use orderflow_persistence::{PgCatalogueQueries, PgUnitOfWork, PoolOptions};
use orderflow_test_support::fixtures::new_category;
use orderflow_test_support::TestDatabase;
use rust_decimal::Decimal;

fn new_product(name: &str, price: &str, category: &Category, status: ProductStatus) -> Product {
    let id = uuid::Uuid::new_v4();
    Product {
        id: ProductId(id),
        name: name.into(),
        slug: name.to_lowercase(),
        description: String::new(),
        price: Price::parse(price).unwrap(),
        category_id: category.id,
        sku: Sku::generated(id),
        stock_quantity: StockQuantity::new(1).unwrap(),
        image: None,
        status,
        is_featured: false,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

/// The first page of the products under `path`, through the products' own category paths (a price filter, so
/// the total is counted from them rather than taken from the statistics).
fn counted_within(queries: &PgCatalogueQueries, path: &CategoryPath) -> Page<ProductDetails> {
    let filter = ProductFilter {
        within: Some(path.clone()),
        min_price: Some(Decimal::ONE),
        ..ProductFilter::default()
    };
    queries.products(&filter, Default::default()).unwrap()
}

fn run<R>(
    uow: &PgUnitOfWork,
    work: impl FnMut(&mut dyn Transaction) -> Result<R, RepositoryError>,
) -> R {
    transaction(uow, work).unwrap()
}

#[test]
fn subtree_queries_do_not_mistake_id_prefixes_for_ancestry() {
    let db = TestDatabase::new();
    let uow = PgUnitOfWork::new(db.pool());
    // Make ids 1 and 12 exist side by side: "/1/" must not match "/12/".
    let categories: Vec<Category> = run(&uow, |tx| {
        Ok((1..=12)
            .map(|n| new_category(tx, &format!("root {n}"), None))
            .collect())
    });
    let (one, twelve) = (&categories[0], &categories[11]);
    assert_eq!((one.id.0, twelve.id.0), (1, 12));
    run(&uow, |tx| {
        tx.products()
            .insert(&new_product("in one", "10.00", one, ProductStatus::Active))
            .unwrap();
        tx.products()
            .insert(&new_product(
                "in twelve",
                "30.00",
                twelve,
                ProductStatus::Active,
            ))
            .unwrap();
        Ok(())
    });
    let queries = PgCatalogueQueries::new(db.pool());
    let stats = queries.price_stats(&one.path).unwrap();
    assert_eq!(
        (stats.count, stats.average),
        (1, Some(Decimal::from_str("10.00").unwrap()))
    );
    let filter = ProductFilter {
        within: Some(one.path.clone()),
        ..ProductFilter::default()
    };
    let page = queries.products(&filter, Default::default()).unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].product.name, "in one");
}

#[test]
fn moving_a_subtree_rewrites_every_path_and_level_below_it() {
    let db = TestDatabase::new();
    let uow = PgUnitOfWork::new(db.pool());
    let (a, b, c, d, other) = run(&uow, |tx| {
        let a = new_category(tx, "a", None);
        let b = new_category(tx, "b", Some(&a));
        let c = new_category(tx, "c", Some(&b));
        let d = new_category(tx, "d", Some(&c));
        let other = new_category(tx, "other", None);
        Ok((a, b, c, d, other))
    });
    run(&uow, |tx| {
        let to = other.path.child(b.id).unwrap();
        tx.categories().move_subtree(&b.path, &to)?;
        let mut moved = b.clone();
        moved.parent_id = Some(other.id);
        moved.path = to;
        tx.categories().update(&moved).unwrap();
        Ok(())
    });
    let queries = PgCatalogueQueries::new(db.pool());
    for (category, names) in [
        (&b, vec!["other", "b"]),
        (&c, vec!["other", "b", "c"]),
        (&d, vec!["other", "b", "c", "d"]),
    ] {
        let details = queries.category(category.id).unwrap().unwrap();
        assert_eq!(details.path_names, names);
        assert_eq!(details.category.level(), names.len() - 1);
    }
    assert_eq!(queries.category(a.id).unwrap().unwrap().children_count, 0);
    assert_eq!(
        queries.category(other.id).unwrap().unwrap().children_count,
        1
    );
}

/// A product copies its category's path (for the subtree listings) when it is written. Written while a move is in
/// progress, it waits for the move and takes the moved path; and every product write waits for a change of the
/// tree's shape (the tree lock, shared), so a product and a move never wait for each other's rows.
#[test]
fn a_product_written_during_a_move_waits_for_it_and_lands_under_the_new_path() {
    let db = TestDatabase::new();
    let uow = PgUnitOfWork::new(db.pool());
    let (a, b, c, other) = run(&uow, |tx| {
        let a = new_category(tx, "a", None);
        let b = new_category(tx, "b", Some(&a));
        let c = new_category(tx, "c", Some(&b));
        let other = new_category(tx, "other", None);
        Ok((a, b, c, other))
    });
    let hold = Duration::from_millis(400);
    let (moved, moved_signal) = mpsc::channel();
    let waited = |category: &Category, name: &str| {
        std::thread::scope(|scope| {
            let mover = scope.spawn(|| {
                run(&uow, |tx| {
                    tx.categories().lock_tree()?;
                    if name == "in c" {
                        tx.categories()
                            .move_subtree(&b.path, &other.path.child(b.id).unwrap())?;
                    }
                    moved.send(Instant::now()).unwrap();
                    std::thread::sleep(hold);
                    Ok(())
                })
            });
            let started = moved_signal.recv().unwrap();
            run(&uow, |tx| {
                tx.products()
                    .insert(&new_product(name, "10.00", category, ProductStatus::Active))
                    .unwrap();
                Ok(())
            });
            let waited = started.elapsed();
            mover.join().unwrap();
            waited
        })
    };
    let in_moved_category = waited(&c, "in c");
    let elsewhere = waited(&a, "in a");
    assert!(in_moved_category >= hold, "{in_moved_category:?}");
    assert!(elsewhere >= hold, "{elsewhere:?}");

    let queries = PgCatalogueQueries::new(db.pool());
    let within = |path: &CategoryPath| {
        counted_within(&queries, path)
            .items
            .into_iter()
            .map(|item| item.product.name)
            .collect::<Vec<_>>()
    };
    assert_eq!(within(&other.path), ["in c"]);
    assert_eq!(within(&a.path), ["in a"]);
}

/// The depth limit exists so that the longest path fits an index entry (README, limits): 100 levels of 19-digit
/// ids, in the categories' unique index and, with a price and a stock, in the products' listing index.
#[test]
fn the_longest_path_there_can_be_fits_the_categories_and_a_product_in_it() {
    use diesel::{Connection, RunQueryDsl};
    let db = TestDatabase::new();
    let mut connection = diesel::PgConnection::establish(db.url()).unwrap();
    diesel::sql_query(
        "SELECT setval(pg_get_serial_sequence('categories', 'id'), 1000000000000000000)",
    )
    .execute(&mut connection)
    .unwrap();
    let uow = PgUnitOfWork::new(db.pool());
    let deepest = run(&uow, |tx| {
        let mut category = new_category(tx, "level 0", None);
        for level in 1..CategoryPath::MAX_LEVELS {
            category = new_category(tx, &format!("level {level}"), Some(&category));
        }
        Ok(category)
    });
    assert_eq!(deepest.path.level(), CategoryPath::MAX_LEVELS - 1);
    assert!(deepest.path.encode().len() > 2_000);
    let mut product = new_product("deep", "99999999.99", &deepest, ProductStatus::Active);
    product.stock_quantity = StockQuantity::MAX;
    run(&uow, |tx| {
        tx.products().insert(&product).unwrap();
        Ok(())
    });
    let filter = ProductFilter {
        within: Some(deepest.path.clone()),
        min_price: Some(Decimal::ONE),
        ..ProductFilter::default()
    };
    let queries = PgCatalogueQueries::new(db.pool());
    assert_eq!(
        queries.products(&filter, Default::default()).unwrap().total,
        1
    );
}

/// A move rewrites the products below it in one statement, so the statement timeout bounds the subtree that can
/// be moved (README, limits): past it the move fails whole, reported as the database being unavailable.
#[test]
fn a_move_past_the_statement_timeout_changes_nothing() {
    use diesel::{Connection, RunQueryDsl};
    const PRODUCTS: u64 = 20_000;
    let db = TestDatabase::new();
    let uow = PgUnitOfWork::new(db.pool());
    let (a, b, other) = run(&uow, |tx| {
        let a = new_category(tx, "a", None);
        let b = new_category(tx, "b", Some(&a));
        let other = new_category(tx, "other", None);
        Ok((a, b, other))
    });
    // 20,000 products in b, loaded as the benchmarks do (row triggers off: the price totals would be recomputed
    // for every row); the path is written as the trigger would. Moving them took over 150 ms on a fast machine,
    // against the 20 ms timeout below (3,000 once moved within 50 ms there, and the move then went through).
    let mut connection = diesel::PgConnection::establish(db.url()).unwrap();
    connection
        .transaction(|connection| {
            diesel::sql_query("SET LOCAL session_replication_role = replica").execute(connection)?;
            diesel::sql_query(format!(
                "INSERT INTO products (id, name, slug, description, price, category_id, category_path, sku, \
                                       stock_quantity, status) \
                 SELECT gen_random_uuid(), 'P' || n, 'p-' || n, '', 10, {}, '{}', 'S-' || n, 1, 'active' \
                 FROM generate_series(1, {PRODUCTS}) AS n",
                b.id.0,
                b.path.encode()
            ))
            .execute(connection)
        })
        .unwrap();
    let to = other.path.child(b.id).unwrap();
    let move_b = |tx: &mut dyn Transaction| {
        tx.categories().lock_tree()?;
        tx.categories().move_subtree(&b.path, &to)
    };
    let impatient = PgUnitOfWork::new(orderflow_persistence::connect(
        db.url(),
        &PoolOptions {
            statement_timeout: Duration::from_millis(20),
            ..Default::default()
        },
    ));
    let error = transaction(&impatient, move_b).unwrap_err();
    assert!(
        matches!(error, RepositoryError::Unavailable(_)),
        "{error:?}"
    );

    let queries = PgCatalogueQueries::new(db.pool());
    let priced_within = |path: &CategoryPath| counted_within(&queries, path).total;
    assert_eq!(
        queries.category(b.id).unwrap().unwrap().category.path,
        b.path
    );
    assert_eq!(
        (priced_within(&a.path), priced_within(&other.path)),
        (PRODUCTS, 0)
    );

    // Within the default timeout the same move goes through.
    transaction(&uow, move_b).unwrap();
    assert_eq!(
        (priced_within(&a.path), priced_within(&other.path)),
        (0, PRODUCTS)
    );
}

#[test]
fn constraint_violations_become_the_use_cases_errors_and_roll_back() {
    let db = TestDatabase::new();
    let uow = PgUnitOfWork::new(db.pool());
    let root = run(&uow, |tx| Ok(new_category(tx, "Root", None)));

    let duplicate_name = transaction(&uow, |tx| {
        let categories = tx.categories();
        let id = categories.next_id()?;
        let clash = Category {
            id,
            slug: "other-slug".into(),
            name: "ROOT".into(),
            path: CategoryPath::root(id),
            ..root.clone()
        };
        Ok::<_, RepositoryError>(categories.insert(&clash))
    })
    .unwrap();
    assert_eq!(duplicate_name, Err(CategoryWriteError::DuplicateName));

    let product = new_product("Thing", "1.00", &root, ProductStatus::Active);
    run(&uow, |tx| {
        tx.products().insert(&product).unwrap();
        Ok(())
    });
    let mut same_sku = new_product("Other", "1.00", &root, ProductStatus::Active);
    same_sku.sku = product.sku.clone();
    let outcome = transaction(&uow, |tx| {
        Ok::<_, RepositoryError>(tx.products().insert(&same_sku))
    })
    .unwrap();
    assert_eq!(outcome, Err(ProductWriteError::DuplicateSku));
    let mut same_slug = new_product("Other", "1.00", &root, ProductStatus::Active);
    same_slug.slug = product.slug.clone();
    let outcome = transaction(&uow, |tx| {
        Ok::<_, RepositoryError>(tx.products().insert(&same_slug))
    })
    .unwrap();
    assert_eq!(outcome, Err(ProductWriteError::DuplicateSlug));

    // The foreign key keeps a category with products.
    let outcome = transaction(&uow, |tx| {
        Ok::<_, RepositoryError>(tx.categories().delete(root.id))
    })
    .unwrap();
    assert_eq!(outcome, Err(DeleteError::InUse));
    assert!(PgCatalogueQueries::new(db.pool())
        .category(root.id)
        .unwrap()
        .is_some());
}

#[test]
fn a_failing_unit_of_work_writes_nothing() {
    let db = TestDatabase::new();
    let uow = PgUnitOfWork::new(db.pool());
    let result: Result<(), RepositoryError> = transaction(&uow, |tx| {
        new_category(tx, "Written then rolled back", None);
        Err(RepositoryError::Failed("a later step failed".into()))
    });
    assert!(result.is_err());
    let queries = PgCatalogueQueries::new(db.pool());
    let page = queries
        .categories(&Default::default(), Default::default())
        .unwrap();
    assert_eq!(page.total, 0);
    assert!(queries.category(CategoryId(1)).unwrap().is_none());
}

#[test]
fn statistics_cover_active_products_only_and_are_empty_without_them() {
    let db = TestDatabase::new();
    let uow = PgUnitOfWork::new(db.pool());
    let (top, child) = run(&uow, |tx| {
        let top = new_category(tx, "top", None);
        let child = new_category(tx, "child", Some(&top));
        Ok((top, child))
    });
    let queries = PgCatalogueQueries::new(db.pool());
    assert_eq!(queries.price_stats(&top.path).unwrap().count, 0);
    assert_eq!(queries.price_stats(&top.path).unwrap().average, None);
    run(&uow, |tx| {
        for (name, price, category, status) in [
            ("p1", "1.00", &top, ProductStatus::Active),
            ("p2", "2.00", &child, ProductStatus::Active),
            ("p3", "1000.00", &child, ProductStatus::Inactive),
        ] {
            tx.products()
                .insert(&new_product(name, price, category, status))
                .unwrap();
        }
        Ok(())
    });
    let stats = queries.price_stats(&top.path).unwrap();
    assert_eq!(
        (stats.count, stats.average, stats.min, stats.max),
        (
            2,
            Some(Decimal::from_str("1.50").unwrap()),
            Some(Decimal::ONE),
            Some(Decimal::TWO)
        )
    );
    // The tree reports each category's own active products (the trigger's totals).
    let direct: Vec<(String, u64, Option<Decimal>)> = queries
        .tree()
        .unwrap()
        .into_iter()
        .map(|e| (e.category.name, e.direct.count, e.direct.max))
        .collect();
    assert!(
        direct.contains(&("top".into(), 1, Some(Decimal::ONE))),
        "{direct:?}"
    );
    assert!(
        direct.contains(&("child".into(), 1, Some(Decimal::TWO))),
        "{direct:?}"
    );
}

#[test]
fn the_price_totals_follow_every_product_change() {
    let db = TestDatabase::new();
    let uow = PgUnitOfWork::new(db.pool());
    let (a, b) = run(&uow, |tx| {
        Ok((new_category(tx, "a", None), new_category(tx, "b", None)))
    });
    let mut product = new_product("moving", "10.00", &a, ProductStatus::Active);
    run(&uow, |tx| {
        tx.products().insert(&product).unwrap();
        tx.products()
            .insert(&new_product("stays", "30.00", &a, ProductStatus::Active))
            .unwrap();
        Ok(())
    });
    let queries = PgCatalogueQueries::new(db.pool());
    let stats = |path: &CategoryPath| queries.price_stats(path).unwrap();
    assert_eq!(
        (stats(&a.path).count, stats(&a.path).average),
        (2, Some(Decimal::from(20)))
    );

    // Price change, move to another category, deactivation, deletion: each is reflected at once.
    product.price = Price::parse("50.00").unwrap();
    run(&uow, |tx| {
        tx.products().update(&product).unwrap();
        Ok(())
    });
    assert_eq!(stats(&a.path).max, Some(Decimal::from(50)));
    product.category_id = b.id;
    run(&uow, |tx| {
        tx.products().update(&product).unwrap();
        Ok(())
    });
    assert_eq!((stats(&a.path).count, stats(&b.path).count), (1, 1));
    product.status = ProductStatus::Inactive;
    run(&uow, |tx| {
        tx.products().update(&product).unwrap();
        Ok(())
    });
    assert_eq!(stats(&b.path).count, 0);
    assert_eq!(stats(&b.path).average, None);
    run(&uow, |tx| {
        tx.products().delete(product.id).unwrap();
        Ok(())
    });
    assert_eq!(stats(&a.path).average, Some(Decimal::from(30)));
}
