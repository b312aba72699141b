//! The status codes and words of the webhook use cases' errors.

use orderflow_application::webhooks::WebhookError;

use super::ApiError;

impl From<WebhookError> for ApiError {
    fn from(error: WebhookError) -> Self {
        match error {
            WebhookError::Invalid(errors) => ApiError::Validation(errors),
            WebhookError::NotFound | WebhookError::DeliveryNotFound => ApiError::NotFound,
            WebhookError::NotRetryable { status } => ApiError::BadRequest(format!(
                "Only a failed delivery can be retried; this one is {status}."
            )),
            WebhookError::InvalidPage(error) => error.into(),
            WebhookError::Storage(error) => error.into(),
        }
    }
}
