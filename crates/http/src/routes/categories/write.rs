use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::catalogue::CategoryInput;
use orderflow_domain::catalogue::CategoryId;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema, CreatedJson, NoContent};
use serde::Deserialize;

use crate::auth::{Caller, Staff};
use crate::dto::CategoryBody;
use crate::error::ApiError;
use crate::json::{nullable, Body};
use crate::media::MediaUrls;
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct CategoryRequest {
    /// Unique, case-insensitively; at most 100 characters. Required on creation and replacement.
    name: Option<String>,
    description: Option<String>,
    /// The parent category's id, or null for a root. Changing it moves the category with its subtree.
    #[serde(default, deserialize_with = "nullable")]
    parent: Option<Option<i64>>,
    /// Default true.
    is_active: Option<bool>,
}

impl From<CategoryRequest> for CategoryInput {
    fn from(body: CategoryRequest) -> Self {
        CategoryInput {
            name: body.name,
            description: body.description,
            parent: body.parent,
            is_active: body.is_active,
            image: None,
        }
    }
}

/// Create a category (staff)
///
/// The slug is derived from the name and made unique (`bread`, `bread-2`).
#[api_v2_operation(tags(Categories))]
pub async fn create_category(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Staff>,
    body: Body<CategoryRequest>,
) -> Result<CreatedJson<CategoryBody>, ApiError> {
    let input = body.into_inner()?.into();
    let details = run(&state, move |state| state.manage_categories.create(input)).await?;
    Ok(CreatedJson(CategoryBody::new(
        details,
        &MediaUrls::for_request(&request),
    )))
}

async fn update(
    state: Data<AppState>,
    request: HttpRequest,
    id: i64,
    body: CategoryRequest,
    complete: bool,
) -> Result<web::Json<CategoryBody>, ApiError> {
    let input = body.into();
    let details = run(&state, move |state| {
        state
            .manage_categories
            .update(CategoryId(id), input, complete)
    })
    .await?;
    Ok(web::Json(CategoryBody::new(
        details,
        &MediaUrls::for_request(&request),
    )))
}

/// Replace a category (staff)
#[api_v2_operation(tags(Categories))]
pub async fn replace_category(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Staff>,
    path: web::Path<i64>,
    body: Body<CategoryRequest>,
) -> Result<web::Json<CategoryBody>, ApiError> {
    update(state, request, path.into_inner(), body.into_inner()?, true).await
}

/// Change or move a category (staff)
///
/// A new `parent` moves the category and its whole subtree; a move under the category itself or under one of
/// its descendants is refused (400 on `parent`).
#[api_v2_operation(tags(Categories))]
pub async fn update_category(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Staff>,
    path: web::Path<i64>,
    body: Body<CategoryRequest>,
) -> Result<web::Json<CategoryBody>, ApiError> {
    update(state, request, path.into_inner(), body.into_inner()?, false).await
}

/// Delete a category (staff)
///
/// 409 while it has child categories or products.
#[api_v2_operation(tags(Categories))]
pub async fn delete_category(
    state: Data<AppState>,
    _caller: Caller<Staff>,
    path: web::Path<i64>,
) -> Result<NoContent, ApiError> {
    let id = CategoryId(path.into_inner());
    run(&state, move |state| state.manage_categories.delete(id)).await?;
    Ok(NoContent)
}
