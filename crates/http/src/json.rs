//! JSON bodies: size limit, and errors that say what is wrong instead of a bare 400.

use actix_web::http::header;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use serde::{Deserialize, Deserializer};

use crate::error::ApiError;
use crate::state::{AppState, HttpSettings};
use crate::text_guard::json_control_characters;

/// Query strings that cannot be parsed (a repeated or malformed parameter) are a 400 as well.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _req| {
        ApiError::BadRequest(format!("Invalid query string: {error}")).into()
    })
}

/// Path segments of the wrong type (`customers/abc/`) are a 404: no such resource.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into())
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`), for partial updates that may clear a
/// value. Use with `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Patch {
        #[serde(default, deserialize_with = "nullable")]
        phone: Option<Option<String>>,
    }

    #[test]
    fn json_text_is_the_text_as_sent() {
        #[derive(Deserialize)]
        struct Row {
            price: Option<JsonText>,
        }
        let text = |json: &str| {
            serde_json::from_str::<Row>(json)
                .unwrap()
                .price
                .and_then(JsonText::into_text)
        };
        assert_eq!(text(r#"{"price": "9.99"}"#), Some("9.99".into()));
        assert_eq!(
            text(r#"{"price": 1.10000000000000000000000000001}"#),
            Some("1.10000000000000000000000000001".into())
        );
        assert_eq!(text(r#"{"price": 12}"#), Some("12".into()));
        assert_eq!(text(r#"{"price": "a\"b"}"#), Some("a\"b".into()));
        assert_eq!(text(r#"{"price": null}"#), None);
        assert_eq!(text("{}"), None);
    }

    #[test]
    fn nullable_tells_absent_from_null() {
        let absent: Patch = serde_json::from_str("{}").unwrap();
        let null: Patch = serde_json::from_str(r#"{"phone": null}"#).unwrap();
        let value: Patch = serde_json::from_str(r#"{"phone": "+254711000001"}"#).unwrap();
        assert_eq!(absent.phone, None);
        assert_eq!(null.phone, Some(None));
        assert_eq!(value.phone, Some(Some("+254711000001".into())));
    }
}

/// A JSON value read as the text it was sent as: a string's content, or the literal of a number or boolean, digit
/// for digit. Decimal amounts sent as JSON numbers (`"price": 1.10000000000000000000000000001`) are then checked as
/// written, never through a float that would round them.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct JsonText(Box<serde_json::value::RawValue>);

impl JsonText {
    /// `None` for `null`.
    pub fn into_text(self) -> Option<String> {
        let raw = self.0.get();
        if raw == "null" {
            None
        } else if raw.starts_with('"') {
            serde_json::from_str::<String>(raw).ok()
        } else {
            Some(raw.to_owned())
        }
    }
}

/// Documented as what it carries: amounts (a price), written as decimal strings.
impl paperclip::v2::schema::Apiv2Schema for JsonText {
    fn raw_schema() -> paperclip::v2::models::DefaultSchemaRaw {
        <crate::money::Money as paperclip::v2::schema::Apiv2Schema>::raw_schema()
    }
}

/// A field the client must send, read as optional so that every missing field is reported at once ("This field
/// is required."), while the OpenAPI document still marks it required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Required<T>(pub Option<T>);

impl<T> Required<T> {
    pub fn into_inner(self) -> Option<T> {
        self.0
    }
}

impl<T: paperclip::v2::schema::Apiv2Schema> paperclip::v2::schema::Apiv2Schema for Required<T> {
    fn name() -> Option<String> {
        T::name()
    }

    fn raw_schema() -> paperclip::v2::models::DefaultSchemaRaw {
        T::raw_schema()
    }

    fn required() -> bool {
        true
    }
}

/// A JSON request body whose problems are reported only when the handler reads it.
///
/// actix extracts a handler's arguments concurrently and answers with the first failure; with a plain `Json`
/// a malformed body could be reported before the caller's missing permission. The handler reads this after its
/// `Caller` has been checked, so a 401 or 403 always comes first.
///
/// The body is read up to the configured limit (413 beyond), checked for control characters (400 naming the
/// field) and then parsed (400 with the parser's words).
pub struct Body<T>(Result<T, ApiError>);

impl<T> Body<T> {
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for Body<T> {
    type Error = actix_web::Error;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let limit = request
            .app_data::<web::Data<AppState>>()
            .map_or(HttpSettings::default().json_limit_bytes, |state| {
                state.settings.json_limit_bytes
            });
        let is_json = is_json(request);
        let declared = declared_length(request);
        let payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Ok(Body(Err(ApiError::UnsupportedMediaType(
                    "Unsupported media type in request; send JSON with Content-Type: application/json."
                        .into(),
                ))));
            }
            Ok(Body(parse_body(payload, declared, limit).await))
        })
    }
}

async fn parse_body<T: serde::de::DeserializeOwned>(
    payload: actix_web::dev::Payload,
    declared: Option<u64>,
    limit: usize,
) -> Result<T, ApiError> {
    let bytes = read_limited(payload, declared, limit).await?;
    if let Some(errors) = json_control_characters(&bytes) {
        return Err(ApiError::Validation(errors));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::BadRequest(format!("JSON parse error - {e}")))
}

/// `application/json`, or any `+json` type.
fn is_json(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<mime::Mime>().ok())
        .is_some_and(|mime| {
            mime.type_() == mime::APPLICATION
                && (mime.subtype() == mime::JSON || mime.suffix() == Some(mime::JSON))
        })
}

/// The `Content-Length` the client announced, if any.
pub fn declared_length(request: &HttpRequest) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// Reads a whole body of at most `limit` bytes. A body announced larger is refused before a byte is read, and
/// reading stops as soon as the limit is passed: a client cannot make the server take in more than `limit`.
pub async fn read_limited(
    mut payload: actix_web::dev::Payload,
    declared: Option<u64>,
    limit: usize,
) -> Result<web::BytesMut, ApiError> {
    let too_large = || {
        ApiError::PayloadTooLarge(format!(
            "Request body is larger than the {limit} bytes allowed."
        ))
    };
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::with_capacity(declared.map_or(0, |n| n as usize));
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::BadRequest(format!("Could not read the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl<T: paperclip::v2::schema::Apiv2Schema> paperclip::v2::schema::Apiv2Schema for Body<T> {
    fn name() -> Option<String> {
        T::name()
    }

    fn raw_schema() -> paperclip::v2::models::DefaultSchemaRaw {
        T::raw_schema()
    }
}

impl<T: paperclip::v2::schema::Apiv2Schema> paperclip::actix::OperationModifier for Body<T> {
    fn update_parameter(op: &mut paperclip::v2::models::DefaultOperationRaw) {
        <web::Json<T> as paperclip::actix::OperationModifier>::update_parameter(op);
    }

    fn update_definitions(
        map: &mut std::collections::BTreeMap<String, paperclip::v2::models::DefaultSchemaRaw>,
    ) {
        <web::Json<T> as paperclip::actix::OperationModifier>::update_definitions(map);
    }
}
