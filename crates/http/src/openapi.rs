//! The OpenAPI document as served at `/api-docs/` and printed by `orderflow openapi`: paperclip's document of the
//! routes, made exact in one pass.
//!
//! paperclip derives the document from the handlers' types, which is most of the truth but not all of it:
//!
//! - An `Option` field is merely left out of `required`, while the API always sends every key of a resource (`null`
//!   when there is no value) and Swagger 2.0 has no `null` type. Every property of a response is therefore
//!   `required`, and the optional ones are `x-nullable`. Request bodies keep paperclip's `required`.
//! - Errors come from one blanket list on [`ApiError`](crate::ApiError), without bodies. Each operation gets the
//!   statuses it can answer instead, with their JSON bodies: what its parameters imply (a token: 401; a path
//!   parameter or a page number: 404; a query or a body: 400; a body: 413 and 415), plus what the use case behind
//!   it adds ([`ROLE_GATES`], [`ALSO_ANSWERS`]).
//! - The category tree's nodes hold nodes of the same schema, which paperclip cannot say.
//! - Everything is JSON unless an operation says otherwise; the `Idempotency-Key` header of `POST orders/`, and
//!   the UUIDs that name products, orders and notifications in paths.
//! - Every text field of a request says its maximum length, and stock its range ([`input_bounds`]).

mod input_bounds;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

/// Operations that need more than a signed-in account, with the least role they take (`Caller<Staff>`, ...).
/// Everyone else gets a 403 there; `tests/api/openapi.rs` checks the documented 403s against the server.
const ROLE_GATES: &[(&str, &str, &str)] = &[
    ("post", "/api/v1/categories/", "staff"),
    ("put", "/api/v1/categories/{id}/", "staff"),
    ("patch", "/api/v1/categories/{id}/", "staff"),
    ("delete", "/api/v1/categories/{id}/", "staff"),
    ("post", "/api/v1/products/", "staff"),
    ("post", "/api/v1/products/upload/", "staff"),
    ("post", "/api/v1/products/bulk_upload/", "staff"),
    ("get", "/api/v1/products/low_stock/", "staff"),
    ("put", "/api/v1/products/{id}/", "staff"),
    ("patch", "/api/v1/products/{id}/", "staff"),
    ("delete", "/api/v1/products/{id}/", "staff"),
    ("post", "/api/v1/products/{id}/toggle_featured/", "staff"),
    ("get", "/api/v1/orders/pending/", "staff"),
    ("get", "/api/v1/orders/statistics/", "staff"),
    ("post", "/api/v1/orders/{id}/update_status/", "staff"),
    ("post", "/api/v1/orders/{id}/mark_paid/", "staff"),
    ("get", "/api/v1/admin/", "admin"),
    ("get", "/api/v1/admin/dashboard/", "admin"),
    ("get", "/api/v1/admin/customers/", "admin"),
    ("get", "/api/v1/admin/customers/{id}/", "admin"),
    ("post", "/api/v1/admin/customers/{id}/deactivate/", "admin"),
    ("post", "/api/v1/admin/customers/{id}/activate/", "admin"),
    ("post", "/api/v1/admin/customers/{id}/verify/", "admin"),
    ("post", "/api/v1/admin/send_system_alert/", "admin"),
    ("post", "/api/v1/notifications/{id}/retry/", "admin"),
    ("get", "/api/v1/webhooks/", "admin"),
    ("post", "/api/v1/webhooks/", "admin"),
    ("get", "/api/v1/webhooks/{id}/", "admin"),
    ("patch", "/api/v1/webhooks/{id}/", "admin"),
    ("delete", "/api/v1/webhooks/{id}/", "admin"),
    ("post", "/api/v1/webhooks/{id}/rotate_secret/", "admin"),
    ("post", "/api/v1/webhooks/{id}/test/", "admin"),
    ("get", "/api/v1/webhooks/{id}/deliveries/", "admin"),
    (
        "get",
        "/api/v1/webhooks/{id}/deliveries/{delivery_id}/",
        "admin",
    ),
    (
        "post",
        "/api/v1/webhooks/{id}/deliveries/{delivery_id}/retry/",
        "admin",
    ),
    ("post", "/api/v1/admin/create_admin/", "super_admin"),
];

const STOCK_LIMIT: &str =
    "Returning the order's units would take a product's stock past 2147483647; nothing changed.";
