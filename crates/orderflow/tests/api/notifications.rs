//! Notifications through the API: what an order queues (in its transaction), who sees what, retries, system
//! alerts, and delivery by the worker to a real SMTP server and a stand-in for Africa's Talking.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::{json_of, spawn_app, spawn_app_with, TestApp};
use orderflow_test_support::SmtpSink;

struct Shop {
    staff: String,
    admin: String,
    product: String,
}

async fn shop(app: &TestApp) -> Shop {
    let staff = app.staff_token("staff@x.com", "staff").await;
    let admin = app.staff_token("admin@x.com", "admin").await;
    let category = app.category(&staff, "Lamps", None).await;
    let product = app
        .product(
            &staff,
            json!({"name": "Desk Lamp", "price": "1234.75", "category": category, "stock_quantity": 50}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Shop {
        staff,
        admin,
        product,
    }
}

async fn place(app: &TestApp, token: &str, product: &str, quantity: i64) -> Value {
    let (status, order) = json_of(
        app.post(
            "/api/v1/orders/",
            Some(token),
            json!({
                "shipping_address": "1 Moi Avenue, Nairobi", "billing_address": "PO Box 1",
                "phone_number": "+254722000002", "payment_method": "mpesa",
                "items": [{"product_id": product, "quantity": quantity}],
            }),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    // What the worker does within moments of the placement (the tests' server runs none).
    app.expand_outbox().await;
    order
}

async fn list(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    app.expand_outbox().await;
    let (status, page) = json_of(
        app.get(
            &format!("/api/v1/notifications/?page_size=100&{query}"),
            Some(token),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["results"].as_array().unwrap().clone()
}

/// (type, address, subject) of each notification, sorted.
fn summary(notifications: &[Value]) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = notifications
        .iter()
        .map(|n| {
            (
                n["notification_type"].as_str().unwrap().to_owned(),
                n["recipient_address"].as_str().unwrap().to_owned(),
                n["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn row(kind: &str, to: &str, subject: &str) -> (String, String, String) {
    (kind.into(), to.into(), subject.into())
}

#[tokio::test]
async fn an_order_queues_exactly_the_contracts_set_once_and_only_if_placed() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alice, _) = app.register("alice@x.com").await;
    let order = place(&app, &alice, &shop.product, 2).await;
    let number = order["order_number"].as_str().unwrap();

    let everything = list(&app, &shop.admin, "").await;
    assert_eq!(
        summary(&everything),
        [
            row(
                "email",
                "admin@x.com",
                &format!("New Order Received - #{number}")
            ),
            row(
                "email",
                "alice@x.com",
                &format!("Order Confirmation - #{number}")
            ),
            // The phone given with the order, not the profile's.
            row("sms", "+254722000002", "Order Confirmation"),
        ],
        "the customer by SMS and email, each admin by email; staff are not told"
    );
    for n in &everything {
        assert_eq!(n["order"], order["id"]);
        assert_eq!(n["order_number"], number);
        assert_eq!(n["status"], "pending");
        assert_eq!(n["attempts"], 0);
        assert!(n["next_attempt_at"].is_string());
        assert_eq!(n["cost"], Value::Null);
    }
    let sms = everything
        .iter()
        .find(|n| n["notification_type"] == "sms")
        .unwrap();
    assert_eq!(
        sms["message"],
        format!("Order #{number} confirmed!\nTotal: Ksh 2,469.50\nStatus: Pending\nThank you for your order!")
    );

    // A refused order queues nothing.
    let (status, _) = json_of(
        app.post(
            "/api/v1/orders/",
            Some(&alice),
            json!({"shipping_address": "x", "billing_address": "x", "phone_number": "+254722000002",
                   "items": [{"product_id": shop.product, "quantity": 49}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "only 48 left");
    assert_eq!(list(&app, &shop.admin, "").await.len(), 3);
}

#[tokio::test]
async fn preferences_are_honoured_and_every_change_tells_the_customer() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alice, _) = app.register("alice@x.com").await;
    let (status, _) = json_of(
        app.request(
            reqwest::Method::PATCH,
            "/api/v1/customers/update_profile/",
            Some(&alice),
            Some(json!({"sms_notifications": false})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let order = place(&app, &alice, &shop.product, 1).await;
    let id = order["id"].as_str().unwrap();
    let number = order["order_number"].as_str().unwrap();
    assert_eq!(
        summary(&list(&app, &alice, "").await),
        [row(
            "email",
            "alice@x.com",
            &format!("Order Confirmation - #{number}")
        )],
        "no SMS for a customer who turned them off"
    );

    for (route, body) in [
        ("update_status/", json!({"status": "confirmed"})),
        ("mark_paid/", json!({"payment_reference": "QX12"})),
        ("update_status/", json!({"status": "processing"})),
        ("update_status/", json!({"status": "shipped"})),
        ("update_status/", json!({"status": "delivered"})),
    ] {
        let (status, body) = json_of(
            app.post(
                &format!("/api/v1/orders/{id}/{route}"),
                Some(&shop.staff),
                body,
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{route}: {body}");
    }
    let mine = list(&app, &alice, "ordering=created_at").await;
    let subjects: Vec<_> = mine
        .iter()
        .map(|n| n["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        [
            format!("Order Confirmation - #{number}"),
            format!("Order Status Update - #{number}"),
            format!("Payment Received - #{number}"),
            format!("Order Status Update - #{number}"),
            format!("Order Status Update - #{number}"),
            format!("Order Delivered - #{number}"),
        ]
    );
    assert!(mine[1]["message"]
        .as_str()
        .unwrap()
        .contains("- Previous Status: Pending\n- New Status: Confirmed\n"));
    // Editing details tells no one.
    let (_, stats) = json_of(app.get("/api/v1/notifications/stats/", Some(&alice)).await).await;
    assert_eq!(
        stats,
        json!({"total": 6, "sms": 0, "email": 6, "pending": 6, "sent": 0, "failed": 0, "suppressed": 0})
    );
}

#[tokio::test]
async fn people_see_their_own_admins_see_all_and_only_admins_retry() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (alice, _) = app.register("alice@x.com").await;
    let (bob, _) = app.register("bob@x.com").await;
    place(&app, &alice, &shop.product, 1).await;

    assert_eq!(list(&app, &bob, "").await.len(), 0);
    let admins_own = list(
        &app,
        &shop.admin,
        "notification_type=email&search=New%20Order",
    )
    .await;
    assert_eq!(admins_own.len(), 1);
    let id = admins_own[0]["id"].as_str().unwrap();
    let (status, _) = json_of(
        app.get(&format!("/api/v1/notifications/{id}/"), Some(&alice))
            .await,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another's notification does not exist for her"
    );
    let (status, _) = json_of(
        app.get("/api/v1/notifications/not-a-uuid/", Some(&alice))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, shown) = json_of(
        app.get(&format!("/api/v1/notifications/{id}/"), Some(&shop.admin))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["recipient_name"], "Staff Member");

    let (status, errors) = json_of(
        app.get(
            "/api/v1/notifications/?notification_type=push&status=lost&order=7",
            Some(&alice),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["notification_type", "status", "order"] {
        assert!(errors[field].is_array(), "{field}: {errors}");
    }

    let retry = format!("/api/v1/notifications/{id}/retry/");
    let (status, _) = json_of(app.post(&retry, Some(&alice), json!({})).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = json_of(app.post(&retry, Some(&shop.staff), json!({})).await).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "staff do not manage notifications"
    );
    let (status, body) = json_of(app.post(&retry, Some(&shop.admin), json!({})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["detail"],
        "Only a failed notification can be retried; this one is pending."
    );
}

#[tokio::test]
async fn a_system_alert_emails_every_active_admin_through_the_outbox() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    app.staff_token("boss@x.com", "super_admin").await;
    let (alice, _) = app.register("alice@x.com").await;

    let (status, _) = json_of(
        app.post(
            "/api/v1/admin/send_system_alert/",
            Some(&alice),
            json!({"message": "hi"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, errors) = json_of(
        app.post(
            "/api/v1/admin/send_system_alert/",
            Some(&shop.admin),
            json!({"alert_type": "disk"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(errors["message"], json!(["This field is required."]));

    let (status, body) = json_of(
        app.post(
            "/api/v1/admin/send_system_alert/",
            Some(&shop.admin),
            json!({"message": "Disk almost full", "alert_type": "disk"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["total_admins"], 2);
    let alerts = list(&app, &shop.admin, "search=Disk%20almost").await;
    assert_eq!(
        summary(&alerts),
        [
            row("email", "admin@x.com", "System Alert - DISK"),
            row("email", "boss@x.com", "System Alert - DISK"),
        ]
    );
    assert_eq!(alerts[0]["order"], Value::Null);
    assert_eq!(alerts[0]["order_number"], Value::Null);
}

/// Waits until no notification is pending (as the admin sees them), then returns them all.
async fn delivered(app: &TestApp, admin: &str) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // A placement's messages are queued by the worker after the order commits (from its outbox event): until
        // then there may be none to list, which is not "all delivered". The outbox is read first: once it is empty,
        // every message it held is in the list read after it.
        let expanded = outbox_events(app) == 0;
        let all = list(app, admin, "").await;
        if expanded && all.iter().all(|n| n["status"] != "pending") {
            return all;
        }
        assert!(Instant::now() < deadline, "still pending: {all:#?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The placements whose messages the worker has not queued yet.
fn outbox_events(app: &TestApp) -> i64 {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Waiting {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let waiting: Waiting = diesel::sql_query("SELECT count(*) AS n FROM outbox_events")
        .get_result(&mut app.db.connection())
        .unwrap();
    waiting.n
}

fn at_answer(status: &str, code: i64) -> Value {
    json!({"SMSMessageData": {"Message": "Sent to 1/1 Total Cost: KES 0.8000",
        "Recipients": [{"statusCode": code, "number": "+254722000002", "status": status,
                        "cost": "KES 0.8000", "messageId": "ATXid_e2e"}]}})
}

#[tokio::test]
async fn the_worker_delivers_by_smtp_and_africas_talking_and_records_it_on_the_order() {
    let sink = tokio::task::spawn_blocking(SmtpSink::start).await.unwrap();
    let gateway = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/version1/messaging"))
        .respond_with(ResponseTemplate::new(201).set_body_json(at_answer("Success", 101)))
        .expect(1)
        .mount(&gateway)
        .await;
    let port = sink.port().to_string();
    let app = spawn_app_with(&[
        ("NOTIFY_WORKER", "on"),
        ("NOTIFY_POLL_MS", "50"),
        ("EMAIL_BACKEND", "smtp"),
        ("SMTP_HOST", "127.0.0.1"),
        ("SMTP_PORT", &port),
        ("SMTP_TLS", "none"),
        ("EMAIL_FROM", "OrderFlow <orders@orderflow.test>"),
        ("SMS_BACKEND", "africastalking"),
        ("AFRICASTALKING_USERNAME", "orderflow"),
        ("AFRICASTALKING_API_KEY", "secret-key"),
        ("AFRICASTALKING_BASE_URL", &gateway.uri()),
    ])
    .await;
    let shop = shop(&app).await;
    let (alice, _) = app.register("alice@x.com").await;
    let order = place(&app, &alice, &shop.product, 2).await;
    let number = order["order_number"].as_str().unwrap().to_owned();

    let all = delivered(&app, &shop.admin).await;
    assert!(
        all.iter()
            .all(|n| n["status"] == "sent" && n["attempts"] == 1),
        "{all:#?}"
    );
    let sms = all
        .iter()
        .find(|n| n["notification_type"] == "sms")
        .unwrap();
    assert_eq!(sms["provider_message_id"], "ATXid_e2e");
    assert_eq!(sms["cost"], json!({"currency": "KES", "amount": "0.8000"}));
    assert!(sms["sent_at"].is_string());
    assert_eq!(sms["next_attempt_at"], Value::Null);

    let mails = tokio::task::spawn_blocking(move || {
        let mails = sink.wait_for(2, Duration::from_secs(10));
        drop(sink);
        mails
    })
    .await
    .unwrap();
    let mut received: Vec<_> = mails
        .iter()
        .map(|m| (m.envelope_to.join(","), m.subject.clone()))
        .collect();
    received.sort();
    assert_eq!(
        received,
        [
            (
                "admin@x.com".to_owned(),
                format!("New Order Received - #{number}")
            ),
            (
                "alice@x.com".to_owned(),
                format!("Order Confirmation - #{number}")
            ),
        ]
    );
    let to_alice = mails
        .iter()
        .find(|m| m.envelope_to == ["alice@x.com"])
        .unwrap();
    assert!(to_alice
        .body
        .starts_with("Dear Alice,\n\nThank you for your order!"));
    assert!(to_alice
        .body
        .contains("- Desk Lamp x2 @ Ksh 1,234.75 = Ksh 2,469.50\n"));

    // As recorded (staff's view); the owner's is in the_owner_sees_no_staff_internals_in_the_history_...
    let events = history(&app, &shop.admin, &order).await;
    let sent: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "notification_sent")
        .collect();
    assert_eq!(sent.len(), 3, "{events:#?}");
    assert!(sent
        .iter()
        .any(|e| e["note"] == "sms to +254722000002: Order Confirmation"));
}

/// A stand-in for Africa's Talking that answers every message with an HTTP 500.
async fn failing_gateway() -> MockServer {
    let gateway = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("gateway down"))
        .mount(&gateway)
        .await;
    gateway
}

/// A server with its delivery worker on, sending SMS through `gateway` (emails go to the log sink).
async fn spawn_app_with_gateway(gateway: &MockServer, vars: &[(&str, &str)]) -> TestApp {
    let uri = gateway.uri();
    let mut all = vec![
        ("NOTIFY_WORKER", "on"),
        ("NOTIFY_POLL_MS", "20"),
        ("SMS_BACKEND", "africastalking"),
        ("AFRICASTALKING_USERNAME", "orderflow"),
        ("AFRICASTALKING_API_KEY", "secret-key"),
        ("AFRICASTALKING_BASE_URL", uri.as_str()),
    ];
    all.extend_from_slice(vars);
    spawn_app_with(&all).await
}

#[tokio::test]
async fn failures_are_retried_with_backoff_end_failed_and_an_admin_retry_delivers() {
    let gateway = failing_gateway().await;
    let app = spawn_app_with_gateway(
        &gateway,
        &[
            ("NOTIFY_MAX_ATTEMPTS", "3"),
            ("NOTIFY_RETRY_BASE_MS", "200"),
        ],
    )
    .await;
    let shop = shop(&app).await;
    let (alice, _) = app.register("alice@x.com").await;
    let order = place(&app, &alice, &shop.product, 1).await;

    let all = delivered(&app, &shop.admin).await;
    let sms = all
        .iter()
        .find(|n| n["notification_type"] == "sms")
        .unwrap();
    assert_eq!(sms["status"], "failed");
    assert_eq!(sms["attempts"], 3);
    assert_eq!(
        sms["error_message"],
        "Africa's Talking answered HTTP 500: gateway down"
    );
    let requests = gateway.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3, "one call per attempt");
    let events = history(&app, &shop.admin, &order).await;
    let failures: Vec<_> = events
        .iter()
        .filter(|e| e["type"] == "notification_failed")
        .map(|e| e["note"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(failures.len(), 3, "{failures:#?}");
    // The waits grow: at least 100 ms (200 ms, jittered into its upper half), then at least 200 ms (less a
    // little: the wait is counted from just before the failure was recorded).
    let at: Vec<chrono::DateTime<chrono::Utc>> = events
        .iter()
        .filter(|e| {
            e["type"] == "notification_failed" && e["note"].as_str().unwrap().starts_with("sms")
        })
        .map(|e| e["created_at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!((at[1] - at[0]).num_milliseconds() >= 90, "{at:?}");
    assert!((at[2] - at[1]).num_milliseconds() >= 180, "{at:?}");
    assert!(failures[0].contains("attempt 1 failed: Africa's Talking answered HTTP 500"));
    assert!(failures[2].ends_with("no attempts left"));
    let (_, stats) = json_of(
        app.get("/api/v1/notifications/stats/", Some(&shop.admin))
            .await,
    )
    .await;
    assert_eq!(
        (stats["failed"].as_u64(), stats["sent"].as_u64()),
        (Some(1), Some(2))
    );

    gateway.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(at_answer("Success", 101)))
        .mount(&gateway)
        .await;
    let id = sms["id"].as_str().unwrap();
    let (status, body) = json_of(
        app.post(
            &format!("/api/v1/notifications/{id}/retry/"),
            Some(&shop.admin),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(
        (body["status"].as_str(), body["attempts"].as_u64()),
        (Some("pending"), Some(0))
    );
    let all = delivered(&app, &shop.admin).await;
    let sms = all.iter().find(|n| n["id"] == id).unwrap();
    assert_eq!(sms["status"], "sent");
    assert_eq!(sms["attempts"], 1);
}

#[tokio::test]
async fn a_recipient_the_gateway_refuses_is_a_failed_attempt() {
    let gateway = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(at_answer("InvalidPhoneNumber", 403)),
        )
        .mount(&gateway)
        .await;
    let app = spawn_app_with_gateway(&gateway, &[("NOTIFY_MAX_ATTEMPTS", "1")]).await;
    let shop = shop(&app).await;
    let (alice, _) = app.register("alice@x.com").await;
    place(&app, &alice, &shop.product, 1).await;
    let all = delivered(&app, &shop.admin).await;
    let sms = all
        .iter()
        .find(|n| n["notification_type"] == "sms")
        .unwrap();
    assert_eq!(
        (sms["status"].as_str(), sms["error_message"].as_str()),
        (Some("failed"), Some("InvalidPhoneNumber: 403"))
    );
}

/// The order's history as `token` sees it.
async fn history(app: &TestApp, token: &str, order: &Value) -> Vec<Value> {
    let (status, events) = json_of(
        app.get(
            &format!("/api/v1/orders/{}/events/", order["id"].as_str().unwrap()),
            Some(token),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{events}");
    events.as_array().unwrap().clone()
}

#[tokio::test]
async fn the_owner_sees_no_staff_internals_in_the_history_and_staff_see_everything() {
    let gateway = failing_gateway().await;
    let app = spawn_app_with_gateway(&gateway, &[("NOTIFY_MAX_ATTEMPTS", "1")]).await;
    let shop = shop(&app).await;
    let (alice, _) = app.register("alice@x.com").await;
    let order = place(&app, &alice, &shop.product, 1).await;
    let id = order["id"].as_str().unwrap();
    let internal = "internal: customer flagged for fraud review";
    let (status, body) = json_of(
        app.post(
            &format!("/api/v1/orders/{id}/update_status/"),
            Some(&shop.staff),
            json!({"status": "confirmed", "notes": internal}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The admin's email is sent (log sink), the customer's email too, and every SMS fails at the gateway.
    delivered(&app, &shop.admin).await;

    let staff_view = history(&app, &shop.staff, &order).await;
    let everything = Value::Array(staff_view.clone()).to_string();
    for internal_text in [
        "admin@x.com",
        "staff@x.com",
        internal,
        "gateway down",
        "alice@x.com",
        "+254722000002",
    ] {
        assert!(
            everything.contains(internal_text),
            "staff see {internal_text:?}: {everything}"
        );
    }
    assert_eq!(
        history(&app, &shop.admin, &order).await,
        staff_view,
        "admins see what staff see"
    );

    let owner_view = history(&app, &alice, &order).await;
    let seen = Value::Array(owner_view.clone()).to_string();
    for internal_text in [
        "admin@x.com",
        "staff@x.com",
        "internal",
        "fraud",
        "gateway down",
        "HTTP 500",
        "Africa's Talking",
        "attempt",
        "New Order Received",
    ] {
        assert!(
            !seen.contains(internal_text),
            "the owner sees {internal_text:?}: {seen}"
        );
    }
    for event in &owner_view {
        let keys: Vec<&str> = event
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "actor",
                "created_at",
                "from_status",
                "note",
                "to_status",
                "type"
            ],
            "the same shape as staff's: {event}"
        );
    }
    let lines: Vec<(&str, &str, &str)> = owner_view
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["actor"].as_str().unwrap(),
                e["note"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines[..2],
        [
            ("placed", "alice@x.com", "1 line(s), total 1234.75"),
            ("status_changed", "staff", ""),
        ]
    );
    assert_eq!(
        (
            owner_view[1]["from_status"].as_str(),
            owner_view[1]["to_status"].as_str()
        ),
        (Some("pending"), Some("confirmed"))
    );
    // Her own messages, by channel and outcome: confirmation and status update, each by SMS and email.
    let mut messages = lines[2..].to_vec();
    messages.sort();
    assert_eq!(
        messages,
        [
            ("notification_failed", "system", "sms failed"),
            ("notification_failed", "system", "sms failed"),
            ("notification_sent", "system", "email sent"),
            ("notification_sent", "system", "email sent"),
        ]
    );
    // Staff's view has the same lines and more: the admin's email.
    assert_eq!(staff_view.len(), owner_view.len() + 1, "{everything}");
}
