//! `multipart/form-data` bodies, read into memory with limits: text fields up to 64 KiB each, files up to the
//! image limit (5 MiB). A larger file is read to its end (so the client gets our answer rather than a reset
//! connection) but not kept, and the request is answered 413.

use std::collections::HashMap;

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::HttpRequest;
use futures_util::StreamExt;
use orderflow_domain::catalogue::MAX_IMAGE_BYTES;

use crate::error::ApiError;

const MAX_TEXT_FIELD: usize = 64 * 1024;
/// Past this many bytes of one file we stop reading and let the connection drop.
const MAX_DRAIN: usize = 64 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct FormData {
    pub fields: HashMap<String, String>,
    pub files: HashMap<String, Vec<u8>>,
}

impl FormData {
    pub fn text(&self, name: &str) -> Option<String> {
        self.fields.get(name).cloned()
    }
}

pub fn is_multipart(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

pub async fn read_form(request: &HttpRequest, payload: Payload) -> Result<FormData, ApiError> {
    if !is_multipart(request) {
        return Err(ApiError::UnsupportedMediaType(
            "Send the form as multipart/form-data (the image as a file field).".into(),
        ));
    }
    let mut multipart = Multipart::new(request.headers(), payload);
    let mut form = FormData::default();
    let mut oversized_file = false;
    while let Some(field) = multipart.next().await {
        let mut field =
            field.map_err(|e| ApiError::BadRequest(format!("Malformed multipart body: {e}")))?;
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .is_some();
        let limit = if is_file {
            MAX_IMAGE_BYTES
        } else {
            MAX_TEXT_FIELD
        };
        let mut bytes = Vec::new();
        let mut seen = 0usize;
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| ApiError::BadRequest(format!("Malformed multipart body: {e}")))?;
            seen += chunk.len();
            if seen > MAX_DRAIN {
                return Err(ApiError::PayloadTooLarge(
                    "The upload is far larger than 5 MiB.".into(),
                ));
            }
            if seen <= limit {
                bytes.extend_from_slice(&chunk);
            }
        }
        if seen > limit {
            if is_file {
                oversized_file = true;
                continue;
            }
            return Err(ApiError::PayloadTooLarge(format!(
                "The field {name} is larger than {MAX_TEXT_FIELD} bytes."
            )));
        }
        if is_file {
            form.files.insert(name, bytes);
        } else {
            let text = String::from_utf8(bytes).map_err(|_| {
                ApiError::BadRequest(format!("The field {name} is not valid UTF-8 text."))
            })?;
            form.fields.insert(name, text);
        }
    }
    if oversized_file {
        return Err(ApiError::PayloadTooLarge(
            "The image is larger than 5 MiB.".into(),
        ));
    }
    Ok(form)
}
