//! The category tree through the API: gates, shapes, listing, moves, averages, deletion.

use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app, TestApp};

const CATEGORY_KEYS: &[&str] = &[
    "id",
    "name",
    "slug",
    "description",
    "parent",
    "parent_name",
    "image",
    "is_active",
    "created_at",
    "updated_at",
    "children_count",
    "level",
    "full_path",
];

pub(crate) async fn patch(app: &TestApp, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    json_of(
        app.request(
            Method::PATCH,
            &format!("/api/v1/categories/{id}/"),
            Some(token),
            Some(body),
        )
        .await,
    )
    .await
}

async fn get(app: &TestApp, path: &str) -> Value {
    let (status, body) = json_of(app.get(path, None).await).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

#[tokio::test]
async fn anyone_reads_staff_write_customers_are_refused() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let (customer, _) = app.register("alice@x.com").await;
    let id = app.category(&staff, "Bakery", None).await;

    for path in [
        "/api/v1/categories/".to_owned(),
        format!("/api/v1/categories/{id}/"),
        "/api/v1/categories/tree/".to_owned(),
        format!("/api/v1/categories/{id}/average_price/"),
        "/api/v1/categories/average_price/?slug=bakery".to_owned(),
        "/api/v1/categories/average_price_per_category/".to_owned(),
    ] {
        assert_eq!(
            app.get(&path, None).await.status(),
            StatusCode::OK,
            "{path}"
        );
    }
    let writes = [
        (Method::POST, "/api/v1/categories/".to_owned()),
        (Method::PUT, format!("/api/v1/categories/{id}/")),
        (Method::PATCH, format!("/api/v1/categories/{id}/")),
        (Method::DELETE, format!("/api/v1/categories/{id}/")),
    ];
    for (method, path) in &writes {
        let body = Some(json!({"name": "Changed"}));
        let (status, _) = json_of(
            app.request(method.clone(), path, Some(&customer), body.clone())
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
        let (status, _) = json_of(app.request(method.clone(), path, None, body).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    assert_eq!(
        get(&app, &format!("/api/v1/categories/{id}/")).await["name"],
        "Bakery"
    );
}

#[tokio::test]
async fn categories_have_the_contract_shape_and_unique_names_and_slugs() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let (status, root) = json_of(
        app.post(
            "/api/v1/categories/",
            Some(&staff),
            json!({"name": "Home & Garden", "description": "For the house"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    for key in CATEGORY_KEYS {
        assert!(root.get(key).is_some(), "missing {key}");
    }
    assert_eq!(root["slug"], "home-garden");
    assert_eq!(root["parent"], json!(null));
    assert_eq!(root["parent_name"], json!(null));
    assert_eq!(root["level"], 0);
    assert_eq!(root["full_path"], "Home & Garden");

    let child = app.category(&staff, "Kitchen", root["id"].as_i64()).await;
    let body = get(&app, &format!("/api/v1/categories/{child}/")).await;
    assert_eq!(body["parent_name"], "Home & Garden");
    assert_eq!(body["level"], 1);
    assert_eq!(body["full_path"], "Home & Garden > Kitchen");
    assert_eq!(
        get(&app, &format!("/api/v1/categories/{}/", root["id"])).await["children_count"],
        1
    );

    // Names are unique whatever the case; slugs are made unique with a suffix.
    let (status, body) = json_of(
        app.post(
            "/api/v1/categories/",
            Some(&staff),
            json!({"name": "KITCHEN"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"name": ["category with this name already exists."]})
    );
    let first = app.category(&staff, "Bread!", None).await;
    let second = app.category(&staff, "Bread?", None).await;
    assert_eq!(
        get(&app, &format!("/api/v1/categories/{first}/")).await["slug"],
        "bread"
    );
    assert_eq!(
        get(&app, &format!("/api/v1/categories/{second}/")).await["slug"],
        "bread-2"
    );

    let (status, body) = json_of(
        app.post(
            "/api/v1/categories/",
            Some(&staff),
            json!({"description": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["name"], json!(["This field is required."]));
    let (status, body) = json_of(
        app.post(
            "/api/v1/categories/",
            Some(&staff),
            json!({"name": "Orphan", "parent": 9999}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["parent"][0].as_str().unwrap().contains("9999"));
    assert_eq!(
        app.get("/api/v1/categories/9999/", None).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_list_filters_searches_orders_and_paginates() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let food = app.category(&staff, "Food", None).await;
    let tools = app.category(&staff, "Tools", None).await;
    app.category(&staff, "Bread", Some(food)).await;
    app.category(&staff, "Cheese", Some(food)).await;
    app.category(&staff, "Hammers", Some(tools)).await;
    let hidden = app.category(&staff, "Archived", None).await;
    patch(&app, &staff, hidden, json!({"is_active": false})).await;

    let names = |body: &Value| -> Vec<String> {
        body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = get(&app, "/api/v1/categories/").await;
    assert_eq!(
        names(&all),
        ["Bread", "Cheese", "Food", "Hammers", "Tools"],
        "active only, by name"
    );
    assert_eq!(
        names(&get(&app, "/api/v1/categories/?is_active=false").await),
        ["Archived"]
    );
    assert_eq!(
        names(&get(&app, &format!("/api/v1/categories/?parent={food}")).await),
        ["Bread", "Cheese"]
    );
    assert_eq!(
        names(&get(&app, "/api/v1/categories/?parent=null").await),
        ["Food", "Tools"]
    );
    assert_eq!(
        names(&get(&app, "/api/v1/categories/?search=HAM").await),
        ["Hammers"]
    );
    assert_eq!(
        names(&get(&app, "/api/v1/categories/?ordering=-name").await)[0],
        "Tools"
    );
    assert_eq!(
        names(&get(&app, "/api/v1/categories/?ordering=-created_at").await)[0],
        "Hammers"
    );

    let page = get(&app, "/api/v1/categories/?page_size=2&page=2").await;
    assert_eq!(page["count"], 5);
    assert_eq!(names(&page), ["Food", "Hammers"]);
    assert!(page["next"].as_str().unwrap().contains("page=3"));
    let (status, _) = json_of(app.get("/api/v1/categories/?page=7", None).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = json_of(app.get("/api/v1/categories/?parent=abc", None).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.get("parent").is_some());
}

#[tokio::test]
async fn moves_that_would_close_a_cycle_are_refused_whatever_its_length() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    // A chain c0 > c1 > c2 > c3 > c4 > c5.
    let mut chain = vec![app.category(&staff, "c0", None).await];
    for n in 1..6 {
        let parent = chain[n - 1];
        chain.push(app.category(&staff, &format!("c{n}"), Some(parent)).await);
    }
    // Cycle of length 1 (under itself), 2 (under its child), 5 (under its great-great-grandchild).
    for (moving, new_parent) in [
        (chain[2], chain[2]),
        (chain[1], chain[2]),
        (chain[0], chain[4]),
    ] {
        let (status, body) = patch(&app, &staff, moving, json!({"parent": new_parent})).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{moving} under {new_parent}"
        );
        assert!(
            body["parent"][0]
                .as_str()
                .unwrap()
                .starts_with("A category cannot"),
            "{body}"
        );
    }
    assert_eq!(app.corrupt_categories(), 0);
    assert_eq!(
        get(&app, &format!("/api/v1/categories/{}/", chain[5])).await["full_path"],
        "c0 > c1 > c2 > c3 > c4 > c5"
    );
}

#[tokio::test]
async fn a_move_carries_the_whole_subtree_paths_levels_tree_and_averages() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let shop = app.category(&staff, "Shop", None).await;
    let outlet = app.category(&staff, "Outlet", None).await;
    let bakery = app.category(&staff, "Bakery", Some(shop)).await;
    let bread = app.category(&staff, "Bread", Some(bakery)).await;
    let sourdough = app.category(&staff, "Sourdough", Some(bread)).await;
    for (name, price, category) in [
        ("Loaf", "4.00", bread),
        ("Starter", "10.00", sourdough),
        ("Bun", "1.00", bakery),
    ] {
        app.product(
            &staff,
            json!({"name": name, "price": price, "category": category, "stock_quantity": 3}),
        )
        .await;
    }

    let (status, moved) = patch(&app, &staff, bakery, json!({"parent": outlet})).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["parent"], outlet);
    assert_eq!(moved["parent_name"], "Outlet");
    assert_eq!(app.corrupt_categories(), 0);

    for (id, level, full_path) in [
        (bakery, 1, "Outlet > Bakery"),
        (bread, 2, "Outlet > Bakery > Bread"),
        (sourdough, 3, "Outlet > Bakery > Bread > Sourdough"),
    ] {
        let body = get(&app, &format!("/api/v1/categories/{id}/")).await;
        assert_eq!(body["level"], level, "{full_path}");
        assert_eq!(body["full_path"], full_path);
    }
    let product = get(&app, "/api/v1/products/?search=starter").await;
    assert_eq!(
        product["results"][0]["category_path"],
        "Outlet > Bakery > Bread > Sourdough"
    );

    let tree = get(&app, "/api/v1/categories/tree/").await;
    let outlet_node = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "Outlet")
        .unwrap();
    assert_eq!(outlet_node["product_count"], 3);
    let bakery_node = &outlet_node["children"][0];
    assert_eq!(
        (bakery_node["name"].as_str(), bakery_node["level"].as_i64()),
        (Some("Bakery"), Some(1))
    );
    assert_eq!(
        bakery_node["children"][0]["children"][0]["name"],
        "Sourdough"
    );
    assert_eq!(bakery_node["children"][0]["children"][0]["level"], 3);
    let shop_node = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "Shop")
        .unwrap();
    assert_eq!(shop_node["product_count"], 0);
    assert_eq!(shop_node["children"], json!([]));

    for (id, count, average) in [
        (outlet, 3, "5.00"),
        (bakery, 3, "5.00"),
        (bread, 2, "7.00"),
        (sourdough, 1, "10.00"),
        (shop, 0, ""),
    ] {
        let stats = get(&app, &format!("/api/v1/categories/{id}/average_price/")).await;
        assert_eq!(stats["product_count"], count, "{id}");
        if count == 0 {
            assert_eq!(stats["average_price"], json!(null));
        } else {
            assert_eq!(stats["average_price"], average, "{id}");
        }
    }

    // And back to the root level.
    let (status, body) = patch(&app, &staff, bakery, json!({"parent": null})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["level"], 0);
    assert_eq!(
        get(&app, &format!("/api/v1/categories/{sourdough}/")).await["full_path"],
        "Bakery > Bread > Sourdough"
    );
    assert_eq!(app.corrupt_categories(), 0);
}

#[tokio::test]
async fn average_price_is_the_exact_mean_of_the_active_products_of_the_subtree() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let top = app.category(&staff, "Top", None).await;
    let middle = app.category(&staff, "Middle", Some(top)).await;
    let bottom = app.category(&staff, "Bottom", Some(middle)).await;
    let elsewhere = app.category(&staff, "Elsewhere", None).await;
    let empty = app.category(&staff, "Empty", Some(top)).await;
    let active = [
        ("a", "0.10", top),
        ("b", "0.20", middle),
        ("c", "19.99", bottom),
        ("d", "1234.56", bottom),
    ];
    for (name, price, category) in active {
        app.product(
            &staff,
            json!({"name": name, "price": price, "category": category}),
        )
        .await;
    }
    app.product(
        &staff,
        json!({"name": "off", "price": "99999.00", "category": bottom, "status": "inactive"}),
    )
    .await;
    app.product(
        &staff,
        json!({"name": "gone", "price": "50000.00", "category": middle, "status": "discontinued"}),
    )
    .await;
    app.product(
        &staff,
        json!({"name": "far", "price": "7.77", "category": elsewhere}),
    )
    .await;

    let prices: Vec<Decimal> = active.iter().map(|(_, p, _)| p.parse().unwrap()).collect();
    let sum: Decimal = prices.iter().sum();
    let mean = (sum / Decimal::from(prices.len()))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven);

    let stats = get(&app, &format!("/api/v1/categories/{top}/average_price/")).await;
    assert_eq!(stats["product_count"], 4);
    assert_eq!(stats["average_price"], format!("{mean:.2}"));
    assert_eq!(stats["min_price"], "0.10");
    assert_eq!(stats["max_price"], "1234.56");
    assert_eq!(stats["category_slug"], "top");
    let by_slug = get(&app, "/api/v1/categories/average_price/?slug=top").await;
    assert_eq!(by_slug, stats);

    let none = get(&app, &format!("/api/v1/categories/{empty}/average_price/")).await;
    assert_eq!(none["product_count"], 0);
    assert_eq!(
        (
            none["average_price"].clone(),
            none["min_price"].clone(),
            none["max_price"].clone()
        ),
        (json!(null), json!(null), json!(null))
    );

    let (status, body) = json_of(app.get("/api/v1/categories/average_price/", None).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body, json!({"slug": ["This field is required."]}));
    assert_eq!(
        app.get("/api/v1/categories/average_price/?slug=nope", None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let per_category = get(&app, "/api/v1/categories/average_price_per_category/").await;
    let entries: Vec<(String, i64)> = per_category
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["category_name"].as_str().unwrap().to_owned(),
                e["product_count"].as_i64().unwrap(),
            )
        })
        .collect();
    // Ordered by full path; "Empty" has no product, so it is left out; "Top" counts its descendants'.
    assert_eq!(
        entries,
        [
            ("Elsewhere".to_owned(), 1),
            ("Top".to_owned(), 4),
            ("Middle".to_owned(), 3),
            ("Bottom".to_owned(), 2)
        ]
    );
    assert_eq!(per_category[1], stats);
}

#[tokio::test]
async fn a_category_with_children_or_products_cannot_be_deleted() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let parent = app.category(&staff, "Parent", None).await;
    let child = app.category(&staff, "Child", Some(parent)).await;
    let product = app
        .product(
            &staff,
            json!({"name": "Thing", "price": "1.00", "category": child}),
        )
        .await;

    let delete = |id: i64| {
        let path = format!("/api/v1/categories/{id}/");
        let (app, staff) = (&app, staff.clone());
        async move { app.request(Method::DELETE, &path, Some(&staff), None).await }
    };
    let (status, body) = json_of(delete(parent).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("child categories"));
    let (status, body) = json_of(delete(child).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["detail"].as_str().unwrap().contains("products"));

    let response = app
        .request(
            Method::DELETE,
            &format!("/api/v1/products/{}/", product["id"].as_str().unwrap()),
            Some(&staff),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(delete(child).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(delete(parent).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/api/v1/categories/{parent}/"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_tree_lists_active_branches_ordered_by_name() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let z = app.category(&staff, "Zeta", None).await;
    let a = app.category(&staff, "Alpha", None).await;
    app.category(&staff, "Beta", Some(a)).await;
    let hidden = app.category(&staff, "Hidden", Some(a)).await;
    app.category(&staff, "Under hidden", Some(hidden)).await;
    app.category(&staff, "Aardvark", Some(a)).await;
    patch(&app, &staff, hidden, json!({"is_active": false})).await;
    let inactive_root = app.category(&staff, "Inactive root", None).await;
    patch(&app, &staff, inactive_root, json!({"is_active": false})).await;
    let _ = z;

    let tree = get(&app, "/api/v1/categories/tree/").await;
    let roots: Vec<&str> = tree
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(roots, ["Alpha", "Zeta"]);
    let children: Vec<&str> = tree[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        children,
        ["Aardvark", "Beta"],
        "inactive children and their subtrees are left out"
    );
    for key in [
        "id",
        "name",
        "slug",
        "description",
        "level",
        "is_active",
        "product_count",
        "children",
    ] {
        assert!(tree[0].get(key).is_some(), "{key}");
    }
}

#[tokio::test]
async fn concurrent_creates_and_moves_never_corrupt_the_tree() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let mut ids = vec![];
    for n in 0..8 {
        let parent = if n == 0 { None } else { Some(ids[(n - 1) / 2]) };
        ids.push(app.category(&staff, &format!("node-{n}"), parent).await);
    }
    let mut requests = vec![];
    for round in 0..24usize {
        let (app, staff, ids) = (&app, staff.clone(), ids.clone());
        requests.push(async move {
            if round % 3 == 0 {
                let parent = ids[round % ids.len()];
                app.post(
                    "/api/v1/categories/",
                    Some(&staff),
                    json!({"name": format!("new-{round}"), "parent": parent}),
                )
                .await
                .status()
            } else {
                let moving = ids[(round * 5 + 1) % ids.len()];
                let target = ids[(round * 3 + 2) % ids.len()];
                app.request(
                    Method::PATCH,
                    &format!("/api/v1/categories/{moving}/"),
                    Some(&staff),
                    Some(json!({"parent": target})),
                )
                .await
                .status()
            }
        });
    }
    let statuses = futures_util::future::join_all(requests).await;
    for status in statuses {
        assert!(
            status == StatusCode::OK
                || status == StatusCode::CREATED
                || status == StatusCode::BAD_REQUEST,
            "{status}"
        );
    }
    assert_eq!(app.corrupt_categories(), 0);
}

#[tokio::test]
async fn a_category_can_be_created_from_a_form_with_an_image() {
    let media =
        std::env::temp_dir().join(format!("orderflow-media-{}", uuid::Uuid::new_v4().simple()));
    let app = crate::helpers::spawn_app_with(&[("MEDIA_ROOT", media.to_str().unwrap())]).await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let parent = app.category(&staff, "Home", None).await;
    let image = b"\xFF\xD8\xFF\xE0 a JPEG, by its signature".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("name", "Lighting")
        .text("parent", parent.to_string())
        .text("is_active", "true")
        .part(
            "image",
            reqwest::multipart::Part::bytes(image.clone()).file_name("lamp.jpg"),
        );
    let response = app.post_form("/api/v1/categories/", &staff, form).await;
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["full_path"], "Home > Lighting");
    let url = body["image"].as_str().unwrap();
    assert!(
        url.contains("/media/categories/") && url.ends_with(".jpg"),
        "{url}"
    );
    assert_eq!(
        app.client
            .get(url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec(),
        image
    );

    let form = reqwest::multipart::Form::new().text("name", "Fake").part(
        "image",
        reqwest::multipart::Part::bytes(b"not an image".to_vec()).file_name("x.png"),
    );
    let response = app.post_form("/api/v1/categories/", &staff, form).await;
    let (status, body) = json_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.get("image").is_some());
    let _ = std::fs::remove_dir_all(media);
}
