//! /api-docs/: an OpenAPI 2.0 document generated from the routes, listing every route served.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{json_of, spawn_app};

/// Every API route the service serves, as (method, path).
const SERVED: &[(&str, &str)] = &[
    ("get", "/health/"),
    ("get", "/health/live/"),
    ("get", "/health/ready/"),
    ("get", "/api/"),
    ("post", "/api/v1/auth/register/"),
    ("post", "/api/v1/auth/login/"),
    ("post", "/api/v1/auth/logout/"),
    ("get", "/api/v1/auth/oidc/login/"),
    ("get", "/api/v1/auth/oidc/callback/"),
    ("post", "/api/v1/auth/oidc/token/"),
    ("get", "/api/v1/auth/oidc/userinfo/"),
    ("post", "/api/v1/auth/token/"),
    ("get", "/api/v1/customers/profile/"),
    ("put", "/api/v1/customers/update_profile/"),
    ("patch", "/api/v1/customers/update_profile/"),
    ("post", "/api/v1/customers/change_password/"),
    ("get", "/api/v1/customers/"),
    ("get", "/api/v1/customers/{id}/"),
    ("put", "/api/v1/customers/{id}/"),
    ("patch", "/api/v1/customers/{id}/"),
    ("delete", "/api/v1/customers/{id}/"),
    ("get", "/api/v1/categories/"),
    ("post", "/api/v1/categories/"),
    ("get", "/api/v1/categories/tree/"),
    ("get", "/api/v1/categories/average_price/"),
    ("get", "/api/v1/categories/average_price_per_category/"),
    ("get", "/api/v1/categories/{id}/"),
    ("put", "/api/v1/categories/{id}/"),
    ("patch", "/api/v1/categories/{id}/"),
    ("delete", "/api/v1/categories/{id}/"),
    ("get", "/api/v1/categories/{id}/average_price/"),
    ("get", "/api/v1/products/"),
    ("post", "/api/v1/products/"),
    ("get", "/api/v1/products/featured/"),
    ("get", "/api/v1/products/low_stock/"),
    ("post", "/api/v1/products/upload/"),
    ("post", "/api/v1/products/bulk_upload/"),
    ("get", "/api/v1/products/{id}/"),
    ("put", "/api/v1/products/{id}/"),
    ("patch", "/api/v1/products/{id}/"),
    ("delete", "/api/v1/products/{id}/"),
    ("post", "/api/v1/products/{id}/toggle_featured/"),
    ("get", "/api/v1/orders/"),
    ("post", "/api/v1/orders/"),
    ("get", "/api/v1/orders/my_orders/"),
    ("get", "/api/v1/orders/pending/"),
    ("get", "/api/v1/orders/statistics/"),
    ("get", "/api/v1/orders/{id}/"),
    ("patch", "/api/v1/orders/{id}/"),
    ("post", "/api/v1/orders/{id}/update_status/"),
    ("post", "/api/v1/orders/{id}/cancel/"),
    ("post", "/api/v1/orders/{id}/mark_paid/"),
    ("get", "/api/v1/orders/{id}/events/"),
    ("get", "/api/v1/admin/dashboard/"),
    ("get", "/api/v1/admin/"),
    ("post", "/api/v1/admin/create_admin/"),
    ("get", "/api/v1/admin/customers/"),
    ("get", "/api/v1/admin/customers/{id}/"),
    ("post", "/api/v1/admin/customers/{id}/deactivate/"),
    ("post", "/api/v1/admin/customers/{id}/activate/"),
    ("post", "/api/v1/admin/customers/{id}/verify/"),
    ("post", "/api/v1/admin/send_system_alert/"),
    ("get", "/api/v1/notifications/"),
    ("get", "/api/v1/notifications/stats/"),
    ("get", "/api/v1/notifications/{id}/"),
    ("post", "/api/v1/notifications/{id}/retry/"),
    ("get", "/api/v1/webhooks/"),
    ("post", "/api/v1/webhooks/"),
    ("get", "/api/v1/webhooks/{id}/"),
    ("patch", "/api/v1/webhooks/{id}/"),
    ("delete", "/api/v1/webhooks/{id}/"),
    ("post", "/api/v1/webhooks/{id}/rotate_secret/"),
    ("post", "/api/v1/webhooks/{id}/test/"),
    ("get", "/api/v1/webhooks/{id}/deliveries/"),
    ("get", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/"),
    (
        "post",
        "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry/",
    ),
];

fn resolve<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    let name = reference.strip_prefix("#/definitions/")?;
    let name = name.replace("%3C", "<").replace("%3E", ">");
    document["definitions"].get(name)
}

