//! Orders through the API: placement under concurrency, the lifecycle and its stock effects, idempotency,
//! visibility, listing and statistics.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app, TestApp};

pub(crate) struct Shop {
    pub staff: String,
    pub category: i64,
}

pub(crate) async fn shop(app: &TestApp) -> Shop {
    let staff = app.staff_token("staff@x.com", "staff").await;
    let category = app.category(&staff, "Goods", None).await;
    Shop { staff, category }
}

impl Shop {
    /// A product with `stock` units at `price`; returns its id.
    pub(crate) async fn product(
        &self,
        app: &TestApp,
        name: &str,
        price: &str,
        stock: i64,
    ) -> String {
        let body = app
            .product(&self.staff, json!({"name": name, "price": price, "category": self.category, "stock_quantity": stock}))
            .await;
        body["id"].as_str().unwrap().to_owned()
    }
}

pub(crate) fn order_body(lines: &[(&str, i64)]) -> Value {
    json!({
        "shipping_address": "1 Moi Avenue, Nairobi",
        "billing_address": "1 Moi Avenue, Nairobi",
        "phone_number": "+254711000001",
        "payment_method": "mpesa",
        "items": lines.iter().map(|(id, quantity)| json!({"product_id": id, "quantity": quantity})).collect::<Vec<_>>(),
    })
}

pub(crate) async fn place(
    app: &TestApp,
    token: &str,
    lines: &[(&str, i64)],
) -> (StatusCode, Value) {
    json_of(
        app.post("/api/v1/orders/", Some(token), order_body(lines))
            .await,
    )
    .await
}

pub(crate) async fn stock(app: &TestApp, product: &str) -> i64 {
    let (_, body) = json_of(app.get(&format!("/api/v1/products/{product}/"), None).await).await;
    body["stock_quantity"].as_i64().unwrap()
}

async fn set_status(
    app: &TestApp,
    token: &str,
    order: &str,
    status: &str,
    restock: bool,
) -> (StatusCode, Value) {
    json_of(
        app.post(
            &format!("/api/v1/orders/{order}/update_status/"),
            Some(token),
            json!({"status": status, "restock": restock}),
        )
        .await,
    )
    .await
}

/// `count` customers, registered one after the other; their tokens.
async fn customers(app: &TestApp, count: usize) -> Vec<String> {
    let mut tokens = Vec::with_capacity(count);
    for n in 0..count {
        tokens.push(app.register(&format!("buyer{n}@x.com")).await.0);
    }
    tokens
}

#[tokio::test]
async fn a_placed_order_has_the_full_shape_and_takes_the_stock_once() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let phone = shop.product(&app, "Phone", "999.99", 10).await;
    let charger = shop.product(&app, "Charger", "19.99", 5).await;
    let (token, customer) = app.register("alice@x.com").await;

    let (status, order) = place(&app, &token, &[(&phone, 2), (&charger, 1), (&phone, 1)]).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    for key in [
        "id",
        "order_number",
        "customer",
        "customer_name",
        "customer_email",
        "status",
        "total_amount",
        "shipping_address",
        "billing_address",
        "phone_number",
        "notes",
        "is_paid",
        "payment_method",
        "payment_reference",
        "created_at",
        "updated_at",
        "items",
        "items_count",
        "can_be_cancelled",
    ] {
        assert!(order.get(key).is_some(), "missing {key}");
    }
    assert_eq!(order["customer"], customer["id"]);
    assert_eq!(order["customer_email"], "alice@x.com");
    assert_eq!(order["status"], "pending");
    assert_eq!(
        order["total_amount"], "3019.96",
        "3 x 999.99 + 19.99, exactly"
    );
    assert_eq!(
        order["items_count"], 2,
        "the same product twice is one line"
    );
    assert_eq!(order["can_be_cancelled"], true);
    let number = order["order_number"].as_str().unwrap();
    let today = chrono::Utc::now().format("%Y%m%d").to_string();
    assert_eq!(number, format!("ORD-{today}-0001"));
    let phone_line = order["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["product"] == phone.as_str())
        .unwrap();
    for key in [
        "id",
        "product",
        "product_name",
        "product_sku",
        "quantity",
        "unit_price",
        "subtotal",
        "created_at",
    ] {
        assert!(phone_line.get(key).is_some(), "missing item {key}");
    }
    assert_eq!(
        (
            phone_line["quantity"].as_i64(),
            phone_line["unit_price"].as_str(),
            phone_line["subtotal"].as_str()
        ),
        (Some(3), Some("999.99"), Some("2999.97"))
    );
    assert_eq!(stock(&app, &phone).await, 7);
    assert_eq!(stock(&app, &charger).await, 4);

    // Confirming does not take the stock again.
    let id = order["id"].as_str().unwrap();
    let (status, confirmed) = set_status(&app, &shop.staff, id, "confirmed", false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(confirmed["status"], "confirmed");
    assert_eq!(stock(&app, &phone).await, 7);

    let (_, events) = json_of(
        app.get(&format!("/api/v1/orders/{id}/events/"), Some(&token))
            .await,
    )
    .await;
    let types: Vec<(&str, Option<&str>)> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].as_str().unwrap(), e["to_status"].as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("placed", Some("pending")),
            ("status_changed", Some("confirmed"))
        ]
    );
    assert_eq!(events[1]["from_status"], "pending");
    // The owner sees staff as a role; staff see who it was.
    assert_eq!(events[1]["actor"], "staff");
    let (_, events) = json_of(
        app.get(&format!("/api/v1/orders/{id}/events/"), Some(&shop.staff))
            .await,
    )
    .await;
    assert_eq!(events[1]["actor"], "staff@x.com");
}

