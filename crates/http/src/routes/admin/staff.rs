use actix_web::web::Data;
use paperclip::actix::{api_v2_operation, web};

use crate::auth::{Admin, Caller};
use crate::dto::CustomerBody;
use crate::error::ApiError;
use crate::routes::run;
use crate::state::AppState;

/// Active staff and above (not paginated)
#[api_v2_operation(tags(Administration))]
pub async fn list_staff(
    state: Data<AppState>,
    _caller: Caller<Admin>,
) -> Result<web::Json<Vec<CustomerBody>>, ApiError> {
    let staff = run(&state, |state| state.customer_directory.staff()).await?;
    Ok(web::Json(
        staff.into_iter().map(CustomerBody::from).collect(),
    ))
}