const HASHING_BUSY: &str =
    "Every password-hashing slot stayed busy for PASSWORD_HASH_WAIT_MS; retry after a second (Retry-After: 1).";

/// Statuses an operation answers beyond what its parameters and its role gate imply, and why.
const ALSO_ANSWERS: &[(&str, &str, u16, &str)] = &[
    (
        "get",
        "/api/v1/categories/average_price/",
        404,
        "No category has this slug.",
    ),
    (
        "post",
        "/api/v1/categories/",
        409,
        "The slug was taken concurrently; retry.",
    ),
    (
        "put",
        "/api/v1/categories/{id}/",
        409,
        "The slug was taken concurrently; retry.",
    ),
    (
        "patch",
        "/api/v1/categories/{id}/",
        409,
        "The slug was taken concurrently; retry.",
    ),
    (
        "delete",
        "/api/v1/categories/{id}/",
        409,
        "The category still has child categories or products.",
    ),
    (
        "post",
        "/api/v1/products/",
        409,
        "The slug was taken concurrently; retry.",
    ),
    (
        "post",
        "/api/v1/products/upload/",
        409,
        "The slug was taken concurrently; retry.",
    ),
    (
        "post",
        "/api/v1/products/bulk_upload/",
        409,
        "A slug or SKU was taken concurrently; retry.",
    ),
    (
        "put",
        "/api/v1/products/{id}/",
        409,
        "The slug was taken concurrently; retry.",
    ),
    (
        "patch",
        "/api/v1/products/{id}/",
        409,
        "The slug was taken concurrently; retry.",
    ),
    (
        "delete",
        "/api/v1/products/{id}/",
        409,
        "The product appears on orders: set its status to `discontinued` instead.",
    ),
    (
        "post",
        "/api/v1/orders/",
        409,
        "A request with this Idempotency-Key is still being processed, or the order's products changed while it \
         was being placed (nothing was ordered); retry.",
    ),
    (
        "post",
        "/api/v1/orders/",
        422,
        "This Idempotency-Key was already used with a different request.",
    ),
    (
        "post",
        "/api/v1/orders/{id}/cancel/",
        400,
        "The order cannot be cancelled in its current status.",
    ),
    ("post", "/api/v1/orders/{id}/cancel/", 409, STOCK_LIMIT),
    (
        "post",
        "/api/v1/orders/{id}/update_status/",
        409,
        STOCK_LIMIT,
    ),
    (
        "post",
        "/api/v1/notifications/{id}/retry/",
        400,
        "The notification has not failed.",
    ),
    ("post", "/api/v1/auth/register/", 503, HASHING_BUSY),
    ("post", "/api/v1/auth/login/", 503, HASHING_BUSY),
    ("post", "/api/v1/auth/token/", 503, HASHING_BUSY),
    (
        "post",
        "/api/v1/customers/change_password/",
        503,
        HASHING_BUSY,
    ),
    ("post", "/api/v1/admin/create_admin/", 503, HASHING_BUSY),
    (
        "post",
        "/api/v1/auth/login/",
        429,
        "Too many failed logins for this email or from this address; see Retry-After.",
    ),
    (
        "post",
        "/api/v1/auth/token/",
        429,
        "Too many failed logins for this email or from this address; see Retry-After.",
    ),
    (
        "post",
        "/api/v1/auth/register/",
        429,
        "Too many registrations from this address; see Retry-After.",
    ),
    (
        "post",
        "/api/v1/customers/change_password/",
        429,
        "Too many wrong old passwords for this account or from this address; see Retry-After.",
    ),
    (
        "get",
        "/api/v1/auth/oidc/login/",
        429,
        "Too many sign-ins started from this address; see Retry-After.",
    ),
    (
        "get",
        "/api/v1/auth/oidc/callback/",
        401,
        "The account is inactive.",
    ),
    (
        "get",
        "/api/v1/auth/oidc/callback/",
        409,
        "The provider's email belongs to another account, and is not verified.",
    ),
    (
        "post",
        "/api/v1/auth/oidc/token/",
        401,
        "The ID token is invalid, or the account is inactive.",
    ),
    (
        "post",
        "/api/v1/auth/oidc/token/",
        409,
        "The provider's email belongs to another account, and is not verified.",
    ),
];

