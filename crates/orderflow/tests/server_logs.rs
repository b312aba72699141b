//! What the server's log says about a failure the client only sees as a 500: the cause, in the database's own
//! words, under the request's id; the client gets the id and nothing of the cause.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use diesel::connection::SimpleConnection;
use orderflow_test_support::TestDatabase;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread")]
async fn a_database_failure_during_an_import_is_logged_with_the_request_id_and_never_shown() {
    let db = tokio::task::spawn_blocking(TestDatabase::new)
        .await
        .unwrap();
    let url = db.url().to_owned();
    common::create_staff(&url);
    // A failure no input check can foresee: the database refuses every new category.
    db.connection()
        .batch_execute(
            "CREATE FUNCTION refuse_categories() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'disk quota exceeded on tablespace pg_default'; END $$; \
             CREATE TRIGGER refuse_categories BEFORE INSERT ON categories \
             FOR EACH ROW EXECUTE FUNCTION refuse_categories();",
        )
        .unwrap();
    let (server, base) = common::serve(&[
        ("DATABASE_URL", &url),
        ("NOTIFY_WORKER", "off"),
        ("LOG_FORMAT", "json"),
        ("RUST_LOG", "info"),
    ])
    .await;
    let client = reqwest::Client::new();
    let token = common::log_in(&client, &base, "staff@x.com", common::STAFF_PASSWORD).await;
    let response = client
        .post(format!("{base}/api/v1/products/bulk_upload/"))
        .header("Authorization", format!("Token {token}"))
        .json(&json!([{"name": "Lamp", "price": "5.00", "category_path": "Lighting"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({"detail": "Internal server error.", "request_id": request_id})
    );

    // The log is written as the server goes; give it a moment to reach the file.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let logged = loop {
        let failure = server
            .log()
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .find(|line| line["message"] == "request failed");
        if let Some(line) = failure {
            break line;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no failure logged:\n{}",
            server.log()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(logged["request_id"], request_id.as_str());
    assert!(
        logged["error"]
            .as_str()
            .unwrap()
            .contains("disk quota exceeded"),
        "{logged}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn passwords_in_urls_never_reach_the_log() {
    let (server, base) = common::serve(&[
        (
            "DATABASE_URL",
            "postgres://orderflow:s3cr3t-pw@127.0.0.1:1/orderflow",
        ),
        ("DATABASE_TIMEOUT_SECONDS", "1"),
        ("NOTIFY_WORKER", "off"),
        // Discovery fails at once; its warning quotes the issuer, and the client library's error the URL.
        ("OIDC_ISSUER_URL", "http://client:s3cr3t-pw@127.0.0.1:1/"),
        ("OIDC_CLIENT_ID", "orderflow"),
        (
            "OIDC_REDIRECT_URL",
            "http://127.0.0.1/api/v1/auth/oidc/callback/",
        ),
        ("LOG_FORMAT", "json"),
        ("RUST_LOG", "info"),
    ])
    .await;
    let health = reqwest::get(format!("{base}/health/")).await.unwrap();
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let log = loop {
        let log = server.log();
        if ["is serving", "discovery failed", "database unavailable"]
            .iter()
            .all(|logged| log.contains(logged))
        {
            break log;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not logged yet:\n{log}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(!log.contains("s3cr3t"), "{log}");
    let serving = log
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| {
            line["message"]
                .as_str()
                .unwrap_or_default()
                .contains("is serving")
        })
        .unwrap();
    assert_eq!(
        serving["database"],
        "postgres://orderflow:***@127.0.0.1:1/orderflow"
    );
    assert!(log.contains("http://client:***@127.0.0.1:1/"), "{log}");
}

#[tokio::test]
async fn a_first_start_creates_the_media_directory_and_logs_no_error() {
    let db = orderflow_test_support::TestDatabase::new();
    let media = std::env::temp_dir()
        .join(format!("orderflow-media-{}", uuid::Uuid::new_v4().simple()))
        .join("uploads");
    assert!(!media.exists());
    let media_root = media.display().to_string();
    let (server, base) = common::serve(&[
        ("DATABASE_URL", db.url()),
        ("MEDIA_ROOT", &media_root),
        ("NOTIFY_WORKER", "off"),
        ("LOG_FORMAT", "json"),
        ("RUST_LOG", "info"),
    ])
    .await;
    let health = reqwest::get(format!("{base}/health/")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(media.is_dir(), "{media_root} was not created");
    let log = server.log();
    assert!(log.contains("is serving"), "{log}");
    assert!(!log.contains("\"ERROR\""), "{log}");
    assert!(!log.contains("not a directory"), "{log}");
    let _ = std::fs::remove_dir_all(media.parent().unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn json_logs_are_only_json_and_carry_the_request_into_the_blocking_pool() {
    let db = tokio::task::spawn_blocking(TestDatabase::new)
        .await
        .unwrap();
    let (mut server, base) = common::serve(&[
        ("DATABASE_URL", db.url()),
        ("LOG_FORMAT", "json"),
        // Libraries' debug messages too: they must come out as JSON lines like ours.
        ("RUST_LOG", "debug"),
    ])
    .await;
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{base}/api/v1/auth/login/"))
        .header("X-Request-Id", "login-under-test")
        .json(&json!({"email": "nobody@x.com", "password": "not-the-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let missing = client
        .get(format!("{base}/api/v1/orders/not-an-id/"))
        .header("X-Request-Id", "templated-route")
        .send()
        .await
        .unwrap();
    assert!(missing.status().is_client_error());
    assert!(server
        .terminate(std::time::Duration::from_secs(40))
        .success());

    let log = server.log();
    let lines: Vec<Value> = log
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert!(lines
        .iter()
        .all(|line| line["level"].is_string() && line["timestamp"].is_string()));
    assert!(
        lines.iter().any(|line| !line["target"]
            .as_str()
            .unwrap_or_default()
            .starts_with("orderflow")),
        "libraries' messages are in the log, as JSON:\n{log}"
    );
    // Written on a blocking-pool thread while the login's password check ran: it carries the request.
    let blocking = lines
        .iter()
        .find(|line| {
            line["message"] == "blocking work done"
                && line["span"]["request_id"] == "login-under-test"
        })
        .unwrap_or_else(|| panic!("no blocking-pool line of the login:\n{log}"));
    assert_eq!(blocking["span"]["name"], "use_case");
    assert_eq!(blocking["span"]["handler"], "auth::log_in");
    // The access line names the route template, never the raw path, in its span.
    let access = lines
        .iter()
        .find(|line| {
            line["message"] == "request" && line["span"]["request_id"] == "templated-route"
        })
        .unwrap_or_else(|| panic!("no access line:\n{log}"));
    assert_eq!(access["span"]["route"], "/api/v1/orders/{id}/");
    assert!(access["span"]["status"].is_number(), "{access}");
}
