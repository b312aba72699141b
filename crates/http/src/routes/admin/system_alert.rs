use actix_web::web::Data;
use orderflow_application::notifications::AlertInput;
use paperclip::actix::{api_v2_operation, AcceptedJson, Apiv2Schema};
use serde::{Deserialize, Serialize};

use crate::auth::{Admin, Caller};
use crate::error::ApiError;
use crate::json::{Body, Required};
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct SystemAlertRequest {
    /// At most 1,000 characters.
    #[serde(default)]
    message: Required<String>,
    /// Free text, at most 50 characters (default `info`); the subject shows it in capitals.
    alert_type: Option<String>,
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct SystemAlertQueuedBody {
    pub success: bool,
    /// Active admins the alert was queued for.
    pub total_admins: usize,
    pub message: String,
}

/// Email every active admin (admin)
///
/// The emails are queued in the outbox and delivered by the worker: 202 with how many were queued.
#[api_v2_operation(tags(Administration))]
pub async fn send_system_alert(
    state: Data<AppState>,
    _caller: Caller<Admin>,
    body: Body<SystemAlertRequest>,
) -> Result<AcceptedJson<SystemAlertQueuedBody>, ApiError> {
    let body = body.into_inner()?;
    let input = AlertInput {
        message: body.message.into_inner(),
        alert_type: body.alert_type,
    };
    let queued = run(&state, move |state| state.send_system_alert.execute(input)).await?;
    Ok(AcceptedJson(SystemAlertQueuedBody {
        success: true,
        total_admins: queued,
        message: format!("Alert queued for {queued} admin(s)."),
    }))
}
