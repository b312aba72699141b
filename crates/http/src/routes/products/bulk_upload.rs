use std::collections::BTreeMap;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use orderflow_application::catalogue::{ImportOutcome, ImportRow};
use paperclip::actix::{api_v2_operation, Apiv2Schema, CreatedJson, OperationModifier};
use paperclip::v2::models::{
    DataType, DefaultOperationRaw, DefaultSchemaRaw, Either, MediaRange, Parameter, ParameterIn,
};
use serde::Serialize;
use serde_json::Value;

use crate::auth::{Caller, Staff};
use crate::error::ApiError;
use crate::multipart::{is_multipart, read_form};
use crate::routes::run;
use crate::state::AppState;

/// Largest import body: 10,000 rows fit comfortably.
const MAX_BODY: usize = 10 * 1024 * 1024;

/// The rows of an import, from a JSON array, a CSV file, or a multipart form whose `file` field holds either.
/// Problems are reported when the handler reads it, after the caller's permission was checked.
pub struct ImportFile(Result<Vec<ImportRow>, ApiError>);

impl FromRequest for ImportFile {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        let payload = payload.take();
        Box::pin(async move { Ok(ImportFile(read_rows(request, payload).await)) })
    }
}

async fn read_rows(request: HttpRequest, mut payload: Payload) -> Result<Vec<ImportRow>, ApiError> {
    if is_multipart(&request) {
        let mut form = read_form(&request, payload).await?;
        let file = form.files.remove("file").ok_or_else(|| {
            ApiError::BadRequest("Send the file in a field named \"file\".".into())
        })?;
        let looks_like_json = file.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
        return if looks_like_json {
            json_rows(&file)
        } else {
            csv_rows(&file)
        };
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("Could not read the body: {e}")))?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(ApiError::PayloadTooLarge(format!(
                "The import is larger than {MAX_BODY} bytes."
            )));
        }
        body.extend_from_slice(&chunk);
    }
    if content_type.starts_with("application/json") {
        json_rows(&body)
    } else if content_type.starts_with("text/csv") || content_type.starts_with("application/csv") {
        csv_rows(&body)
    } else {
        Err(ApiError::UnsupportedMediaType(
            "Send a JSON array (application/json), a CSV file (text/csv), or a multipart form with a \"file\" field."
                .into(),
        ))
    }
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        other => Some(other.to_string()),
    }
}

fn json_rows(bytes: &[u8]) -> Result<Vec<ImportRow>, ApiError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("JSON parse error - {e}")))?;
    let Value::Array(items) = value else {
        return Err(ApiError::BadRequest(
            "Send a JSON array of products.".into(),
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| match item {
            Value::Object(fields) => Ok(ImportRow {
                name: text(fields.get("name")),
                description: text(fields.get("description")),
                price: text(fields.get("price")),
                category_path: text(fields.get("category_path")),
                stock_quantity: text(fields.get("stock_quantity")),
                sku: text(fields.get("sku")),
                status: text(fields.get("status")),
                is_featured: text(fields.get("is_featured")),
            }),
            _ => Err(ApiError::BadRequest(format!(
                "Row {} is not a JSON object.",
                index + 1
            ))),
        })
        .collect()
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<ImportRow>, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| ApiError::BadRequest(format!("Could not read the CSV header: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let columns = [
        column("name"),
        column("description"),
        column("price"),
        column("category_path"),
        column("stock_quantity"),
        column("sku"),
        column("status"),
        column("is_featured"),
    ];
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            ApiError::BadRequest(format!("Row {}: malformed CSV ({e}).", index + 1))
        })?;
        let get = |i: usize| {
            columns[i]
                .and_then(|c| record.get(c))
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        rows.push(ImportRow {
            name: get(0),
            description: get(1),
            price: get(2),
            category_path: get(3),
            stock_quantity: get(4),
            sku: get(5),
            status: get(6),
            is_featured: get(7),
        });
    }
    Ok(rows)
}

impl paperclip::v2::schema::Apiv2Schema for ImportFile {}

impl OperationModifier for ImportFile {
    fn update_parameter(op: &mut DefaultOperationRaw) {
        op.consumes = Some(
            [
                mime::APPLICATION_JSON,
                mime::TEXT_CSV,
                mime::MULTIPART_FORM_DATA,
            ]
            .into_iter()
            .map(MediaRange)
            .collect(),
        );
        op.parameters.push(Either::Right(Parameter {
            in_: ParameterIn::Body,
            name: "body".into(),
            required: true,
            description: Some(
                "A JSON array of objects, or CSV with a header row, with the columns name, description, price, \
                 category_path (`Electronics > Phones > Android`), stock_quantity, sku, status, is_featured. \
                 A multipart form may carry either as its `file` field."
                    .into(),
            ),
            schema: Some(DefaultSchemaRaw {
                data_type: Some(DataType::Array),
                items: Some(Box::new(DefaultSchemaRaw {
                    data_type: Some(DataType::Object),
                    ..DefaultSchemaRaw::default()
                })),
                ..DefaultSchemaRaw::default()
            }),
            ..Parameter::default()
        }));
    }

    fn update_definitions(_: &mut BTreeMap<String, DefaultSchemaRaw>) {}
}

#[derive(Debug, Serialize, Apiv2Schema)]
pub struct ImportResultBody {
    created: u64,
    updated: u64,
}

/// Import products from CSV or JSON (staff), all or nothing
///
/// Categories named in `category_path` are created when missing. Products whose SKU exists are updated. If any
/// row is invalid, nothing is written and the answer (400) lists every bad row by number.
#[api_v2_operation(tags(Products))]
pub async fn bulk_upload(
    state: Data<AppState>,
    _caller: Caller<Staff>,
    file: ImportFile,
) -> Result<CreatedJson<ImportResultBody>, ApiError> {
    let rows = file.0?;
    match run(&state, move |state| state.import_products.execute(rows)).await? {
        ImportOutcome::Imported { created, updated } => {
            Ok(CreatedJson(ImportResultBody { created, updated }))
        }
        ImportOutcome::Rejected(rows) => Err(ApiError::RowErrors(rows)),
    }
}