/// Paths whose `{id}` is a UUID (products, orders, notifications); the others are integers.
const UUID_ID_PATHS: &[&str] = &[
    "/api/v1/products/{id}/",
    "/api/v1/orders/{id}/",
    "/api/v1/notifications/{id}/",
    "/api/v1/webhooks/{id}/",
];

const JSON: &str = "application/json";

/// paperclip's document, made exact (see the module's documentation).
pub fn exact(mut document: Value) -> Value {
    document["consumes"] = json!([JSON]);
    document["produces"] = json!([JSON]);
    add_error_definitions(&mut document);
    // paperclip cannot express a schema that contains itself.
    if let Some(children) =
        document["definitions"]["CategoryTreeNode"]["properties"].get_mut("children")
    {
        children["items"] = json!({"$ref": "#/definitions/CategoryTreeNode"});
    }
    make_responses_nullable(&mut document);
    input_bounds::document_input_bounds(&mut document);
    let paths: Vec<String> = document["paths"]
        .as_object()
        .map(|paths| paths.keys().cloned().collect())
        .unwrap_or_default();
    for path in paths {
        let Some(operations) = document["paths"][&path].as_object_mut() else {
            continue;
        };
        for (method, operation) in operations.iter_mut() {
            document_errors(method, &path, operation);
            document_parameters(method, &path, operation);
        }
    }
    document
}

fn add_error_definitions(document: &mut Value) {
    let definitions = &mut document["definitions"];
    definitions["Error"] = json!({
        "type": "object",
        "description": "An error that is not about one field.",
        "properties": {"detail": {"type": "string", "description": "What went wrong, and what to do."}},
        "required": ["detail"],
    });
    definitions["ServerError"] = json!({
        "type": "object",
        "description": "An unexpected failure: the cause is logged under the request id, never sent.",
        "properties": {
            "detail": {"type": "string", "description": "`Internal server error.`"},
            "request_id": {"type": "string", "description": "The `X-Request-Id` of the request."},
        },
        "required": ["detail", "request_id"],
    });
    definitions["ValidationErrors"] = json!({
        "type": "object",
        "description": "Invalid input, as Django REST framework shapes it: `{\"<field>\": [\"message\", ...], \
            \"non_field_errors\": [...]}`, where a list field holds one such object per item \
            (`{\"items\": [{}, {\"quantity\": [\"...\"]}]}`); or `{\"detail\": \"...\"}` when the request as a \
            whole is unreadable.",
        "properties": {
            "detail": {"type": "string"},
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": {
            "type": "array",
            "description": "The field's messages (strings), or for a list field one error object per item.",
            "items": {},
        },
    });
    let mut import_errors = definitions["ValidationErrors"].clone();
    import_errors["description"] = json!(
        "A rejected import, of which nothing was imported: `rows` holds the errors of each bad row by its number \
         (with a `detail`); an unreadable or empty file is a `detail` or `non_field_errors`."
    );
    import_errors["properties"]["rows"] = json!({
        "type": "object",
        "additionalProperties": {"$ref": "#/definitions/ValidationErrors"},
    });
    definitions["ImportErrors"] = import_errors;
}

/// Every property of every schema a response uses becomes `required`; those paperclip left out (the `Option`s)
/// become `x-nullable`.
fn make_responses_nullable(document: &mut Value) {
    let mut reached: Vec<String> = Vec::new();
    if let Some(paths) = document["paths"].as_object_mut() {
        for operation in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in operation.values_mut() {
                let Some(responses) = operation["responses"].as_object_mut() else {
                    continue;
                };
                for schema in responses.values_mut().filter_map(|r| r.get_mut("schema")) {
                    nullable(schema, &mut reached);
                }
            }
        }
    }
    let mut done = BTreeSet::new();
    while let Some(name) = reached.pop() {
        if done.insert(name.clone()) {
            if let Some(schema) = document["definitions"].get_mut(&name) {
                nullable(schema, &mut reached);
            }
        }
    }
}

