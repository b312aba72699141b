//! `/metrics`: Prometheus's text format with the route templates, the pool, the notification queue, orders and
//! logins; on a listener of its own with `METRICS_ADDR`; and valid by `promtool check metrics`.
//!
//! promtool is `$ORDERFLOW_PROMTOOL`, else `/usr/bin/promtool` (Debian's `prometheus` package, which
//! `scripts/test-peers.sh` installs).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{spawn_app, spawn_app_with, TestApp};
use crate::orders::{order_body, place, shop};

/// The metrics as the server at `base` serves them, after checking the answer's status and content type.
async fn scrape_at(app: &TestApp, base: &str) -> String {
    let response = app
        .client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4"
    );
    response.text().await.unwrap()
}

async fn scrape(app: &TestApp) -> String {
    scrape_at(app, &app.address).await
}

/// The value of one series, written as in the text: `name` or `name{label="value",...}`.
fn value(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|line| {
        line.strip_prefix(series)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

fn expect(metrics: &str, series: &str) -> f64 {
    value(metrics, series).unwrap_or_else(|| panic!("{series} missing from\n{metrics}"))
}

#[tokio::test]
async fn requests_are_counted_by_route_template_never_by_their_path() {
    let app = spawn_app().await;
    let (token, _) = app.register("alice@example.com").await;
    let order = "0b5c1a3e-7d39-4c51-9b1e-3f0f5a8e2d11";
    for _ in 0..2 {
        let response = app
            .get(&format!("/api/v1/orders/{order}/"), Some(&token))
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    // No trailing slash: the same route.
    app.get(&format!("/api/v1/orders/{order}"), Some(&token))
        .await;
    let unmatched = app.get("/no/such/page/8e2d11/", None).await;
    assert_eq!(unmatched.status(), StatusCode::NOT_FOUND);

    let metrics = scrape(&app).await;
    assert_eq!(
        expect(
            &metrics,
            r#"orderflow_http_requests_total{method="GET",route="/api/v1/orders/{id}/",status="404"}"#
        ),
        3.0
    );
    assert_eq!(
        expect(
            &metrics,
            r#"orderflow_http_request_duration_seconds_count{method="GET",route="/api/v1/orders/{id}/",status="404"}"#
        ),
        3.0
    );
    assert_eq!(
        expect(
            &metrics,
            r#"orderflow_http_requests_total{method="GET",route="unmatched",status="404"}"#
        ),
        1.0
    );
    assert_eq!(
        expect(
            &metrics,
            r#"orderflow_http_requests_total{method="POST",route="/api/v1/auth/register/",status="201"}"#
        ),
        1.0
    );
    for raw in [order, "8e2d11", "/no/such/page"] {
        assert!(!metrics.contains(raw), "{raw} in\n{metrics}");
    }
    // For the monitoring system, not the API's clients: served, and not in the API document.
    let document = orderflow_http::openapi_document();
    assert!(
        document["paths"]
            .as_object()
            .unwrap()
            .keys()
            .all(|path| !path.starts_with("/metrics")),
        "/metrics documented"
    );

    // The pool, read as scraped: registering and the lookups used connections, so one is open.
    let max = expect(&metrics, "orderflow_db_pool_max_connections");
    let in_use = expect(&metrics, r#"orderflow_db_pool_connections{state="in_use"}"#);
    let idle = expect(&metrics, r#"orderflow_db_pool_connections{state="idle"}"#);
    assert!(
        max >= 1.0 && in_use + idle >= 1.0 && in_use + idle <= max,
        "{metrics}"
    );
    assert!(expect(&metrics, "orderflow_db_pool_checkout_wait_seconds_count") >= 1.0);
    assert_eq!(
        expect(&metrics, "orderflow_db_pool_checkout_timeouts_total"),
        0.0
    );
    let commit = orderflow::build_info::COMMIT;
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        expect(
            &metrics,
            &format!(r#"orderflow_build_info{{commit="{commit}",version="{version}"}}"#)
        ),
        1.0
    );
}

#[tokio::test]
async fn orders_shortfalls_replays_and_the_messages_they_queue_are_counted() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let lamp = shop.product(&app, "Lamp", "10.00", 5).await;
    let (token, _) = app.register("alice@example.com").await;
    let before = scrape(&app).await;
    assert_eq!(expect(&before, "orderflow_orders_placed_total"), 0.0);
    assert_eq!(expect(&before, "orderflow_notifications_pending"), 0.0);

    let (status, _) = place(&app, &token, &[(&lamp, 2)]).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = place(&app, &token, &[(&lamp, 50)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a shortfall");
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url("/api/v1/orders/"))
            .header("Authorization", format!("Token {token}"))
            .header("Idempotency-Key", "metrics-1")
            .json(&order_body(&[(&lamp, 1)]))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    // What a worker does moments after a placement (the tests' server runs none): the messages are queued.
    app.expand_outbox().await;
    // The queue is read at most once a second per instance, whoever scrapes: past that, a new reading.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    let metrics = scrape(&app).await;
    assert_eq!(expect(&metrics, "orderflow_orders_placed_total"), 2.0);
    assert_eq!(
        expect(&metrics, "orderflow_orders_stock_shortfalls_total"),
        1.0
    );
    assert_eq!(
        expect(&metrics, "orderflow_orders_idempotent_replays_total"),
        1.0
    );
    let pending = app.count("notifications WHERE status = 'pending'");
    assert!(pending >= 2, "each order queues its customer's messages");
    assert_eq!(
        expect(&metrics, "orderflow_notifications_pending"),
        pending as f64
    );
    assert_eq!(
        expect(&metrics, "orderflow_notifications_due"),
        pending as f64
    );
    let oldest = expect(
        &metrics,
        "orderflow_notifications_oldest_pending_age_seconds",
    );
    assert!(
        oldest > 0.0 && oldest < 60.0,
        "queued moments ago: {oldest}"
    );
    for channel in ["sms", "email"] {
        assert_eq!(
            expect(
                &metrics,
                &format!(r#"orderflow_notifications_sent_total{{channel="{channel}"}}"#)
            ),
            0.0
        );
        assert_eq!(
            expect(
                &metrics,
                &format!(r#"orderflow_notifications_failed{{channel="{channel}"}}"#)
            ),
            0.0
        );
    }
}

#[tokio::test]
async fn failed_and_throttled_logins_are_counted() {
    let app = spawn_app_with(&[("LOGIN_MAX_FAILURES", "2")]).await;
    app.register("alice@example.com").await;
    for _ in 0..2 {
        let response = app.log_in("alice@example.com", "wrong-password-1").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let throttled = app
        .post(
            "/api/v1/auth/token/",
            None,
            json!({"username": "alice@example.com", "password": "wrong-password-1"}),
        )
        .await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);

    let metrics = scrape(&app).await;
    assert_eq!(expect(&metrics, "orderflow_logins_failed_total"), 2.0);
    assert_eq!(expect(&metrics, "orderflow_logins_throttled_total"), 1.0);
}

#[tokio::test]
async fn metrics_addr_serves_them_on_a_port_of_their_own_and_the_api_port_answers_404() {
    let app = spawn_app_with(&[("METRICS_ADDR", "127.0.0.1:0")]).await;
    let own = app
        .metrics_address
        .clone()
        .expect("a metrics listener of its own");
    assert_ne!(own, app.address);
    for path in ["/metrics", "/metrics/"] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    app.get("/api/", None).await;
    let metrics = scrape_at(&app, &own).await;
    assert!(
        value(
            &metrics,
            r#"orderflow_http_requests_total{method="GET",route="/api/",status="200"}"#
        )
        .is_some(),
        "{metrics}"
    );
    assert!(value(&metrics, "orderflow_notifications_pending").is_some());
    let elsewhere = app.client.get(format!("{own}/api/")).send().await.unwrap();
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND, "metrics only");
}

fn promtool() -> PathBuf {
    std::env::var_os("ORDERFLOW_PROMTOOL")
        .map_or_else(|| PathBuf::from("/usr/bin/promtool"), PathBuf::from)
}

#[tokio::test]
async fn the_metrics_pass_promtool_check_metrics() {
    let app = spawn_app().await;
    let (token, _) = app.register("alice@example.com").await;
    app.get(
        "/api/v1/orders/0b5c1a3e-7d39-4c51-9b1e-3f0f5a8e2d11/",
        Some(&token),
    )
    .await;
    app.get("/nowhere/", None).await;
    app.log_in("alice@example.com", "wrong-password-1").await;
    let metrics = scrape(&app).await;

    let promtool = promtool();
    let mut check = Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "cannot run promtool ({}: {error}): install Debian's prometheus package (apt-get install \
                 prometheus), or run `eval \"$(scripts/test-peers.sh)\"`, which does (make test does); \
                 ORDERFLOW_PROMTOOL names another promtool",
                promtool.display()
            )
        });
    check
        .stdin
        .take()
        .unwrap()
        .write_all(metrics.as_bytes())
        .unwrap();
    let output = check.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool check metrics: {}{}\n{metrics}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
