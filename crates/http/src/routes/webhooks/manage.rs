use actix_web::web::Data;
use orderflow_application::webhooks::WebhookChanges;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema, NoContent};
use serde::Deserialize;

use super::webhook_id;
use crate::auth::{Admin, Caller};
use crate::dto::WebhookBody;
use crate::error::ApiError;
use crate::json::Body;
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct WebhookUpdateRequest {
    /// As when creating; checked again.
    url: Option<String>,
    /// As when creating.
    events: Option<Vec<String>>,
    /// At most 500 characters.
    description: Option<String>,
    is_active: Option<bool>,
}

/// Change a webhook endpoint (admin)
///
/// Fields left out keep their values.
#[api_v2_operation(tags(Webhooks))]
pub async fn update_webhook(
    state: Data<AppState>,
    _caller: Caller<Admin>,
    path: web::Path<String>,
    body: Body<WebhookUpdateRequest>,
) -> Result<web::Json<WebhookBody>, ApiError> {
    let id = webhook_id(&path)?;
    let body = body.into_inner()?;
    let changes = WebhookChanges {
        url: body.url,
        events: body.events,
        description: body.description,
        is_active: body.is_active,
    };
    let endpoint = run(&state, move |state| state.webhooks.update(id, changes)).await?;
    Ok(web::Json(endpoint.into()))
}

/// Delete a webhook endpoint and its deliveries (admin)
#[api_v2_operation(tags(Webhooks))]
pub async fn delete_webhook(
    state: Data<AppState>,
    _caller: Caller<Admin>,
    path: web::Path<String>,
) -> Result<NoContent, ApiError> {
    let id = webhook_id(&path)?;
    run(&state, move |state| state.webhooks.delete(id)).await?;
    Ok(NoContent)
}
