//! Errors produced by the framework or a file service (no route, wrong method, a missing upload, a panicking asset
//! handler...) come without a body or as plain text; clients of this API always get JSON with a `detail`, and a
//! 405 says in `Allow` which methods the path takes.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use serde_json::json;

use super::allowed_methods::allowed_methods;

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

fn detail_for(status: StatusCode) -> String {
    match status {
        StatusCode::NOT_FOUND => "Not found.".into(),
        StatusCode::PAYLOAD_TOO_LARGE => "Request body is too large.".into(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "Unsupported media type; send JSON with Content-Type: application/json.".into()
        }
        StatusCode::BAD_REQUEST => "Malformed request.".into(),
        StatusCode::INTERNAL_SERVER_ERROR => "Internal server error.".into(),
        other => format!("{}.", other.canonical_reason().unwrap_or("Request failed")),
    }
}

pub async fn json_error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if is_unknown_swagger_asset(req.path()) {
        return Ok(req.into_response(json_response(StatusCode::NOT_FOUND, "Not found.")));
    }
    let method = req.method().clone();
    let response = next.call(req).await?.map_into_boxed_body();
    let status = response.status();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        let allowed = allowed_methods(response.request().path());
        let detail = format!("Method {method} is not allowed on this path; it takes {allowed}.");
        let mut answer = json_response(status, &detail);
        if let Ok(value) = HeaderValue::from_str(&allowed) {
            answer.headers_mut().insert(header::ALLOW, value);
        }
        return Ok(response.into_response(answer));
    }
    if status.as_u16() >= 400 && !is_json(&response) {
        return Ok(response.into_response(json_response(status, &detail_for(status))));
    }
    Ok(response)
}

fn is_json(response: &ServiceResponse<BoxBody>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"))
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
