//! What every response says about itself, which methods a path takes, and which address absolute URLs carry.
//! (Issue 9, items 7-9.)

use reqwest::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, HOST};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app, spawn_app_with, TestApp, PASSWORD};
use crate::products::{png, upload};

#[tokio::test]
async fn every_response_says_nosniff_and_uploads_are_served_as_what_they_claim() {
    let media =
        std::env::temp_dir().join(format!("orderflow-media-{}", uuid::Uuid::new_v4().simple()));
    let app = spawn_app_with(&[("MEDIA_ROOT", media.to_str().unwrap())]).await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let category = app.category(&staff, "Lighting", None).await;
    // A PNG signature followed by a script: a browser that sniffed would run it.
    let mut polyglot = png();
    polyglot.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    let (status, product) = upload(&app, &staff, category, "lamp.png", polyglot).await;
    assert_eq!(status, StatusCode::CREATED, "{product}");
    let image = product["image"].as_str().unwrap().to_owned();
    let served = app.client.get(&image).send().await.unwrap();
    assert_eq!(served.headers()[CONTENT_TYPE], "image/png");

    for url in [
        image,
        app.url("/health/"),
        app.url("/api/"),
        app.url("/"),
        app.url("/api-docs/"),
        app.url("/api/v1/products/"),
        app.url("/api/v1/nothing/"),
        app.url("/media/products/missing.png"),
    ] {
        let response = app.client.get(&url).send().await.unwrap();
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{url}"
        );
    }
    let _ = std::fs::remove_dir_all(media);
}

#[tokio::test]
async fn responses_with_tokens_or_personal_data_are_never_stored() {
    let app = spawn_app().await;
    let register = app
        .post(
            "/api/v1/auth/register/",
            None,
            json!({"email": "alice@x.com", "password": PASSWORD, "password_confirm": PASSWORD,
                   "first_name": "Alice", "last_name": "W"}),
        )
        .await;
    assert_eq!(register.headers()[CACHE_CONTROL], "no-store");
    let login = app.log_in("alice@x.com", PASSWORD).await;
    assert_eq!(login.headers()[CACHE_CONTROL], "no-store");
    let token = app.token_for("alice@x.com", PASSWORD).await;
    for path in [
        "/api/v1/customers/profile/",
        "/api/v1/orders/",
        "/api/v1/products/",
    ] {
        let response = app.get(path, Some(&token)).await;
        assert_eq!(response.headers()[CACHE_CONTROL], "no-store", "{path}");
    }
    let anonymous = app.get("/api/v1/products/", None).await;
    assert!(
        anonymous.headers().get(CACHE_CONTROL).is_none(),
        "the public catalogue may be cached"
    );
}

