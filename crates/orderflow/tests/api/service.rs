//! Outside /api/v1/: health, service information, documentation pages, request ids.

use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{json_of, spawn_app, spawn_app_with};

#[tokio::test]
async fn health_checks_the_database_for_real() {
    let app = spawn_app().await;
    let (status, body) = json_of(app.get("/health/", None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "healthy");
    assert_eq!(body["database"], "ok");
    assert!(body["version"].is_string());
    assert!(body["timestamp"].as_str().unwrap().ends_with('Z'));

    // Take the database away under the running server.
    let mut admin = orderflow_test_support::TestServer::shared().maintenance_connection();
    diesel::sql_query(format!("DROP DATABASE \"{}\" WITH (FORCE)", app.db.name()))
        .execute(&mut admin)
        .unwrap();

    let (status, body) = json_of(app.get("/health/", None).await).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "unhealthy");
    assert_eq!(body["database"], "unavailable");
    // The server keeps serving.
    assert_eq!(app.get("/api/", None).await.status(), StatusCode::OK);
    assert_eq!(
        app.get("/health/", None).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn readiness_needs_the_database_and_every_migration_and_liveness_needs_neither() {
    let app = spawn_app().await;
    let (status, body) = json_of(app.get("/health/ready/", None).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"status": "ready", "database": "ok", "migrations": "current", "shutting_down": false})
    );
    let response = app.get("/health/live/", None).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let (status, body) = json_of(response).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "alive"})));

    // A replica started before `orderflow migrate` ran takes no traffic.
    let mut connection = app.db.connection();
    diesel::sql_query(
        "DELETE FROM __diesel_schema_migrations \
         WHERE version = (SELECT max(version) FROM __diesel_schema_migrations)",
    )
    .execute(&mut connection)
    .unwrap();
    let fresh = spawn_app_with(&[("DATABASE_URL", app.db.url())]).await;
    let (status, body) = json_of(fresh.get("/health/ready/", None).await).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["migrations"], "pending");
    assert_eq!(
        fresh.get("/health/live/", None).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn readiness_answers_within_about_a_second_when_the_database_does_not() {
    // A port that accepts connections and never speaks: the pool waits, the probe does not.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "postgres://postgres@127.0.0.1:{}/orderflow?connect_timeout=30",
        silent.local_addr().unwrap().port()
    );
    let app = spawn_app_with(&[("DATABASE_URL", &url)]).await;
    let started = std::time::Instant::now();
    let (status, body) = json_of(app.get("/health/ready/", None).await).await;
    let took = started.elapsed();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "not_ready");
    assert_ne!(body["database"], "ok");
    assert!(took < std::time::Duration::from_secs(3), "took {took:?}");
    assert_eq!(
        app.get("/health/live/", None).await.status(),
        StatusCode::OK,
        "liveness does not depend on the database"
    );
}

