//! Webhooks delivered by the server's own worker to a real receiver that verifies every request with the
//! Standard Webhooks reference library (`standardwebhooks`, PyPI). Every destination is loopback.

use std::time::{Duration, Instant};

use orderflow_test_support::{ReceivedWebhook, WebhookReceiver};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app_with, TestApp};
use crate::orders::{place, shop};

/// The worker on, polling often; plain http to loopback allowed; retries fast.
const DELIVERING: &[(&str, &str)] = &[
    ("NOTIFY_WORKER", "on"),
    ("NOTIFY_POLL_MS", "20"),
    ("WEBHOOK_ALLOW_HTTP", "true"),
    ("WEBHOOK_ALLOW_PRIVATE", "true"),
    ("WEBHOOK_RETRY_BASE_MS", "400"),
    ("WEBHOOK_TIMEOUT_SECONDS", "2"),
];

async fn spawn(extra: &[(&str, &str)]) -> TestApp {
    let mut vars = DELIVERING.to_vec();
    vars.extend_from_slice(extra);
    spawn_app_with(&vars).await
}

/// Registers an endpoint at `url` for `events`; returns its id and secret.
async fn endpoint(app: &TestApp, admin: &str, url: &str, events: &[&str]) -> (String, String) {
    let (status, created) = json_of(
        app.post(
            "/api/v1/webhooks/",
            Some(admin),
            json!({"url": url, "events": events}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (
        created["id"].as_str().unwrap().to_owned(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

async fn received(receiver: &WebhookReceiver, count: usize) -> Vec<ReceivedWebhook> {
    let requests =
        tokio::task::block_in_place(|| receiver.wait_for(count, Duration::from_secs(20)));
    assert_eq!(requests.len(), count, "{requests:#?}");
    requests
}

async fn deliveries(app: &TestApp, admin: &str, endpoint: &str) -> Vec<Value> {
    let (status, page) = json_of(
        app.get(
            &format!("/api/v1/webhooks/{endpoint}/deliveries/"),
            Some(admin),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["results"].as_array().unwrap().clone()
}

async fn wait_for_status(app: &TestApp, admin: &str, endpoint: &str, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let all = deliveries(app, admin, endpoint).await;
        if let Some(found) = all.iter().find(|d| d["status"] == status) {
            return found.clone();
        }
        assert!(Instant::now() < deadline, "no {status} delivery: {all:#?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_placed_confirmed_paid_and_cancelled_sends_four_verified_events_with_the_order_as_the_api_shows_it(
) {
    let mut receiver = WebhookReceiver::start(&[]);
    let app = spawn(&[]).await;
    let admin = app.staff_token("hooks-admin@example.com", "admin").await;
    let (_, secret) = endpoint(
        &app,
        &admin,
        &receiver.url("/orders"),
        &[
            "order.created",
            "order.status_changed",
            "order.paid",
            "order.cancelled",
        ],
    )
    .await;
    receiver.set_secrets(&[&secret]);
    let shop = shop(&app).await;
    let lamp = shop.product(&app, "Lamp", "12.50", 50).await;
    let (customer, _) = app.register("buyer@example.com").await;

    let (status, order) = place(&app, &customer, &[(&lamp, 2)]).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let id = order["id"].as_str().unwrap().to_owned();
    // order.created records the order as the worker finds it when it expands the placement: let that happen
    // first. The other events record the order with the change itself, so the changes follow each other at once.
    received(&receiver, 1).await;
    let confirm = app
        .post(
            &format!("/api/v1/orders/{id}/update_status/"),
            Some(&shop.staff),
            json!({"status": "confirmed"}),
        )
        .await;
    assert_eq!(confirm.status(), StatusCode::OK);
    let paid = app
        .post(
            &format!("/api/v1/orders/{id}/mark_paid/"),
            Some(&shop.staff),
            json!({"payment_reference": "QX1"}),
        )
        .await;
    assert_eq!(paid.status(), StatusCode::OK);
    let cancel = app
        .post(
            &format!("/api/v1/orders/{id}/cancel/"),
            Some(&shop.staff),
            json!({}),
        )
        .await;
    assert_eq!(cancel.status(), StatusCode::OK);
    let requests = received(&receiver, 4).await;

    let types: Vec<_> = requests.iter().map(|r| r.json()["type"].clone()).collect();
    assert_eq!(
        types,
        [
            json!("order.created"),
            json!("order.status_changed"),
            json!("order.paid"),
            json!("order.cancelled")
        ]
    );
    for request in &requests {
        assert_eq!(
            request.valid,
            [true],
            "verified by standardwebhooks: {request:?}"
        );
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/orders");
        assert_eq!(request.content_type.as_deref(), Some("application/json"));
        assert!(request.webhook_id.as_deref().unwrap().starts_with("msg_"));
        assert_eq!(request.json()["data"]["id"], json!(id));
    }
    let states: Vec<_> = requests
        .iter()
        .map(|r| {
            let data = &r.json()["data"];
            (
                data["status"].clone(),
                data["is_paid"].clone(),
                data["payment_reference"].clone(),
                data["can_be_cancelled"].clone(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            (json!("pending"), json!(false), json!(""), json!(true)),
            (json!("confirmed"), json!(false), json!(""), json!(true)),
            (json!("confirmed"), json!(true), json!("QX1"), json!(true)),
            (json!("cancelled"), json!(true), json!("QX1"), json!(false)),
        ],
        "each body shows the order as it was at its event"
    );
    let updated: Vec<_> = requests
        .iter()
        .map(|r| r.json()["data"]["updated_at"].clone())
        .collect();
    assert!(
        updated.windows(2).all(|pair| pair[0] != pair[1]),
        "{updated:?}"
    );
    let (_, shown) = json_of(
        app.get(&format!("/api/v1/orders/{id}/"), Some(&shop.staff))
            .await,
    )
    .await;
    assert_eq!(
        requests[3].json()["data"],
        shown,
        "data is the order as the API renders it"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_failing_twice_gets_three_attempts_with_growing_waits_and_one_webhook_id() {
    let mut receiver = WebhookReceiver::start(&[]);
    let app = spawn(&[]).await;
    let admin = app.staff_token("hooks-admin@example.com", "admin").await;
    let (hook, secret) = endpoint(&app, &admin, &receiver.url("/flaky"), &["*"]).await;
    receiver.set_secrets(&[&secret]);
    receiver.script(&["500", "500", "200"]);
    let queued = app
        .post(
            &format!("/api/v1/webhooks/{hook}/test/"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(queued.status(), StatusCode::ACCEPTED);

    let requests = received(&receiver, 3).await;
    let ids: Vec<_> = requests
        .iter()
        .map(|r| r.webhook_id.clone().unwrap())
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let bodies: Vec<_> = requests.iter().map(|r| r.body.clone()).collect();
    assert!(
        bodies.iter().all(|b| *b == bodies[0]),
        "the same body every time"
    );
    assert!(requests.iter().all(|r| r.valid == [true]));
    // Backoff with equal jitter from a 400 ms base: the first wait 200-400 ms, the second 400-800 ms.
    let first = requests[1].received_at - requests[0].received_at;
    let second = requests[2].received_at - requests[1].received_at;
    assert!((0.2..0.7).contains(&first), "first wait {first}");
    assert!((0.4..1.1).contains(&second), "second wait {second}");
    let sent = wait_for_status(&app, &admin, &hook, "sent").await;
    assert_eq!(
        (sent["attempts"].clone(), sent["last_status_code"].clone()),
        (json!(3), json!(200))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endpoint_that_never_answers_ends_failed_and_a_manual_retry_delivers_it() {
    let mut receiver = WebhookReceiver::start(&[]);
    let app = spawn(&[
        ("WEBHOOK_TIMEOUT_SECONDS", "1"),
        ("WEBHOOK_MAX_ATTEMPTS", "2"),
        ("WEBHOOK_RETRY_BASE_MS", "100"),
    ])
    .await;
    let admin = app.staff_token("hooks-admin@example.com", "admin").await;
    let (hook, secret) = endpoint(&app, &admin, &receiver.url("/silent"), &["*"]).await;
    receiver.set_secrets(&[&secret]);
    receiver.script(&["hang", "hang"]);
    app.post(
        &format!("/api/v1/webhooks/{hook}/test/"),
        Some(&admin),
        json!({}),
    )
    .await;

    let failed = wait_for_status(&app, &admin, &hook, "failed").await;
    assert_eq!(failed["attempts"], 2);
    assert!(
        failed["last_error"]
            .as_str()
            .unwrap()
            .starts_with("no answer"),
        "{failed}"
    );
    let delivery = failed["id"].as_str().unwrap();
    let retried = app
        .post(
            &format!("/api/v1/webhooks/{hook}/deliveries/{delivery}/retry/"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(retried.status(), StatusCode::ACCEPTED);
    let requests = received(&receiver, 3).await;
    assert_eq!(requests[2].answer, "204");
    assert!(requests
        .iter()
        .all(|r| r.webhook_id == requests[0].webhook_id && r.valid == [true]));
    let sent = wait_for_status(&app, &admin, &hook, "sent").await;
    assert_eq!(sent["id"], failed["id"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn after_a_rotation_deliveries_carry_two_signatures_both_valid() {
    let mut receiver = WebhookReceiver::start(&[]);
    let app = spawn(&[]).await;
    let admin = app.staff_token("hooks-admin@example.com", "admin").await;
    let (hook, old) = endpoint(&app, &admin, &receiver.url("/rotating"), &["*"]).await;
    let (status, rotated) = json_of(
        app.post(
            &format!("/api/v1/webhooks/{hook}/rotate_secret/"),
            Some(&admin),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let new = rotated["secret"].as_str().unwrap().to_owned();
    receiver.set_secrets(&[&old, &new, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
    app.post(
        &format!("/api/v1/webhooks/{hook}/test/"),
        Some(&admin),
        json!({}),
    )
    .await;
    let requests = received(&receiver, 1).await;
    assert_eq!(
        requests[0].valid,
        [true, true, false],
        "old and new valid, an unrelated secret not"
    );
    let signature = requests[0].webhook_signature.clone().unwrap();
    assert_eq!(signature.split(' ').count(), 2, "{signature}");
}
