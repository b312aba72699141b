//! Administration of accounts, and the role gates.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app, PASSWORD};

const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/v1/admin/"),
    ("POST", "/api/v1/admin/create_admin/"),
    ("GET", "/api/v1/admin/customers/"),
    ("GET", "/api/v1/admin/customers/1/"),
    ("POST", "/api/v1/admin/customers/1/deactivate/"),
    ("POST", "/api/v1/admin/customers/1/activate/"),
    ("POST", "/api/v1/admin/customers/1/verify/"),
];

#[tokio::test]
async fn customers_and_staff_get_403_on_admin_routes_and_anonymous_401() {
    let app = spawn_app().await;
    let (customer, _) = app.register("alice@x.com").await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    for (method, path) in ADMIN_ROUTES {
        let method: Method = method.parse().unwrap();
        for token in [&customer, &staff] {
            let (status, body) = json_of(
                app.request(method.clone(), path, Some(token), Some(json!({})))
                    .await,
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
            assert_eq!(
                body,
                json!({"detail": "You do not have permission to perform this action."})
            );
        }
        let (status, _) = json_of(
            app.request(method.clone(), path, None, Some(json!({})))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
}

#[tokio::test]
async fn only_super_admins_create_admins() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin@x.com", "admin").await;
    let boss = app.staff_token("boss@x.com", "super_admin").await;
    let body = json!({"email": "newadmin@example.com", "password": "admin123456", "first_name": "New",
                      "last_name": "Admin", "role": "admin", "permissions": ["products", "orders"]});

    let (status, _) = json_of(
        app.post("/api/v1/admin/create_admin/", Some(&admin), body.clone())
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, created) = json_of(
        app.post("/api/v1/admin/create_admin/", Some(&boss), body.clone())
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["success"], true);
    assert_eq!(created["admin"]["email"], "newadmin@example.com");
    assert_eq!(created["admin"]["role"], "admin");
    assert_eq!(created["admin"]["is_staff"], true);
    assert_eq!(created["admin"]["is_verified"], true);

    // The new admin can sign in and use admin routes.
    let token = app.token_for("newadmin@example.com", "admin123456").await;
    assert_eq!(
        app.get("/api/v1/admin/", Some(&token)).await.status(),
        StatusCode::OK
    );

    let (status, duplicate) = json_of(
        app.post("/api/v1/admin/create_admin/", Some(&boss), body)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        duplicate,
        json!({"email": ["A customer with this email address already exists."]})
    );

    let (status, invalid) = json_of(
        app.post(
            "/api/v1/admin/create_admin/",
            Some(&boss),
            json!({"email": "x@example.com", "password": "admin123", "first_name": "X", "last_name": "Y", "role": "emperor"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(invalid["password"], json!(["This password is too common."]));
    assert!(invalid["role"][0].as_str().unwrap().contains("emperor"));
}

#[tokio::test]
async fn the_staff_roster_lists_active_staff_and_above() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin@x.com", "admin").await;
    app.staff_token("staff@x.com", "staff").await;
    app.staff_token("gone@x.com", "staff").await;
    app.register("customer@x.com").await;
    let gone_id = {
        let (_, list) = json_of(
            app.get("/api/v1/admin/customers/?search=gone", Some(&admin))
                .await,
        )
        .await;
        list["results"][0]["id"].clone()
    };
    let (status, _) = json_of(
        app.post(
            &format!("/api/v1/admin/customers/{gone_id}/deactivate/"),
            Some(&admin),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, roster) = json_of(app.get("/api/v1/admin/", Some(&admin)).await).await;
    assert_eq!(status, StatusCode::OK);
    let emails: Vec<&str> = roster
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["admin@x.com", "staff@x.com"]);
}

#[tokio::test]
async fn deactivation_locks_the_account_out_until_activation() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin@x.com", "admin").await;
    let (token, alice) = app.register("alice@x.com").await;
    let id = &alice["id"];

    let (status, body) = json_of(
        app.post(
            &format!("/api/v1/admin/customers/{id}/deactivate/"),
            Some(&admin),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"success": true, "message": "Customer alice@x.com has been deactivated"})
    );

    let (status, body) = json_of(app.get("/api/v1/customers/profile/", Some(&token)).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"detail": "User inactive or deleted."}));
    assert_eq!(
        app.log_in("alice@x.com", PASSWORD).await.status(),
        StatusCode::BAD_REQUEST
    );

    let (status, body) = json_of(
        app.post(
            &format!("/api/v1/admin/customers/{id}/activate/"),
            Some(&admin),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["message"], "Customer alice@x.com has been activated");
    let (status, _) = json_of(app.get("/api/v1/customers/profile/", Some(&token)).await).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "tokens revoked by deactivation stay revoked"
    );
    assert_eq!(
        app.log_in("alice@x.com", PASSWORD).await.status(),
        StatusCode::OK
    );

    let (status, body) = json_of(
        app.post(
            &format!("/api/v1/admin/customers/{id}/verify/"),
            Some(&admin),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["message"], "Customer alice@x.com has been verified");
    let (_, detail) = json_of(
        app.get(&format!("/api/v1/admin/customers/{id}/"), Some(&admin))
            .await,
    )
    .await;
    assert_eq!(detail["is_verified"], true);
    assert_eq!(detail["is_active"], true);
}

#[tokio::test]
async fn admins_cannot_switch_off_themselves_or_their_peers() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin@x.com", "admin").await;
    app.staff_token("peer@x.com", "admin").await;
    let (_, list) = json_of(
        app.get(
            "/api/v1/admin/customers/?role=admin&ordering=email",
            Some(&admin),
        )
        .await,
    )
    .await;
    for account in list["results"].as_array().unwrap() {
        let (status, body) = json_of(
            app.post(
                &format!("/api/v1/admin/customers/{}/deactivate/", account["id"]),
                Some(&admin),
                json!({}),
            )
            .await,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{}", account["email"]);
        assert!(body["detail"].as_str().unwrap().len() > 10);
    }
    let (status, _) = json_of(
        app.post(
            "/api/v1/admin/customers/999999/verify/",
            Some(&admin),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

fn emails(list: &Value) -> Vec<String> {
    list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_customer_list_searches_filters_orders_and_paginates() {
    let app = spawn_app().await;
    let admin = app.staff_token("admin@x.com", "admin").await;
    for email in [
        "zoe@shop.ke",
        "yusuf@shop.ke",
        "xavier@mail.com",
        "wanjiru@mail.com",
    ] {
        app.register(email).await;
    }

    let (_, all) = json_of(app.get("/api/v1/admin/customers/", Some(&admin)).await).await;
    assert_eq!(all["count"], 5);
    assert_eq!(emails(&all)[0], "admin@x.com", "default order is by id");

    let (_, shop) = json_of(
        app.get(
            "/api/v1/admin/customers/?search=SHOP.ke&ordering=email",
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!(emails(&shop), ["yusuf@shop.ke", "zoe@shop.ke"]);
    let (_, both) = json_of(
        app.get("/api/v1/admin/customers/?search=shop%20zoe", Some(&admin))
            .await,
    )
    .await;
    assert_eq!(emails(&both), ["zoe@shop.ke"]);

    let (_, admins) = json_of(
        app.get("/api/v1/admin/customers/?role=admin", Some(&admin))
            .await,
    )
    .await;
    assert_eq!(emails(&admins), ["admin@x.com"]);
    let (_, active) = json_of(
        app.get("/api/v1/admin/customers/?is_active=false", Some(&admin))
            .await,
    )
    .await;
    assert_eq!(active["count"], 0);

    let (status, bad) = json_of(
        app.get(
            "/api/v1/admin/customers/?is_active=maybe&role=emperor",
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        bad.get("is_active").is_some() && bad.get("role").is_some(),
        "{bad}"
    );

    let (_, unknown_ordering) = json_of(
        app.get(
            "/api/v1/admin/customers/?ordering=password,-email",
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!(
        emails(&unknown_ordering)[0],
        "zoe@shop.ke",
        "unknown fields are ignored"
    );

    let (_, page1) = json_of(
        app.get(
            "/api/v1/admin/customers/?page_size=2&ordering=email",
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!(page1["count"], 5);
    assert_eq!(emails(&page1), ["admin@x.com", "wanjiru@mail.com"]);
    assert_eq!(page1["previous"], json!(null));
    let next = page1["next"].as_str().unwrap().to_owned();
    assert!(
        next.starts_with("http://127.0.0.1:") && next.contains("page=2"),
        "{next}"
    );
    let page2: Value = app
        .client
        .get(&next)
        .header("Authorization", format!("Token {admin}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(emails(&page2), ["xavier@mail.com", "yusuf@shop.ke"]);
    assert!(page2["previous"].as_str().unwrap().contains("page_size=2"));

    let (status, past_end) = json_of(
        app.get("/api/v1/admin/customers/?page=9", Some(&admin))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(past_end, json!({"detail": "Invalid page."}));

    let (status, _) = json_of(
        app.get("/api/v1/admin/customers/99999/", Some(&admin))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