#[tokio::test]
async fn an_unreachable_database_is_a_503_never_a_500() {
    let app =
        spawn_app_with(&[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/orderflow")]).await;
    let (status, body) = json_of(app.get("/health/", None).await).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["database"], "unavailable");

    let response = app
        .post(
            "/api/v1/auth/login/",
            None,
            json!({"email": "alice@x.com", "password": "whatever-pass"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("retry-after"));
    let (_, body) = json_of(response).await;
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("temporarily unavailable"));
    assert!(
        !body.to_string().contains("127.0.0.1:1"),
        "no connection details leak"
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    for path in [
        "/health/",
        "/api/",
        "/nowhere/",
        "/api/v1/customers/profile/",
    ] {
        let response = app.get(path, None).await;
        let id = response.headers()["x-request-id"].to_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{path}: {id}");
    }
    let response = app
        .client
        .get(app.url("/health/"))
        .header("X-Request-Id", "caller-id-123")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "caller-id-123");
}

#[tokio::test]
async fn service_info_landing_page_and_documentation_are_served() {
    let app = spawn_app().await;
    let (status, info) = json_of(app.get("/api/", None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["name"], "OrderFlow API");
    assert_eq!(info["documentation"]["api_docs"], "/api-docs/");

    let landing = app.get("/", None).await;
    assert_eq!(landing.status(), StatusCode::OK);
    let html = landing.text().await.unwrap();
    for link in ["/swagger/", "/redoc/", "/api-docs/", "/health/"] {
        assert!(html.contains(&format!("href=\"{link}\"")), "{link}");
    }

    let redoc = app.get("/redoc/", None).await;
    assert_eq!(redoc.status(), StatusCode::OK);
    let html = redoc.text().await.unwrap();
    assert!(html.contains("spec-url=\"/api-docs/\""));
    // The bundle comes from this server, under a path that names its release.
    let bundle_path = html
        .split("<script src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    assert!(
        bundle_path.starts_with("/redoc/2.") && bundle_path.ends_with("/redoc.standalone.js"),
        "{bundle_path}"
    );
    let bundle = app.get(bundle_path, None).await;
    assert_eq!(bundle.status(), StatusCode::OK);
    assert_eq!(
        bundle.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(bundle.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(bundle.bytes().await.unwrap().len() > 100_000);

    // Swagger UI: our page, paperclip's scripts and styles. Old links to index.html still work.
    for path in [
        "/swagger/",
        "/swagger",
        "/swagger/index.html?url=/api-docs/",
    ] {
        let swagger = app.get(path, None).await;
        assert_eq!(swagger.status(), StatusCode::OK, "{path}");
        let html = swagger.text().await.unwrap();
        assert!(html.contains("/swagger/swagger-ui-bundle.js"), "{path}");
        assert!(html.contains("/swagger/swagger-initializer.js"), "{path}");
        assert!(!html.contains("<script>"), "no inline script: {path}");
    }
    for asset in [
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "swagger-ui-standalone-preset.js",
        "favicon-32x32.png",
        "swagger-initializer.js",
        "swagger-page.css",
    ] {
        assert_eq!(
            app.get(&format!("/swagger/{asset}"), None).await.status(),
            StatusCode::OK,
            "{asset}"
        );
    }
    let initializer = app.get("/swagger/swagger-initializer.js", None).await;
    assert_eq!(
        initializer.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert!(initializer
        .text()
        .await
        .unwrap()
        .contains("url: \"/api-docs/\""));
    let landing_css = app.get("/landing.css", None).await;
    assert_eq!(landing_css.status(), StatusCode::OK);
    assert_eq!(
        landing_css.headers()["content-type"],
        "text/css; charset=utf-8"
    );
}

#[tokio::test]
async fn html_pages_load_only_from_this_server_and_refuse_framing() {
    let app = spawn_app().await;
    for path in ["/", "/swagger/", "/redoc/"] {
        let response = app.get(path, None).await;
        assert_eq!(response.headers()["x-frame-options"], "DENY", "{path}");
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let directives: Vec<&str> = policy.split("; ").collect();
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "connect-src 'self'",
            "img-src 'self' data:",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            assert!(directives.contains(&directive), "{path}: {policy}");
        }
        assert!(!policy.contains("unsafe-eval"), "{path}: {policy}");
        assert!(
            !policy.contains("http"),
            "no other origin: {path}: {policy}"
        );
    }
}

#[tokio::test]
async fn a_missing_swagger_asset_is_a_404_not_a_dropped_connection() {
    let app = spawn_app().await;
    for path in [
        "/swagger/missing.js",
        "/swagger/index.htm",
        "/swagger/a/b/c",
        // Swagger UI's OAuth2 redirect page: an inline script, and no OAuth2 flow to serve.
        "/swagger/oauth2-redirect.html",
    ] {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let (_, body) = json_of(response).await;
        assert_eq!(body, json!({"detail": "Not found."}));
    }
    // The server is still up.
    assert_eq!(app.get("/health/", None).await.status(), StatusCode::OK);
}
