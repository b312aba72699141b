//! /api-docs/: an OpenAPI 2.0 document generated from the routes, listing every route served.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{json_of, spawn_app};

/// Every API route the service serves, as (method, path).
const SERVED: &[(&str, &str)] = &[
    ("get", "/health/"),
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
