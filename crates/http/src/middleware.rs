//! Cross-cutting request handling: request ids and access logs, trailing slashes, JSON error pages.

mod error_pages;
mod request_id;
mod trailing_slash;

pub use error_pages::json_error_pages;
pub use request_id::{current_request_id, request_id_and_access_log, REQUEST_ID_HEADER};
pub use trailing_slash::add_trailing_slash;
