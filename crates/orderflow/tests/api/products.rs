//! Products through the API: gates, shapes, validation, listing, images and bulk import.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_app, TestApp};

const PRODUCT_KEYS: &[&str] = &[
    "id",
    "name",
    "slug",
    "description",
    "price",
    "category",
    "category_name",
    "category_path",
    "sku",
    "stock_quantity",
    "image",
    "status",
    "is_featured",
    "is_in_stock",
    "created_at",
    "updated_at",
];

fn names(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn list(app: &TestApp, query: &str) -> Value {
    let (status, body) = json_of(app.get(&format!("/api/v1/products/{query}"), None).await).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

#[tokio::test]
async fn anyone_reads_staff_write_customers_are_refused() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let (customer, _) = app.register("alice@x.com").await;
    let category = app.category(&staff, "Tools", None).await;
    let product = app
        .product(
            &staff,
            json!({"name": "Hammer", "price": "12.00", "category": category}),
        )
        .await;
    let id = product["id"].as_str().unwrap();

    for path in [
        "/api/v1/products/".to_owned(),
        format!("/api/v1/products/{id}/"),
        "/api/v1/products/featured/".to_owned(),
    ] {
        assert_eq!(
            app.get(&path, None).await.status(),
            StatusCode::OK,
            "{path}"
        );
    }
    let body = json!({"name": "Saw", "price": "5.00", "category": category});
    let staff_only = [
        (Method::POST, "/api/v1/products/".to_owned()),
        (Method::PUT, format!("/api/v1/products/{id}/")),
        (Method::PATCH, format!("/api/v1/products/{id}/")),
        (Method::DELETE, format!("/api/v1/products/{id}/")),
        (
            Method::POST,
            format!("/api/v1/products/{id}/toggle_featured/"),
        ),
        (Method::GET, "/api/v1/products/low_stock/".to_owned()),
        (Method::POST, "/api/v1/products/bulk_upload/".to_owned()),
    ];
    for (method, path) in &staff_only {
        let (status, _) = json_of(
            app.request(method.clone(), path, Some(&customer), Some(body.clone()))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
        let (status, _) = json_of(
            app.request(method.clone(), path, None, Some(body.clone()))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    let upload = app
        .client
        .post(app.url("/api/v1/products/upload/"))
        .header("Authorization", format!("Token {customer}"))
        .multipart(Form::new().text("name", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn products_have_the_contract_shape_sku_and_slug() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let phones = app.category(&staff, "Phones", None).await;
    let android = app.category(&staff, "Android", Some(phones)).await;
    let product = app
        .product(&staff, json!({"name": "Pixel 9", "description": "A phone", "price": "799.99", "category": android, "stock_quantity": 3}))
        .await;
    for key in PRODUCT_KEYS {
        assert!(product.get(key).is_some(), "missing {key}");
    }
    assert_eq!(product["price"], "799.99");
    assert_eq!(product["category"], android);
    assert_eq!(product["category_name"], "Android");
    assert_eq!(product["category_path"], "Phones > Android");
    assert_eq!(product["status"], "active");
    assert_eq!(product["is_in_stock"], true);
    assert_eq!(product["image"], json!(null));
    let sku = product["sku"].as_str().unwrap();
    assert!(
        sku.starts_with("SKU-")
            && sku.len() == 12
            && sku[4..]
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()),
        "{sku}"
    );

    // A JSON number is read as its decimal text; the same name gets the next slug.
    let second = app
        .product(
            &staff,
            json!({"name": "Pixel 9", "price": 10.5, "category": phones, "sku": "PIX-9-B"}),
        )
        .await;
    assert_eq!(second["slug"], "pixel-9-2");
    assert_eq!(second["price"], "10.50");
    assert_eq!(second["sku"], "PIX-9-B");
    assert_eq!(second["is_in_stock"], false);

    let (status, body) = json_of(
        app.post(
            "/api/v1/products/",
            Some(&staff),
            json!({"name": "Dup", "price": "1", "category": phones, "sku": "PIX-9-B"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body,
        json!({"sku": ["product with this sku already exists."]})
    );
}

#[tokio::test]
async fn invalid_products_are_refused_field_by_field() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let category = app.category(&staff, "Tools", None).await;
    let cases = [
        (
            json!({"name": "x", "price": "0", "category": category}),
            "price",
            "Ensure this value is greater than or equal to 0.01.",
        ),
        (
            json!({"name": "x", "price": "-1", "category": category}),
            "price",
            "Ensure this value is greater than or equal to 0.01.",
        ),
        (
            json!({"name": "x", "price": "1.999", "category": category}),
            "price",
            "Ensure that there are no more than 2 decimal places.",
        ),
        (
            json!({"name": "x", "price": "123456789.00", "category": category}),
            "price",
            "Ensure that there are no more than 10 digits in total.",
        ),
        (
            json!({"name": "x", "price": "cheap", "category": category}),
            "price",
            "A valid number is required.",
        ),
        (
            json!({"name": "x", "price": "1", "category": category, "stock_quantity": -1}),
            "stock_quantity",
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            json!({"name": "x", "price": "1", "category": 99999}),
            "category",
            "Invalid pk \"99999\" - object does not exist.",
        ),
    ];
    for (body, field, message) in cases {
        let (status, errors) = json_of(
            app.post("/api/v1/products/", Some(&staff), body.clone())
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(errors[field], json!([message]), "{body}");
    }
    let (status, errors) = json_of(
        app.post("/api/v1/products/", Some(&staff), json!({"status": "sold"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["name", "price", "category", "status"] {
        assert!(errors.get(field).is_some(), "{field}: {errors}");
    }
    assert_eq!(list(&app, "").await["count"], 0, "nothing was written");
}

#[tokio::test]
async fn the_list_filters_by_subtree_status_price_stock_and_searches_orders_pages() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let electronics = app.category(&staff, "Electronics", None).await;
    let phones = app.category(&staff, "Phones", Some(electronics)).await;
    let android = app.category(&staff, "Android", Some(phones)).await;
    let garden = app.category(&staff, "Garden", None).await;
    for (name, price, category, stock, status, featured, description) in [
        (
            "Pixel",
            "799.00",
            android,
            5,
            "active",
            true,
            "Google phone",
        ),
        (
            "Galaxy",
            "999.00",
            android,
            0,
            "active",
            false,
            "Samsung phone",
        ),
        (
            "Charger",
            "19.99",
            electronics,
            50,
            "active",
            false,
            "USB-C",
        ),
        ("Old phone", "9.00", phones, 1, "inactive", false, "Retired"),
        ("Rake", "25.00", garden, 7, "active", true, "Leaves"),
    ] {
        app.product(
            &staff,
            json!({"name": name, "price": price, "category": category, "stock_quantity": stock, "status": status,
                   "is_featured": featured, "description": description}),
        )
        .await;
    }

    assert_eq!(
        names(&list(&app, "?ordering=name").await),
        ["Charger", "Galaxy", "Pixel", "Rake"],
        "active only"
    );
    assert_eq!(
        names(&list(&app, &format!("?category={electronics}&ordering=name")).await),
        ["Charger", "Galaxy", "Pixel"]
    );
    assert_eq!(
        names(&list(&app, &format!("?category={phones}&ordering=name")).await),
        ["Galaxy", "Pixel"]
    );
    assert_eq!(names(&list(&app, "?status=inactive").await), ["Old phone"]);
    assert_eq!(
        names(&list(&app, "?is_featured=true&ordering=name").await),
        ["Pixel", "Rake"]
    );
    assert_eq!(
        names(&list(&app, "?min_price=20&max_price=800&ordering=price").await),
        ["Rake", "Pixel"]
    );
    assert_eq!(names(&list(&app, "?in_stock=false").await), ["Galaxy"]);
    assert_eq!(
        names(&list(&app, "?search=PHONE&ordering=-price").await),
        ["Galaxy", "Pixel"]
    );
    assert_eq!(names(&list(&app, "?search=usb").await), ["Charger"]);
    assert_eq!(
        names(&list(&app, "?ordering=-stock_quantity").await)[0],
        "Charger"
    );
    assert_eq!(
        names(&list(&app, "").await)[0],
        "Rake",
        "newest first by default"
    );

    let page = list(&app, "?ordering=name&page_size=3&page=2").await;
    assert_eq!(page["count"], 4);
    assert_eq!(names(&page), ["Rake"]);

    for (query, field) in [
        ("?category=abc", "category"),
        ("?category=99999", "category"),
        ("?status=sold", "status"),
        ("?min_price=cheap", "min_price"),
        ("?in_stock=maybe", "in_stock"),
    ] {
        let (status, body) =
            json_of(app.get(&format!("/api/v1/products/{query}"), None).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(body.get(field).is_some(), "{query}: {body}");
    }
}

#[tokio::test]
async fn featured_low_stock_and_toggle() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let category = app.category(&staff, "Tools", None).await;
    let mut ids = vec![];
    for (name, stock, status) in [
        ("A", 9, "active"),
        ("B", 2, "inactive"),
        ("C", 10, "active"),
        ("D", 0, "discontinued"),
        ("E", 5, "active"),
    ] {
        let product = app.product(&staff, json!({"name": name, "price": "1.00", "category": category, "stock_quantity": stock, "status": status})).await;
        ids.push(product["id"].as_str().unwrap().to_owned());
    }
    let (status, low) = json_of(app.get("/api/v1/products/low_stock/", Some(&staff)).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        names(&low),
        ["B", "E", "A"],
        "below 10, lowest first, discontinued left out"
    );
    let (_, low) = json_of(
        app.get("/api/v1/products/low_stock/?threshold=3", Some(&staff))
            .await,
    )
    .await;
    assert_eq!(names(&low), ["B"]);
    let (status, _) = json_of(
        app.get("/api/v1/products/low_stock/?threshold=-1", Some(&staff))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, toggled) = json_of(
        app.post(
            &format!("/api/v1/products/{}/toggle_featured/", ids[0]),
            Some(&staff),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(toggled["is_featured"], true);
    app.post(
        &format!("/api/v1/products/{}/toggle_featured/", ids[1]),
        Some(&staff),
        json!({}),
    )
    .await;
    let (_, featured) = json_of(app.get("/api/v1/products/featured/", None).await).await;
    assert_eq!(
        names(&featured),
        ["A"],
        "inactive products are not featured"
    );
    let (_, toggled) = json_of(
        app.post(
            &format!("/api/v1/products/{}/toggle_featured/", ids[0]),
            Some(&staff),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(toggled["is_featured"], false);
    assert_eq!(
        app.post(
            "/api/v1/products/00000000-0000-4000-8000-000000000000/toggle_featured/",
            Some(&staff),
            json!({})
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn updates_are_partial_and_replacements_complete() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let tools = app.category(&staff, "Tools", None).await;
    let garden = app.category(&staff, "Garden", None).await;
    let product = app
        .product(
            &staff,
            json!({"name": "Hammer", "price": "12.00", "category": tools, "stock_quantity": 4}),
        )
        .await;
    let path = format!("/api/v1/products/{}/", product["id"].as_str().unwrap());

    let (status, body) = json_of(
        app.request(
            Method::PATCH,
            &path,
            Some(&staff),
            Some(json!({"price": "13.50", "category": garden})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (
            body["price"].as_str(),
            body["category_name"].as_str(),
            body["stock_quantity"].as_i64()
        ),
        (Some("13.50"), Some("Garden"), Some(4))
    );
    assert_eq!(body["sku"], product["sku"]);

    let (status, body) = json_of(
        app.request(
            Method::PUT,
            &path,
            Some(&staff),
            Some(json!({"price": "1.00"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.get("name").is_some() && body.get("category").is_some());

    let (status, body) = json_of(
        app.request(
            Method::PUT,
            &path,
            Some(&staff),
            Some(json!({"name": "Mallet", "price": "9.99", "category": tools})),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (body["name"].as_str(), body["slug"].as_str()),
        (Some("Mallet"), Some("mallet"))
    );

    assert_eq!(
        app.get("/api/v1/products/not-a-uuid/", None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(
            "/api/v1/products/00000000-0000-4000-8000-000000000000/",
            None
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
}

/// A valid 2x2 PNG.
pub(crate) fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0, 0xFD, 0xD4,
        0x9A, 0x73,
    ]);
    bytes.extend_from_slice(b"arbitrary trailing bytes of the test image \x00\x01\x02\xff");
    bytes
}

pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    category: i64,
    file_name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let form = Form::new()
        .text("name", "Lamp")
        .text("price", "12.50")
        .text("category", category.to_string())
        .text("stock_quantity", "3")
        .part(
            "image",
            Part::bytes(bytes)
                .file_name(file_name.to_owned())
                .mime_str("image/png")
                .unwrap(),
        );
    let response = app
        .client
        .post(app.url("/api/v1/products/upload/"))
        .header("Authorization", format!("Token {token}"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    json_of(response).await
}

#[tokio::test]
async fn an_uploaded_png_is_stored_and_served_back_byte_for_byte() {
    let media =
        std::env::temp_dir().join(format!("orderflow-media-{}", uuid::Uuid::new_v4().simple()));
    let app = crate::helpers::spawn_app_with(&[("MEDIA_ROOT", media.to_str().unwrap())]).await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let category = app.category(&staff, "Lighting", None).await;

    let (status, product) = upload(&app, &staff, category, "lamp.png", png()).await;
    assert_eq!(status, StatusCode::CREATED, "{product}");
    assert_eq!(product["name"], "Lamp");
    assert_eq!(product["stock_quantity"], 3);
    let url = product["image"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/media/products/", app.address)) && url.ends_with(".png"),
        "{url}"
    );
    let served = app.client.get(url).send().await.unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.bytes().await.unwrap().to_vec(), png());
    assert_eq!(
        std::fs::read_dir(media.join("products")).unwrap().count(),
        1
    );
    let _ = std::fs::remove_dir_all(media);
}

#[tokio::test]
async fn a_text_file_named_png_is_refused_and_a_six_mib_image_is_too_large() {
    let media =
        std::env::temp_dir().join(format!("orderflow-media-{}", uuid::Uuid::new_v4().simple()));
    let app = crate::helpers::spawn_app_with(&[("MEDIA_ROOT", media.to_str().unwrap())]).await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let category = app.category(&staff, "Lighting", None).await;

    let (status, body) = upload(
        &app,
        &staff,
        category,
        "photo.png",
        b"just some text, not an image".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["image"][0]
        .as_str()
        .unwrap()
        .contains("not a PNG, JPEG or WebP"));

    let mut big = png();
    big.resize(6 * 1024 * 1024, 7);
    let (status, body) = upload(&app, &staff, category, "big.png", big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["detail"].as_str().unwrap().contains("5 MiB"));

    let (status, body) = upload(&app, &staff, 99999, "lamp.png", png()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.get("category").is_some());

    assert_eq!(list(&app, "").await["count"], 0, "no product was created");
    let stored = std::fs::read_dir(media.join("products"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(stored, 0, "no image was left behind");
    let _ = std::fs::remove_dir_all(media);
}

fn csv(rows: usize, bad_row: Option<usize>) -> String {
    let mut text = String::from(
        "name,description,price,category_path,stock_quantity,sku,status,is_featured\n",
    );
    for n in 1..=rows {
        let price = if Some(n) == bad_row {
            "-3.00".to_owned()
        } else {
            format!("{}.{:02}", n % 500 + 1, n % 100)
        };
        let path = match n % 3 {
            0 => "Electronics > Phones > Android",
            1 => "Electronics > Phones",
            _ => "Home & Garden > Kitchen",
        };
        text.push_str(&format!(
            "Item {n},\"Desc, {n}\",{price},{path},{},BULK-{n:04},active,{}\n",
            n % 20,
            n % 7 == 0
        ));
    }
    text
}

async fn bulk(app: &TestApp, token: &str, content_type: &str, body: String) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/api/v1/products/bulk_upload/"))
        .header("Authorization", format!("Token {token}"))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    json_of(response).await
}

#[tokio::test]
async fn a_bulk_upload_with_one_bad_row_creates_nothing_and_the_fixed_file_creates_all() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;

    let (status, body) = bulk(&app, &staff, "text/csv", csv(1000, Some(637))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let rows = body["rows"].as_object().unwrap();
    assert_eq!(rows.keys().collect::<Vec<_>>(), ["637"]);
    assert_eq!(
        rows["637"]["price"],
        json!(["Ensure this value is greater than or equal to 0.01."])
    );
    assert_eq!(list(&app, "").await["count"], 0);
    assert_eq!(
        app.get("/api/v1/categories/", None)
            .await
            .json::<Value>()
            .await
            .unwrap()["count"],
        0,
        "no category either"
    );

    let (status, body) = bulk(&app, &staff, "text/csv", csv(1000, None)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body, json!({"created": 1000, "updated": 0}));
    assert_eq!(list(&app, "").await["count"], 1000);
    let tree: Value = app
        .get("/api/v1/categories/tree/", None)
        .await
        .json()
        .await
        .unwrap();
    let roots: Vec<&str> = tree
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(roots, ["Electronics", "Home & Garden"]);
    assert_eq!(tree[0]["product_count"], 667);
    assert_eq!(tree[0]["children"][0]["children"][0]["name"], "Android");

    // The same file again updates by SKU; JSON works too.
    let (status, body) = bulk(
        &app,
        &staff,
        "application/json",
        json!([{"name": "Item 1 renamed", "price": 5, "category_path": "Electronics > Phones", "sku": "BULK-0001"},
               {"name": "Brand new", "price": "2.50", "category_path": "Toys"}])
        .to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body, json!({"created": 1, "updated": 1}));
    let renamed = list(&app, "?search=BULK-0001").await;
    assert_eq!(renamed["results"][0]["name"], "Item 1 renamed");
    assert_eq!(renamed["results"][0]["price"], "5.00");
}

#[tokio::test]
async fn bulk_upload_reports_every_bad_row_and_unreadable_files() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let body = json!([
        {"name": "ok", "price": "1", "category_path": "A"},
        {"price": "1", "category_path": "A"},
        {"name": "x", "price": "1.001", "category_path": "A > > B", "status": "sold"},
        {"name": "y", "price": "1", "category_path": "A", "sku": "S-1"},
        {"name": "z", "price": "1", "category_path": "A", "sku": "S-1"}
    ]);
    let (status, errors) = bulk(&app, &staff, "application/json", body.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let rows = &errors["rows"];
    assert_eq!(
        rows.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["2", "3", "5"]
    );
    assert_eq!(rows["2"]["name"], json!(["This field is required."]));
    for field in ["price", "category_path", "status"] {
        assert!(rows["3"].get(field).is_some(), "{field}");
    }
    assert!(rows["5"]["sku"][0].as_str().unwrap().contains("row 4"));

    let (status, _) = bulk(
        &app,
        &staff,
        "application/json",
        "{\"not\": \"a list\"}".into(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = bulk(&app, &staff, "text/plain", "name\nx".into()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _) = bulk(
        &app,
        &staff,
        "text/csv",
        "name,price,category_path\n".into(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "no rows");
    assert_eq!(list(&app, "").await["count"], 0);
}

#[tokio::test]
async fn concurrent_writes_to_one_category_keep_its_price_totals_exact() {
    let app = spawn_app().await;
    let staff = app.staff_token("staff@x.com", "staff").await;
    let category = app.category(&staff, "Busy", None).await;
    let creations = (1..=24).map(|n| {
        let (app, staff) = (&app, staff.clone());
        async move {
            app.post(
                "/api/v1/products/",
                Some(&staff),
                json!({"name": format!("p{n}"), "price": format!("{n}.00"), "category": category}),
            )
            .await
            .status()
        }
    });
    for status in futures_util::future::join_all(creations).await {
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, stats) = json_of(
        app.get(
            &format!("/api/v1/categories/{category}/average_price/"),
            None,
        )
        .await,
    )
    .await;
    // 1 + 2 + ... + 24 = 300; mean 12.50.
    assert_eq!(stats["product_count"], 24);
    assert_eq!(stats["average_price"], "12.50");
    assert_eq!(
        (stats["min_price"].as_str(), stats["max_price"].as_str()),
        (Some("1.00"), Some("24.00"))
    );
}
