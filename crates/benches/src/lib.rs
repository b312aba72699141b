//! Shared set-up of the benchmarks: a generated catalogue in a database of its own, and a running server.
//!
//! The database is kept between runs (named after the data's shape) so that only the first run pays for the
//! generation; `BENCH_DATABASE_URL` chooses the server (default: the local one).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use diesel::pg::PgConnection;
use diesel::{sql_query, Connection, RunQueryDsl};

pub const CATEGORIES: usize = 5_000;
pub const PRODUCTS: usize = 100_000;
/// Levels 0 to 9.
pub const MAX_LEVEL: usize = 9;

/// The URL of the benchmark database, created, migrated and filled on first use.
pub fn prepared_database() -> String {
    let server = std::env::var("BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut url = url::Url::parse(&server).expect("BENCH_DATABASE_URL must be a postgres:// URL");
    url.set_path(&format!("/orderflow_bench_{CATEGORIES}_{PRODUCTS}"));
    let database = url.to_string();
    orderflow_persistence::create_database_if_missing(&database)
        .expect("create the benchmark database");
    orderflow_persistence::run_migrations(&database).expect("migrate the benchmark database");
    let mut connection =
        PgConnection::establish(&database).expect("connect to the benchmark database");
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let products: Count = sql_query("SELECT count(*) AS n FROM products")
        .get_result(&mut connection)
        .unwrap();
    if products.n as usize != PRODUCTS {
        eprintln!(
            "generating {CATEGORIES} categories (up to {} levels) and {PRODUCTS} products...",
            MAX_LEVEL + 1
        );
        generate(&mut connection);
    }
    sql_query("VACUUM ANALYZE")
        .execute(&mut connection)
        .unwrap();
    database
}

/// Parents follow a binary heap (node i under i/2), folded back under shallower nodes past level 9, so the tree
/// is wide near the root and exactly ten levels deep.
pub fn parent_and_level(id: usize, levels: &HashMap<usize, usize>) -> (Option<usize>, usize) {
    if id == 1 {
        return (None, 0);
    }
    let mut parent = id / 2;
    if levels[&parent] >= MAX_LEVEL {
        parent = id % 256 + 256; // a node of level 8
    }
    (Some(parent), levels[&parent] + 1)
}

fn generate(connection: &mut PgConnection) {
    sql_query("TRUNCATE products, categories RESTART IDENTITY CASCADE")
        .execute(connection)
        .unwrap();
    // Row triggers off while loading (the price-stats trigger would run 100,000 times): the category paths are
    // copied here and the totals computed at the end.
    sql_query("SET session_replication_role = replica")
        .execute(connection)
        .unwrap();
    let mut levels = HashMap::new();
    let mut paths: HashMap<usize, String> = HashMap::new();
    let mut rows = Vec::new();
    for id in 1..=CATEGORIES {
        let (parent, level) = parent_and_level(id, &levels);
        let path = match parent {
            Some(p) => format!("{}{id}/", paths[&p]),
            None => format!("/{id}/"),
        };
        levels.insert(id, level);
        paths.insert(id, path.clone());
        rows.push(format!(
            "({id}, 'Category {id}', 'category-{id}', '', {}, '{path}', {level}, true)",
            parent.map_or("NULL".to_owned(), |p| p.to_string())
        ));
    }
    for chunk in rows.chunks(1000) {
        sql_query(format!(
            "INSERT INTO categories (id, name, slug, description, parent_id, path, level, is_active) VALUES {}",
            chunk.join(",")
        ))
        .execute(connection)
        .unwrap();
    }
    sql_query("SELECT setval(pg_get_serial_sequence('categories', 'id'), (SELECT max(id) FROM categories))")
        .execute(connection)
        .unwrap();
    // Deterministic spread of products over categories, prices and statuses.
    sql_query(format!(
        "INSERT INTO products (id, name, slug, description, price, category_id, category_path, sku, \
                               stock_quantity, status, is_featured) \
         SELECT gen_random_uuid(), 'Product ' || n, 'product-' || n, 'Generated product ' || n, \
                ((n * 7919) % 99900 + 100) / 100.0, c.id, c.path, 'BENCH-' || n, n % 50, \
                CASE WHEN n % 10 = 0 THEN 'inactive' ELSE 'active' END, n % 97 = 0 \
         FROM generate_series(1, {PRODUCTS}) AS n \
         JOIN categories c ON c.id = (n * 2654435761) % {CATEGORIES} + 1"
    ))
    .execute(connection)
    .unwrap();
    sql_query("RESET session_replication_role")
        .execute(connection)
        .unwrap();
    sql_query(
        "INSERT INTO category_price_stats (category_id, product_count, price_sum, min_price, max_price) \
         SELECT category_id, count(*), sum(price), min(price), max(price) FROM products \
         WHERE status = 'active' GROUP BY category_id",
    )
    .execute(connection)
    .unwrap();
}

/// Starts the real server against `database` on a free port (with `pool_size` connections) and returns its
/// base URL.
pub async fn start_server(database: &str, pool_size: u32) -> String {
    let vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", database.to_owned()),
        ("PORT", "0".to_owned()),
        ("HTTP_WORKERS", "2".to_owned()),
        ("DATABASE_POOL_SIZE", pool_size.to_string()),
        ("RUST_LOG", "warn".to_owned()),
        // Placement only: delivery runs in workers of its own (`orderflow worker`) and is not what is measured.
        ("NOTIFY_WORKER", "off".to_owned()),
    ]);
    let config = orderflow::Config::from_lookup(|name| vars.get(name).cloned()).unwrap();
    let application = orderflow::Application::build(&config).unwrap();
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());
    address
}
