use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::ordering::{ItemInput, PlaceOrderInput};
use paperclip::actix::{api_v2_operation, Apiv2Schema, CreatedJson};
use serde::Deserialize;

use crate::auth::Caller;
use crate::dto::OrderBody;
use crate::error::ApiError;
use crate::json::{Body, Required};
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct OrderItemRequest {
    /// The product's id.
    #[serde(default)]
    product_id: Required<String>,
    /// 1 to 10,000.
    #[serde(default)]
    quantity: Required<i64>,
}

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct PlaceOrderRequest {
    #[serde(default)]
    shipping_address: Required<String>,
    #[serde(default)]
    billing_address: Required<String>,
    /// E.164, e.g. `+254712345678`.
    #[serde(default)]
    phone_number: Required<String>,
    notes: Option<String>,
    payment_method: Option<String>,
    /// 1 to 100 lines; the same product twice is merged into one line.
    #[serde(default)]
    items: Required<Vec<OrderItemRequest>>,
}

/// The optional `Idempotency-Key` header: printable, at most 255 characters.
fn idempotency_key(request: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|key| {
            !key.is_empty() && key.len() <= 255 && key.chars().all(|c| c.is_ascii_graphic())
        })
        .ok_or_else(|| {
            ApiError::BadRequest(
                "Idempotency-Key must be 1 to 255 printable ASCII characters.".into(),
            )
        })?;
    Ok(Some(key.to_owned()))
}

/// Place an order
///
/// All or nothing, in one transaction: every product must be active and in stock, the stock is taken so that
/// concurrent orders can never oversell, names and prices are snapshotted, and the order gets the next
/// `ORD-YYYYMMDD-NNNN` number of the day. A shortfall answers 400 with the available quantity on each short line.
/// With an `Idempotency-Key` header, a retry with the same key and body returns the first order; the same key with
/// another body is a 422 (keys live 24 hours).
#[api_v2_operation(tags(Orders))]
pub async fn place_order(
    state: Data<AppState>,
    request: HttpRequest,
    caller: Caller,
    body: Body<PlaceOrderRequest>,
) -> Result<CreatedJson<OrderBody>, ApiError> {
    let key = idempotency_key(&request)?;
    let body = body.into_inner()?;
    let input = PlaceOrderInput {
        shipping_address: body.shipping_address.into_inner(),
        billing_address: body.billing_address.into_inner(),
        phone_number: body.phone_number.into_inner(),
        notes: body.notes,
        payment_method: body.payment_method,
        items: body.items.into_inner().map(|items| {
            items
                .into_iter()
                .map(|item| ItemInput {
                    product_id: item.product_id.into_inner(),
                    quantity: item.quantity.into_inner(),
                })
                .collect()
        }),
    };
    let customer = caller.principal.customer;
    let placement = run(&state, move |state| {
        let outcome = state.place_order.execute(&customer, input, key.as_deref());
        state.metrics.record_placement(&outcome);
        outcome
    })
    .await?;
    Ok(CreatedJson(placement.order.into()))
}
