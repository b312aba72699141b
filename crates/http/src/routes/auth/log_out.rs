use actix_web::web::Data;
use paperclip::actix::{api_v2_operation, web};

use crate::auth::Caller;
use crate::dto::MessageBody;
use crate::error::ApiError;
use crate::routes::run;
use crate::state::AppState;

/// Log out
///
/// Revokes the token this request was made with; the account's other tokens stay valid.
#[api_v2_operation(tags(Authentication))]
pub async fn log_out(
    state: Data<AppState>,
    caller: Caller,
) -> Result<web::Json<MessageBody>, ApiError> {
    let principal = caller.principal;
    run(&state, move |state| state.log_out.execute(&principal)).await?;
    Ok(web::Json(MessageBody {
        message: "Logout successful".into(),
    }))
}
