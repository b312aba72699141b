use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::validation::{FieldErrors, FieldProblem};
use orderflow_domain::webhooks::DeliveryState;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Deserialize;

use super::{delivery_id, webhook_id};
use crate::auth::{Admin, Caller};
use crate::dto::{WebhookDeliveryBody, WebhookDeliveryDetailBody};
use crate::error::ApiError;
use crate::pagination::{page_request, Paginated};
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct WebhookDeliveryListQuery {
    page: Option<String>,
    page_size: Option<String>,
    /// `pending`, `sent` or `failed`.
    status: Option<String>,
}

/// A webhook endpoint's deliveries, newest first (admin)
#[api_v2_operation(tags(Webhooks))]
pub async fn list_deliveries(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Admin>,
    path: web::Path<String>,
    query: web::Query<WebhookDeliveryListQuery>,
) -> Result<web::Json<Paginated<WebhookDeliveryBody>>, ApiError> {
    let id = webhook_id(&path)?;
    let page = page_request(query.page.as_deref(), query.page_size.as_deref())?;
    let mut errors = FieldErrors::new();
    let status = query.status.as_deref().and_then(|raw| {
        errors.check(
            "status",
            raw.trim()
                .parse::<DeliveryState>()
                .map_err(|_| FieldProblem::UnknownChoice),
        )
    });
    errors.into_result()?;
    let page = run(&state, move |state| {
        state.webhooks.deliveries(id, status, page)
    })
    .await?;
    Ok(web::Json(Paginated::new(
        page,
        &request,
        WebhookDeliveryBody::from,
    )))
}

/// One delivery, with the exact body sent (admin)
#[api_v2_operation(tags(Webhooks))]
pub async fn show_delivery(
    state: Data<AppState>,
    _caller: Caller<Admin>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<WebhookDeliveryDetailBody>, ApiError> {
    let (endpoint, delivery) = path.into_inner();
    let (endpoint, delivery) = (webhook_id(&endpoint)?, delivery_id(&delivery)?);
    let found = run(&state, move |state| {
        state.webhooks.delivery(endpoint, delivery)
    })
    .await?;
    Ok(web::Json(found.into()))
}
