//! `multipart/form-data` bodies, read into memory within limits: the whole body, the number of parts, each file
//! and each text field. A body announced larger than allowed is refused before a byte is read; otherwise reading
//! stops as soon as the body passes its limit, so no client makes the server take in more than that.

use std::collections::HashMap;

use actix_multipart::{Multipart, MultipartError};
use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::HttpRequest;
use futures_util::StreamExt;
use orderflow_domain::catalogue::MAX_IMAGE_BYTES;

use crate::error::ApiError;
use crate::json::declared_length;
use crate::text_guard::{has_forbidden_control, IN_TEXT};

/// The bounds of one kind of form.
#[derive(Debug, Clone, Copy)]
pub struct FormLimits {
    /// The whole body, boundaries and part headers included.
    pub max_body: usize,
    pub max_parts: usize,
    /// Each file.
    pub max_file: usize,
    /// Each text field.
    pub max_text: usize,
    /// How the file is named in messages ("The image", "The file").
    pub file_label: &'static str,
}

const MAX_TEXT_FIELD: usize = 64 * 1024;

/// A product or category with its image: the image, a dozen text fields and room for the boundaries (and for an
/// image somewhat over its limit, which then gets a precise answer).
pub const IMAGE_FORM: FormLimits = FormLimits {
    max_body: MAX_IMAGE_BYTES + 2 * 1024 * 1024,
    max_parts: 16,
    max_file: MAX_IMAGE_BYTES,
    max_text: MAX_TEXT_FIELD,
    file_label: "The image",
};

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

pub async fn read_form(
    request: &HttpRequest,
    payload: Payload,
    limits: FormLimits,
) -> Result<FormData, ApiError> {
    if !is_multipart(request) {
        return Err(ApiError::UnsupportedMediaType(
            "Send the form as multipart/form-data (the image as a file field).".into(),
        ));
    }
    let body_too_large = || {
        ApiError::PayloadTooLarge(format!(
            "The form is larger than the {} bytes allowed; {} may have at most {} MiB.",
            limits.max_body,
            limits.file_label.to_lowercase(),
            limits.max_file / (1024 * 1024)
        ))
    };
    if declared_length(request).is_some_and(|length| length > limits.max_body as u64) {
        return Err(body_too_large());
    }
    // Counted below the multipart parser, so part headers and boundaries count too.
    let mut read = 0usize;
    let bounded = payload.map(move |chunk| {
        let chunk = chunk?;
        read += chunk.len();
        if read > limits.max_body {
            Err(PayloadError::Overflow)
        } else {
            Ok(chunk)
        }
    });
    let malformed = |error: MultipartError| match error {
        MultipartError::Payload(PayloadError::Overflow) => body_too_large(),
        other => ApiError::BadRequest(format!("Malformed multipart body: {other}")),
    };
    let mut multipart = Multipart::new(request.headers(), bounded);
    let mut form = FormData::default();
    let mut parts = 0usize;
    let mut oversized_file = false;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed)?;
        parts += 1;
        if parts > limits.max_parts {
            return Err(ApiError::PayloadTooLarge(format!(
                "The form has more than the {} parts allowed.",
                limits.max_parts
            )));
        }
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .is_some();
        let limit = if is_file {
            limits.max_file
        } else {
            limits.max_text
        };
        let mut bytes = Vec::new();
        let mut seen = 0usize;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(malformed)?;
            seen += chunk.len();
            // An oversized file is read on (within the body's limit) so that the client gets this answer rather
            // than a reset connection; its bytes are not kept.
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
                "The field {name} is larger than {} bytes.",
                limits.max_text
            )));
        }
        if is_file {
            form.files.insert(name, bytes);
        } else {
            let text = String::from_utf8(bytes).map_err(|_| {
                ApiError::BadRequest(format!("The field {name} is not valid UTF-8 text."))
            })?;
            if has_forbidden_control(&text) {
                return Err(orderflow_application::validation::FieldErrors::single(
                    &name,
                    orderflow_application::validation::FieldProblem::Worded(IN_TEXT.into()),
                )
                .into());
            }
            form.fields.insert(name, text);
        }
    }
    if oversized_file {
        return Err(ApiError::PayloadTooLarge(format!(
            "{} is larger than {} MiB.",
            limits.file_label,
            limits.max_file / (1024 * 1024)
        )));
    }
    Ok(form)
}
