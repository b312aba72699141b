//! Cross-cutting request handling: request ids and access logs, request metrics, trailing slashes, bounds on the
//! request line, security headers, JSON error pages.

mod allowed_methods;
mod error_pages;
mod request_guard;
mod request_id;
mod request_metrics;
mod security_headers;
mod trailing_slash;

pub use error_pages::json_error_pages;
pub use request_guard::{request_guard, MAX_QUERY_BYTES};
pub use request_id::{
    current_request_id, request_id_and_access_log, REQUEST_ID_HEADER, UNMATCHED_ROUTE,
};
pub use request_metrics::request_metrics;
pub use security_headers::security_headers;
pub use trailing_slash::add_trailing_slash;
