use std::collections::BTreeMap;

use actix_web::dev::Payload;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use orderflow_application::catalogue::{NewImage, ProductInput};
use orderflow_application::validation::{FieldErrors, FieldProblem};
use paperclip::actix::{api_v2_operation, CreatedJson, OperationModifier};
use paperclip::v2::models::{
    DataType, DefaultOperationRaw, DefaultSchemaRaw, Either, MediaRange, Parameter, ParameterIn,
};

use crate::auth::{Caller, Staff};
use crate::dto::ProductBody;
use crate::error::ApiError;
use crate::media::MediaUrls;
use crate::multipart::{read_form, FormData, IMAGE_FORM};
use crate::routes::run;
use crate::state::AppState;

/// The multipart form of `products/upload/`: the product's fields as text, and the image file. Problems are
/// reported when the handler reads it, after the caller's permission was checked (see `json::Body`).
pub struct ProductUploadForm(Result<FormData, ApiError>);

impl FromRequest for ProductUploadForm {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        let payload = payload.take();
        Box::pin(async move {
            Ok(ProductUploadForm(
                read_form(&request, payload, IMAGE_FORM).await,
            ))
        })
    }
}

const FORM_FIELDS: &[(&str, DataType, bool, &str)] = &[
    ("name", DataType::String, true, "At most 200 characters"),
    ("description", DataType::String, false, ""),
    (
        "price",
        DataType::String,
        true,
        "Decimal with at most 2 decimals, above zero",
    ),
    ("category", DataType::Integer, true, "The category's id"),
    ("stock_quantity", DataType::Integer, false, "Default 0"),
    (
        "status",
        DataType::String,
        false,
        "active (default), inactive or discontinued",
    ),
    ("is_featured", DataType::Boolean, false, "Default false"),
    ("sku", DataType::String, false, "Generated when left out"),
    (
        "image",
        DataType::File,
        true,
        "PNG, JPEG or WebP (checked by content), at most 5 MiB",
    ),
];

impl paperclip::v2::schema::Apiv2Schema for ProductUploadForm {}

impl OperationModifier for ProductUploadForm {
    fn update_parameter(op: &mut DefaultOperationRaw) {
        op.consumes = Some(std::iter::once(MediaRange(mime::MULTIPART_FORM_DATA)).collect());
        for (name, data_type, required, description) in FORM_FIELDS {
            op.parameters.push(Either::Right(Parameter {
                in_: ParameterIn::FormData,
                name: (*name).into(),
                required: *required,
                data_type: Some(*data_type),
                description: (!description.is_empty()).then(|| (*description).to_owned()),
                ..Parameter::default()
            }));
        }
    }

    fn update_definitions(_: &mut BTreeMap<String, DefaultSchemaRaw>) {}
}

fn flag(value: Option<String>, field: &str, errors: &mut FieldErrors) -> Option<bool> {
    value.and_then(|raw| errors.check(field, crate::query::parse_bool(&raw)))
}

fn number(value: Option<String>, field: &str, errors: &mut FieldErrors) -> Option<i64> {
    value
        .filter(|raw| !raw.trim().is_empty())
        .and_then(|raw| errors.check(field, crate::query::parse_int(&raw)))
}

/// Create a product with an image (staff, multipart)
///
/// The image must be a PNG, JPEG or WebP by its content (400 otherwise), at most 5 MiB (413 otherwise). It is
/// stored under the media root and served at the URL in `image`.
#[api_v2_operation(tags(Products))]
pub async fn upload_product(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Staff>,
    form: ProductUploadForm,
) -> Result<CreatedJson<ProductBody>, ApiError> {
    let mut form = form.0?;
    let mut errors = FieldErrors::new();
    let image = form.files.remove("image");
    if image.is_none() {
        errors.add(
            "image",
            FieldProblem::Worded("No file was submitted.".into()),
        );
    }
    let input = ProductInput {
        name: form.text("name"),
        description: form.text("description"),
        price: form.text("price"),
        category: number(form.text("category"), "category", &mut errors),
        stock_quantity: number(form.text("stock_quantity"), "stock_quantity", &mut errors),
        status: form.text("status").filter(|s| !s.trim().is_empty()),
        is_featured: flag(
            form.text("is_featured").filter(|s| !s.trim().is_empty()),
            "is_featured",
            &mut errors,
        ),
        sku: form.text("sku").filter(|s| !s.trim().is_empty()),
    };
    let Some(bytes) = image.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let details = run(&state, move |state| {
        state
            .manage_products
            .create_with_image(input, NewImage { bytes })
    })
    .await?;
    Ok(CreatedJson(ProductBody::new(
        details,
        &MediaUrls::for_request(&request),
    )))
}
