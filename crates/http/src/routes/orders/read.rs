use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::ports::{OrderFilter, OrderSort};
use orderflow_application::validation::FieldErrors;
use orderflow_domain::identity::CustomerId;
use orderflow_domain::ordering::OrderStatus;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Deserialize;

use super::order_id;
use crate::auth::{Caller, Staff};
use crate::dto::{OrderBody, OrderEventBody, OrderStatisticsBody};
use crate::error::ApiError;
use crate::pagination::{page_request, Paginated};
use crate::query::{ordering_param, parse_bool, parse_int, search_param};
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct OrderListQuery {
    page: Option<String>,
    page_size: Option<String>,
    status: Option<String>,
    is_paid: Option<String>,
    /// A customer's id (staff only; customers always see their own orders).
    customer: Option<String>,
    /// Terms matched in the order number, the customer's email and first name; all must match.
    search: Option<String>,
    /// `created_at` (default `-created_at`), `total_amount`, `status`, optionally `-` prefixed.
    ordering: Option<String>,
}

const ORDERING: &[(&str, OrderSort)] = &[
    ("created_at", OrderSort::CreatedAt),
    ("total_amount", OrderSort::TotalAmount),
    ("status", OrderSort::Status),
];

fn order_filter(query: &OrderListQuery) -> Result<OrderFilter, ApiError> {
    let mut errors = FieldErrors::new();
    let status = query
        .status
        .as_deref()
        .and_then(|raw| errors.check("status", raw.trim().parse::<OrderStatus>()));
    let is_paid = query
        .is_paid
        .as_deref()
        .and_then(|raw| errors.check("is_paid", parse_bool(raw)));
    let customer = query
        .customer
        .as_deref()
        .and_then(|raw| errors.check("customer", parse_int(raw)))
        .map(CustomerId);
    let search_terms = search_param(&mut errors, query.search.as_deref());
    let ordering = ordering_param(&mut errors, query.ordering.as_deref(), ORDERING);
    errors.into_result()?;
    Ok(OrderFilter {
        customer,
        status,
        is_paid,
        search_terms,
        ordering,
    })
}

/// List orders (own; staff see all)
#[api_v2_operation(tags(Orders))]
pub async fn list_orders(
    state: Data<AppState>,
    request: HttpRequest,
    caller: Caller,
    query: web::Query<OrderListQuery>,
) -> Result<web::Json<Paginated<OrderBody>>, ApiError> {
    let page = page_request(query.page.as_deref(), query.page_size.as_deref())?;
    let filter = order_filter(&query)?;
    let actor = caller.principal.customer;
    let page = run(&state, move |state| {
        state.browse_orders.list(&actor, filter, page)
    })
    .await?;
    Ok(web::Json(Paginated::new(page, &request, OrderBody::from)))
}

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct PageQuery {
    page: Option<String>,
    page_size: Option<String>,
}

/// The caller's own orders (for staff too)
#[api_v2_operation(tags(Orders))]
pub async fn my_orders(
    state: Data<AppState>,
    request: HttpRequest,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paginated<OrderBody>>, ApiError> {
    let page = page_request(query.page.as_deref(), query.page_size.as_deref())?;
    let actor = caller.principal.customer;
    let page = run(&state, move |state| state.browse_orders.mine(&actor, page)).await?;
    Ok(web::Json(Paginated::new(page, &request, OrderBody::from)))
}

/// Pending orders, oldest first (staff)
#[api_v2_operation(tags(Orders))]
pub async fn pending_orders(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Staff>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paginated<OrderBody>>, ApiError> {
    let page = page_request(query.page.as_deref(), query.page_size.as_deref())?;
    let page = run(&state, move |state| state.browse_orders.pending(page)).await?;
    Ok(web::Json(Paginated::new(page, &request, OrderBody::from)))
}

/// Order counts and revenue (staff)
#[api_v2_operation(tags(Orders))]
pub async fn statistics(
    state: Data<AppState>,
    _caller: Caller<Staff>,
) -> Result<web::Json<OrderStatisticsBody>, ApiError> {
    let stats = run(&state, |state| state.browse_orders.statistics()).await?;
    Ok(web::Json(stats.into()))
}

/// One order (the owner's or any for staff; others' are 404)
#[api_v2_operation(tags(Orders))]
pub async fn show_order(
    state: Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<web::Json<OrderBody>, ApiError> {
    let id = order_id(&path)?;
    let actor = caller.principal.customer;
    let view = run(&state, move |state| state.browse_orders.get(&actor, id)).await?;
    Ok(web::Json(view.into()))
}

/// The order's history, oldest first (not paginated)
///
/// Staff and admins see every line as recorded. The order's owner sees the customer's view, in the same shape:
/// the placement, status changes (cancelling included), payment and delivery-detail changes, and only the
/// notifications sent to them, as `sms sent`, `email failed`... without addresses, attempts or the provider's
/// error; messages to admins are left out. Any actor but the owner is shown as `staff` (deliveries as `system`),
/// and the note of a status or detail change made by staff is empty.
#[api_v2_operation(tags(Orders))]
pub async fn events(
    state: Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<web::Json<Vec<OrderEventBody>>, ApiError> {
    let id = order_id(&path)?;
    let actor = caller.principal.customer;
    let events = run(&state, move |state| state.browse_orders.events(&actor, id)).await?;
    Ok(web::Json(
        events.into_iter().map(OrderEventBody::from).collect(),
    ))
}
