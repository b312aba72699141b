use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::identity::ChangePasswordInput;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Deserialize;

use crate::auth::Caller;
use crate::dto::MessageBody;
use crate::error::ApiError;
use crate::json::{Body, Required};
use crate::routes::auth::log_in::client_address;
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct ChangePasswordRequest {
    /// The current password. Required when the account has one; an account without a password (made by an
    /// OpenID Connect sign-in, or whose password was removed when a provider identity was linked to it) sets its
    /// first one with `new_password` alone.
    old_password: Option<String>,
    /// The password rules of registration apply.
    #[serde(default)]
    new_password: Required<String>,
}

/// Change the caller's password
///
/// Every other token of the account is revoked; the one used for this request stays valid. `old_password` is
/// needed only when the account has a password. Wrong old passwords are limited per account and per client address
/// (429 with `Retry-After`).
#[api_v2_operation(tags(Customers))]
pub async fn change_password(
    state: Data<AppState>,
    request: HttpRequest,
    caller: Caller,
    body: Body<ChangePasswordRequest>,
) -> Result<web::Json<MessageBody>, ApiError> {
    let principal = caller.principal;
    let body = body.into_inner()?;
    let input = ChangePasswordInput {
        old_password: body.old_password,
        new_password: body.new_password.into_inner(),
        client_address: client_address(&request),
    };
    run(&state, move |state| {
        state.change_password.execute(&principal, input)
    })
    .await?;
    Ok(web::Json(MessageBody {
        message: "Password changed successfully".into(),
    }))
}
