use actix_web::web::Data;
use orderflow_application::ordering::{DetailsInput, StatusInput};
use orderflow_application::validation::{FieldErrors, FieldProblem};
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::order_id;
use crate::auth::{Caller, Staff};
use crate::dto::OrderBody;
use crate::error::ApiError;
use crate::json::{Body, Required};
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct StatusRequest {
    /// The new status: `pending→confirmed|cancelled`, `confirmed→processing|cancelled`, `processing→shipped|cancelled`,
    /// `shipped→delivered`, `delivered→refunded`.
    #[serde(default)]
    status: Required<String>,
    notes: Option<String>,
    /// For `refunded`: put the units back in stock.
    #[serde(default)]
    restock: bool,
}

/// Move an order to another status (staff)
///
/// Cancelling returns the stock; refunding returns it when `restock` is true. Any other move is a 400
/// `{"status": ["Cannot transition from X to Y."]}`.
#[api_v2_operation(tags(Orders))]
pub async fn update_status(
    state: Data<AppState>,
    caller: Caller<Staff>,
    path: web::Path<String>,
    body: Body<StatusRequest>,
) -> Result<web::Json<OrderBody>, ApiError> {
    let id = order_id(&path)?;
    let body = body.into_inner()?;
    let input = StatusInput {
        status: body.status.into_inner(),
        notes: body.notes,
        restock: body.restock,
    };
    let actor = caller.principal.customer;
    let view = run(&state, move |state| {
        state.change_orders.update_status(&actor, id, input)
    })
    .await?;
    Ok(web::Json(view.into()))
}

/// Cancel an order (its owner, or staff)
///
/// From `pending` or `confirmed` only; the stock comes back.
#[api_v2_operation(tags(Orders))]
pub async fn cancel(
    state: Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<web::Json<OrderBody>, ApiError> {
    let id = order_id(&path)?;
    let actor = caller.principal.customer;
    let view = run(&state, move |state| state.change_orders.cancel(&actor, id)).await?;
    Ok(web::Json(view.into()))
}

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct PaymentRequest {
    /// e.g. `mpesa`, `card`, `cash`.
    payment_method: Option<String>,
    /// The payment provider's reference.
    payment_reference: Option<String>,
}

/// Record an order's payment (staff)
#[api_v2_operation(tags(Orders))]
pub async fn mark_paid(
    state: Data<AppState>,
    caller: Caller<Staff>,
    path: web::Path<String>,
    body: Body<PaymentRequest>,
) -> Result<web::Json<OrderBody>, ApiError> {
    let id = order_id(&path)?;
    let body = body.into_inner()?;
    let actor = caller.principal.customer;
    let view = run(&state, move |state| {
        state
            .change_orders
            .mark_paid(&actor, id, body.payment_method, body.payment_reference)
    })
    .await?;
    Ok(web::Json(view.into()))
}

/// The delivery details of a pending order.
#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct DetailsRequest {
    shipping_address: Option<String>,
    billing_address: Option<String>,
    /// E.164.
    phone_number: Option<String>,
    notes: Option<String>,
    /// Everything else: refused if it names a field of the order that cannot be changed here.
    #[serde(flatten)]
    other: OtherFields,
}

/// The fields of a body that its struct does not name (not documented: they are refused or ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct OtherFields(Map<String, Value>);

impl paperclip::v2::schema::Apiv2Schema for OtherFields {}

/// Fields of an order that have their own route (or none): sending them to PATCH is a mistake to report.
const NOT_HERE: &[(&str, &str)] = &[
    (
        "status",
        "Use update_status/ or cancel/ to change the status.",
    ),
    ("is_paid", "Use mark_paid/ to record a payment."),
    ("payment_method", "Use mark_paid/ to record a payment."),
    ("payment_reference", "Use mark_paid/ to record a payment."),
    ("customer", "An order cannot change hands."),
    (
        "items",
        "The lines of a placed order cannot change; cancel it and place another.",
    ),
    ("total_amount", "The total follows from the lines."),
];

/// Change a pending order's delivery details (its owner, or staff)
///
/// `shipping_address`, `billing_address`, `phone_number` and `notes`, while the order is `pending`.
#[api_v2_operation(tags(Orders))]
pub async fn update_details(
    state: Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Body<DetailsRequest>,
) -> Result<web::Json<OrderBody>, ApiError> {
    let id = order_id(&path)?;
    let body = body.into_inner()?;
    let mut errors = FieldErrors::new();
    for (field, message) in NOT_HERE {
        if body.other.0.contains_key(*field) {
            errors.add(field, FieldProblem::Worded((*message).into()));
        }
    }
    errors.into_result()?;
    let input = DetailsInput {
        shipping_address: body.shipping_address,
        billing_address: body.billing_address,
        phone_number: body.phone_number,
        notes: body.notes,
    };
    let actor = caller.principal.customer;
    let view = run(&state, move |state| {
        state.change_orders.update_details(&actor, id, input)
    })
    .await?;
    Ok(web::Json(view.into()))
}
