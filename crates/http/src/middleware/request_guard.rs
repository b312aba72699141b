//! Checks every request passes before routing: a bounded query string without control characters. And `HEAD`,
//! which is answered wherever `GET` is.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};
use orderflow_application::validation::{FieldErrors, FieldProblem, NON_FIELD_ERRORS};

use crate::error::ApiError;
use crate::text_guard::IN_QUERY;

/// The longest query string any list takes (a search of ten long words and every filter fits many times over).
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

pub async fn request_guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if let Err(error) = check_query(req.query_string()) {
        return Ok(req.into_response(error.error_response()));
    }
    // Routed as GET; the HTTP layer still knows the request was HEAD and sends the headers alone.
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

fn check_query(query: &str) -> Result<(), ApiError> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(ApiError::UriTooLong(format!(
            "The query string is {} bytes long; at most {MAX_QUERY_BYTES} are accepted.",
            query.len()
        )));
    }
    let mut errors = FieldErrors::new();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if name.chars().any(char::is_control) || value.chars().any(char::is_control) {
            let name: String = name.chars().filter(|c| !c.is_control()).collect();
            let name = if name.is_empty() {
                NON_FIELD_ERRORS.to_owned()
            } else {
                name
            };
            if !errors.has(&name) {
                errors.add(&name, FieldProblem::Worded(IN_QUERY.into()));
            }
        }
    }
    errors.into_result().map_err(ApiError::Validation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_query_string_is_too_long() {
        assert!(check_query(&"a".repeat(MAX_QUERY_BYTES)).is_ok());
        assert!(matches!(
            check_query(&"a".repeat(MAX_QUERY_BYTES + 1)),
            Err(ApiError::UriTooLong(_))
        ));
    }

    #[test]
    fn control_characters_are_refused_by_parameter() {
        let Err(ApiError::Validation(errors)) = check_query("search=ok&slug=a%00b&x=%09") else {
            panic!("expected a validation error")
        };
        assert_eq!(
            errors.problems("slug"),
            [FieldProblem::Worded(IN_QUERY.into())]
        );
        assert_eq!(
            errors.problems("x"),
            [FieldProblem::Worded(IN_QUERY.into())]
        );
        assert!(!errors.has("search"));
        assert!(check_query("search=caf%C3%A9+latte&ordering=-price").is_ok());
    }
}
