//! `notifications/...`: the outbox as people see it (their own; admins all), and admins' retries.

use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::ports::{NotificationFilter, NotificationSort};
use orderflow_application::validation::{FieldErrors, FieldProblem};
use orderflow_domain::notifications::{Channel, DeliveryStatus, NotificationId};
use orderflow_domain::ordering::OrderId;
use paperclip::actix::{api_v2_operation, web, AcceptedJson, Apiv2Schema};
use serde::Deserialize;

use crate::auth::{Admin, Caller};
use crate::dto::{NotificationBody, NotificationStatsBody};
use crate::error::ApiError;
use crate::pagination::{page_request, Paginated};
use crate::query::{ordering_param, search_param};
use crate::routes::run;
use crate::state::AppState;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/notifications/").route(web::get().to(list_notifications)))
        .service(web::resource("/notifications/stats/").route(web::get().to(stats)))
        .service(web::resource("/notifications/{id}/").route(web::get().to(show_notification)))
        .service(web::resource("/notifications/{id}/retry/").route(web::post().to(retry)));
}

/// A notification id from the path; anything but a UUID names none.
fn notification_id(raw: &str) -> Result<NotificationId, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(NotificationId)
        .map_err(|_| ApiError::NotFound)
}

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct NotificationListQuery {
    page: Option<String>,
    page_size: Option<String>,
    /// `sms` or `email`.
    notification_type: Option<String>,
    /// `pending`, `sent`, `failed` or `suppressed`.
    status: Option<String>,
    /// An order's id.
    order: Option<String>,
    /// Terms matched in the subject and the message; all must match.
    search: Option<String>,
    /// `created_at` (default `-created_at`), `sent_at`, `status`, optionally `-` prefixed.
    ordering: Option<String>,
}

const ORDERING: &[(&str, NotificationSort)] = &[
    ("created_at", NotificationSort::CreatedAt),
    ("sent_at", NotificationSort::SentAt),
    ("status", NotificationSort::Status),
];

fn filter(query: &NotificationListQuery) -> Result<NotificationFilter, ApiError> {
    let mut errors = FieldErrors::new();
    let channel = query
        .notification_type
        .as_deref()
        .and_then(|raw| errors.check("notification_type", raw.trim().parse::<Channel>()));
    let status = query
        .status
        .as_deref()
        .and_then(|raw| errors.check("status", raw.trim().parse::<DeliveryStatus>()));
    let order = query.order.as_deref().and_then(|raw| {
        errors.check(
            "order",
            uuid::Uuid::parse_str(raw.trim())
                .map(OrderId)
                .map_err(|_| FieldProblem::NotUuid),
        )
    });
    let search_terms = search_param(&mut errors, query.search.as_deref());
    let ordering = ordering_param(&mut errors, query.ordering.as_deref(), ORDERING);
    errors.into_result()?;
    Ok(NotificationFilter {
        recipient: None,
        channel,
        status,
        order,
        search_terms,
        ordering,
    })
}

/// List notifications (own; admins see all)
#[api_v2_operation(tags(Notifications))]
pub async fn list_notifications(
    state: Data<AppState>,
    request: HttpRequest,
    caller: Caller,
    query: web::Query<NotificationListQuery>,
) -> Result<web::Json<Paginated<NotificationBody>>, ApiError> {
    let page = page_request(query.page.as_deref(), query.page_size.as_deref())?;
    let filter = filter(&query)?;
    let actor = caller.principal.customer;
    let page = run(&state, move |state| {
        state.browse_notifications.list(&actor, filter, page)
    })
    .await?;
    Ok(web::Json(Paginated::new(
        page,
        &request,
        NotificationBody::from,
    )))
}

/// One notification (own; admins any)
#[api_v2_operation(tags(Notifications))]
pub async fn show_notification(
    state: Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<web::Json<NotificationBody>, ApiError> {
    let id = notification_id(&path)?;
    let actor = caller.principal.customer;
    let view = run(&state, move |state| {
        state.browse_notifications.get(&actor, id)
    })
    .await?;
    Ok(web::Json(view.into()))
}

/// Notification counts (own; admins all)
#[api_v2_operation(tags(Notifications))]
pub async fn stats(
    state: Data<AppState>,
    caller: Caller,
) -> Result<web::Json<NotificationStatsBody>, ApiError> {
    let actor = caller.principal.customer;
    let stats = run(&state, move |state| {
        state.browse_notifications.stats(&actor)
    })
    .await?;
    Ok(web::Json(stats.into()))
}

/// Put a failed notification back in the queue (admin)
///
/// It becomes `pending`, due now, with a fresh set of attempts; the worker delivers it. 202 with the
/// notification; 400 if it is not `failed`.
#[api_v2_operation(tags(Notifications))]
pub async fn retry(
    state: Data<AppState>,
    _caller: Caller<Admin>,
    path: web::Path<String>,
) -> Result<AcceptedJson<NotificationBody>, ApiError> {
    let id = notification_id(&path)?;
    let view = run(&state, move |state| state.retry_notification.execute(id)).await?;
    Ok(AcceptedJson(view.into()))
}
