//! Catalogue reads at size: 100,000 products in 5,000 categories, ten levels deep, through the HTTP API.
//! Targets: average price of the root under 20 ms, the whole tree under 50 ms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use orderflow_benches::{prepared_database, start_server};

fn catalogue(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let database = prepared_database();
    let base = runtime.block_on(start_server(&database, 10));
    let client = reqwest::Client::new();

    let get = |path: &'static str| {
        let (client, url) = (client.clone(), format!("{base}{path}"));
        move || {
            let (client, url) = (client.clone(), url.clone());
            async move {
                let response = client.get(&url).send().await.unwrap();
                assert!(
                    response.status().is_success(),
                    "{url}: {}",
                    response.status()
                );
                response.bytes().await.unwrap()
            }
        }
    };

    let mut group = c.benchmark_group("catalogue (100k products, 5k categories, 10 levels)");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("average_price of the root", |b| {
        b.to_async(&runtime)
            .iter(get("/api/v1/categories/1/average_price/"))
    });
    group.bench_function("categories/tree/", |b| {
        b.to_async(&runtime).iter(get("/api/v1/categories/tree/"))
    });
    group.bench_function("filtered product page", |b| {
        b.to_async(&runtime)
            .iter(get("/api/v1/products/?category=2&min_price=100&max_price=800&in_stock=true&ordering=-price&page=2"))
    });
    // The page above is served with its total kept from an earlier request (the catalogue did not change). Here
    // every request asks for a price band one cent narrower than the last, never seen before: its total is
    // counted, as on the first request after any change to the catalogue.
    let first_time = std::sync::atomic::AtomicU64::new(0);
    group.bench_function("filtered product page, its total counted", |b| {
        b.to_async(&runtime).iter(|| {
            let cents = first_time.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let url = format!(
                "{base}/api/v1/products/?category=2&min_price={}.{:02}&max_price=800&in_stock=true&ordering=-price&page=2",
                100 + cents / 100,
                cents % 100
            );
            let client = client.clone();
            async move {
                let response = client.get(&url).send().await.unwrap();
                assert!(response.status().is_success(), "{url}: {}", response.status());
                response.bytes().await.unwrap()
            }
        })
    });
    group.bench_function("average_price_per_category/", |b| {
        b.to_async(&runtime)
            .iter(get("/api/v1/categories/average_price_per_category/"))
    });
    group.finish();
}

criterion_group!(benches, catalogue);
criterion_main!(benches);
