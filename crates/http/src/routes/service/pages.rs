//! HTML pages for people: the landing page, ReDoc and Swagger UI. Not part of the API, so left out of the OpenAPI
//! document.
//!
//! Everything they load comes from this binary ([`assets`]), so they work without internet access, and no script
//! from anyone else runs next to the `#token=` that a sign-in may leave in their address.

mod assets;
mod headers;

use actix_web::HttpResponse;
use paperclip::actix::{api_v2_operation, web};

use headers::{html_page, REDOC_POLICY, STRICT_POLICY};

const LANDING: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OrderFlow</title>
<link rel="stylesheet" href="/landing.css">
</head><body>
<h1>OrderFlow</h1>
<p>Order management for online shops: a category tree, customers, orders that never oversell, and notifications.</p>
<ul>
<li><a href="/swagger/">Swagger UI</a>: try the API in the browser</li>
<li><a href="/redoc/">ReDoc</a>: the API reference</li>
<li><a href="/api-docs/">/api-docs/</a>: the OpenAPI document (JSON)</li>
<li><a href="/api/">/api/</a>: service information</li>
<li><a href="/health/">/health/</a>: health check; <a href="/health/live/">/health/live/</a> and <a href="/health/ready/">/health/ready/</a>: probes for orchestrators</li>
</ul>
<p>The API lives under <code>/api/v1/</code>.</p>
</body></html>"#;

/// Swagger UI's own index.html, with its inline script and style moved to files of ours.
const SWAGGER: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OrderFlow API: Swagger UI</title>
<link rel="stylesheet" href="/swagger/swagger-ui.css">
<link rel="stylesheet" href="/swagger/swagger-page.css">
<link rel="icon" type="image/png" href="/swagger/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="/swagger/favicon-16x16.png" sizes="16x16">
</head><body><div id="swagger-ui"></div>
<script src="/swagger/swagger-ui-bundle.js"></script>
<script src="/swagger/swagger-ui-standalone-preset.js"></script>
<script src="/swagger/swagger-initializer.js"></script>
</body></html>"#;

fn redoc_page() -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OrderFlow API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/api-docs/"></redoc>
<script src="{bundle}"></script>
</body></html>"#,
        bundle = assets::redoc_bundle_path()
    )
}

/// Registered before paperclip's Swagger UI handler, so `/swagger/` and `/swagger/index.html` are ours; its
/// scripts and styles still come from paperclip.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/").route(web::get().to(landing)))
        .service(web::resource("/redoc/").route(web::get().to(redoc)))
        .service(web::resource("/swagger/").route(web::get().to(swagger)))
        .service(web::resource("/swagger/index.html").route(web::get().to(swagger)));
    assets::routes(config);
}

#[api_v2_operation(skip)]
async fn landing() -> HttpResponse {
    html_page(LANDING, STRICT_POLICY)
}

#[api_v2_operation(skip)]
async fn redoc() -> HttpResponse {
    html_page(redoc_page(), REDOC_POLICY)
}

#[api_v2_operation(skip)]
async fn swagger() -> HttpResponse {
    html_page(SWAGGER, STRICT_POLICY)
}
