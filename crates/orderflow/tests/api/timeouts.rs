//! No request waits on the database for long, whoever holds it up: a statement runs at most
//! `DATABASE_STATEMENT_TIMEOUT_MS`, a request waits at most `DATABASE_TIMEOUT_SECONDS` for a pooled connection, and
//! both answers are a 503 with `Retry-After`.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{json_of, spawn_app_with};
use crate::orders::shop;

#[tokio::test]
async fn a_statement_stuck_on_a_lock_ends_at_the_timeout_and_a_request_without_a_connection_waits_a_bounded_time(
) {
    let app = spawn_app_with(&[
        ("DATABASE_POOL_SIZE", "1"),
        ("DATABASE_TIMEOUT_SECONDS", "1"),
        ("DATABASE_STATEMENT_TIMEOUT_MS", "1500"),
    ])
    .await;
    let shop = shop(&app).await;
    let lamp = shop.product(&app, "Lamp", "5.00", 3).await;
    // Someone else holds the product's row: an update of it waits for the lock.
    let mut other = app.db.connection();
    other
        .batch_execute(&format!(
            "BEGIN; SELECT 1 FROM products WHERE id = '{lamp}' FOR UPDATE"
        ))
        .unwrap();

    let path = format!("/api/v1/products/{lamp}/");
    let started = Instant::now();
    let (stuck, waiting) = tokio::join!(
        app.request(
            Method::PATCH,
            &path,
            Some(&shop.staff),
            Some(json!({"stock_quantity": 9}))
        ),
        async {
            // Once the update holds the only pooled connection, anyone else waits for one.
            tokio::time::sleep(Duration::from_millis(300)).await;
            app.get("/api/v1/products/", None).await
        }
    );
    assert_eq!(waiting.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(waiting.headers().contains_key("retry-after"));
    assert_eq!(stuck.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(stuck.headers().contains_key("retry-after"));
    let (_, body) = json_of(stuck).await;
    assert_eq!(
        body["detail"],
        "The service is temporarily unavailable. Please retry shortly."
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    other.batch_execute("ROLLBACK").unwrap();
    // The cancelled statement cost nothing: the pool serves again, and the stock is as it was.
    let (status, product) = json_of(app.get(&path, None).await).await;
    assert_eq!(
        (status, product["stock_quantity"].as_i64()),
        (StatusCode::OK, Some(3))
    );
}