#[tokio::test]
async fn every_problem_with_an_order_is_reported_and_nothing_is_written() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let phone = shop.product(&app, "Phone", "10.00", 2).await;
    let retired = shop.product(&app, "Retired", "10.00", 50).await;
    app.request(
        Method::PATCH,
        &format!("/api/v1/products/{retired}/"),
        Some(&shop.staff),
        Some(json!({"status": "inactive"})),
    )
    .await;
    let (token, _) = app.register("alice@x.com").await;

    let (status, body) = json_of(app.post("/api/v1/orders/", Some(&token), json!({})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["shipping_address", "billing_address", "phone_number"] {
        assert_eq!(body[field], json!(["This field is required."]), "{field}");
    }
    assert_eq!(
        body["non_field_errors"],
        json!(["Order must contain at least one item."])
    );

    let mut bad = order_body(&[(&phone, 0), ("not-a-uuid", 1), (&phone, 10_001)]);
    bad["phone_number"] = json!("0712345678");
    let (status, body) = json_of(app.post("/api/v1/orders/", Some(&token), bad).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["phone_number"][0]
        .as_str()
        .unwrap()
        .contains("international format"));
    assert_eq!(
        body["items"][0]["quantity"],
        json!(["Ensure this value is between 1 and 10000."])
    );
    assert_eq!(
        body["items"][1]["product_id"],
        json!(["Must be a valid UUID."])
    );
    assert_eq!(
        body["items"][2]["quantity"],
        json!(["Ensure this value is between 1 and 10000."])
    );

    let missing = "00000000-0000-4000-8000-000000000000";
    let (status, body) = place(&app, &token, &[(&phone, 3), (&retired, 1), (missing, 1)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"items": [
            {"non_field_errors": ["Insufficient stock. Available: 2"]},
            {"non_field_errors": ["Product not found or not available."]},
            {"non_field_errors": ["Product not found or not available."]}
        ]})
    );
    let too_many: Vec<(String, i64)> = (0..101)
        .map(|n| (uuid::Uuid::from_u128(n).to_string(), 1))
        .collect();
    let lines: Vec<(&str, i64)> = too_many.iter().map(|(id, q)| (id.as_str(), *q)).collect();
    let (status, body) = place(&app, &token, &lines).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["items"][0].as_str().unwrap().contains("at most 100"),
        "{body}"
    );

    assert_eq!(stock(&app, &phone).await, 2);
    let (_, list) = json_of(app.get("/api/v1/orders/", Some(&token)).await).await;
    assert_eq!(list["count"], 0);
}

