//! What the pages load, compiled into the binary: the ReDoc bundle vendored from npm (`assets/redoc/`, refreshed
//! by `scripts/update-doc-assets.sh`) and our own small scripts and styles (`assets/pages/`). Swagger UI's scripts
//! and styles are paperclip's, served by its handler.

use actix_web::http::header;
use actix_web::HttpResponse;
use paperclip::actix::{api_v2_operation, web};

/// The vendored ReDoc release, part of its bundle's path: a new release has a new address, so the bundle can be
/// cached for good.
const REDOC_VERSION: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/redoc/VERSION"));

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
/// For a path that names a version: its content never changes.
const CACHE_FOR_GOOD: &str = "public, max-age=31536000, immutable";
/// For our own files, whose paths stay the same from one release to the next.
const CHECK_EVERY_TIME: &str = "no-cache";

pub(super) fn redoc_bundle_path() -> String {
    format!("/redoc/{}/redoc.standalone.js", REDOC_VERSION.trim())
}

pub(super) fn routes(config: &mut web::ServiceConfig) {
    // Outside /swagger/, the trailing-slash middleware has appended a slash to the path before it is routed.
    let redoc_bundle_route = format!("{}/", redoc_bundle_path());
    config
        .service(web::resource(&redoc_bundle_route).route(web::get().to(redoc_bundle)))
        .service(web::resource("/landing.css/").route(web::get().to(landing_css)))
        .service(web::resource("/swagger/swagger-page.css").route(web::get().to(swagger_page_css)))
        .service(
            web::resource("/swagger/swagger-initializer.js")
                .route(web::get().to(swagger_initializer)),
        );
}

/// A handler answering one file of `assets/`, compiled into the binary.
macro_rules! embedded_file {
    ($handler:ident, $file:literal, $content_type:expr, $cache_control:expr) => {
        #[api_v2_operation(skip)]
        async fn $handler() -> HttpResponse {
            const BODY: &[u8] =
                include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $file));
            HttpResponse::Ok()
                .content_type($content_type)
                .insert_header((header::CACHE_CONTROL, $cache_control))
                .body(BODY)
        }
    };
}

embedded_file!(
    redoc_bundle,
    "redoc/redoc.standalone.js",
    JAVASCRIPT,
    CACHE_FOR_GOOD
);
embedded_file!(landing_css, "pages/landing.css", CSS, CHECK_EVERY_TIME);
embedded_file!(
    swagger_page_css,
    "pages/swagger-page.css",
    CSS,
    CHECK_EVERY_TIME
);
embedded_file!(
    swagger_initializer,
    "pages/swagger-initializer.js",
    JAVASCRIPT,
    CHECK_EVERY_TIME
);
