//! Headers every response carries: `X-Content-Type-Options: nosniff` (an upload that starts like a PNG and holds a
//! script is served as the image it claims to be, never sniffed into HTML), and `Cache-Control: no-store` on
//! every response that may carry a token or personal data.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::Error;

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let private = is_private(
        req.path(),
        req.headers().contains_key(header::AUTHORIZATION),
    );
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if private || headers.contains_key(header::SET_COOKIE) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// Personal data only ever goes to a caller who sent credentials; tokens are handed out under `/api/v1/auth/`.
fn is_private(path: &str, has_credentials: bool) -> bool {
    has_credentials || path.starts_with("/api/v1/auth/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_sign_in_routes_are_private() {
        assert!(is_private("/api/v1/orders/", true));
        assert!(is_private("/api/v1/auth/login/", false));
        assert!(is_private("/api/v1/auth/oidc/callback/", false));
        assert!(!is_private("/api/v1/products/", false));
        assert!(!is_private("/media/products/a.png", false));
    }
}