/// Every `$ref` anywhere in `value` names an existing definition.
fn check_refs(document: &Value, value: &Value, at: &str) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                assert!(
                    resolve(document, reference).is_some(),
                    "dangling $ref {reference} at {at}"
                );
            }
            for (key, child) in map {
                check_refs(document, child, &format!("{at}/{key}"));
            }
        }
        Value::Array(items) => items.iter().for_each(|item| check_refs(document, item, at)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_served_with_their_schemas() {
    let app = spawn_app().await;
    let (status, document) = json_of(app.get("/api-docs/", None).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["swagger"], "2.0");
    assert_eq!(document["info"]["title"], "OrderFlow API");

    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let served: BTreeSet<(String, String)> = SERVED
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, served);

    for (method, path) in SERVED {
        let operation = &document["paths"][path][method];
        let responses = operation["responses"].as_object().unwrap();
        let success = responses
            .iter()
            // A redirecting route (OIDC sign-in) succeeds with a 302 and no body.
            .find(|(code, _)| code.starts_with('2') || *code == "302")
            .unwrap_or_else(|| panic!("{method} {path} documents no success response"));
        if success.0 != "204" && success.0 != "302" {
            assert!(
                success.1.get("schema").is_some(),
                "{method} {path}: success without a schema"
            );
        }
        for parameter in path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        {
            let declared = operation["parameters"].as_array().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p["name"] == parameter && p["in"] == "path")
            });
            assert!(
                declared,
                "{method} {path}: path parameter {parameter} undeclared"
            );
        }
        let without_body = path.ends_with("logout/")
            || path.ends_with("toggle_featured/")
            || path.ends_with("cancel/")
            || path.ends_with("retry/")
            || path.ends_with("rotate_secret/")
            || path.ends_with("/test/")
            || path.contains("/admin/customers/{id}/");
        if ["post", "put", "patch"].contains(method) && !without_body {
            let has_body = operation["parameters"].as_array().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p["in"] == "body" || p["in"] == "formData")
            });
            assert!(has_body, "{method} {path}: request body undocumented");
        }
    }
    check_refs(&document, &document, "#");
    assert_eq!(
        document,
        orderflow_http::openapi_document(),
        "`orderflow openapi` prints what is served"
    );

    // Money is a decimal string, never a number.
    let product = &document["definitions"]["Product"]["properties"];
    assert_eq!(product["price"]["type"], "string");
    let average = &document["definitions"]["CategoryAveragePrice"]["properties"];
    for key in ["average_price", "min_price", "max_price"] {
        assert_eq!(average[key]["type"], "string", "{key}");
    }
    let upload = &document["paths"]["/api/v1/products/upload/"]["post"];
    assert!(upload["consumes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "multipart/form-data"));

    let customer = &document["definitions"]["Customer"]["properties"];
    for key in ["id", "email", "role", "is_staff", "is_active", "created_at"] {
        assert!(customer.get(key).is_some(), "Customer.{key} undocumented");
    }
    assert!(document["securityDefinitions"]["TokenAuth"].is_object());
}

/// Every operation's answers, by status code.
fn responses<'a>(
    document: &'a Value,
    method: &str,
    path: &str,
) -> &'a serde_json::Map<String, Value> {
    document["paths"][path][method]["responses"]
        .as_object()
        .unwrap_or_else(|| panic!("{method} {path} undocumented"))
}

