//! Order placement throughput and latency through the HTTP API with 1, 8 and 32 concurrent clients, beside the
//! ceiling: the same SQL transaction run by pgbench (custom script) against the same server, in the same run.
//! Target: at least 60% of the pgbench ceiling at 8 clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;
use std::time::{Duration, Instant};

use diesel::pg::PgConnection;
use diesel::{sql_query, Connection, RunQueryDsl};
use orderflow_benches::start_server;

const PRODUCTS: usize = 100;
const CUSTOMERS: usize = 32;
const RUN: Duration = Duration::from_secs(8);
const CLIENTS: [usize; 3] = [1, 8, 32];

fn main() {
    let database = prepare();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let base = runtime.block_on(start_server(&database, 40));
    let (tokens, products) = runtime.block_on(fixtures(&base, &database));

    println!(
        "\norder placement, {}-second runs ({PRODUCTS} products, 1-2 lines per order)",
        RUN.as_secs()
    );
    println!("| clients | API orders/s | p50 ms | p95 ms | p99 ms | pgbench tx/s (same SQL) | API / pgbench |");
    println!("|---|---|---|---|---|---|---|");
    for clients in CLIENTS {
        let api = runtime.block_on(api_run(&base, &tokens, &products, clients));
        let ceiling = pgbench(&database, clients);
        println!(
            "| {clients} | {:.0} | {:.1} | {:.1} | {:.1} | {ceiling:.0} | {:.0}% |",
            api.throughput,
            api.p50,
            api.p95,
            api.p99,
            100.0 * api.throughput / ceiling
        );
    }
}

