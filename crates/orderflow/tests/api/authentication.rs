//! Registration, login, tokens, logout, throttling.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{json_of, spawn_app, PASSWORD};

#[tokio::test]
async fn the_whole_session_lifecycle() {
    let app = spawn_app().await;

    // Register: 201 with the customer and a first token.
    let (first_token, customer) = app.register("alice@x.com").await;
    assert_eq!(customer["email"], "alice@x.com");
    assert_eq!(customer["role"], "customer");
    assert_eq!(customer["is_staff"], false);

    // Login gives a second, different token; both work.
    let (status, login) = json_of(app.log_in("alice@x.com", PASSWORD).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(login["message"], "Login successful");
    assert_eq!(login["customer"]["id"], customer["id"]);
    let second_token = login["token"].as_str().unwrap().to_owned();
    assert_ne!(second_token, first_token);
    for token in [&first_token, &second_token] {
        let (status, profile) =
            json_of(app.get("/api/v1/customers/profile/", Some(token)).await).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(profile["email"], "alice@x.com");
    }

    // Changing the password with the second token revokes the first one, keeps the second.
    let (status, body) = json_of(
        app.post(
            "/api/v1/customers/change_password/",
            Some(&second_token),
            json!({"old_password": PASSWORD, "new_password": "a-brand-new-secret-9"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"message": "Password changed successfully"}));
    let (status, body) = json_of(
        app.get("/api/v1/customers/profile/", Some(&first_token))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"detail": "Invalid token."}));
    assert_eq!(
        app.get("/api/v1/customers/profile/", Some(&second_token))
            .await
            .status(),
        StatusCode::OK
    );

    // The old password no longer logs in; the new one does.
    assert_eq!(
        app.log_in("alice@x.com", PASSWORD).await.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.log_in("alice@x.com", "a-brand-new-secret-9")
            .await
            .status(),
        StatusCode::OK
    );

    // Logout revokes exactly the presented token.
    let (status, body) = json_of(
        app.post("/api/v1/auth/logout/", Some(&second_token), json!({}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"message": "Logout successful"}));
    let response = app
        .get("/api/v1/customers/profile/", Some(&second_token))
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Token");
}

