//! What any client mistake looks like: always a JSON `detail` with the right status, never a 500.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{json_of, spawn_app, PASSWORD};

#[tokio::test]
async fn malformed_json_is_a_400_with_a_detail() {
    let app = spawn_app().await;
    for body in ["{", "not json", "[1, 2]", "{\"email\": 42}", ""] {
        let response = app
            .client
            .post(app.url("/api/v1/auth/login/"))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let (status, json) = json_of(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?}");
        assert!(
            json["detail"]
                .as_str()
                .unwrap()
                .starts_with("JSON parse error"),
            "{json}"
        );
    }
}

#[tokio::test]
async fn a_wrong_content_type_is_a_415() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/login/"))
        .header("Content-Type", "text/plain")
        .body("email=alice@x.com")
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("application/json"));
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_a_413() {
    let app = spawn_app().await;
    let huge = json!({"email": "a@x.com", "password": "p".repeat(1024 * 1024 + 10)});
    let (status, body) = json_of(app.post("/api/v1/auth/login/", None, huge).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["detail"].as_str().unwrap().contains("1048576"));
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_json() {
    let app = spawn_app().await;
    let (status, body) = json_of(app.get("/api/v1/nothing/here/", None).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "Not found."}));

    for (method, path) in [
        (Method::GET, "/api/v1/auth/login/"),
        (Method::DELETE, "/api/v1/auth/register/"),
        (Method::PUT, "/health/"),
    ] {
        let (status, body) = json_of(app.request(method.clone(), path, None, None).await).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert!(body["detail"].as_str().unwrap().contains("not allowed"));
    }
}

#[tokio::test]
async fn paths_without_the_trailing_slash_are_served_identically() {
    let app = spawn_app().await;
    let (status, body) = json_of(
        app.post(
            "/api/v1/auth/register",
            None,
            json!({"email": "alice@x.com", "password": PASSWORD, "password_confirm": PASSWORD,
                   "first_name": "Alice", "last_name": "W"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "no redirect, no 500: {body}");
    let token = body["token"].as_str().unwrap();
    let (status, profile) = json_of(app.get("/api/v1/customers/profile", Some(token)).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["email"], "alice@x.com");
    let (status, list) = json_of(app.get("/api/v1/customers?page_size=5", Some(token)).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["count"], 1);
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn permission_is_checked_before_the_body_is_read() {
    let app = spawn_app().await;
    let (customer, _) = app.register("alice@x.com").await;
    for _ in 0..5 {
        for path in [
            "/api/v1/categories/",
            "/api/v1/products/",
            "/api/v1/products/bulk_upload/",
        ] {
            let response = app
                .client
                .post(app.url(path))
                .header("Authorization", format!("Token {customer}"))
                .header("Content-Type", "application/json")
                .body("{ this is not json")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        }
    }
}
