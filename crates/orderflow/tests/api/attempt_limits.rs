//! Limits on attempts, shared through Postgres: guesses that arrive at once cannot pass the login limit, and
//! registrations, `auth/token/` and old-password guesses are limited too, each answering 429 with `Retry-After`.
//! Emails are one account whatever their letter case, in Rust's Unicode sense. (Issue 10, items 1, 3 and 6.)

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app, spawn_app_with, TestApp, PASSWORD};

async fn log_in_status(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.log_in(email, password).await.status()
}

/// A 429 whose `detail` starts with `what`, with a `Retry-After` of at least a second.
async fn assert_throttled(response: reqwest::Response, what: &str) {
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body["detail"].as_str().unwrap().starts_with(what), "{body}");
    let seconds: i64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!(seconds >= 1);
}

#[tokio::test]
async fn forty_guesses_at_once_evaluate_at_most_the_limit() {
    let app = spawn_app().await;
    app.register("victim@example.com").await;
    let recorded_before = app.count("attempts");
    let guesses = (0..40).map(|n| {
        let app = &app;
        async move { log_in_status(app, "victim@example.com", &format!("wrong-guess-{n}")).await }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let evaluated = statuses
        .iter()
        .filter(|s| **s == StatusCode::BAD_REQUEST)
        .count();
    let throttled = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!(evaluated, 10, "{statuses:?}");
    assert_eq!(throttled, 30, "{statuses:?}");
    // Only the evaluated guesses were recorded (against the email and the address each).
    assert_eq!(app.count("attempts") - recorded_before, 20);
    // The right password is refused too while the limit holds: the limit is on guessing, not on failures.
    assert_eq!(
        log_in_status(&app, "victim@example.com", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn auth_token_counts_against_the_same_login_limit() {
    let app = spawn_app_with(&[("LOGIN_MAX_FAILURES", "2")]).await;
    app.register("alice@example.com").await;
    for _ in 0..2 {
        assert_eq!(
            log_in_status(&app, "alice@example.com", "wrong-password-1").await,
            StatusCode::BAD_REQUEST
        );
    }
    let response = app
        .post(
            "/api/v1/auth/token/",
            None,
            json!({"username": "alice@example.com", "password": PASSWORD}),
        )
        .await;
    assert_throttled(response, "Too many failed login attempts").await;
}

#[tokio::test]
async fn registrations_are_limited_per_address() {
    let app = spawn_app_with(&[("RATE_LIMIT_REGISTRATION_PER_ADDRESS", "2/1h")]).await;
    app.register("one@example.com").await;
    app.register("two@example.com").await;
    let response = app
        .post(
            "/api/v1/auth/register/",
            None,
            json!({"email": "three@example.com", "password": PASSWORD, "password_confirm": PASSWORD,
                   "first_name": "A", "last_name": "B"}),
        )
        .await;
    assert_throttled(response, "Too many registrations from this address").await;
    assert_eq!(app.count("customers"), 2);
}

#[tokio::test]
async fn a_stolen_token_cannot_guess_the_old_password_on_and_on() {
    let app = spawn_app_with(&[("RATE_LIMIT_PASSWORD_CHANGE_PER_ACCOUNT", "3/15m")]).await;
    let (token, _) = app.register("alice@example.com").await;
    let change = |old: String| {
        let (app, token) = (&app, token.clone());
        async move {
            app.post(
                "/api/v1/customers/change_password/",
                Some(&token),
                json!({"old_password": old, "new_password": "brand-new-secret-9"}),
            )
            .await
        }
    };
    for n in 0..3 {
        let response = change(format!("guess-number-{n}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    assert_throttled(
        change(PASSWORD.to_owned()).await,
        "Too many wrong old passwords",
    )
    .await;
    // Nothing changed: the old password still signs in.
    assert_eq!(
        log_in_status(&app, "alice@example.com", PASSWORD).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_right_old_password_does_not_use_up_the_limit() {
    let app = spawn_app_with(&[("RATE_LIMIT_PASSWORD_CHANGE_PER_ACCOUNT", "1/15m")]).await;
    let (token, _) = app.register("alice@example.com").await;
    let mut password = PASSWORD.to_owned();
    for n in 0..3 {
        let fresh = format!("fresh-secret-number-{n}");
        let (status, body) = json_of(
            app.post(
                "/api/v1/customers/change_password/",
                Some(&token),
                json!({"old_password": password, "new_password": fresh}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        password = fresh;
    }
}

async fn register_status(app: &TestApp, email: &str) -> (StatusCode, Value) {
    json_of(
        app.post(
            "/api/v1/auth/register/",
            None,
            json!({"email": email, "password": PASSWORD, "password_confirm": PASSWORD,
                   "first_name": "Irem", "last_name": "Yilmaz"}),
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn an_email_is_one_account_in_one_normal_form_computed_in_one_place() {
    let app = spawn_app().await;
    let (status, body) = register_status(&app, "İrem@example.com").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        log_in_status(&app, "İrem@example.com", PASSWORD).await,
        StatusCode::OK,
        "signs in as typed"
    );
    assert_eq!(
        log_in_status(&app, "İREM@Example.COM", PASSWORD).await,
        StatusCode::OK,
        "and in any letter case"
    );
    // Plain `irem` is another address (Unicode lower-cases `İ` to `i` and a combining dot): no sign-in to the
    // first account, and free to register.
    assert_eq!(
        log_in_status(&app, "irem@example.com", PASSWORD).await,
        StatusCode::BAD_REQUEST
    );
    let (status, body) = register_status(&app, "irem@example.com").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = register_status(&app, "İREM@EXAMPLE.COM").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.get("email").is_some(), "{body}");
}

#[tokio::test]
async fn an_address_that_grows_when_lower_cased_is_an_ordinary_failed_login_and_is_throttled() {
    let app = spawn_app_with(&[("LOGIN_MAX_FAILURES", "2")]).await;
    let labels = vec!["İ".repeat(31); 3].join(".");
    let long = format!("{}@{labels}.example.com", "İ".repeat(32));
    for _ in 0..2 {
        assert_eq!(
            log_in_status(&app, &long, "wrong-password-1").await,
            StatusCode::BAD_REQUEST
        );
    }
    assert_eq!(
        log_in_status(&app, &long, "wrong-password-1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
