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
    // Per-run statements are unnamed: nothing of theirs is kept on the connection. The one statement added sums
    // the statistics of a subtree's categories (the total of its active products): one text whatever the subtree,
    // an index range on the paths whatever its size, and no products.
    assert_eq!(added.len(), 1, "{added:#?}");
    assert!(
        added[0].contains("FROM categories c JOIN category_price_stats")
            && !added[0].contains("products"),
        "{added:#?}"
    );
}
