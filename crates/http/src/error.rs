//! The HTTP error type: the one place where failures become status codes and DRF-shaped bodies.

mod from_application;
mod from_webhooks;
mod webhook_wording;
pub mod wording;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use orderflow_application::ports::RepositoryError;
use orderflow_application::validation::FieldErrors;
use paperclip::actix::api_v2_errors;
use serde_json::{json, Map, Value};

use crate::middleware::current_request_id;

/// Every way a request can fail, as the client sees it.
#[api_v2_errors(
    code = 400,
    description = "Invalid input: `{\"field\": [\"message\"], \"non_field_errors\": [...]}` or `{\"detail\": ...}`",
    code = 401,
    description = "Missing, invalid or expired token, or an inactive account",
    code = 403,
    description = "Signed in, but the role does not allow this",
    code = 404,
    description = "No such resource (or not yours)",
    code = 429,
    description = "Too many attempts; see Retry-After",
    code = 500,
    description = "Internal server error (with a request id)",
    code = 503,
    description = "The database is unavailable; retry later"
)]
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed: {0}")]
    Validation(FieldErrors),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Errors of a multi-row input (a bulk import), by row number.
    #[error("{} rows rejected", .0.len())]
    RowErrors(std::collections::BTreeMap<usize, FieldErrors>),
    #[error("authentication credentials were not provided")]
    NotAuthenticated,
    #[error("invalid token")]
    InvalidToken,
    /// 401 with a `detail` that says what was wrong (a token from an identity provider, say).
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    #[error("user inactive or deleted")]
    InactiveUser,
    #[error("permission denied")]
    Forbidden,
    #[error("forbidden: {0}")]
    ForbiddenBecause(String),
    #[error("not found")]
    NotFound,
    #[error("invalid page")]
    InvalidPage,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    /// 414: the request's query string is longer than any this API takes.
    #[error("URI too long: {0}")]
    UriTooLong(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("unprocessable: {0}")]
    Unprocessable(String),
    /// 429 with `Retry-After`; `detail` says what was limited.
    #[error("throttled for {retry_after_seconds} s: {detail}")]
    TooManyRequests {
        detail: String,
        retry_after_seconds: i64,
    },
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// 503 whose `detail` the client may read (a feature not configured, a provider down).
    #[error("unavailable: {0}")]
    UnavailableBecause(String),
    /// 503 for a moment's overload (every password-hashing slot taken): retry after a second.
    #[error("busy: {0}")]
    Busy(String),
    /// The message is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

pub const NOT_AUTHENTICATED: &str = "Authentication credentials were not provided.";

impl ApiError {
    /// The JSON body for this error.
    pub fn body(&self) -> Value {
        match self {
            ApiError::Validation(errors) => validation_body(errors),
            ApiError::RowErrors(rows) => {
                let by_row: Map<String, Value> = rows
                    .iter()
                    .map(|(row, errors)| {
                        (row.to_string(), ApiError::Validation(errors.clone()).body())
                    })
                    .collect();
                json!({
                    "detail": format!("Nothing was imported: {} row(s) have errors.", rows.len()),
                    "rows": by_row,
                })
            }
            ApiError::Internal(_) => json!({
                "detail": "Internal server error.",
                "request_id": current_request_id(),
            }),
            other => json!({ "detail": other.detail() }),
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::BadRequest(detail)
            | ApiError::ForbiddenBecause(detail)
            | ApiError::Conflict(detail)
            | ApiError::PayloadTooLarge(detail)
            | ApiError::UriTooLong(detail)
            | ApiError::Busy(detail)
            | ApiError::UnsupportedMediaType(detail)
            | ApiError::Unprocessable(detail)
            | ApiError::Unauthenticated(detail)
            | ApiError::UnavailableBecause(detail) => detail.clone(),
            ApiError::NotAuthenticated => NOT_AUTHENTICATED.into(),
            ApiError::InvalidToken => "Invalid token.".into(),
            ApiError::InactiveUser => "User inactive or deleted.".into(),
            ApiError::Forbidden => "You do not have permission to perform this action.".into(),
            ApiError::NotFound => "Not found.".into(),
            ApiError::InvalidPage => "Invalid page.".into(),
            ApiError::TooManyRequests { detail, .. } => detail.clone(),
            ApiError::Unavailable(_) => {
                "The service is temporarily unavailable. Please retry shortly.".into()
            }
            ApiError::Validation(_) | ApiError::RowErrors(_) | ApiError::Internal(_) => {
                "Internal server error.".into()
            }
        }
    }
}

