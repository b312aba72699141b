use actix_web::web::Data;
use orderflow_application::webhooks::WebhookInput;
use paperclip::actix::{api_v2_operation, Apiv2Schema, CreatedJson};
use serde::Deserialize;

use crate::auth::{Admin, Caller};
use crate::dto::CreatedWebhookBody;
use crate::error::ApiError;
use crate::json::{Body, Required};
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct WebhookRequest {
    /// `https://...` (plain `http` only where the operator allows it), at most 2,000 characters; its host must
    /// resolve to public addresses only (unless the operator allows private ones).
    #[serde(default)]
    url: Required<String>,
    /// 1 to 20 of `order.created`, `order.status_changed`, `order.paid`, `order.cancelled`, `product.low_stock`,
    /// or `*` for all.
    #[serde(default)]
    events: Required<Vec<String>>,
    /// At most 500 characters.
    description: Option<String>,
}

/// Register a webhook endpoint (admin)
///
/// 201 with the endpoint and its `secret`, which no other answer shows (but a rotation's).
#[api_v2_operation(tags(Webhooks))]
pub async fn create_webhook(
    state: Data<AppState>,
    _caller: Caller<Admin>,
    body: Body<WebhookRequest>,
) -> Result<CreatedJson<CreatedWebhookBody>, ApiError> {
    let body = body.into_inner()?;
    let input = WebhookInput {
        url: body.url.into_inner(),
        events: body.events.into_inner(),
        description: body.description,
    };
    let created = run(&state, move |state| state.webhooks.create(input)).await?;
    Ok(CreatedJson(created.into()))
}