/// Makes one response schema exact, collecting the definitions it refers to.
fn nullable(schema: &mut Value, reached: &mut Vec<String>) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(name) = object
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(definition_name)
    {
        reached.push(name);
    }
    let required = object_required(object);
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            nullable(property, reached);
            if !required.contains(name) {
                mark_nullable(property);
            }
        }
        let all: Vec<Value> = properties.keys().cloned().map(Value::String).collect();
        object.insert("required".into(), Value::Array(all));
    }
    for key in ["items", "additionalProperties"] {
        if let Some(inner) = object.get_mut(key) {
            nullable(inner, reached);
        }
    }
    for key in ["allOf", "anyOf"] {
        if let Some(Value::Array(parts)) = object.get_mut(key) {
            parts.iter_mut().for_each(|part| nullable(part, reached));
        }
    }
}

fn object_required(object: &Map<String, Value>) -> BTreeSet<String> {
    object
        .get("required")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `x-nullable` beside a `$ref` would be ignored (siblings of a reference do not count): such a property becomes
/// `allOf: [the reference]`.
fn mark_nullable(property: &mut Value) {
    let Some(object) = property.as_object_mut() else {
        return;
    };
    if let Some(reference) = object.remove("$ref") {
        object.insert("allOf".into(), json!([{ "$ref": reference }]));
    }
    object.insert("x-nullable".into(), Value::Bool(true));
}

fn definition_name(reference: &str) -> Option<String> {
    let name = reference.strip_prefix("#/definitions/")?;
    Some(name.replace("%3C", "<").replace("%3E", ">"))
}

/// Replaces paperclip's blanket error list (the operations that have one: those whose handler returns
/// `Result<_, ApiError>`) with the statuses this operation can answer, each with its body.
fn document_errors(method: &str, path: &str, operation: &mut Value) {
    if operation["responses"].get("500").is_none() {
        return;
    }
    let parameters: Vec<&str> = operation["parameters"]
        .as_array()
        .map(|ps| ps.iter().filter_map(|p| p["in"].as_str()).collect())
        .unwrap_or_default();
    let paginated = operation["responses"]
        .as_object()
        .into_iter()
        .flat_map(|responses| responses.values())
        .filter_map(|response| response["schema"]["$ref"].as_str())
        .any(|reference| reference.starts_with("#/definitions/Paginated"));
    let secured = operation["security"]
        .as_array()
        .is_some_and(|s| !s.is_empty());

    let mut errors: BTreeMap<u16, String> = BTreeMap::new();
    let mut add = |status: u16, why: &str| {
        errors
            .entry(status)
            .and_modify(|text| {
                text.push(' ');
                text.push_str(why);
            })
            .or_insert_with(|| why.to_owned());
    };
    if parameters.contains(&"query") {
        add(
            400,
            "A query parameter is invalid or holds a control character (named in the body).",
        );
        add(414, "The query string is longer than 8 KiB.");
    }
    if parameters.iter().any(|p| matches!(*p, "body" | "formData")) {
        add(
            400,
            "The body is invalid: field errors, or a `detail` when it cannot be read.",
        );
        add(413, "The body is larger than allowed.");
        add(415, "The Content-Type is not one this operation consumes.");
    }
    if secured {
        add(
            401,
            "No token, an invalid or expired one, or an inactive account (`WWW-Authenticate: Token`).",
        );
    }
    if let Some((_, _, role)) = ROLE_GATES
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
    {
        add(403, &format!("The account's role is below {role}."));
    }
    if parameters.contains(&"path") {
        add(404, "Nothing has this id (or it is not the caller's).");
    }
    if paginated {
        add(
            404,
            "`Invalid page.`: the page is past the end or not a positive number.",
        );
    }
    for (_, _, status, why) in ALSO_ANSWERS
        .iter()
        .filter(|(m, p, _, _)| *m == method && *p == path)
    {
        add(*status, why);
    }
    add(
        500,
        "Unexpected failure; the body holds the request id to report.",
    );
    add(
        503,
        if path.starts_with("/api/v1/auth/oidc/") && path != "/api/v1/auth/oidc/userinfo/" {
            "OpenID Connect is not configured, or the database or the provider is unreachable; see Retry-After."
        } else {
            "The database is unreachable; see Retry-After."
        },
    );

    let Some(responses) = operation["responses"].as_object_mut() else {
        return;
    };
    responses.retain(|status, _| !status.starts_with('4') && !status.starts_with('5'));
    for (status, description) in errors {
        let schema = match status {
            400 if path == "/api/v1/products/bulk_upload/" => "ImportErrors",
            400 => "ValidationErrors",
            500 => "ServerError",
            _ => "Error",
        };
        responses.insert(
            status.to_string(),
            json!({
                "description": description,
                "schema": {"$ref": format!("#/definitions/{schema}")},
            }),
        );
    }
}

fn document_parameters(method: &str, path: &str, operation: &mut Value) {
    if method == "post" && path == "/api/v1/orders/" {
        let idempotency_key = json!({
            "in": "header",
            "name": "Idempotency-Key",
            "type": "string",
            "required": false,
            "minLength": 1,
            "maxLength": 255,
            "pattern": "^[!-~]+$",
            "description": "Makes the request safe to retry: the same key with the same body returns the first \
                order; with another body it is a 422. Printable ASCII, kept 24 hours.",
        });
        match operation["parameters"].as_array_mut() {
            Some(parameters) => parameters.push(idempotency_key),
            None => operation["parameters"] = json!([idempotency_key]),
        }
    }
    if UUID_ID_PATHS.iter().any(|prefix| path.starts_with(prefix)) {
        let parameters = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten();
        for parameter in parameters.filter(|p| p["in"] == "path" && p["name"] == "id") {
            parameter["format"] = json!("uuid");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_response_properties_are_required_and_nullable() {
        let document = json!({
            "paths": {"/x/": {"get": {"responses": {"200": {"schema": {"$ref": "#/definitions/Page%3CThing%3E"}}}}}},
            "definitions": {
                "Page<Thing>": {
                    "type": "object",
                    "properties": {
                        "next": {"type": "string"},
                        "results": {"type": "array", "items": {
                            "type": "object",
                            "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
                            "required": ["a"],
                        }},
                        "thing": {"$ref": "#/definitions/Thing"},
                    },
                    "required": ["results"],
                },
                "Thing": {"type": "object", "properties": {"c": {"type": "string"}}},
                "Request": {"type": "object", "properties": {"d": {"type": "string"}}},
            },
        });
        let document = exact(document);
        let page = &document["definitions"]["Page<Thing>"];
        assert_eq!(page["required"], json!(["next", "results", "thing"]));
        assert_eq!(page["properties"]["next"]["x-nullable"], true);
        assert_eq!(page["properties"]["results"].get("x-nullable"), None);
        let item = &page["properties"]["results"]["items"];
        assert_eq!(item["required"], json!(["a", "b"]));
        assert_eq!(item["properties"]["b"]["x-nullable"], true);
        assert_eq!(
            page["properties"]["thing"],
            json!({"allOf": [{"$ref": "#/definitions/Thing"}], "x-nullable": true})
        );
        assert_eq!(document["definitions"]["Thing"]["required"], json!(["c"]));
        assert_eq!(
            document["definitions"]["Thing"]["properties"]["c"]["x-nullable"],
            true
        );
        // Request bodies keep what paperclip said.
        assert_eq!(document["definitions"]["Request"].get("required"), None);
    }

    #[test]
    fn errors_follow_the_parameters_the_gate_and_the_use_case() {
        let blanket = json!({"200": {"description": "OK"}, "403": {"description": "x"}, "429": {"description": "x"}, "500": {"description": "x"}});
        let document = json!({"paths": {
            "/api/v1/customers/profile/": {"get": {"responses": blanket.clone(), "security": [{"TokenAuth": []}]}},
            "/api/v1/products/{id}/": {"delete": {
                "responses": blanket.clone(),
                "security": [{"TokenAuth": []}],
                "parameters": [{"in": "path", "name": "id", "type": "string", "required": true}],
            }},
            "/health/": {"get": {"responses": {"200": {"description": "OK"}, "503": {"description": "down"}}}},
        }});
        let document = exact(document);
        let codes = |path: &str, method: &str| -> Vec<String> {
            document["paths"][path][method]["responses"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect()
        };
        assert_eq!(
            codes("/api/v1/customers/profile/", "get"),
            ["200", "401", "500", "503"]
        );
        assert_eq!(
            codes("/api/v1/products/{id}/", "delete"),
            ["200", "401", "403", "404", "409", "500", "503"]
        );
        assert_eq!(codes("/health/", "get"), ["200", "503"]);
        let delete = &document["paths"]["/api/v1/products/{id}/"]["delete"];
        assert_eq!(
            delete["responses"]["409"]["schema"]["$ref"],
            "#/definitions/Error"
        );
        assert_eq!(delete["parameters"][0]["format"], "uuid");
    }
}
