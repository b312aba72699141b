//! JSON bodies: size limit, and errors that say what is wrong instead of a bare 400.

use actix_web::error::JsonPayloadError;
use actix_web::{web, HttpRequest};
use serde::{Deserialize, Deserializer};

use crate::error::ApiError;

/// The JSON extractor's configuration: bodies up to `limit` bytes; malformed JSON is a 400, a wrong content
/// type a 415 and an oversized body a 413, each with a `detail`.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |error, _req: &HttpRequest| json_error(error, limit).into())
}

fn json_error(error: JsonPayloadError, limit: usize) -> ApiError {
    match error {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::PayloadTooLarge(format!(
                "Request body is larger than the {limit} bytes allowed."
            ))
        }
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType(
            "Unsupported media type in request; send JSON with Content-Type: application/json."
                .into(),
        ),
        JsonPayloadError::Deserialize(error) => {
            ApiError::BadRequest(format!("JSON parse error - {error}"))
        }
        JsonPayloadError::Serialize(error) => ApiError::Internal(error.to_string()),
        other => ApiError::BadRequest(format!("Could not read the request body: {other}")),
    }
}

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
    fn nullable_tells_absent_from_null() {
        let absent: Patch = serde_json::from_str("{}").unwrap();
        let null: Patch = serde_json::from_str(r#"{"phone": null}"#).unwrap();
        let value: Patch = serde_json::from_str(r#"{"phone": "+254711000001"}"#).unwrap();
        assert_eq!(absent.phone, None);
        assert_eq!(null.phone, Some(None));
        assert_eq!(value.phone, Some(Some("+254711000001".into())));
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
        let json = web::Json::<T>::from_request(request, payload);
        Box::pin(async move {
            Ok(Body(match json.await {
                Ok(json) => Ok(json.into_inner()),
                Err(error) => Err(error
                    .as_error::<ApiError>()
                    .cloned()
                    .unwrap_or_else(|| ApiError::BadRequest(error.to_string()))),
            }))
        })
    }
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
