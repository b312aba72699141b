use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::identity::RegisterCustomerInput;
use paperclip::actix::{api_v2_operation, Apiv2Schema, CreatedJson};
use serde::Deserialize;

use crate::dto::SessionBody;
use crate::error::ApiError;
use crate::json::{Body, Required};
use crate::routes::auth::log_in::client_address;
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct RegisterRequest {
    #[serde(default)]
    email: Required<String>,
    /// At least 8 characters, not entirely numeric, not a common password, not the email.
    #[serde(default)]
    password: Required<String>,
    #[serde(default)]
    password_confirm: Required<String>,
    #[serde(default)]
    first_name: Required<String>,
    #[serde(default)]
    last_name: Required<String>,
    /// E.164: `+` and the digits, e.g. `+254712345678`.
    phone_number: Option<String>,
    address: Option<String>,
    city: Option<String>,
    state: Option<String>,
    /// Defaults to Kenya.
    country: Option<String>,
    postal_code: Option<String>,
}

/// Register a customer account
///
/// Creates the account and signs it in: the response carries its first API token. Registrations are limited per
/// client address (429 with `Retry-After`).
#[api_v2_operation(tags(Authentication))]
pub async fn register(
    state: Data<AppState>,
    request: HttpRequest,
    body: Body<RegisterRequest>,
) -> Result<CreatedJson<SessionBody>, ApiError> {
    let body = body.into_inner()?;
    let input = RegisterCustomerInput {
        email: body.email.into_inner(),
        password: body.password.into_inner(),
        password_confirm: body.password_confirm.into_inner(),
        first_name: body.first_name.into_inner(),
        last_name: body.last_name.into_inner(),
        phone_number: body.phone_number,
        address: body.address,
        city: body.city,
        state: body.state,
        country: body.country,
        postal_code: body.postal_code,
        client_address: client_address(&request),
    };
    let session = run(&state, move |state| state.register_customer.execute(input)).await?;
    Ok(CreatedJson(SessionBody {
        message: "Customer registered successfully".into(),
        customer: session.customer.into(),
        token: session.token,
    }))
}
