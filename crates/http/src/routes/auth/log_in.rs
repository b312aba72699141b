use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::identity::{LogInError, LogInInput, Session};
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Deserialize;

use crate::dto::SessionBody;
use crate::error::ApiError;
use crate::json::{Body, Required};
use crate::origin::RequestOrigin;
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct LogInRequest {
    /// Matched case-insensitively.
    #[serde(default)]
    email: Required<String>,
    #[serde(default)]
    password: Required<String>,
}

/// The client's IP address: the peer's, or the one a trusted proxy forwarded (see [`RequestOrigin`]).
pub(crate) fn client_address(request: &HttpRequest) -> Option<String> {
    RequestOrigin::of(request)
        .client_ip
        .map(|ip| ip.to_string())
}

/// Runs a password login, counting a refusal for the credentials or for too many failures in the metrics.
pub(crate) fn counted_log_in(state: &AppState, input: LogInInput) -> Result<Session, LogInError> {
    let outcome = state.log_in.execute(input);
    state.metrics.record_login(&outcome);
    outcome
}

/// Log in with email and password
///
/// Every login issues a new API token, so each device can log out on its own. Too many failures for an email or
/// from an address answer 429 with `Retry-After`.
#[api_v2_operation(tags(Authentication))]
pub async fn log_in(
    state: Data<AppState>,
    request: HttpRequest,
    body: Body<LogInRequest>,
) -> Result<web::Json<SessionBody>, ApiError> {
    let body = body.into_inner()?;
    let input = LogInInput {
        email: body.email.into_inner(),
        password: body.password.into_inner(),
        client_address: client_address(&request),
    };
    let session = run(&state, move |state| counted_log_in(state, input)).await?;
    Ok(web::Json(SessionBody {
        message: "Login successful".into(),
        customer: session.customer.into(),
        token: session.token,
    }))
}
