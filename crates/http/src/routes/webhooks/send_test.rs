use actix_web::web::Data;
use paperclip::actix::{api_v2_operation, web, AcceptedJson, Apiv2Schema};
use serde::Serialize;

use super::webhook_id;
use crate::auth::{Admin, Caller};
use crate::error::ApiError;
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct WebhookTestQueuedBody {
    /// The queued `webhook.test` delivery (see `deliveries/{delivery_id}/`).
    pub delivery_id: uuid::Uuid,
}

/// Queue a test delivery to a webhook endpoint (admin)
///
/// 202: a `webhook.test` event is queued to this endpoint, whatever it subscribed to, and delivered by the worker
/// like any other.
#[api_v2_operation(tags(Webhooks))]
pub async fn send_test(
    state: Data<AppState>,
    _caller: Caller<Admin>,
    path: web::Path<String>,
) -> Result<AcceptedJson<WebhookTestQueuedBody>, ApiError> {
    let id = webhook_id(&path)?;
    let queued = run(&state, move |state| state.webhooks.send_test(id)).await?;
    Ok(AcceptedJson(WebhookTestQueuedBody {
        delivery_id: queued.0,
    }))
}
