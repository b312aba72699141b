use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::catalogue::{CategoryInput, NewImage};
use orderflow_application::validation::FieldErrors;
use orderflow_domain::catalogue::CategoryId;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema, CreatedJson, NoContent};
use serde::Deserialize;

use crate::auth::{Caller, Staff};
use crate::dto::CategoryBody;
use crate::error::ApiError;
use crate::json::{nullable, Body};
use crate::media::MediaUrls;
use crate::multipart::{is_multipart, read_form, FormData, IMAGE_FORM};
use crate::query::{parse_bool, parse_int};
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
/// JSON, or a multipart form with the same fields and an optional `image` file (PNG, JPEG or WebP, at most
/// 5 MiB). The slug is derived from the name and made unique (`bread`, `bread-2`).
#[api_v2_operation(tags(Categories))]
pub async fn create_category(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Staff>,
    form: CategoryForm,
) -> Result<CreatedJson<CategoryBody>, ApiError> {
    let (input, image) = form.0?;
    let details = run(&state, move |state| match image {
        Some(bytes) => state
            .manage_categories
            .create_with_image(input, NewImage { bytes }),
        None => state.manage_categories.create(input),
    })
    .await?;
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

/// The body of a category creation: JSON, or a multipart form that may carry an image. Problems are reported
/// when the handler reads it, after the caller's permission was checked.
pub struct CategoryForm(Result<(CategoryInput, Option<Vec<u8>>), ApiError>);

impl actix_web::FromRequest for CategoryForm {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        if !is_multipart(request) {
            let json = Body::<CategoryRequest>::from_request(request, payload);
            return Box::pin(async move {
                let body = json.await?;
                Ok(CategoryForm(
                    body.into_inner().map(|body| (body.into(), None)),
                ))
            });
        }
        let request = request.clone();
        let payload = payload.take();
        Box::pin(async move {
            Ok(CategoryForm(
                read_form(&request, payload, IMAGE_FORM)
                    .await
                    .and_then(from_form),
            ))
        })
    }
}

fn from_form(mut form: FormData) -> Result<(CategoryInput, Option<Vec<u8>>), ApiError> {
    let mut errors = FieldErrors::new();
    let parent = match form.text("parent").as_deref().map(str::trim) {
        None => None,
        Some("" | "null") => Some(None),
        Some(raw) => errors.check("parent", parse_int(raw)).map(Some),
    };
    let is_active = form
        .text("is_active")
        .filter(|raw| !raw.trim().is_empty())
        .and_then(|raw| errors.check("is_active", parse_bool(&raw)));
    errors.into_result()?;
    let input = CategoryInput {
        name: form.text("name"),
        description: form.text("description"),
        parent,
        is_active,
        image: None,
    };
    Ok((input, form.files.remove("image")))
}

impl paperclip::v2::schema::Apiv2Schema for CategoryForm {
    fn name() -> Option<String> {
        <CategoryRequest as paperclip::v2::schema::Apiv2Schema>::name()
    }

    fn raw_schema() -> paperclip::v2::models::DefaultSchemaRaw {
        <CategoryRequest as paperclip::v2::schema::Apiv2Schema>::raw_schema()
    }
}

impl paperclip::actix::OperationModifier for CategoryForm {
    fn update_parameter(op: &mut paperclip::v2::models::DefaultOperationRaw) {
        <Body<CategoryRequest> as paperclip::actix::OperationModifier>::update_parameter(op);
        op.consumes = Some(
            [mime::APPLICATION_JSON, mime::MULTIPART_FORM_DATA]
                .into_iter()
                .map(paperclip::v2::models::MediaRange)
                .collect(),
        );
    }

    fn update_definitions(
        map: &mut std::collections::BTreeMap<String, paperclip::v2::models::DefaultSchemaRaw>,
    ) {
        <Body<CategoryRequest> as paperclip::actix::OperationModifier>::update_definitions(map);
    }
}
