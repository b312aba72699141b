//! Uploaded files: where they are served, and their absolute URLs.

use actix_web::HttpRequest;

use crate::origin::RequestOrigin;

/// Builds the absolute URL of a stored file (`products/x.png` → `https://shop.example.com/media/products/x.png`)
/// from the service's public origin (see [`RequestOrigin`]).
pub struct MediaUrls {
    base: String,
}

pub const MEDIA_PREFIX: &str = "/media";

impl MediaUrls {
    pub fn for_request(request: &HttpRequest) -> Self {
        Self {
            base: format!("{}{MEDIA_PREFIX}/", RequestOrigin::of(request).base),
        }
    }

    /// From a fixed origin (`https://shop.example.com`, or empty for relative URLs), where there is no request.
    pub fn for_base(origin: &str) -> Self {
        Self {
            base: format!("{}{MEDIA_PREFIX}/", origin.trim_end_matches('/')),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }
}