#[tokio::test]
async fn fifty_customers_racing_for_ten_units_never_oversell() {
    let app = spawn_app_with_pool(20).await;
    let shop = shop(&app).await;
    let tokens = customers(&app, 50).await;
    for (units, expected_successes, expected_stock) in [(1, 10, 0), (3, 3, 1)] {
        let product = shop
            .product(&app, &format!("Scarce {units}"), "5.00", 10)
            .await;
        let attempts = tokens.iter().map(|token| {
            let (app, product) = (&app, product.clone());
            async move { place(app, token, &[(&product, units)]).await }
        });
        let results = futures_util::future::join_all(attempts).await;
        let successes = results
            .iter()
            .filter(|(status, _)| *status == StatusCode::CREATED)
            .count();
        for (status, body) in &results {
            assert!(
                *status == StatusCode::CREATED || *status == StatusCode::BAD_REQUEST,
                "{status}: {body}"
            );
            if *status == StatusCode::BAD_REQUEST {
                let message = body["items"][0]["non_field_errors"][0].as_str().unwrap();
                assert!(
                    message.starts_with("Insufficient stock. Available: "),
                    "{message}"
                );
            }
        }
        assert_eq!(successes, expected_successes, "{units} unit(s) each");
        assert_eq!(stock(&app, &product).await, expected_stock);
    }
}

/// A server with a larger pool, for the concurrency tests.
async fn spawn_app_with_pool(size: u32) -> TestApp {
    crate::helpers::spawn_app_with(&[("DATABASE_POOL_SIZE", &size.to_string())]).await
}

