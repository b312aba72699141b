//! Hostile query strings: each is answered with a 4xx in milliseconds, and the service keeps serving everyone else.
//! (Issue 9, items 1-3: a 9,000-word search overflowed the stack; thousands of sort keys pinned a core for
//! minutes holding a pooled connection; a NUL in a parameter was a 500.)

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{json_of, spawn_app, TestApp};

/// Every list that takes `search`, with the token that may read it.
async fn searchable_lists(app: &TestApp) -> Vec<(&'static str, Option<String>)> {
    let admin = app.staff_token("admin@x.com", "admin").await;
    vec![
        ("/api/v1/products/", None),
        ("/api/v1/categories/", None),
        ("/api/v1/orders/", Some(admin.clone())),
        ("/api/v1/notifications/", Some(admin.clone())),
        ("/api/v1/admin/customers/", Some(admin)),
    ]
}

/// Sends `GET path?query` and returns the status, the body and how long the answer took.
async fn timed(
    app: &TestApp,
    path: &str,
    query: &str,
    token: Option<&str>,
) -> (StatusCode, Value, Duration) {
    let started = Instant::now();
    let response = app.get(&format!("{path}?{query}"), token).await;
    let took = started.elapsed();
    let (status, body) = json_of(response).await;
    (status, body, took)
}

async fn assert_still_serving(app: &TestApp) {
    let (status, body) = json_of(app.get("/health/", None).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = json_of(app.get("/api/v1/products/?search=lamp", None).await).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_search_of_thousands_of_words_is_a_fast_400_on_every_list() {
    let app = spawn_app().await;
    // 4,000 words: just inside the query-string limit, so the search bound itself answers.
    let words = vec!["a"; 4_000].join("+");
    for (path, token) in searchable_lists(&app).await {
        let (status, body, took) =
            timed(&app, path, &format!("search={words}"), token.as_deref()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["search"][0], "Search for at most 10 words.", "{path}");
        assert!(took < Duration::from_secs(1), "{path} took {took:?}");
    }
    assert_still_serving(&app).await;
}

#[tokio::test]
async fn the_nine_thousand_word_search_that_crashed_the_process_is_a_414_and_the_process_lives() {
    let app = spawn_app().await;
    let words = vec!["a"; 9_000].join("+");
    for path in ["/api/v1/products/", "/api/v1/categories/"] {
        let (status, body, took) = timed(&app, path, &format!("search={words}"), None).await;
        assert_eq!(status, StatusCode::URI_TOO_LONG, "{path}: {body}");
        assert!(body["detail"].as_str().unwrap().contains("8192"), "{body}");
        assert!(took < Duration::from_secs(1), "{path} took {took:?}");
    }
    assert_still_serving(&app).await;
}

#[tokio::test]
async fn ten_words_of_a_hundred_characters_are_searched_and_more_is_refused() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let category = app.category(&staff, "Lighting", None).await;
    app.product(
        &staff,
        serde_json::json!({"name": "Brass desk lamp", "description": "warm light", "price": "10.00", "category": category}),
    )
    .await;
    let (status, body) = json_of(
        app.get(
            "/api/v1/products/?search=brass+DESK+lamp+warm+light+a+m+p+l+i",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["count"], 1, "ten terms, all matching somewhere");
    let (status, body) = json_of(
        app.get(
            "/api/v1/products/?search=brass+desk+lamp+warm+light+a+m+p+l+i+g",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let long = "x".repeat(101);
    let (status, body) = json_of(
        app.get(&format!("/api/v1/products/?search={long}"), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["search"][0],
        "Each search word may have at most 100 characters."
    );
    // Pattern characters are matched literally, still in one expression.
    let (status, body) = json_of(app.get("/api/v1/products/?search=%25+_", None).await).await;
    assert_eq!((status, body["count"].as_i64()), (StatusCode::OK, Some(0)));
}

#[tokio::test]
async fn twelve_thousand_sort_keys_are_refused_within_a_hundred_milliseconds() {
    let app = spawn_app().await;
    // Twelve thousand keys of the shortest sortable field: 60 KB, within what an HTTP request line can carry
    // (64 KiB), far over the query-string limit.
    let keys = vec!["name"; 12_000].join(",");
    let (status, body, took) =
        timed(&app, "/api/v1/products/", &format!("ordering={keys}"), None).await;
    assert_eq!(status, StatusCode::URI_TOO_LONG, "{body}");
    assert!(took < Duration::from_millis(100), "took {took:?}");
    assert_still_serving(&app).await;
}

#[tokio::test]
async fn a_repeated_sort_key_is_a_400_and_unknown_keys_are_ignored_cheaply() {
    let app = spawn_app().await;
    for (path, token) in searchable_lists(&app).await {
        let field = if path.contains("products") || path.contains("categories") {
            "created_at"
        } else if path.contains("customers") {
            "email"
        } else {
            "status"
        };
        let (status, body, took) = timed(
            &app,
            path,
            &format!("ordering={field},-{field}"),
            token.as_deref(),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(
            body["ordering"][0],
            format!("{field} appears more than once.")
        );
        assert!(took < Duration::from_secs(1));
    }
    // As many unknown keys as fit in the query string: ignored, as the contract says, at no cost.
    let unknown = vec!["nope"; 1_600].join(",");
    let (status, body, took) = timed(
        &app,
        "/api/v1/products/",
        &format!("ordering={unknown}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

#[tokio::test]
async fn hostile_lists_leave_every_pooled_connection_free() {
    // Ten connections: as many hostile requests, then as many ordinary ones at once, all answered.
    let app = crate::helpers::spawn_app_with(&[("DATABASE_POOL_SIZE", "10")]).await;
    let keys = vec!["name,-price"; 600].join(",");
    let words = vec!["lamp"; 1_500].join("+");
    let hostile = (0..10).map(|n| {
        let query = if n % 2 == 0 {
            format!("ordering={keys}")
        } else {
            format!("search={words}")
        };
        let app = &app;
        async move {
            app.get(&format!("/api/v1/products/?{query}"), None)
                .await
                .status()
        }
    });
    for status in futures_util::future::join_all(hostile).await {
        assert!(status.is_client_error(), "{status}");
    }
    let ordinary = (0..10).map(|_| async { app.get("/api/v1/products/", None).await.status() });
    let started = Instant::now();
    for status in futures_util::future::join_all(ordinary).await {
        assert_eq!(status, StatusCode::OK);
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel::RunQueryDsl;
    let stuck = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
         AND state = 'idle in transaction'",
    )
    .get_result::<Count>(&mut app.db.connection())
    .unwrap()
    .n;
    assert_eq!(stuck, 0, "no session left idle in a transaction");
}

#[tokio::test]
async fn a_control_character_in_any_parameter_is_a_400_naming_it() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin@x.com", "admin").await;
    for (path, token) in [
        ("/api/v1/products/?search=lamp%00", None),
        ("/api/v1/categories/average_price/?slug=bread%00", None),
        ("/api/v1/categories/?search=%1B%5B31m", None),
        ("/api/v1/admin/customers/?search=a%00", Some(admin.as_str())),
        ("/api/v1/products/?status=active%0A", None),
    ] {
        let (status, body) = json_of(app.get(path, token).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        let (field, messages) = body.as_object().unwrap().iter().next().unwrap();
        assert!(path.contains(&format!("{field}=")), "{path}: {body}");
        assert_eq!(
            messages[0],
            "Control characters are not allowed in query parameters."
        );
    }
}
