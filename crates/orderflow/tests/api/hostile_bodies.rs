//! Hostile request bodies: control characters, unbounded text, numbers past their columns, over-precise prices,
//! SKUs that differ in letter case, category chains deeper than the path index holds. Each is a 4xx that names
//! the field, never a 500. (Issue 9, items 3, 4, 6 and 10.)

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::categories::patch;
use crate::helpers::{json_of, spawn_app, TestApp, PASSWORD};
use crate::orders::{order_body, place, shop, stock, Shop};

const IN_TEXT: &str =
    "Control characters other than tabs and line breaks are not allowed in this field.";

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    json_of(app.post(path, token, body).await).await
}

/// Posts `body` to `path` and checks that the answer is a 400 whose first message on `field` is `message`.
async fn refused(app: &TestApp, path: &str, token: &str, body: Value, field: &str, message: &str) {
    let (status, answer) = post(app, path, Some(token), body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {answer}");
    assert_eq!(answer[field][0], message, "{path}: {answer}");
}

#[tokio::test]
async fn a_nul_in_any_json_string_is_a_400_naming_the_field() {
    let app = spawn_app().await;
    let (status, body) = post(
        &app,
        "/api/v1/auth/register/",
        None,
        json!({"email": "nul@x.com", "password": PASSWORD, "password_confirm": PASSWORD,
               "first_name": "Al\u{0}ice", "last_name": "Wanjiru"}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body, json!({"first_name": [IN_TEXT]}));
    assert_eq!(app.count("customers"), 0);

    let (token, _) = app.register("alice@x.com").await;
    let response = app
        .request(
            reqwest::Method::PATCH,
            "/api/v1/customers/update_profile/",
            Some(&token),
            Some(json!({"city": "Nai\u{0}robi"})),
        )
        .await;
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status, body),
        (StatusCode::BAD_REQUEST, json!({"city": [IN_TEXT]}))
    );

    let shop = shop(&app).await;
    let lamp = shop.product(&app, "Lamp", "5.00", 3).await;
    let mut order = order_body(&[(&lamp, 1)]);
    order["notes"] = json!("ring\u{0}");
    let (status, body) = post(&app, "/api/v1/orders/", Some(&token), order).await;
    assert_eq!(
        (status, body),
        (StatusCode::BAD_REQUEST, json!({"notes": [IN_TEXT]}))
    );
    assert_eq!(app.count("orders"), 0);
}

#[tokio::test]
async fn single_line_fields_refuse_tabs_and_line_breaks_and_free_text_keeps_them() {
    let app = spawn_app().await;
    let Shop { staff, category } = shop(&app).await;
    refused(
        &app,
        "/api/v1/products/",
        &staff,
        json!({"name": "Lamp\nShade", "price": "5.00", "category": category}),
        "name",
        "Control characters (including tabs and line breaks) are not allowed in this field.",
    )
    .await;
    let product = app
        .product(
            &staff,
            json!({"name": "Lamp", "description": "Brass.\r\n\tWarm light.", "price": "5.00", "category": category}),
        )
        .await;
    assert_eq!(product["description"], "Brass.\r\n\tWarm light.");
}

#[tokio::test]
async fn every_free_text_field_has_a_maximum_length() {
    let app = spawn_app().await;
    let goods = shop(&app).await;
    let staff = &goods.staff;
    refused(
        &app,
        "/api/v1/products/",
        staff,
        json!({"name": "Lamp", "description": "d".repeat(100 * 1024), "price": "5.00", "category": goods.category}),
        "description",
        "Ensure this field has no more than 10000 characters.",
    )
    .await;
    refused(
        &app,
        "/api/v1/categories/",
        staff,
        json!({"name": "Long", "description": "d".repeat(2_001)}),
        "description",
        "Ensure this field has no more than 2000 characters.",
    )
    .await;
    let (token, _) = app.register("alice@x.com").await;
    let lamp = goods.product(&app, "Lamp", "5.00", 3).await;
    let (status, order) = place(&app, &token, &[(&lamp, 1)]).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let id = order["id"].as_str().unwrap();
    refused(
        &app,
        &format!("/api/v1/orders/{id}/update_status/"),
        staff,
        json!({"status": "confirmed", "notes": "n".repeat(1_001)}),
        "notes",
        "Ensure this field has no more than 1000 characters.",
    )
    .await;
    let (_, order) = json_of(
        app.get(&format!("/api/v1/orders/{id}/"), Some(&token))
            .await,
    )
    .await;
    assert_eq!(order["status"], "pending", "nothing changed");
}