/// Every `GET` path of the OpenAPI document, parameters filled with a value that matches nothing.
async fn documented_get_paths(app: &TestApp) -> Vec<String> {
    let (_, document) = json_of(app.get("/api-docs/", None).await).await;
    document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, operations)| operations.get("get").is_some())
        .map(|(path, _)| {
            path.split('/')
                .map(|segment| {
                    if segment.starts_with('{') {
                        "1"
                    } else {
                        segment
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

#[tokio::test]
async fn head_is_answered_wherever_get_is_with_the_same_status_and_no_body() {
    let app = spawn_app().await;
    let token = app.staff_token("admin@x.com", "admin").await;
    let mut paths = documented_get_paths(&app).await;
    assert!(paths.len() > 20, "{paths:?}");
    paths.extend([
        "/".into(),
        "/redoc/".into(),
        "/swagger/".into(),
        "/media/x.png".into(),
    ]);
    for path in paths {
        let get = app.get(&path, Some(&token)).await;
        let head = app.request(Method::HEAD, &path, Some(&token), None).await;
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_ne!(head.status(), StatusCode::METHOD_NOT_ALLOWED, "HEAD {path}");
        assert_eq!(
            head.headers().get(CONTENT_TYPE),
            get.headers().get(CONTENT_TYPE),
            "HEAD {path}"
        );
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has a body"
        );
    }
}

#[tokio::test]
async fn a_405_says_which_methods_the_path_takes() {
    let app = spawn_app().await;
    for (method, path, allowed) in [
        (Method::DELETE, "/api/v1/auth/register/", "POST"),
        (Method::PUT, "/health/", "GET, HEAD"),
        (Method::POST, "/api/v1/products/featured/", "GET, HEAD"),
        (
            Method::POST,
            "/api/v1/categories/7/",
            "DELETE, GET, HEAD, PATCH, PUT",
        ),
        (Method::POST, "/media/products/x.png", "GET, HEAD"),
    ] {
        let response = app.request(method.clone(), path, None, None).await;
        assert_eq!(response.headers()[ALLOW], allowed, "{method} {path}");
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(
            body["detail"],
            format!("Method {method} is not allowed on this path; it takes {allowed}.")
        );
    }
}

#[tokio::test]
async fn every_error_is_json_media_and_unknown_paths_included() {
    let app = spawn_app().await;
    for path in [
        "/media/products/missing.png",
        "/media/",
        "/media/../Cargo.toml",
        "/nowhere",
        "/api/v1/products/not-a-uuid/",
    ] {
        let response = app.get(path, None).await;
        assert!(
            response.headers()[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("application/json"),
            "{path}"
        );
        let (status, body) = json_of(response).await;
        assert!(status.is_client_error(), "{path}: {status}");
        assert!(body["detail"].is_string(), "{path}: {body}");
    }
}

/// Two products, so that a page of one has a `next` link.
async fn two_products(app: &TestApp) -> String {
    let staff = app.staff_token("staff@x.com", "staff").await;
    let category = app.category(&staff, "Goods", None).await;
    for name in ["Lamp", "Bulb"] {
        app.product(
            &staff,
            json!({"name": name, "price": "5.00", "category": category}),
        )
        .await;
    }
    staff
}

async fn next_link(app: &TestApp, headers: &[(&str, &str)]) -> String {
    let mut request = app.client.get(app.url("/api/v1/products/?page_size=1"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let (_, body): (_, Value) = json_of(request.send().await.unwrap()).await;
    body["next"].as_str().unwrap().to_owned()
}

const FORGED: &[(&str, &str)] = &[
    ("X-Forwarded-Host", "evil.example"),
    ("X-Forwarded-Proto", "https"),
];

#[tokio::test]
async fn forwarded_headers_from_an_untrusted_client_never_reach_a_link() {
    let app = spawn_app().await;
    two_products(&app).await;
    let next = next_link(&app, FORGED).await;
    assert!(
        next.starts_with(&format!("{}/api/v1/products/?", app.address)),
        "{next}"
    );
    let own_host = next_link(&app, &[(HOST.as_str(), "shop.example:8000")]).await;
    assert!(
        own_host.starts_with("http://shop.example:8000/api/v1/products/?"),
        "the Host the client connected with is used: {own_host}"
    );
}

#[tokio::test]
async fn the_public_base_url_starts_every_absolute_url() {
    let media =
        std::env::temp_dir().join(format!("orderflow-media-{}", uuid::Uuid::new_v4().simple()));
    let app = spawn_app_with(&[
        ("PUBLIC_BASE_URL", "https://shop.example.com"),
        ("MEDIA_ROOT", media.to_str().unwrap()),
    ])
    .await;
    let staff = two_products(&app).await;
    let next = next_link(&app, FORGED).await;
    assert!(
        next.starts_with("https://shop.example.com/api/v1/products/?"),
        "{next}"
    );
    let category = app.category(&staff, "Lighting", None).await;
    let (_, product) = upload(&app, &staff, category, "lamp.png", png()).await;
    assert!(
        product["image"]
            .as_str()
            .unwrap()
            .starts_with("https://shop.example.com/media/products/"),
        "{product}"
    );
    let _ = std::fs::remove_dir_all(media);
}

/// A wrong password for `email`, said to come from `client` through `X-Forwarded-For`.
async fn failed_login(app: &TestApp, email: &str, client: &str) -> StatusCode {
    app.client
        .post(app.url("/api/v1/auth/login/"))
        .header("X-Forwarded-For", client)
        .json(&json!({"email": email, "password": "wrong-password-1"}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_trusted_proxy_is_believed_for_host_scheme_and_client_address() {
    let app = spawn_app_with(&[
        ("TRUSTED_PROXIES", "127.0.0.1/32, ::1"),
        ("LOGIN_MAX_FAILURES_PER_ADDRESS", "2"),
    ])
    .await;
    two_products(&app).await;
    let next = next_link(&app, FORGED).await;
    assert!(
        next.starts_with("https://evil.example/api/v1/products/?"),
        "{next}"
    );

    // The per-address login throttle counts the address the proxy forwarded.
    for (email, client, expected) in [
        ("a@x.com", "198.51.100.1", StatusCode::BAD_REQUEST),
        ("b@x.com", "198.51.100.1", StatusCode::BAD_REQUEST),
        ("c@x.com", "198.51.100.1", StatusCode::TOO_MANY_REQUESTS),
        ("d@x.com", "198.51.100.2", StatusCode::BAD_REQUEST),
    ] {
        assert_eq!(
            failed_login(&app, email, client).await,
            expected,
            "{email} from {client}"
        );
    }
}

#[tokio::test]
async fn without_trusted_proxies_a_forged_client_address_does_not_escape_the_throttle() {
    let app = spawn_app_with(&[("LOGIN_MAX_FAILURES_PER_ADDRESS", "2")]).await;
    for (email, client, expected) in [
        ("a@x.com", "198.51.100.1", StatusCode::BAD_REQUEST),
        ("b@x.com", "198.51.100.2", StatusCode::BAD_REQUEST),
        ("c@x.com", "198.51.100.3", StatusCode::TOO_MANY_REQUESTS),
    ] {
        assert_eq!(
            failed_login(&app, email, client).await,
            expected,
            "{email} from {client}"
        );
    }
}
