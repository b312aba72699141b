use std::collections::BTreeMap;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use orderflow_application::catalogue::{ImportOutcome, ImportRow, MAX_ROWS};
use paperclip::actix::{api_v2_operation, Apiv2Schema, CreatedJson, OperationModifier};
use paperclip::v2::models::{
    DataType, DefaultOperationRaw, DefaultSchemaRaw, Either, MediaRange, Parameter, ParameterIn,
};
use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::auth::{Caller, Staff};
use crate::error::ApiError;
use crate::json::{declared_length, read_limited, JsonText};
use crate::multipart::{is_multipart, read_form, FormLimits};
use crate::routes::run;
use crate::state::AppState;

/// Largest import file: 10,000 rows fit comfortably.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

/// A multipart import: the file, and little else.
const IMPORT_FORM: FormLimits = FormLimits {
    max_body: MAX_IMPORT_BYTES + 64 * 1024,
    max_parts: 4,
    max_file: MAX_IMPORT_BYTES,
    max_text: 64 * 1024,
    file_label: "The file",
};

/// The rows of an import, from a JSON array, a CSV file, or a multipart form whose `file` field holds either.
/// Problems are reported when the handler reads it, after the caller's permission was checked.
///
/// Rows are read one at a time and reading stops one row past [`MAX_ROWS`]: whatever the file holds, the rows
/// kept in memory are bounded (the use case then refuses the file as too long).
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

enum Format {
    Json,
    Csv,
}

async fn read_rows(request: HttpRequest, payload: Payload) -> Result<Vec<ImportRow>, ApiError> {
    if is_multipart(&request) {
        let mut form = read_form(&request, payload, IMPORT_FORM).await?;
        let file = form.files.remove("file").ok_or_else(|| {
            ApiError::BadRequest("Send the file in a field named \"file\".".into())
        })?;
        let looks_like_json = file.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
        return rows_of(
            &file,
            if looks_like_json {
                Format::Json
            } else {
                Format::Csv
            },
        );
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let format = if content_type.starts_with("application/json") {
        Format::Json
    } else if content_type.starts_with("text/csv") || content_type.starts_with("application/csv") {
        Format::Csv
    } else {
        return Err(ApiError::UnsupportedMediaType(
            "Send a JSON array (application/json), a CSV file (text/csv), or a multipart form with a \"file\" field."
                .into(),
        ));
    };
    let body = read_limited(payload, declared_length(&request), MAX_IMPORT_BYTES).await?;
    rows_of(&body, format)
}

fn rows_of(bytes: &[u8], format: Format) -> Result<Vec<ImportRow>, ApiError> {
    match format {
        Format::Json => json_rows(bytes),
        Format::Csv => csv_rows(bytes),
    }
}

/// One row of a JSON import: each value as the text it was sent as.
#[derive(Deserialize)]
struct JsonRow {
    name: Option<JsonText>,
    description: Option<JsonText>,
    price: Option<JsonText>,
    category_path: Option<JsonText>,
    stock_quantity: Option<JsonText>,
    sku: Option<JsonText>,
    status: Option<JsonText>,
    is_featured: Option<JsonText>,
}

impl From<JsonRow> for ImportRow {
    fn from(row: JsonRow) -> Self {
        let text = |value: Option<JsonText>| value.and_then(JsonText::into_text);
        ImportRow {
            name: text(row.name),
            description: text(row.description),
            price: text(row.price),
            category_path: text(row.category_path),
            stock_quantity: text(row.stock_quantity),
            sku: text(row.sku),
            status: text(row.status),
            is_featured: text(row.is_featured),
        }
    }
}

/// Reads a JSON array one element at a time, keeping at most `MAX_ROWS + 1` rows; the rest is only skipped over.
struct RowsVisitor;

impl<'de> Visitor<'de> for RowsVisitor {
    type Value = Result<Vec<ImportRow>, ApiError>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a JSON array of products")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
        let mut rows = Vec::new();
        while rows.len() <= MAX_ROWS {
            let Some(item) = items.next_element::<Box<RawValue>>()? else {
                return Ok(Ok(rows));
            };
            match serde_json::from_str::<JsonRow>(item.get()) {
                Ok(row) => rows.push(row.into()),
                Err(_) => {
                    return Ok(Err(ApiError::BadRequest(format!(
                        "Row {} is not a JSON object of product fields.",
                        rows.len() + 1
                    ))))
                }
            }
        }
        while items.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Ok(rows))
    }
}

fn json_rows(bytes: &[u8]) -> Result<Vec<ImportRow>, ApiError> {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let rows = serde::Deserializer::deserialize_seq(&mut reader, RowsVisitor)
        .and_then(|rows| reader.end().map(|()| rows))
        .map_err(|e| ApiError::BadRequest(format!("JSON parse error - {e}")))?;
    rows
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
    let mut record = csv::StringRecord::new();
    while rows.len() <= MAX_ROWS {
        let more = reader.read_record(&mut record).map_err(|e| {
            ApiError::BadRequest(format!("Row {}: malformed CSV ({e}).", rows.len() + 1))
        })?;
        if !more {
            break;
        }
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