#[tokio::test]
async fn thirty_orders_at_the_same_instant_get_thirty_consecutive_numbers() {
    let app = spawn_app_with_pool(20).await;
    let shop = shop(&app).await;
    let product = shop.product(&app, "Plenty", "1.00", 1_000).await;
    let tokens = customers(&app, 30).await;
    let attempts = tokens.iter().map(|token| {
        let (app, product) = (&app, product.clone());
        async move { place(app, token, &[(&product, 1)]).await }
    });
    let results = futures_util::future::join_all(attempts).await;
    let today = chrono::Utc::now().format("%Y%m%d").to_string();
    let numbers: BTreeSet<String> = results
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, StatusCode::CREATED, "{body}");
            body["order_number"].as_str().unwrap().to_owned()
        })
        .collect();
    let expected: BTreeSet<String> = (1..=30).map(|n| format!("ORD-{today}-{n:04}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn opposite_orders_of_the_same_two_products_never_deadlock() {
    let app = spawn_app_with_pool(10).await;
    let shop = shop(&app).await;
    let a = shop.product(&app, "A", "1.00", 10_000).await;
    let b = shop.product(&app, "B", "1.00", 10_000).await;
    let tokens = customers(&app, 2).await;
    for round in 0..200 {
        let (forward, backward) = (
            [(a.as_str(), 1), (b.as_str(), 1)],
            [(b.as_str(), 1), (a.as_str(), 1)],
        );
        let first = place(&app, &tokens[0], &forward);
        let second = place(&app, &tokens[1], &backward);
        let ((s1, b1), (s2, b2)) = tokio::join!(first, second);
        assert_eq!(
            (s1, s2),
            (StatusCode::CREATED, StatusCode::CREATED),
            "round {round}: {b1} {b2}"
        );
    }
    assert_eq!(
        (stock(&app, &a).await, stock(&app, &b).await),
        (9_600, 9_600)
    );
}

#[tokio::test]
async fn cancel_and_refund_return_stock_exactly_as_the_rules_say() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let product = shop.product(&app, "Lamp", "10.00", 20).await;
    let (token, _) = app.register("alice@x.com").await;

    let (_, order) = place(&app, &token, &[(&product, 4)]).await;
    let id = order["id"].as_str().unwrap().to_owned();
    assert_eq!(stock(&app, &product).await, 16);
    let (status, cancelled) = json_of(
        app.post(
            &format!("/api/v1/orders/{id}/cancel/"),
            Some(&token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            cancelled["status"].as_str(),
            cancelled["can_be_cancelled"].as_bool()
        ),
        (Some("cancelled"), Some(false))
    );
    assert_eq!(stock(&app, &product).await, 20);
    let (status, body) = json_of(
        app.post(
            &format!("/api/v1/orders/{id}/cancel/"),
            Some(&token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"detail": "Order cannot be cancelled in its current status"})
    );
    assert_eq!(stock(&app, &product).await, 20, "the stock came back once");

    for (restock, expected) in [(true, 20), (false, 18)] {
        let (_, order) = place(&app, &token, &[(&product, 2)]).await;
        let id = order["id"].as_str().unwrap().to_owned();
        for status in ["confirmed", "processing", "shipped", "delivered"] {
            assert_eq!(
                set_status(&app, &shop.staff, &id, status, false).await.0,
                StatusCode::OK,
                "{status}"
            );
        }
        let (status, refunded) = set_status(&app, &shop.staff, &id, "refunded", restock).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(refunded["status"], "refunded");
        assert_eq!(stock(&app, &product).await, expected, "restock: {restock}");
    }

    // A shipped order can no longer be cancelled by its owner.
    let (_, order) = place(&app, &token, &[(&product, 1)]).await;
    let id = order["id"].as_str().unwrap().to_owned();
    for status in ["confirmed", "processing", "shipped"] {
        set_status(&app, &shop.staff, &id, status, false).await;
    }
    let (status, _) = json_of(
        app.post(
            &format!("/api/v1/orders/{id}/cancel/"),
            Some(&token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn illegal_transitions_are_refused_with_the_contracts_message() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let product = shop.product(&app, "Lamp", "10.00", 100).await;
    let (token, _) = app.register("alice@x.com").await;
    // An order in each status, built through legal moves.
    let path = [
        "pending",
        "confirmed",
        "processing",
        "shipped",
        "delivered",
        "refunded",
    ];
    let legal: &[(&str, &str)] = &[
        ("pending", "confirmed"),
        ("pending", "cancelled"),
        ("confirmed", "processing"),
        ("confirmed", "cancelled"),
        ("processing", "shipped"),
        ("processing", "cancelled"),
        ("shipped", "delivered"),
        ("delivered", "refunded"),
    ];
    let all = [
        "pending",
        "confirmed",
        "processing",
        "shipped",
        "delivered",
        "cancelled",
        "refunded",
    ];
    for from in all {
        for to in all {
            if legal.contains(&(from, to)) {
                continue;
            }
            let (_, order) = place(&app, &token, &[(&product, 1)]).await;
            let id = order["id"].as_str().unwrap().to_owned();
            if from == "cancelled" {
                set_status(&app, &shop.staff, &id, "cancelled", false).await;
            } else {
                for status in path.iter().skip(1).take_while(|s| {
                    path.iter().position(|p| p == *s) <= path.iter().position(|p| *p == from)
                }) {
                    set_status(&app, &shop.staff, &id, status, false).await;
                }
            }
            let (status, body) = set_status(&app, &shop.staff, &id, to, false).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{from} -> {to}");
            assert_eq!(
                body,
                json!({"status": [format!("Cannot transition from {from} to {to}.")]}),
                "{from} -> {to}"
            );
        }
    }
    let (_, order) = place(&app, &token, &[(&product, 1)]).await;
    let (status, body) = set_status(
        &app,
        &shop.staff,
        order["id"].as_str().unwrap(),
        "bogus",
        false,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"status": ["\"bogus\" is not a valid choice."]})
    );
}

#[tokio::test]
async fn customers_are_kept_to_their_own_orders_and_out_of_staff_routes() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let product = shop.product(&app, "Lamp", "10.00", 100).await;
    let (alice, _) = app.register("alice@x.com").await;
    let (bob, _) = app.register("bob@x.com").await;
    let (_, order) = place(&app, &alice, &[(&product, 1)]).await;
    let id = order["id"].as_str().unwrap();

    for (method, path) in [
        (Method::POST, format!("/api/v1/orders/{id}/update_status/")),
        (Method::POST, format!("/api/v1/orders/{id}/mark_paid/")),
        (Method::GET, "/api/v1/orders/pending/".to_owned()),
        (Method::GET, "/api/v1/orders/statistics/".to_owned()),
    ] {
        let (status, _) = json_of(
            app.request(
                method.clone(),
                &path,
                Some(&alice),
                Some(json!({"status": "confirmed"})),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
    }
    for (method, path) in [
        (Method::GET, format!("/api/v1/orders/{id}/")),
        (Method::PATCH, format!("/api/v1/orders/{id}/")),
        (Method::POST, format!("/api/v1/orders/{id}/cancel/")),
        (Method::GET, format!("/api/v1/orders/{id}/events/")),
    ] {
        let (status, body) = json_of(
            app.request(
                method.clone(),
                &path,
                Some(&bob),
                Some(json!({"notes": "mine now"})),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(body, json!({"detail": "Not found."}));
    }
    let (_, bobs) = json_of(
        app.get(
            &format!("/api/v1/orders/?customer={}", order["customer"]),
            Some(&bob),
        )
        .await,
    )
    .await;
    assert_eq!(
        bobs["count"], 0,
        "a customer filter cannot widen a customer's view"
    );
    let (_, staff_view) = json_of(
        app.get(&format!("/api/v1/orders/{id}/"), Some(&shop.staff))
            .await,
    )
    .await;
    assert_eq!(staff_view["id"], id);
    assert_eq!(
        app.get("/api/v1/orders/", None).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_owner_may_change_delivery_details_while_pending_only() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let product = shop.product(&app, "Lamp", "10.00", 100).await;
    let (token, _) = app.register("alice@x.com").await;
    let (_, order) = place(&app, &token, &[(&product, 1)]).await;
    let path = format!("/api/v1/orders/{}/", order["id"].as_str().unwrap());

    let (status, body) = json_of(
        app.request(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({"shipping_address": "2 Kenyatta Ave", "notes": "Gate B"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["shipping_address"].as_str(), body["notes"].as_str()),
        (Some("2 Kenyatta Ave"), Some("Gate B"))
    );

    let (status, body) = json_of(
        app.request(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({"status": "delivered", "is_paid": true})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.get("status").is_some() && body.get("is_paid").is_some());
    let (status, _) = json_of(
        app.request(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({"phone_number": "0712"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    set_status(
        &app,
        &shop.staff,
        order["id"].as_str().unwrap(),
        "confirmed",
        false,
    )
    .await;
    let (status, body) = json_of(
        app.request(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({"notes": "late"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["detail"].as_str().unwrap().contains("pending"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_idempotency_key_replays_and_another_body_is_refused() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let product = shop.product(&app, "Lamp", "10.00", 100).await;
    let (token, customer) = app.register("alice@x.com").await;
    let send = |body: Value, key: &str| {
        app.client
            .post(app.url("/api/v1/orders/"))
            .header("Authorization", format!("Token {token}"))
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
    };
    let body = order_body(&[(&product, 2)]);
    let (first_status, first) = json_of(send(body.clone(), "order-123").await.unwrap()).await;
    let (second_status, second) = json_of(send(body.clone(), "order-123").await.unwrap()).await;
    assert_eq!(
        (first_status, second_status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(first, second, "the same body back");
    assert_eq!(
        stock(&app, &product).await,
        98,
        "one order, one stock movement"
    );
    let (_, list) = json_of(app.get("/api/v1/orders/", Some(&token)).await).await;
    assert_eq!(list["count"], 1);

    let (status, body) = json_of(
        send(order_body(&[(&product, 3)]), "order-123")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["detail"].as_str().unwrap().contains("Idempotency-Key"));

    // Another key is another order.
    let (status, other) = json_of(
        send(order_body(&[(&product, 2)]), "order-124")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(other["id"], first["id"]);

    // A request whose key is held by a transaction still in flight is told so (409) at once.
    use diesel::{Connection, RunQueryDsl};
    let mut holder = app.db.connection();
    holder
        .transaction::<_, diesel::result::Error, _>(|connection| {
            diesel::sql_query(format!(
                "SELECT pg_advisory_xact_lock(hashtextextended('{}' || ':' || 'busy-key', 7))",
                customer["id"]
            ))
            .execute(connection)?;
            let response = futures_executor_block(send(order_body(&[(&product, 1)]), "busy-key"));
            assert_eq!(response.status(), StatusCode::CONFLICT);
            Ok(())
        })
        .unwrap();

    let (status, _) = json_of(
        send(order_body(&[(&product, 1)]), &"k".repeat(300))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Runs a request to completion from inside a blocking section of the test (a held database transaction).
fn futures_executor_block(
    request: impl std::future::Future<Output = reqwest::Result<reqwest::Response>>,
) -> reqwest::Response {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(request)).unwrap()
}

#[tokio::test]
async fn a_product_on_an_order_cannot_be_deleted_and_lines_keep_their_snapshot() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let product = shop.product(&app, "Lamp", "10.00", 100).await;
    let (token, _) = app.register("alice@x.com").await;
    let (_, order) = place(&app, &token, &[(&product, 2)]).await;

    let path = format!("/api/v1/products/{product}/");
    let (status, body) = json_of(
        app.request(Method::DELETE, &path, Some(&shop.staff), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["detail"].as_str().unwrap().contains("discontinued"));
    app.request(
        Method::PATCH,
        &path,
        Some(&shop.staff),
        Some(json!({"name": "Renamed lamp", "price": "99.00"})),
    )
    .await;

    let (_, order) = json_of(
        app.get(
            &format!("/api/v1/orders/{}/", order["id"].as_str().unwrap()),
            Some(&token),
        )
        .await,
    )
    .await;
    let line = &order["items"][0];
    assert_eq!(
        (
            line["product_name"].as_str(),
            line["unit_price"].as_str(),
            line["subtotal"].as_str()
        ),
        (Some("Lamp"), Some("10.00"), Some("20.00"))
    );
    assert_eq!(order["total_amount"], "20.00");
}

#[tokio::test]
async fn lists_filter_search_and_order_and_staff_see_statistics_and_the_dashboard() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let admin = app.staff_token("admin@x.com", "admin").await;
    let cheap = shop.product(&app, "Cheap", "5.00", 100).await;
    let dear = shop.product(&app, "Dear", "500.00", 3).await;
    let (alice, _) = app.register("alice@x.com").await;
    let (bob, _) = app.register("bob@x.com").await;
    let (_, a1) = place(&app, &alice, &[(&cheap, 1)]).await;
    let (_, a2) = place(&app, &alice, &[(&dear, 2)]).await;
    let (_, b1) = place(&app, &bob, &[(&cheap, 4)]).await;
    let id = |order: &Value| order["id"].as_str().unwrap().to_owned();
    set_status(&app, &shop.staff, &id(&a2), "confirmed", false).await;
    json_of(
        app.post(
            &format!("/api/v1/orders/{}/mark_paid/", id(&a2)),
            Some(&shop.staff),
            json!({"payment_method": "mpesa", "payment_reference": "QX12"}),
        )
        .await,
    )
    .await;
    set_status(&app, &shop.staff, &id(&b1), "cancelled", false).await;

    let numbers = |list: &Value| -> Vec<String> {
        list["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["order_number"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, mine) = json_of(app.get("/api/v1/orders/", Some(&alice)).await).await;
    assert_eq!(mine["count"], 2);
    assert_eq!(
        numbers(&mine)[0],
        a2["order_number"].as_str().unwrap(),
        "newest first"
    );
    let (_, all) = json_of(
        app.get("/api/v1/orders/?ordering=total_amount", Some(&shop.staff))
            .await,
    )
    .await;
    assert_eq!(
        numbers(&all),
        [
            a1["order_number"].as_str().unwrap(),
            b1["order_number"].as_str().unwrap(),
            a2["order_number"].as_str().unwrap()
        ]
    );
    let (_, paid) = json_of(
        app.get("/api/v1/orders/?is_paid=true", Some(&shop.staff))
            .await,
    )
    .await;
    assert_eq!(paid["count"], 1);
    assert_eq!(paid["results"][0]["payment_reference"], "QX12");
    let (_, bobs) = json_of(
        app.get("/api/v1/orders/?search=BOB@x", Some(&shop.staff))
            .await,
    )
    .await;
    assert_eq!(numbers(&bobs), [b1["order_number"].as_str().unwrap()]);
    let (_, cancelled) = json_of(
        app.get("/api/v1/orders/?status=cancelled", Some(&shop.staff))
            .await,
    )
    .await;
    assert_eq!(cancelled["count"], 1);
    let (status, _) = json_of(
        app.get("/api/v1/orders/?status=lost", Some(&shop.staff))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, staff_own) = json_of(
        app.get("/api/v1/orders/my_orders/", Some(&shop.staff))
            .await,
    )
    .await;
    assert_eq!(
        staff_own["count"], 0,
        "my_orders is the caller's own, for staff too"
    );
    let (_, pending) = json_of(app.get("/api/v1/orders/pending/", Some(&shop.staff)).await).await;
    assert_eq!(numbers(&pending), [a1["order_number"].as_str().unwrap()]);

    let (status, stats) = json_of(
        app.get("/api/v1/orders/statistics/", Some(&shop.staff))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        stats,
        json!({"total_orders": 3, "pending_orders": 1, "delivered_orders": 0, "cancelled_orders": 1, "total_revenue": "1000.00"})
    );

    let (status, _) = json_of(app.get("/api/v1/admin/dashboard/", Some(&shop.staff)).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the dashboard is for admins");
    // The placements' messages, as the worker would have queued them by now.
    app.expand_outbox().await;
    let (status, dashboard) =
        json_of(app.get("/api/v1/admin/dashboard/", Some(&admin)).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            dashboard["orders"]["total"].as_i64(),
            dashboard["orders"]["recent"].as_i64(),
            dashboard["orders"]["pending"].as_i64()
        ),
        (Some(3), Some(3), Some(1))
    );
    assert_eq!(dashboard["orders"]["revenue"], "1000.00");
    assert_eq!(
        dashboard["orders"]["recent_list"].as_array().unwrap().len(),
        3
    );
    assert_eq!(
        dashboard["orders"]["recent_list"][0]["customer"],
        "Alice Wanjiru"
    );
    assert_eq!(
        (
            dashboard["customers"]["total"].as_i64(),
            dashboard["customers"]["new"].as_i64()
        ),
        (Some(4), Some(4))
    );
    assert_eq!(dashboard["products"]["total"], 2);
    assert_eq!(
        dashboard["products"]["low_stock"], 1,
        "Dear: 3 - 2 = 1 left"
    );
    assert_eq!(dashboard["products"]["low_stock_list"][0]["name"], "Dear");
    let (_, stats) = json_of(app.get("/api/v1/notifications/stats/", Some(&admin)).await).await;
    assert!(stats["total"].as_u64().unwrap() > 0, "{stats}");
    assert_eq!(
        dashboard["notifications"],
        json!({"total": stats["total"], "recent": stats["total"], "failed": 0}),
        "every notification is recent, none failed"
    );
}

/// A deterministic pseudo-random sequence (no crate needed for a property test's inputs).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

#[tokio::test]
async fn stock_always_equals_the_initial_stock_minus_what_live_orders_hold() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (token, _) = app.register("alice@x.com").await;
    for seed in [7_u64, 42, 2026] {
        let mut random = Lcg(seed);
        let initial = 60;
        let product = shop
            .product(&app, &format!("Widget {seed}"), "2.50", initial)
            .await;
        // Each order: (id, quantity, status, whether its units are back in stock).
        let mut orders: Vec<(String, i64, String, bool)> = Vec::new();
        for step in 0..30 {
            let action = random.next(4);
            if action == 0 || orders.is_empty() {
                let quantity = random.next(8) as i64 + 1;
                let (status, body) = place(&app, &token, &[(&product, quantity)]).await;
                if status == StatusCode::CREATED {
                    orders.push((
                        body["id"].as_str().unwrap().to_owned(),
                        quantity,
                        "pending".into(),
                        false,
                    ));
                }
            } else {
                let index = random.next(orders.len() as u64) as usize;
                let targets = [
                    "confirmed",
                    "processing",
                    "shipped",
                    "delivered",
                    "cancelled",
                    "refunded",
                ];
                let target = targets[random.next(targets.len() as u64) as usize];
                let restock = random.next(2) == 1;
                let (id, _, current, _) = orders[index].clone();
                let (status, body) = if target == "cancelled" && random.next(2) == 0 {
                    json_of(
                        app.post(
                            &format!("/api/v1/orders/{id}/cancel/"),
                            Some(&token),
                            json!({}),
                        )
                        .await,
                    )
                    .await
                } else {
                    set_status(&app, &shop.staff, &id, target, restock).await
                };
                if status == StatusCode::OK {
                    assert_eq!(body["status"], target);
                    let returned = target == "cancelled" || (target == "refunded" && restock);
                    orders[index].2 = target.to_owned();
                    orders[index].3 = returned;
                } else {
                    assert_eq!(
                        status,
                        StatusCode::BAD_REQUEST,
                        "{current} -> {target}: {body}"
                    );
                }
            }
            let held: i64 = orders
                .iter()
                .filter(|(_, _, _, back)| !back)
                .map(|(_, q, _, _)| q)
                .sum();
            assert_eq!(
                stock(&app, &product).await,
                initial - held,
                "seed {seed}, step {step}"
            );
        }
    }
}
