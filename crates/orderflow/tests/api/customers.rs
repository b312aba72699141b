//! The signed-in customer's own account.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{json_of, spawn_app, PASSWORD};

#[tokio::test]
async fn profile_updates_are_partial_through_put_and_patch() {
    let app = spawn_app().await;
    let (token, _) = app.register("alice@x.com").await;

    let (status, body) = json_of(
        app.request(
            Method::PATCH,
            "/api/v1/customers/update_profile/",
            Some(&token),
            Some(json!({"city": "Kisumu", "sms_notifications": false, "email": "ignored@x.com"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["city"], "Kisumu");
    assert_eq!(body["sms_notifications"], false);
    assert_eq!(
        body["first_name"], "Alice",
        "untouched fields keep their value"
    );
    assert_eq!(
        body["email"], "alice@x.com",
        "the email is not changed here"
    );

    let (status, body) = json_of(
        app.request(
            Method::PUT,
            "/api/v1/customers/update_profile/",
            Some(&token),
            Some(json!({"first_name": "Alicia", "phone_number": null})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["first_name"], "Alicia");
    assert_eq!(body["full_name"], "Alicia Wanjiru");
    assert_eq!(body["phone_number"], json!(null));
    assert_eq!(body["city"], "Kisumu");

    let (_, profile) = json_of(app.get("/api/v1/customers/profile/", Some(&token)).await).await;
    assert_eq!(profile["first_name"], "Alicia");
    assert_eq!(profile["sms_notifications"], false);
}

#[tokio::test]
async fn invalid_profile_values_are_refused_field_by_field() {
    let app = spawn_app().await;
    let (token, _) = app.register("alice@x.com").await;
    let (status, body) = json_of(
        app.request(
            Method::PATCH,
            "/api/v1/customers/update_profile/",
            Some(&token),
            Some(json!({"phone_number": "0712345678", "last_name": " ", "postal_code": "x".repeat(21)})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["phone_number"][0]
        .as_str()
        .unwrap()
        .contains("+254712345678"));
    assert_eq!(body["last_name"], json!(["This field may not be blank."]));
    assert_eq!(
        body["postal_code"],
        json!(["Ensure this field has no more than 20 characters."])
    );
    let (_, profile) = json_of(app.get("/api/v1/customers/profile/", Some(&token)).await).await;
    assert_eq!(
        profile["phone_number"], "+254711000001",
        "nothing was written"
    );
}

#[tokio::test]
async fn change_password_checks_the_old_one_and_the_rules() {
    let app = spawn_app().await;
    let (token, _) = app.register("alice@x.com").await;
    let change = |old: &str, new: &str| {
        app.post(
            "/api/v1/customers/change_password/",
            Some(&token),
            json!({"old_password": old, "new_password": new}),
        )
    };
    let (status, body) = json_of(change("wrong-old-pass", "fresh-secret-22").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"old_password": ["Your old password was entered incorrectly."]})
    );

    let (status, body) = json_of(change(PASSWORD, "alice@x.com").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["new_password"],
        json!(["The password is too similar to the email address."])
    );

    let (status, body) = json_of(
        app.post(
            "/api/v1/customers/change_password/",
            Some(&token),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["old_password"], json!(["This field is required."]));
    assert_eq!(body["new_password"], json!(["This field is required."]));

    assert_eq!(
        app.log_in("alice@x.com", PASSWORD).await.status(),
        StatusCode::OK,
        "password unchanged"
    );
}

#[tokio::test]
async fn customers_see_only_their_own_record() {
    let app = spawn_app().await;
    let (alice_token, alice) = app.register("alice@x.com").await;
    let (_, bob) = app.register("bob@x.com").await;

    let (status, list) = json_of(app.get("/api/v1/customers/", Some(&alice_token)).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["count"], 1);
    assert_eq!(list["next"], json!(null));
    assert_eq!(list["previous"], json!(null));
    assert_eq!(list["results"][0]["id"], alice["id"]);

    let own = format!("/api/v1/customers/{}/", alice["id"]);
    let other = format!("/api/v1/customers/{}/", bob["id"]);
    let (status, body) = json_of(app.get(&own, Some(&alice_token)).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["email"], "alice@x.com");

    for method in [Method::GET, Method::PATCH, Method::DELETE] {
        let (status, body) = json_of(
            app.request(
                method.clone(),
                &other,
                Some(&alice_token),
                Some(json!({"city": "X"})),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method}");
        assert_eq!(body, json!({"detail": "Not found."}));
    }
    let (status, _) = json_of(app.get("/api/v1/customers/abc/", Some(&alice_token)).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, body) = json_of(
        app.request(
            Method::PATCH,
            &own,
            Some(&alice_token),
            Some(json!({"city": "Eldoret"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["city"], "Eldoret");
}

#[tokio::test]
async fn closing_the_account_deactivates_it_and_revokes_its_tokens() {
    let app = spawn_app().await;
    let (token, alice) = app.register("alice@x.com").await;
    let second = app.token_for("alice@x.com", PASSWORD).await;

    let response = app
        .request(
            Method::DELETE,
            &format!("/api/v1/customers/{}/", alice["id"]),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    for token in [&token, &second] {
        let (status, body) =
            json_of(app.get("/api/v1/customers/profile/", Some(token)).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body, json!({"detail": "User inactive or deleted."}));
    }
    assert_eq!(
        app.log_in("alice@x.com", PASSWORD).await.status(),
        StatusCode::BAD_REQUEST
    );
}