/// `{"field": ["message"], "items": [{}, {"quantity": ["message"]}]}`, as DRF nests list errors.
fn validation_body(errors: &FieldErrors) -> Value {
    let mut body: Map<String, Value> = errors
        .iter()
        .map(|(field, problems)| {
            let messages: Vec<String> = problems.iter().map(wording::field_problem).collect();
            (field.to_owned(), json!(messages))
        })
        .collect();
    for (field, items) in errors.lists() {
        body.insert(
            field.to_owned(),
            Value::Array(items.iter().map(validation_body).collect()),
        );
    }
    Value::Object(body)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) | ApiError::BadRequest(_) | ApiError::RowErrors(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::NotAuthenticated
            | ApiError::InvalidToken
            | ApiError::InactiveUser
            | ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::ForbiddenBecause(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::InvalidPage => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UriTooLong(_) => StatusCode::URI_TOO_LONG,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::UnavailableBecause(_) | ApiError::Busy(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // The cause, database text included, goes to the log under the request's id; the client gets the id only.
        match self {
            ApiError::Internal(message) => {
                tracing::error!(request_id = %current_request_id(), error = %message, "request failed")
            }
            ApiError::Unavailable(message) => {
                tracing::warn!(request_id = %current_request_id(), error = %message, "dependency unavailable")
            }
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            ApiError::NotAuthenticated
            | ApiError::InvalidToken
            | ApiError::InactiveUser
            | ApiError::Unauthenticated(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Token"));
            }
            ApiError::TooManyRequests {
                retry_after_seconds,
                ..
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
            }
            ApiError::Unavailable(_) | ApiError::UnavailableBecause(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::Busy(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        response.json(self.body())
    }
}

impl From<RepositoryError> for ApiError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Unavailable(cause) => ApiError::Unavailable(cause.to_string()),
            RepositoryError::Failed(cause) => ApiError::Internal(cause.to_string()),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Validation(errors)
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::Internal(format!("blocking task failed: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_bodies_follow_the_contract() {
        let cases = [
            (
                ApiError::NotAuthenticated,
                401,
                json!({"detail": "Authentication credentials were not provided."}),
            ),
            (
                ApiError::InvalidToken,
                401,
                json!({"detail": "Invalid token."}),
            ),
            (
                ApiError::InactiveUser,
                401,
                json!({"detail": "User inactive or deleted."}),
            ),
            (
                ApiError::Forbidden,
                403,
                json!({"detail": "You do not have permission to perform this action."}),
            ),
            (ApiError::NotFound, 404, json!({"detail": "Not found."})),
            (
                ApiError::InvalidPage,
                404,
                json!({"detail": "Invalid page."}),
            ),
        ];
        for (error, status, body) in cases {
            assert_eq!(error.status_code().as_u16(), status, "{error:?}");
            assert_eq!(error.body(), body);
        }
    }

    #[test]
    fn validation_errors_are_a_map_of_field_to_messages() {
        let mut errors = FieldErrors::new();
        errors.add("email", orderflow_domain::identity::EmailError::Invalid);
        errors.add(
            "non_field_errors",
            orderflow_application::validation::FieldProblem::PasswordsDiffer,
        );
        let error = ApiError::Validation(errors);
        assert_eq!(error.status_code(), StatusCode::BAD_REQUEST);
        assert_eq!(
            error.body(),
            json!({"email": ["Enter a valid email address."], "non_field_errors": ["Passwords don't match."]})
        );
    }

    #[test]
    fn internal_errors_hide_the_cause() {
        let error = ApiError::Internal("duplicate key value violates unique constraint".into());
        let body = error.body().to_string();
        assert!(!body.contains("constraint"));
        assert!(body.contains("Internal server error."));
    }

    #[test]
    fn authentication_failures_carry_www_authenticate_and_throttling_retry_after() {
        let response = ApiError::InvalidToken.error_response();
        assert_eq!(
            response.headers().get(header::WWW_AUTHENTICATE).unwrap(),
            "Token"
        );
        let response = ApiError::TooManyRequests {
            detail: "Too many.".into(),
            retry_after_seconds: 42,
        }
        .error_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "42");
    }

    #[test]
    fn storage_unavailability_is_a_503_and_failure_a_500() {
        assert_eq!(
            ApiError::from(RepositoryError::Unavailable("down".into())).status_code(),
            503
        );
        assert_eq!(
            ApiError::from(RepositoryError::Failed("bug".into())).status_code(),
            500
        );
    }
}
