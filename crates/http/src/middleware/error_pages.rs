//! Errors produced by the framework itself (no route, wrong method, a panicking asset handler...) come without a
//! body; clients of this API always get JSON with a `detail`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use serde_json::json;

/// Files under `/swagger/`: our page (`""`, `index.html`) and its script and style, then the assets of paperclip's
/// bundled Swagger UI. Anything else is answered 404 here, because paperclip's asset handler panics (dropping the
/// connection) on a file it does not have. Its `oauth2-redirect.html` is left out on purpose: a page with an inline
/// script, outside our Content-Security-Policy, needed only for OAuth2 flows that the API document does not offer.
const SWAGGER_ASSETS: &[&str] = &[
    "",
    "index.html",
    "swagger-initializer.js",
    "swagger-page.css",
    "favicon-16x16.png",
    "favicon-32x32.png",
    "swagger-ui.css",
    "swagger-ui.css.map",
    "swagger-ui.js",
    "swagger-ui.js.map",
    "swagger-ui-bundle.js",
    "swagger-ui-bundle.js.map",
    "swagger-ui-es-bundle.js",
    "swagger-ui-es-bundle.js.map",
    "swagger-ui-es-bundle-core.js",
    "swagger-ui-es-bundle-core.js.map",
    "swagger-ui-standalone-preset.js",
    "swagger-ui-standalone-preset.js.map",
];

fn is_unknown_swagger_asset(path: &str) -> bool {
    path.strip_prefix("/swagger/")
        .is_some_and(|asset| !SWAGGER_ASSETS.contains(&asset))
}

fn detail_for(status: StatusCode) -> Option<&'static str> {
    Some(match status {
        StatusCode::NOT_FOUND => "Not found.",
        StatusCode::METHOD_NOT_ALLOWED => {
            "Method not allowed on this path; see /api-docs/ for the methods it takes."
        }
        StatusCode::PAYLOAD_TOO_LARGE => "Request body is too large.",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "Unsupported media type; send JSON with Content-Type: application/json."
        }
        StatusCode::BAD_REQUEST => "Malformed request.",
        StatusCode::INTERNAL_SERVER_ERROR => "Internal server error.",
        _ => return None,
    })
}

pub async fn json_error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if is_unknown_swagger_asset(req.path()) {
        return Ok(req.into_response(json_response(StatusCode::NOT_FOUND, "Not found.")));
    }
    let response = next.call(req).await?.map_into_boxed_body();
    let has_body_type = response.headers().contains_key(header::CONTENT_TYPE);
    match detail_for(response.status()) {
        Some(detail) if !has_body_type => {
            let status = response.status();
            Ok(response.into_response(json_response(status, detail)))
        }
        _ => Ok(response),
    }
}

fn json_response(status: StatusCode, detail: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "detail": detail }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bundled_swagger_assets_pass() {
        assert!(!is_unknown_swagger_asset("/swagger/swagger-ui.css"));
        assert!(!is_unknown_swagger_asset("/swagger/"));
        assert!(is_unknown_swagger_asset("/swagger/nope.js"));
        assert!(is_unknown_swagger_asset("/swagger/../etc/passwd"));
        assert!(!is_unknown_swagger_asset("/api/v1/"));
    }
}