#[tokio::test]
async fn the_document_says_null_where_the_api_sends_null_and_documents_every_error_body() {
    let document = orderflow_http::openapi_document();
    assert_eq!(
        document["produces"],
        serde_json::json!(["application/json"])
    );
    assert_eq!(
        document["consumes"],
        serde_json::json!(["application/json"])
    );
    let definitions = &document["definitions"];

    // A key documented for a resource is always present; an absent value is null (`x-nullable` in Swagger 2.0).
    let nullable = |schema: &Value, key: &str| {
        assert_eq!(
            schema["properties"][key]["x-nullable"], true,
            "{key} is not x-nullable"
        );
        assert!(
            schema["required"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k == key),
            "{key} is not required"
        );
    };
    for page in [
        "Paginated<Product>",
        "Paginated<Order>",
        "Paginated<Customer>",
    ] {
        nullable(&definitions[page], "next");
        nullable(&definitions[page], "previous");
    }
    nullable(&definitions["Product"], "image");
    nullable(&definitions["Category"], "parent");
    nullable(&definitions["Category"], "parent_name");
    nullable(&definitions["Customer"], "phone_number");
    nullable(&definitions["Notification"], "cost");
    nullable(&definitions["Notification"], "sent_at");
    nullable(&definitions["OrderEvent"], "from_status");
    nullable(&definitions["OidcUserInfo"], "oidc_info");
    nullable(&definitions["CategoryAveragePrice"], "average_price");
    assert_eq!(
        definitions["Product"]["properties"]["price"].get("x-nullable"),
        None
    );
    assert_eq!(definitions["Product"]["properties"]["id"]["format"], "uuid");
    assert_eq!(
        definitions["CategoryTreeNode"]["properties"]["children"]["items"]["$ref"],
        "#/definitions/CategoryTreeNode"
    );
    // Request bodies keep their optional fields optional.
    assert!(definitions["ProductRequest"]["properties"]["sku"]
        .get("x-nullable")
        .is_none());

    for (method, path) in SERVED {
        for (status, response) in responses(&document, method, path) {
            if status.starts_with('4') || status.starts_with('5') {
                let schema = response["schema"]["$ref"].as_str();
                let expected = match status.as_str() {
                    "400" if path.ends_with("bulk_upload/") => "#/definitions/ImportErrors",
                    "400" => "#/definitions/ValidationErrors",
                    "500" => "#/definitions/ServerError",
                    "503" if *path == "/health/" => "#/definitions/Health",
                    "503" if *path == "/health/ready/" => "#/definitions/Readiness",
                    "503" if *path == "/health/live/" => "#/definitions/Liveness",
                    _ => "#/definitions/Error",
                };
                assert_eq!(schema, Some(expected), "{method} {path} {status}");
            }
        }
        // A 401 needs a token, or an identity provider's ID token.
        let secured = document["paths"][path][method].get("security").is_some();
        let provider_token =
            ["/api/v1/auth/oidc/callback/", "/api/v1/auth/oidc/token/"].contains(path);
        let answers = responses(&document, method, path);
        assert_eq!(
            answers.contains_key("401"),
            secured || provider_token,
            "{method} {path}: 401"
        );
    }
    let place = responses(&document, "post", "/api/v1/orders/");
    for status in ["400", "401", "409", "413", "415", "422", "500", "503"] {
        assert!(place.contains_key(status), "POST orders/ {status}");
    }
    assert!(!place.contains_key("403") && !place.contains_key("404"));
    assert!(document["paths"]["/api/v1/orders/"]["post"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["in"] == "header" && p["name"] == "Idempotency-Key"));
    let profile = responses(&document, "get", "/api/v1/customers/profile/");
    assert_eq!(
        profile.keys().collect::<Vec<_>>(),
        ["200", "401", "500", "503"]
    );
    let login = responses(&document, "get", "/api/v1/auth/oidc/login/");
    assert!(login.contains_key("302") && login.contains_key("503"));
}

/// The 403s the document lists are the role gates the server enforces: a customer gets 403 exactly there.
#[tokio::test]
async fn documented_403s_are_the_role_gates_the_server_enforces() {
    let app = spawn_app().await;
    let (token, _) = app.register("gates@example.com").await;
    let document = orderflow_http::openapi_document();
    // Logging out ends the session the other calls use: last.
    let mut operations: Vec<&(&str, &str)> = SERVED.iter().collect();
    operations.sort_by_key(|(_, path)| path.ends_with("logout/"));
    for (method, path) in operations {
        if document["paths"][path][method].get("security").is_none() {
            continue;
        }
        let id = if ["/products/", "/orders/", "/notifications/"]
            .iter()
            .any(|kind| path.contains(kind))
        {
            "0b5c1a3e-7d39-4c51-9b1e-3f0f5a8e2d11"
        } else {
            "999999"
        };
        let url = path.replace("{id}", id);
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let body = (method != reqwest::Method::GET && method != reqwest::Method::DELETE)
            .then(|| serde_json::json!({}));
        let status = app
            .request(method.clone(), &url, Some(&token), body)
            .await
            .status();
        let documented =
            responses(&document, &method.as_str().to_lowercase(), path).contains_key("403");
        assert_eq!(
            status == StatusCode::FORBIDDEN,
            documented,
            "{method} {url}: {status}"
        );
    }
}
