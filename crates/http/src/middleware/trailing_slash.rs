//! Paths are served with and without their trailing slash, identically and without a redirect.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::uri::{PathAndQuery, Uri};
use actix_web::middleware::Next;
use actix_web::Error;

/// Paths that name files keep their exact form.
fn is_file_path(path: &str) -> bool {
    path.starts_with("/media/") || path.starts_with("/swagger/")
}

pub async fn add_trailing_slash(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let path = req.path();
    if !path.ends_with('/') && !is_file_path(path) {
        let with_slash = match req.uri().query() {
            Some(query) => format!("{path}/?{query}"),
            None => format!("{path}/"),
        };
        if let Ok(path_and_query) = PathAndQuery::try_from(with_slash) {
            let mut parts = req.uri().clone().into_parts();
            parts.path_and_query = Some(path_and_query);
            if let Ok(uri) = Uri::from_parts(parts) {
                // Appending at the end leaves every earlier index of the path where it was.
                req.match_info_mut().get_mut().update(&uri);
                req.head_mut().uri = uri;
            }
        }
    }
    next.call(req).await
}
