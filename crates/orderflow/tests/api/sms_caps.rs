//! SMS pumping: a customer can put any number on an order and change it while the order is pending, and every
//! status change texts it. Past a cap (per number per hour, per customer per day) a message is kept as
//! `suppressed` with the reason, visible to admins, and never sent. (Issue 10, item 4.)

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app_with, TestApp};
use crate::orders::{order_body, place, shop, Shop};

/// The SMS of the shop, oldest first, as an admin sees them: (address, status, error_message).
async fn texts(app: &TestApp, admin: &str) -> Vec<(String, String, String)> {
    app.expand_outbox().await;
    let (_, page) = json_of(
        app.get(
            "/api/v1/notifications/?notification_type=sms&ordering=created_at&page_size=100",
            Some(admin),
        )
        .await,
    )
    .await;
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let field = |name: &str| n[name].as_str().unwrap_or_default().to_owned();
            (
                field("recipient_address"),
                field("status"),
                field("error_message"),
            )
        })
        .collect()
}

async fn move_to(app: &TestApp, shop: &Shop, order: &Value, status: &str) {
    let id = order["id"].as_str().unwrap();
    let response = app
        .post(
            &format!("/api/v1/orders/{id}/update_status/"),
            Some(&shop.staff),
            json!({"status": status}),
        )
        .await;
    assert!(response.status().is_success(), "{status}");
}

#[tokio::test]
async fn texts_to_one_number_past_the_hourly_cap_are_kept_suppressed_and_never_sent() {
    let app = spawn_app_with(&[("SMS_MAX_PER_NUMBER_PER_HOUR", "2")]).await;
    let shop = shop(&app).await;
    let admin = app.staff_token("admin@x.com", "admin").await;
    let (token, _) = app.register("alice@x.com").await;
    let lamp = shop.product(&app, "Lamp", "5.00", 10).await;
    let (_, order) = place(&app, &token, &[(&lamp, 1)]).await;
    // What the worker does within moments of the placement: its messages are queued before the next change's.
    app.expand_outbox().await;
    move_to(&app, &shop, &order, "confirmed").await;
    move_to(&app, &shop, &order, "processing").await;
    let texts = texts(&app, &admin).await;
    assert_eq!(texts.len(), 3, "{texts:?}");
    assert_eq!(texts[0].1, "pending");
    assert_eq!(texts[1].1, "pending");
    assert_eq!(
        texts[2],
        (
            "+254711000001".to_owned(),
            "suppressed".to_owned(),
            "Suppressed: 2 text messages already went to this number in the last hour.".to_owned()
        )
    );
    // Never sent: the worker only takes pending messages, and the admin's counts show it apart.
    let (_, stats) = json_of(app.get("/api/v1/notifications/stats/", Some(&admin)).await).await;
    assert_eq!(stats["suppressed"], 1);
    let (_, suppressed) = json_of(
        app.get("/api/v1/notifications/?status=suppressed", Some(&admin))
            .await,
    )
    .await;
    assert_eq!(suppressed["count"], 1);
}

#[tokio::test]
async fn changing_the_number_does_not_escape_the_daily_cap_of_the_customer() {
    let app = spawn_app_with(&[
        ("SMS_MAX_PER_NUMBER_PER_HOUR", "100"),
        ("SMS_MAX_PER_CUSTOMER_PER_DAY", "3"),
    ])
    .await;
    let shop = shop(&app).await;
    let admin = app.staff_token("admin@x.com", "admin").await;
    let (token, _) = app.register("alice@x.com").await;
    let lamp = shop.product(&app, "Lamp", "5.00", 10).await;
    for number in [
        "+254700000001",
        "+254700000002",
        "+254700000003",
        "+254700000004",
    ] {
        let mut body = order_body(&[(&lamp, 1)]);
        body["phone_number"] = json!(number);
        let (status, order) = json_of(app.post("/api/v1/orders/", Some(&token), body).await).await;
        assert!(status.is_success(), "{order}");
        app.expand_outbox().await;
        let id = order["id"].as_str().unwrap();
        let response = app
            .request(
                Method::PATCH,
                &format!("/api/v1/orders/{id}/"),
                Some(&token),
                Some(json!({"phone_number": "+254799999999"})),
            )
            .await;
        assert!(response.status().is_success());
    }
    let statuses: Vec<(String, String)> = texts(&app, &admin)
        .await
        .into_iter()
        .map(|(to, status, _)| (to, status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("+254700000001".into(), "pending".into()),
            ("+254700000002".into(), "pending".into()),
            ("+254700000003".into(), "pending".into()),
            ("+254700000004".into(), "suppressed".into()),
        ]
    );
}
