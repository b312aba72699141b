//! `webhooks/`: admins register endpoints, read them (never their secrets), change, rotate, test and delete them,
//! and read and retry their deliveries. Every destination used here is loopback.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app_with, TestApp};

/// Plain http to loopback is what the tests can reach; the refusal tests leave private destinations off.
const OPEN: &[(&str, &str)] = &[
    ("WEBHOOK_ALLOW_HTTP", "true"),
    ("WEBHOOK_ALLOW_PRIVATE", "true"),
];

async fn admin(app: &TestApp) -> String {
    app.staff_token("hooks-admin@example.com", "admin").await
}

async fn create(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    json_of(app.post("/api/v1/webhooks/", Some(token), body).await).await
}

#[tokio::test]
async fn an_admin_creates_an_endpoint_and_sees_its_secret_once() {
    let app = spawn_app_with(OPEN).await;
    let token = admin(&app).await;
    let (status, created) = create(
        &app,
        &token,
        json!({"url": "http://127.0.0.1:9/hook", "events": ["order.paid", "order.created"],
               "description": "ERP"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let secret = created["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("whsec_") && secret.len() == 6 + 44,
        "{secret}"
    );
    assert_eq!(created["events"], json!(["order.created", "order.paid"]));
    assert_eq!(created["is_active"], true);
    let id = created["id"].as_str().unwrap();

    let (status, shown) = json_of(
        app.get(&format!("/api/v1/webhooks/{id}/"), Some(&token))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(shown.get("secret").is_none(), "{shown}");
    let (_, listed) = json_of(app.get("/api/v1/webhooks/", Some(&token)).await).await;
    assert_eq!(listed["count"], 1);
    assert!(
        !listed.to_string().contains(secret),
        "the list shows no secret"
    );

    let (status, rotated) = json_of(
        app.post(
            &format!("/api/v1/webhooks/{id}/rotate_secret/"),
            Some(&token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let new_secret = rotated["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("whsec_") && new_secret != secret);

    let (status, changed) = json_of(
        app.request(
            Method::PATCH,
            &format!("/api/v1/webhooks/{id}/"),
            Some(&token),
            Some(json!({"events": ["*"], "is_active": false})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (changed["events"].clone(), changed["is_active"].clone()),
        (json!(["*"]), json!(false))
    );
    assert_eq!(changed["url"], "http://127.0.0.1:9/hook");

    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/v1/webhooks/{id}/"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = app
        .get(&format!("/api/v1/webhooks/{id}/"), Some(&token))
        .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_admins_may_manage_webhooks() {
    let app = spawn_app_with(OPEN).await;
    let (customer, _) = app.register("shopper@example.com").await;
    let staff = app.staff_token("clerk@example.com", "staff").await;
    for token in [&customer, &staff] {
        let (status, _) = create(
            &app,
            token,
            json!({"url": "http://127.0.0.1:9/", "events": ["*"]}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let listed = app.get("/api/v1/webhooks/", Some(token)).await;
        assert_eq!(listed.status(), StatusCode::FORBIDDEN);
    }
    let anonymous = app.get("/api/v1/webhooks/", None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_field_is_checked_with_a_clear_400() {
    let app = spawn_app_with(OPEN).await;
    let token = admin(&app).await;
    let long_url = format!("http://127.0.0.1:9/{}", "a".repeat(2_000));
    let cases = [
        (json!({"events": ["*"]}), "url", "This field is required."),
        (
            json!({"url": "http://127.0.0.1:9/"}),
            "events",
            "This field is required.",
        ),
        (
            json!({"url": "127.0.0.1:9", "events": ["*"]}),
            "url",
            "Enter a valid URL.",
        ),
        (
            json!({"url": "ftp://127.0.0.1/", "events": ["*"]}),
            "url",
            "Only https URLs are accepted (not ftp).",
        ),
        (
            json!({"url": "http://u:p@127.0.0.1:9/", "events": ["*"]}),
            "url",
            "A URL may not contain a user name or password.",
        ),
        (
            json!({"url": long_url, "events": ["*"]}),
            "url",
            "Ensure this field has no more than 2000 characters.",
        ),
        (
            json!({"url": "http://127.0.0.1:9/", "events": []}),
            "events",
            "List between 1 and 20 events.",
        ),
        (
            json!({"url": "http://127.0.0.1:9/", "events": ["order.shipped"]}),
            "events",
            "\"order.shipped\" is not a valid choice.",
        ),
        (
            json!({"url": "http://127.0.0.1:9/", "events": ["webhook.test"]}),
            "events",
            "\"webhook.test\" is not a valid choice.",
        ),
        (
            json!({"url": "http://127.0.0.1:9/", "events": vec!["order.paid"; 21]}),
            "events",
            "List between 1 and 20 events.",
        ),
        (
            json!({"url": "http://127.0.0.1:9/", "events": ["*"], "description": "d".repeat(501)}),
            "description",
            "Ensure this field has no more than 500 characters.",
        ),
    ];
    for (body, field, message) in cases {
        let (status, answer) = create(&app, &token, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer[field], json!([message]), "{body}: {answer}");
    }
    assert_eq!(app.count("webhook_endpoints"), 0);
}

#[tokio::test]
async fn private_destinations_and_plain_http_are_refused_unless_allowed() {
    // Plain http allowed (to reach the refusal of the address itself), private destinations not.
    let app = spawn_app_with(&[("WEBHOOK_ALLOW_HTTP", "true")]).await;
    let token = admin(&app).await;
    for url in [
        "http://127.0.0.1:9/",
        "http://[::1]:9/",
        "http://[::ffff:127.0.0.1]:9/",
        "http://localhost:9/",
    ] {
        let (status, answer) = create(&app, &token, json!({"url": url, "events": ["*"]})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {answer}");
        assert!(
            answer["url"][0]
                .as_str()
                .unwrap()
                .contains("non-public address"),
            "{url}: {answer}"
        );
    }
    let https_only = spawn_app_with(&[("WEBHOOK_ALLOW_PRIVATE", "true")]).await;
    let token = admin(&https_only).await;
    let (status, answer) = create(
        &https_only,
        &token,
        json!({"url": "http://127.0.0.1:9/", "events": ["*"]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["url"], json!(["Only https URLs are accepted."]));
    assert_eq!(
        app.count("webhook_endpoints") + https_only.count("webhook_endpoints"),
        0
    );
}

#[tokio::test]
async fn a_test_delivery_is_queued_listed_and_shown_with_its_body_and_only_failed_ones_are_retried()
{
    let app = spawn_app_with(OPEN).await;
    let token = admin(&app).await;
    let (_, created) = create(
        &app,
        &token,
        json!({"url": "http://127.0.0.1:9/", "events": ["order.paid"]}),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    let (status, queued) = json_of(
        app.post(
            &format!("/api/v1/webhooks/{id}/test/"),
            Some(&token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
    let delivery = queued["delivery_id"].as_str().unwrap();

    let (status, page) = json_of(
        app.get(&format!("/api/v1/webhooks/{id}/deliveries/"), Some(&token))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["count"], 1);
    let listed = &page["results"][0];
    assert_eq!(
        (
            listed["event_type"].clone(),
            listed["status"].clone(),
            listed["attempts"].clone()
        ),
        (json!("webhook.test"), json!("pending"), json!(0))
    );
    assert!(listed.get("body").is_none());
    let (_, failed_only) = json_of(
        app.get(
            &format!("/api/v1/webhooks/{id}/deliveries/?status=failed"),
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(failed_only["count"], 0);
    let (status, bad) = json_of(
        app.get(
            &format!("/api/v1/webhooks/{id}/deliveries/?status=lost"),
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");

    let (status, shown) = json_of(
        app.get(
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/"),
            Some(&token),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_str(shown["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["type"], "webhook.test");
    assert_eq!(body["data"]["webhook_id"], id);

    let retried = app
        .post(
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/retry/"),
            Some(&token),
            json!({}),
        )
        .await;
    let (status, refusal) = json_of(retried).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refusal["detail"],
        "Only a failed delivery can be retried; this one is pending."
    );
    let elsewhere = app
        .get(
            &format!(
                "/api/v1/webhooks/{}/deliveries/{delivery}/",
                uuid::Uuid::new_v4()
            ),
            Some(&token),
        )
        .await;
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
    let not_an_id = app.get("/api/v1/webhooks/42/", Some(&token)).await;
    assert_eq!(not_an_id.status(), StatusCode::NOT_FOUND);
}