fn server_url() -> url::Url {
    let server = std::env::var("BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    url::Url::parse(&server).unwrap()
}

/// A fresh database for the run: migrated, with products whose stock will not run out.
fn prepare() -> String {
    let mut url = server_url();
    url.set_path("/orderflow_bench_orders");
    let database = url.to_string();
    let mut admin = PgConnection::establish(server_url().as_str()).unwrap();
    sql_query("DROP DATABASE IF EXISTS orderflow_bench_orders WITH (FORCE)")
        .execute(&mut admin)
        .unwrap();
    sql_query("CREATE DATABASE orderflow_bench_orders")
        .execute(&mut admin)
        .unwrap();
    orderflow_persistence::run_migrations(&database).unwrap();
    let mut connection = PgConnection::establish(&database).unwrap();
    sql_query("INSERT INTO categories (id, name, slug, path, level) VALUES (1, 'Bench', 'bench', '/1/', 0)")
        .execute(&mut connection)
        .unwrap();
    sql_query("SELECT setval(pg_get_serial_sequence('categories', 'id'), 1)")
        .execute(&mut connection)
        .unwrap();
    sql_query(format!(
        "INSERT INTO products (id, name, slug, price, category_id, sku, stock_quantity) \
         SELECT gen_random_uuid(), 'Product ' || n, 'product-' || n, 10 + n, 1, 'BENCH-' || n, 1000000000 \
         FROM generate_series(1, {PRODUCTS}) AS n"
    ))
    .execute(&mut connection)
    .unwrap();
    // pgbench picks products by number.
    sql_query(
        "CREATE TABLE bench_products AS SELECT row_number() OVER (ORDER BY sku) AS n, id, price FROM products",
    )
    .execute(&mut connection)
    .unwrap();
    database
}

/// Customers (registered through the API) and the products' ids.
async fn fixtures(base: &str, database: &str) -> (Vec<String>, Vec<String>) {
    let client = reqwest::Client::new();
    let mut tokens = Vec::new();
    for n in 0..CUSTOMERS {
        let body = serde_json::json!({
            "email": format!("bench{n}@example.com"), "password": "bench-password-1", "password_confirm": "bench-password-1",
            "first_name": "Bench", "last_name": "Client", "phone_number": "+254711000001"
        });
        let response: serde_json::Value = client
            .post(format!("{base}/api/v1/auth/register/"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        tokens.push(response["token"].as_str().unwrap().to_owned());
    }
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let mut connection = PgConnection::establish(database).unwrap();
    let products = sql_query("SELECT id::text AS id FROM bench_products ORDER BY n")
        .load::<Id>(&mut connection)
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect();
    (tokens, products)
}

struct Measured {
    throughput: f64,
    p50: f64,
    p95: f64,
    p99: f64,
}

async fn api_run(base: &str, tokens: &[String], products: &[String], clients: usize) -> Measured {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let deadline = Instant::now() + RUN;
    let workers = (0..clients).map(|worker| {
        let (client, token) = (client.clone(), tokens[worker % tokens.len()].clone());
        let (url, products) = (format!("{base}/api/v1/orders/"), products.to_vec());
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = worker * 7919;
            while Instant::now() < deadline {
                n = n.wrapping_mul(31).wrapping_add(17);
                let first = &products[n % products.len()];
                let second = &products[(n / 7) % products.len()];
                let body = serde_json::json!({
                    "shipping_address": "1 Moi Avenue", "billing_address": "1 Moi Avenue", "phone_number": "+254711000001",
                    "items": [{"product_id": first, "quantity": 1}, {"product_id": second, "quantity": 1}]
                });
                let started = Instant::now();
                let response = client.post(&url).header("Authorization", format!("Token {token}")).json(&body).send().await.unwrap();
                assert_eq!(response.status().as_u16(), 201, "{}", response.text().await.unwrap_or_default());
                response.bytes().await.unwrap();
                latencies.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            latencies
        })
    });
    let mut latencies: Vec<f64> = Vec::new();
    for worker in workers.collect::<Vec<_>>() {
        latencies.extend(worker.await.unwrap());
    }
    latencies.sort_by(f64::total_cmp);
    let percentile =
        |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    Measured {
        throughput: latencies.len() as f64 / RUN.as_secs_f64(),
        p50: percentile(0.50),
        p95: percentile(0.95),
        p99: percentile(0.99),
    }
}

/// The statements a placement without an Idempotency-Key runs (see `PlaceOrder` and the Postgres stores), in order,
/// each committed on its own as the placement's are: the products read, the one guarded write (its commit not waiting
/// for the flush, so its locks go at once), then the wait for the flush (`durability.rs` in the persistence crate).
const PLACEMENT_SCRIPT: &str = r#"\set a random(1, 100)
\set b random(1, 100)
SELECT id AS first_id, price AS first_price FROM bench_products WHERE n = :a \gset
SELECT id AS second_id, price AS second_price FROM bench_products WHERE n = :b \gset
SELECT id, name, slug, description, price, category_id, sku, stock_quantity, image, status, is_featured, created_at, updated_at FROM products WHERE id = ANY(ARRAY[:first_id, :second_id]::uuid[]);
WITH wanted AS (SELECT DISTINCT ON (w.id) w.id, w.quantity, p.price, p.name, p.sku FROM unnest(ARRAY[:first_id, :second_id]::uuid[], ARRAY[1, 1]::int4[]) AS w (id, quantity) JOIN products p ON p.id = w.id), locked AS (SELECT p.id, p.stock_quantity, w.quantity FROM products p JOIN wanted w ON w.id = p.id WHERE p.status = 'active' AND p.price = w.price AND p.name = w.name AND p.sku = w.sku ORDER BY p.id FOR UPDATE OF p), ready AS (SELECT count(*) FILTER (WHERE stock_quantity >= quantity) = (SELECT count(*) FROM wanted) AS ok FROM locked), taken AS (UPDATE products p SET stock_quantity = p.stock_quantity - l.quantity FROM locked l, ready WHERE ready.ok AND p.id = l.id AND p.stock_quantity >= l.quantity RETURNING p.id), counter AS (INSERT INTO order_number_counters AS c (day, last_value) SELECT current_date, 1 FROM ready WHERE ready.ok ON CONFLICT (day) DO UPDATE SET last_value = c.last_value + 1 RETURNING last_value), placed AS (INSERT INTO orders (id, order_number, customer_id, status, total_amount, shipping_address, billing_address, phone_number, notes, is_paid, payment_method, payment_reference, created_at, updated_at) SELECT gen_random_uuid(), 'PGB-' || to_char(current_date, 'YYYYMMDD') || '-' || lpad(last_value::text, greatest(4, length(last_value::text)), '0'), 1, 'pending', :first_price::numeric + :second_price::numeric, '1 Moi Avenue', '1 Moi Avenue', '+254711000001', '', false, 'mpesa', '', now(), now() FROM counter RETURNING id), items AS (INSERT INTO order_items (id, order_id, product_id, product_name, product_sku, quantity, unit_price, subtotal, created_at) SELECT gen_random_uuid(), placed.id, w.id, w.name, w.sku, w.quantity, w.price, w.price, now() FROM placed, wanted w), history AS (INSERT INTO order_events (order_id, event_type, to_status, actor, note, created_at) SELECT placed.id, 'placed', 'pending', 'bench', '2 line(s)', now() FROM placed), announced AS (INSERT INTO outbox_events (kind, order_id, created_at) SELECT 'order_placed', placed.id, now() FROM placed) SELECT last_value FROM counter, (SELECT set_config('synchronous_commit', 'off', true)) AS early_release;
SELECT pg_logical_emit_message(true, 'orderflow.durable', '')::text AS lsn;
"#;

fn pgbench(database: &str, clients: usize) -> f64 {
    let script = std::env::temp_dir().join("orderflow-placement.sql");
    std::fs::write(&script, PLACEMENT_SCRIPT).unwrap();
    let output = Command::new("pgbench")
        .args([
            "-n",
            "-M",
            "prepared",
            "-c",
            &clients.to_string(),
            "-j",
            "2",
            "-T",
            &RUN.as_secs().to_string(),
            "-f",
        ])
        .arg(&script)
        .arg(database)
        .output()
        .expect("pgbench (postgresql-client) must be installed");
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|line| {
            line.strip_prefix("tps = ")?
                .split_whitespace()
                .next()?
                .parse::<f64>()
                .ok()
        })
        .unwrap_or_else(|| {
            panic!(
                "pgbench failed: {text}{}",
                String::from_utf8_lossy(&output.stderr)
            )
        })
}
