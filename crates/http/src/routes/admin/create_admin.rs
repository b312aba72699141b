use actix_web::web::Data;
use orderflow_application::admin::{CreateAdminInput, OnExistingAccount};
use paperclip::actix::{api_v2_operation, Apiv2Schema, CreatedJson};
use serde::{Deserialize, Serialize};

use crate::auth::{Caller, SuperAdmin};
use crate::dto::CustomerBody;
use crate::error::ApiError;
use crate::json::{Body, Required};
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct CreateAdminRequest {
    #[serde(default)]
    email: Required<String>,
    #[serde(default)]
    first_name: Required<String>,
    #[serde(default)]
    last_name: Required<String>,
    /// The password rules of registration apply.
    #[serde(default)]
    password: Required<String>,
    /// `staff`, `admin` (default) or `super_admin`.
    role: Option<String>,
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct CreatedAdminBody {
    success: bool,
    admin: CustomerBody,
}

/// Create a staff, admin or super admin account (super admins only)
#[api_v2_operation(tags(Administration))]
pub async fn create_admin(
    state: Data<AppState>,
    _caller: Caller<SuperAdmin>,
    body: Body<CreateAdminRequest>,
) -> Result<CreatedJson<CreatedAdminBody>, ApiError> {
    let body = body.into_inner()?;
    let input = CreateAdminInput {
        email: body.email.into_inner(),
        first_name: body.first_name.into_inner(),
        last_name: body.last_name.into_inner(),
        password: body.password.into_inner(),
        role: body.role,
    };
    let (admin, _) = run(&state, move |state| {
        state.create_admin.execute(input, OnExistingAccount::Refuse)
    })
    .await?;
    Ok(CreatedJson(CreatedAdminBody {
        success: true,
        admin: admin.into(),
    }))
}
