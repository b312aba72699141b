//! The HTML pages in a real browser (Chromium): they show the API from this server alone, with no other network,
//! and without breaking their own Content-Security-Policy.

use crate::browser::{self, PageVisit};
use crate::helpers::{spawn_app, TestApp};

/// An operation's summary, as both documentation UIs show it.
const AN_OPERATION: &str = "List products (active ones by default)";
const SOME_TAGS: &[&str] = &[
    "Authentication",
    "Categories",
    "Products",
    "Orders",
    "Administration",
];

async fn visit(app: &TestApp, path: &str) -> PageVisit {
    let url = app.url(path);
    tokio::task::spawn_blocking(move || browser::visit(&url))
        .await
        .unwrap()
}

/// The documentation UI showed an operation and the sections of several tags (`tag_section` is how it marks one).
fn assert_shows_the_api(ui: &str, page: &PageVisit, tag_section: impl Fn(&str) -> String) {
    assert!(
        page.dom.contains(AN_OPERATION),
        "{ui} showed no operations; console: {:#?}; requests: {:#?}",
        page.console,
        page.requests
    );
    for tag in SOME_TAGS {
        assert!(
            page.dom.contains(&tag_section(tag)),
            "{ui}: no {tag} section"
        );
    }
}

/// The page asked this server for `paths` and nothing of anyone else, ran without an uncaught error, and broke its
/// policy only where `tolerated` (parts of the messages) says.
fn assert_self_contained(app: &TestApp, page: &PageVisit, paths: &[&str], tolerated: &[&str]) {
    for path in paths {
        assert!(
            page.requests.contains(&app.url(path)),
            "{path} was not requested: {:#?}",
            page.requests
        );
    }
    let elsewhere: Vec<_> = page
        .requests
        .iter()
        .filter(|url| !url.starts_with(&app.url("/")))
        .collect();
    assert!(
        elsewhere.is_empty(),
        "requests to elsewhere: {elsewhere:#?}"
    );
    let violations: Vec<_> = page
        .policy_violations()
        .into_iter()
        .filter(|message| !tolerated.iter().any(|part| message.contains(part)))
        .collect();
    assert!(violations.is_empty(), "policy violations: {violations:#?}");
    let errors: Vec<_> = page
        .console
        .iter()
        .filter(|message| message.contains("Uncaught"))
        .collect();
    assert!(errors.is_empty(), "script errors: {errors:#?}");
}

#[tokio::test]
async fn redoc_shows_the_api_offline_within_its_policy() {
    let app = spawn_app().await;
    let page = visit(&app, "/redoc/").await;
    assert_shows_the_api("ReDoc", &page, |tag| format!("href=\"#tag/{tag}\""));
    // Its "API docs by Redocly" footer logo is an image from cdn.redoc.ly, blocked on purpose (see pages/headers.rs).
    // That the test sees this violation also shows that it reads the console.
    let logo = "https://cdn.redoc.ly/redoc/logo-mini.svg";
    assert!(
        page.policy_violations()
            .iter()
            .any(|message| message.contains(logo)),
        "{:#?}",
        page.console
    );
    assert_self_contained(&app, &page, &["/redoc/", "/api-docs/"], &[logo]);
}

#[tokio::test]
async fn swagger_ui_shows_the_api_offline_within_its_policy() {
    let app = spawn_app().await;
    let page = visit(&app, "/swagger/").await;
    assert_shows_the_api("Swagger UI", &page, |tag| format!("data-tag=\"{tag}\""));
    assert_self_contained(
        &app,
        &page,
        &[
            "/swagger/",
            "/swagger/swagger-ui-bundle.js",
            "/swagger/swagger-initializer.js",
            "/swagger/swagger-page.css",
            "/api-docs/",
        ],
        &[],
    );
}

#[tokio::test]
async fn the_landing_page_loads_its_stylesheet_within_its_policy() {
    let app = spawn_app().await;
    let page = visit(&app, "/").await;
    assert!(page.dom.contains("href=\"/redoc/\""));
    assert_self_contained(&app, &page, &["/", "/landing.css"], &[]);
}
