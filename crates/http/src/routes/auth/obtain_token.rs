use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::identity::LogInInput;
use orderflow_application::validation::{FieldErrors, FieldProblem};
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::{Deserialize, Serialize};

use super::log_in::{client_address, counted_log_in};
use crate::error::ApiError;
use crate::json::{Body, Required};
use crate::routes::run;
use crate::state::AppState;

/// DRF's `obtain_auth_token` body: the email as `username` (or as `email`), and the password.
#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct ObtainTokenRequest {
    /// The account's email.
    username: Option<String>,
    /// Accepted instead of `username`.
    email: Option<String>,
    #[serde(default)]
    password: Required<String>,
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct TokenBody {
    token: String,
}

/// Obtain an API token (DRF compatible)
///
/// The same checks and throttling as `auth/login/`; the answer holds only the token.
#[api_v2_operation(tags(Authentication))]
pub async fn obtain_token(
    state: Data<AppState>,
    request: HttpRequest,
    body: Body<ObtainTokenRequest>,
) -> Result<web::Json<TokenBody>, ApiError> {
    let body = body.into_inner()?;
    let Some(email) = body.username.or(body.email) else {
        let mut errors = FieldErrors::single("username", FieldProblem::Required);
        if body.password.0.is_none() {
            errors.add("password", FieldProblem::Required);
        }
        return Err(errors.into());
    };
    let input = LogInInput {
        email: Some(email),
        password: body.password.into_inner(),
        client_address: client_address(&request),
    };
    let session = run(&state, move |state| counted_log_in(state, input)).await?;
    Ok(web::Json(TokenBody {
        token: session.token,
    }))
}
