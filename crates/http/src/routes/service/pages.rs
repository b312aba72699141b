//! HTML pages for people; not part of the API, so left out of the OpenAPI document.

use actix_web::HttpResponse;
use paperclip::actix::api_v2_operation;

const LANDING: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OrderFlow</title>
<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:3rem auto;padding:0 1rem;line-height:1.5}</style>
</head><body>
<h1>OrderFlow</h1>
<p>Order management for online shops: a category tree, customers, orders that never oversell, and notifications.</p>
<ul>
<li><a href="/swagger/">Swagger UI</a>: try the API in the browser</li>
<li><a href="/redoc/">ReDoc</a>: the API reference</li>
<li><a href="/api-docs/">/api-docs/</a>: the OpenAPI document (JSON)</li>
<li><a href="/api/">/api/</a>: service information</li>
<li><a href="/health/">/health/</a>: health check</li>
</ul>
<p>The API lives under <code>/api/v1/</code>.</p>
</body></html>"#;

const REDOC: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OrderFlow API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/api-docs/"></redoc>
<script src="https://cdn.redoc.ly/redoc/v2.1.5/bundles/redoc.standalone.js"></script>
</body></html>"#;

fn html(page: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page)
}

#[api_v2_operation(skip)]
pub async fn landing() -> HttpResponse {
    html(LANDING)
}

#[api_v2_operation(skip)]
pub async fn redoc() -> HttpResponse {
    html(REDOC)
}
