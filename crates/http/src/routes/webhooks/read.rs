use actix_web::web::Data;
use actix_web::HttpRequest;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Deserialize;

use super::webhook_id;
use crate::auth::{Admin, Caller};
use crate::dto::WebhookBody;
use crate::error::ApiError;
use crate::pagination::{page_request, Paginated};
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct WebhookListQuery {
    page: Option<String>,
    page_size: Option<String>,
}

/// List webhook endpoints, newest first (admin)
#[api_v2_operation(tags(Webhooks))]
pub async fn list_webhooks(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Admin>,
    query: web::Query<WebhookListQuery>,
) -> Result<web::Json<Paginated<WebhookBody>>, ApiError> {
    let page = page_request(query.page.as_deref(), query.page_size.as_deref())?;
    let page = run(&state, move |state| state.webhooks.list(page)).await?;
    Ok(web::Json(Paginated::new(page, &request, WebhookBody::from)))
}

/// One webhook endpoint, without its secret (admin)
#[api_v2_operation(tags(Webhooks))]
pub async fn show_webhook(
    state: Data<AppState>,
    _caller: Caller<Admin>,
    path: web::Path<String>,
) -> Result<web::Json<WebhookBody>, ApiError> {
    let id = webhook_id(&path)?;
    let endpoint = run(&state, move |state| state.webhooks.get(id)).await?;
    Ok(web::Json(endpoint.into()))
}
