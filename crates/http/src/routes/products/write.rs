use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::catalogue::ProductInput;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema, CreatedJson, NoContent};
use serde::Deserialize;

use super::product_id;
use crate::auth::{Caller, Staff};
use crate::dto::ProductBody;
use crate::error::ApiError;
use crate::json::{Body, JsonText};
use crate::media::MediaUrls;
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct ProductRequest {
    /// At most 200 characters. Required on creation and replacement.
    name: Option<String>,
    description: Option<String>,
    /// A decimal string with at most 2 decimals and 10 digits, above zero (`"999.99"`); a JSON number is accepted.
    #[openapi(example = "\"999.99\"")]
    price: Option<JsonText>,
    /// The category's id.
    category: Option<i64>,
    /// Units on hand, 0 or more (default 0).
    stock_quantity: Option<i64>,
    /// `active` (default), `inactive` or `discontinued`.
    status: Option<String>,
    is_featured: Option<bool>,
    /// Unique; generated as `SKU-` and 8 hex digits when left out.
    sku: Option<String>,
}

impl From<ProductRequest> for ProductInput {
    fn from(body: ProductRequest) -> Self {
        ProductInput {
            name: body.name,
            description: body.description,
            price: body.price.and_then(JsonText::into_text),
            category: body.category,
            stock_quantity: body.stock_quantity,
            status: body.status,
            is_featured: body.is_featured,
            sku: body.sku,
        }
    }
}

/// Create a product (staff)
#[api_v2_operation(tags(Products))]
pub async fn create_product(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Staff>,
    body: Body<ProductRequest>,
) -> Result<CreatedJson<ProductBody>, ApiError> {
    let input = body.into_inner()?.into();
    let details = run(&state, move |state| state.manage_products.create(input)).await?;
    Ok(CreatedJson(ProductBody::new(
        details,
        &MediaUrls::for_request(&request),
    )))
}

async fn update(
    state: Data<AppState>,
    request: HttpRequest,
    id: String,
    body: ProductRequest,
    complete: bool,
) -> Result<web::Json<ProductBody>, ApiError> {
    let id = product_id(&id)?;
    let input = body.into();
    let details = run(&state, move |state| {
        state.manage_products.update(id, input, complete)
    })
    .await?;
    Ok(web::Json(ProductBody::new(
        details,
        &MediaUrls::for_request(&request),
    )))
}

/// Replace a product (staff)
#[api_v2_operation(tags(Products))]
pub async fn replace_product(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Staff>,
    path: web::Path<String>,
    body: Body<ProductRequest>,
) -> Result<web::Json<ProductBody>, ApiError> {
    update(state, request, path.into_inner(), body.into_inner()?, true).await
}

/// Change a product (staff)
#[api_v2_operation(tags(Products))]
pub async fn update_product(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Staff>,
    path: web::Path<String>,
    body: Body<ProductRequest>,
) -> Result<web::Json<ProductBody>, ApiError> {
    update(state, request, path.into_inner(), body.into_inner()?, false).await
}

/// Delete a product (staff)
///
/// A product that appears on orders is kept (409): set its status to `discontinued` instead.
#[api_v2_operation(tags(Products))]
pub async fn delete_product(
    state: Data<AppState>,
    _caller: Caller<Staff>,
    path: web::Path<String>,
) -> Result<NoContent, ApiError> {
    let id = product_id(&path)?;
    run(&state, move |state| state.manage_products.delete(id)).await?;
    Ok(NoContent)
}

/// Feature or unfeature a product (staff)
#[api_v2_operation(tags(Products))]
pub async fn toggle_featured(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Staff>,
    path: web::Path<String>,
) -> Result<web::Json<ProductBody>, ApiError> {
    let id = product_id(&path)?;
    let details = run(&state, move |state| {
        state.manage_products.toggle_featured(id)
    })
    .await?;
    Ok(web::Json(ProductBody::new(
        details,
        &MediaUrls::for_request(&request),
    )))
}
