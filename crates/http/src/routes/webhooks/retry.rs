use actix_web::web::Data;
use paperclip::actix::{api_v2_operation, web, AcceptedJson};

use super::{delivery_id, webhook_id};
use crate::auth::{Admin, Caller};
use crate::dto::WebhookDeliveryBody;
use crate::error::ApiError;
use crate::routes::run;
use crate::state::AppState;

/// Put a failed delivery back in the queue (admin)
///
/// It becomes `pending`, due now, with a fresh set of attempts, the same `webhook-id` and the same body. 202 with
/// the delivery; 400 if it is not `failed`.
#[api_v2_operation(tags(Webhooks))]
pub async fn retry_delivery(
    state: Data<AppState>,
    _caller: Caller<Admin>,
    path: web::Path<(String, String)>,
) -> Result<AcceptedJson<WebhookDeliveryBody>, ApiError> {
    let (endpoint, delivery) = path.into_inner();
    let (endpoint, delivery) = (webhook_id(&endpoint)?, delivery_id(&delivery)?);
    let requeued = run(&state, move |state| {
        state.webhooks.retry_delivery(endpoint, delivery)
    })
    .await?;
    Ok(AcceptedJson(requeued.into()))
}
