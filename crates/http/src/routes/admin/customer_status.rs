use actix_web::web::Data;
use orderflow_application::admin::CustomerAction;
use orderflow_domain::identity::CustomerId;
use paperclip::actix::{api_v2_operation, web};

use crate::auth::{Admin, Caller};
use crate::dto::SuccessMessageBody;
use crate::error::ApiError;
use crate::routes::run;
use crate::state::AppState;

async fn apply(
    state: Data<AppState>,
    caller: Caller<Admin>,
    id: i64,
    action: CustomerAction,
) -> Result<web::Json<SuccessMessageBody>, ApiError> {
    let actor = caller.principal.customer;
    let customer = run(&state, move |state| {
        state
            .manage_customer
            .execute(&actor, CustomerId(id), action)
    })
    .await?;
    Ok(web::Json(SuccessMessageBody {
        success: true,
        message: format!("Customer {} has been {}", customer.email, action.done()),
    }))
}

/// Deactivate an account and revoke its tokens
#[api_v2_operation(tags(Administration))]
pub async fn deactivate(
    state: Data<AppState>,
    caller: Caller<Admin>,
    path: web::Path<i64>,
) -> Result<web::Json<SuccessMessageBody>, ApiError> {
    apply(state, caller, path.into_inner(), CustomerAction::Deactivate).await
}

/// Reactivate an account (its old tokens stay revoked)
#[api_v2_operation(tags(Administration))]
pub async fn activate(
    state: Data<AppState>,
    caller: Caller<Admin>,
    path: web::Path<i64>,
) -> Result<web::Json<SuccessMessageBody>, ApiError> {
    apply(state, caller, path.into_inner(), CustomerAction::Activate).await
}

/// Mark an account verified
#[api_v2_operation(tags(Administration))]
pub async fn verify(
    state: Data<AppState>,
    caller: Caller<Admin>,
    path: web::Path<i64>,
) -> Result<web::Json<SuccessMessageBody>, ApiError> {
    apply(state, caller, path.into_inner(), CustomerAction::Verify).await
}