#[tokio::test]
async fn email_is_unique_case_insensitively_and_logs_in_in_any_case() {
    let app = spawn_app().await;
    app.register("alice@x.com").await;

    let (status, body) = json_of(
        app.post(
            "/api/v1/auth/register/",
            None,
            json!({"email": "ALICE@x.com", "password": PASSWORD, "password_confirm": PASSWORD,
                   "first_name": "Other", "last_name": "Person"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"email": ["A customer with this email address already exists."]})
    );

    let (status, body) = json_of(app.log_in("ALICE@x.com", PASSWORD).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["customer"]["email"], "alice@x.com",
        "the stored spelling is kept"
    );
}

#[tokio::test]
async fn registration_reports_every_problem_at_once() {
    let app = spawn_app().await;
    let (status, body) = json_of(
        app.post(
            "/api/v1/auth/register/",
            None,
            json!({"email": "not-an-email", "password": "123", "password_confirm": "124",
                   "first_name": "", "phone_number": "0712345678"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["email"], json!(["Enter a valid email address."]));
    assert_eq!(body["first_name"], json!(["This field may not be blank."]));
    assert_eq!(body["last_name"], json!(["This field is required."]));
    assert_eq!(
        body["password"],
        json!([
            "This password is too short. It must contain at least 8 characters.",
            "This password is too common.",
            "This password is entirely numeric."
        ])
    );
    assert_eq!(body["non_field_errors"], json!(["Passwords don't match."]));
    assert!(body["phone_number"][0]
        .as_str()
        .unwrap()
        .contains("international format"));
}

#[tokio::test]
async fn registration_keeps_the_optional_fields() {
    let app = spawn_app().await;
    let (status, body) = json_of(
        app.post(
            "/api/v1/auth/register/",
            None,
            json!({"email": "bob@x.com", "password": PASSWORD, "password_confirm": PASSWORD,
                   "first_name": "Bob", "last_name": "Otieno", "phone_number": "+254722000002",
                   "address": "1 Moi Avenue", "city": "Nairobi", "postal_code": "00100", "unknown_field": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["message"], "Customer registered successfully");
    let customer = &body["customer"];
    assert_eq!(customer["full_name"], "Bob Otieno");
    assert_eq!(customer["phone_number"], "+254722000002");
    assert_eq!(customer["city"], "Nairobi");
    assert_eq!(customer["country"], "Kenya");
    assert_eq!(customer["is_verified"], false);
    assert_eq!(customer["is_active"], true);
    for key in [
        "id",
        "email",
        "first_name",
        "last_name",
        "full_name",
        "phone_number",
        "address",
        "city",
        "state",
        "country",
        "postal_code",
        "is_verified",
        "is_active",
        "role",
        "is_staff",
        "email_notifications",
        "sms_notifications",
        "created_at",
        "updated_at",
    ] {
        assert!(customer.get(key).is_some(), "missing {key}");
    }
    assert!(customer["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(body["token"].as_str().unwrap().len() >= 40);
}

#[tokio::test]
async fn bad_credentials_get_one_answer_whatever_was_wrong() {
    let app = spawn_app().await;
    app.register("alice@x.com").await;
    for (email, password) in [
        ("alice@x.com", "wrong-password"),
        ("nobody@x.com", PASSWORD),
        ("not-an-email", PASSWORD),
    ] {
        let (status, body) = json_of(app.log_in(email, password).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            json!({"non_field_errors": ["Invalid email or password."]})
        );
    }
    let (status, body) = json_of(
        app.post("/api/v1/auth/login/", None, json!({"email": "alice@x.com"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"password": ["This field is required."]}));
}

#[tokio::test]
async fn eleven_wrong_passwords_in_a_row_are_throttled() {
    let app = spawn_app().await;
    app.register("alice@x.com").await;
    for attempt in 1..=10 {
        let status = app.log_in("alice@x.com", "wrong-password").await.status();
        assert_eq!(status, StatusCode::BAD_REQUEST, "attempt {attempt}");
    }
    let response = app.log_in("alice@x.com", "wrong-password").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: i64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
    let (_, body) = json_of(response).await;
    assert!(body["detail"].as_str().unwrap().contains("Try again"));

    // Even the right password waits: the throttle answers before the password is checked.
    assert_eq!(
        app.log_in("alice@x.com", PASSWORD).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another account from the same address is not locked out by it.
    app.register("bob@x.com").await;
    assert_eq!(
        app.log_in("bob@x.com", PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn throttling_per_client_address_covers_many_emails() {
    let app = crate::helpers::spawn_app_with(&[("LOGIN_MAX_FAILURES_PER_ADDRESS", "3")]).await;
    for n in 0..3 {
        let status = app
            .log_in(&format!("user{n}@x.com"), "wrong-password")
            .await
            .status();
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    assert_eq!(
        app.log_in("user9@x.com", "wrong-password").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn obtain_token_is_drf_compatible() {
    let app = spawn_app().await;
    app.register("alice@x.com").await;

    let (status, body) = json_of(
        app.post(
            "/api/v1/auth/token/",
            None,
            json!({"username": "alice@x.com", "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let token = body["token"].as_str().unwrap();
    assert_eq!(body.as_object().unwrap().len(), 1, "only the token: {body}");
    assert_eq!(
        app.get("/api/v1/customers/profile/", Some(token))
            .await
            .status(),
        StatusCode::OK
    );

    let (status, _) = json_of(
        app.post(
            "/api/v1/auth/token/",
            None,
            json!({"email": "Alice@X.com", "password": PASSWORD}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = json_of(
        app.post("/api/v1/auth/token/", None, json!({"password": PASSWORD}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"username": ["This field is required."]}));

    let (status, body) = json_of(
        app.post(
            "/api/v1/auth/token/",
            None,
            json!({"username": "alice@x.com", "password": "nope-nope"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"non_field_errors": ["Invalid email or password."]})
    );
}

#[tokio::test]
async fn tokens_are_accepted_as_token_or_bearer_and_rejected_clearly() {
    let app = spawn_app().await;
    let (token, _) = app.register("alice@x.com").await;
    let profile = |header: Option<String>| {
        let mut request = app.client.get(app.url("/api/v1/customers/profile/"));
        if let Some(header) = header {
            request = request.header("Authorization", header);
        }
        request.send()
    };

    assert_eq!(
        profile(Some(format!("Token {token}")))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        profile(Some(format!("Bearer {token}")))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let (status, body) = json_of(profile(None).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"detail": "Authentication credentials were not provided."})
    );

    for bad in [
        format!("Token {token}x"),
        "Token".to_owned(),
        "Token a b".to_owned(),
    ] {
        let response = profile(Some(bad)).await.unwrap();
        assert_eq!(response.headers()["www-authenticate"], "Token");
        let (status, body) = json_of(response).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, json!({"detail": "Invalid token."}));
    }
}

#[tokio::test]
async fn an_expired_token_is_invalid() {
    let app = crate::helpers::spawn_app_with(&[("TOKEN_TTL_HOURS", "1")]).await;
    let (token, _) = app.register("alice@x.com").await;
    assert_eq!(
        app.get("/api/v1/customers/profile/", Some(&token))
            .await
            .status(),
        StatusCode::OK
    );
    // Age the token past its expiry.
    let mut connection = app.db.connection();
    use diesel::RunQueryDsl;
    diesel::sql_query("UPDATE api_tokens SET created_at = created_at - interval '2 hours', expires_at = expires_at - interval '2 hours'")
        .execute(&mut connection)
        .unwrap();
    let (status, body) = json_of(app.get("/api/v1/customers/profile/", Some(&token)).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"detail": "Invalid token."}));
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let (token, _) = app.register("alice@x.com").await;
    #[derive(diesel::QueryableByName)]
    struct Stored {
        #[diesel(sql_type = diesel::sql_types::Text)]
        hex: String,
    }
    use diesel::RunQueryDsl;
    let stored: Vec<Stored> =
        diesel::sql_query("SELECT encode(token_hash, 'hex') AS hex FROM api_tokens")
            .load(&mut app.db.connection())
            .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].hex, token);
    assert!(!stored[0].hex.contains(&token));
}