#[tokio::test]
async fn stock_beyond_its_column_is_refused_never_clamped() {
    let app = spawn_app().await;
    let Shop { staff, category } = shop(&app).await;
    refused(
        &app,
        "/api/v1/products/",
        &staff,
        json!({"name": "Lamp", "price": "5.00", "category": category, "stock_quantity": 1_000_000_000_000_i64}),
        "stock_quantity",
        "Ensure this value is less than or equal to 2147483647.",
    )
    .await;
    assert_eq!(app.count("products"), 0);
    let max = app
        .product(&staff, json!({"name": "Lamp", "price": "5.00", "category": category, "stock_quantity": 2_147_483_647_i64}))
        .await;
    assert_eq!(max["stock_quantity"], 2_147_483_647_i64);
}

#[tokio::test]
async fn cancelling_an_order_whose_stock_would_overflow_is_a_409_that_changes_nothing() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let (token, _) = app.register("alice@x.com").await;
    let lamp = shop.product(&app, "Lamp", "5.00", 10).await;
    let bulb = shop.product(&app, "Bulb", "1.00", 10).await;
    let (status, order) = place(&app, &token, &[(&lamp, 2), (&bulb, 3)]).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    // Meanwhile the shop restocks the bulb to the very top.
    let response = app
        .request(
            reqwest::Method::PATCH,
            &format!("/api/v1/products/{bulb}/"),
            Some(&shop.staff),
            Some(json!({"stock_quantity": 2_147_483_647_i64})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let id = order["id"].as_str().unwrap();
    let (status, body) = post(
        &app,
        &format!("/api/v1/orders/{id}/cancel/"),
        Some(&token),
        json!({}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("\"Bulb\"") && detail.contains("2147483647"),
        "{detail}"
    );
    assert_eq!(
        stock(&app, &lamp).await,
        8,
        "no line's units came back alone"
    );
    assert_eq!(stock(&app, &bulb).await, 2_147_483_647_i64);
    let (_, order) = json_of(
        app.get(&format!("/api/v1/orders/{id}/"), Some(&token))
            .await,
    )
    .await;
    assert_eq!(order["status"], "pending");
    let (_, events) = json_of(
        app.get(&format!("/api/v1/orders/{id}/events/"), Some(&token))
            .await,
    )
    .await;
    assert_eq!(
        events.as_array().unwrap().len(),
        1,
        "only the placement: {events}"
    );
}

#[tokio::test]
async fn a_price_with_more_than_two_decimals_is_refused_as_written() {
    let app = spawn_app().await;
    let Shop { staff, category } = shop(&app).await;
    // As strings and as raw JSON numbers: the digits are read as written, never rounded through a float or a
    // decimal type first.
    for price in [
        r#""1.10000000000000000000000000001""#,
        r#""1.500""#,
        "1.10000000000000000000000000001",
        "1.500",
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/products/"))
            .header("Authorization", format!("Token {staff}"))
            .header("Content-Type", "application/json")
            .body(format!(
                r#"{{"name": "Lamp", "category": {category}, "price": {price}}}"#
            ))
            .send()
            .await
            .unwrap();
        let (status, answer) = json_of(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{price}: {answer}");
        assert_eq!(
            answer["price"][0], "Ensure that there are no more than 2 decimal places.",
            "{price}"
        );
    }
    assert_eq!(app.count("products"), 0);
}

#[tokio::test]
async fn skus_are_unique_whatever_their_letter_case() {
    let app = spawn_app().await;
    let Shop { staff, category } = shop(&app).await;
    app.product(
        &staff,
        json!({"name": "Rake", "price": "5.00", "category": category, "sku": "RAKE-001"}),
    )
    .await;
    refused(
        &app,
        "/api/v1/products/",
        &staff,
        json!({"name": "Other rake", "price": "5.00", "category": category, "sku": "rake-001"}),
        "sku",
        "product with this sku already exists.",
    )
    .await;
    assert_eq!(app.count("products"), 1);
}

/// A chain of `levels` categories, each under the previous one; returns the deepest id.
async fn chain(app: &TestApp, token: &str, levels: usize) -> i64 {
    let mut parent = None;
    for level in 0..levels {
        parent = Some(app.category(token, &format!("Level {level}"), parent).await);
    }
    parent.unwrap()
}

#[tokio::test]
async fn the_tree_stops_at_a_hundred_levels_with_a_400_on_parent() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let deepest = chain(&app, &staff, 100).await;
    let (status, body) = post(
        &app,
        "/api/v1/categories/",
        Some(&staff),
        json!({"name": "Too deep", "parent": deepest}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"parent": ["Categories can be nested at most 100 levels deep."]})
    );
    // Moving a two-level branch under level 98 would put its leaf at level 100.
    let branch = app.category(&staff, "Branch", None).await;
    app.category(&staff, "Leaf", Some(branch)).await;
    let (_, deepest_body) = json_of(
        app.get(&format!("/api/v1/categories/{deepest}/"), None)
            .await,
    )
    .await;
    let level_98 = deepest_body["parent"].as_i64().unwrap();
    let (status, body) = patch(&app, &staff, branch, json!({"parent": level_98})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["parent"][0]
        .as_str()
        .unwrap()
        .contains("at most 100 levels"));
    assert_eq!(app.corrupt_categories(), 0);
}

#[tokio::test]
async fn an_import_deeper_than_the_tree_allows_names_the_row_and_field_in_plain_words() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let path: Vec<String> = (0..140).map(|n| format!("Depth {n}")).collect();
    let rows = json!([
        {"name": "Fine", "price": "1.00", "category_path": "Shallow > Deeper"},
        {"name": "Deep", "price": "1.00", "category_path": path.join(" > ")},
    ]);
    let (status, body) = post(&app, "/api/v1/products/bulk_upload/", Some(&staff), rows).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["rows"]["2"],
        json!({"category_path": ["A category path can have at most 100 levels."]})
    );
    let text = body.to_string();
    for database_words in ["index", "btree", "violates", "constraint", "SQL"] {
        assert!(!text.contains(database_words), "{text}");
    }
    assert_eq!(app.count("categories"), 0, "nothing was imported");
}

#[tokio::test]
async fn a_nul_in_an_import_cell_or_a_form_field_is_refused_by_field() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let response = app
        .client
        .post(app.url("/api/v1/products/bulk_upload/"))
        .header("Authorization", format!("Token {staff}"))
        .header("Content-Type", "text/csv")
        .body("name,price,category_path,description\nLamp,5.00,Goods,warm\u{0}light\n")
        .send()
        .await
        .unwrap();
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["rows"]["1"],
        json!({"description": ["Control characters other than tabs and line breaks are not allowed in this field."]})
    );
    let form = reqwest::multipart::Form::new()
        .text("name", "Goods")
        .text("description", "bad\u{0}");
    let response = app.post_form("/api/v1/categories/", &staff, form).await;
    let (status, body) = json_of(response).await;
    assert_eq!(
        (status, body),
        (StatusCode::BAD_REQUEST, json!({"description": [IN_TEXT]}))
    );
    assert_eq!(app.count("categories"), 0);
}
