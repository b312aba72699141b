use actix_web::web::Data;
use orderflow_application::identity::ProfileUpdateInput;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Deserialize;

use crate::auth::Caller;
use crate::dto::CustomerBody;
use crate::error::ApiError;
use crate::json::{nullable, Body};
use crate::routes::run;
use crate::state::AppState;

/// The caller's profile
#[api_v2_operation(tags(Customers))]
pub async fn show_profile(caller: Caller) -> Result<web::Json<CustomerBody>, ApiError> {
    Ok(web::Json(caller.principal.customer.into()))
}

/// A partial profile update: fields left out keep their value.
#[derive(Debug, Default, Deserialize, Apiv2Schema)]
pub struct ProfileUpdateRequest {
    first_name: Option<String>,
    last_name: Option<String>,
    /// E.164 (`+254712345678`); `null` or `""` removes it.
    #[serde(default, deserialize_with = "nullable")]
    phone_number: Option<Option<String>>,
    address: Option<String>,
    city: Option<String>,
    state: Option<String>,
    country: Option<String>,
    postal_code: Option<String>,
    email_notifications: Option<bool>,
    sms_notifications: Option<bool>,
}

impl From<ProfileUpdateRequest> for ProfileUpdateInput {
    fn from(body: ProfileUpdateRequest) -> Self {
        ProfileUpdateInput {
            first_name: body.first_name,
            last_name: body.last_name,
            phone_number: body.phone_number,
            address: body.address,
            city: body.city,
            state: body.state,
            country: body.country,
            postal_code: body.postal_code,
            email_notifications: body.email_notifications,
            sms_notifications: body.sms_notifications,
        }
    }
}

/// Update the caller's profile
///
/// Names, phone, address fields and notification preferences; PUT and PATCH are both partial.
#[api_v2_operation(tags(Customers))]
pub async fn update_profile(
    state: Data<AppState>,
    caller: Caller,
    body: Body<ProfileUpdateRequest>,
) -> Result<web::Json<CustomerBody>, ApiError> {
    let principal = caller.principal;
    let target = principal.customer.id;
    let input = body.into_inner()?.into();
    let updated = run(&state, move |state| {
        state.update_profile.execute(&principal, target, input)
    })
    .await?;
    Ok(web::Json(updated.into()))
}
