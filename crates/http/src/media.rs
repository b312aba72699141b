//! Uploaded files: where they are served, and their absolute URLs.

use actix_web::HttpRequest;

/// Builds the absolute URL of a stored file (`products/x.png` → `http://host/media/products/x.png`) from the
/// request being answered, so links work behind whatever host name the client used.
pub struct MediaUrls {
    base: String,
}

pub const MEDIA_PREFIX: &str = "/media";

impl MediaUrls {
    pub fn for_request(request: &HttpRequest) -> Self {
        let info = request.connection_info();
        Self {
            base: format!("{}://{}{MEDIA_PREFIX}/", info.scheme(), info.host()),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }
}
