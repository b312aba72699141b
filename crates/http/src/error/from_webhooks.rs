//! The status codes and words of the webhook use cases' errors.

use orderflow_application::webhooks::{ManageWebhookError, WebhookDeliveryError};

use super::ApiError;

impl From<ManageWebhookError> for ApiError {
    fn from(error: ManageWebhookError) -> Self {
        match error {
            ManageWebhookError::Invalid(errors) => ApiError::Validation(errors),
            ManageWebhookError::NotFound => ApiError::NotFound,
            ManageWebhookError::InvalidPage(error) => error.into(),
            ManageWebhookError::Storage(error) => error.into(),
        }
    }
}

impl From<WebhookDeliveryError> for ApiError {
    fn from(error: WebhookDeliveryError) -> Self {
        match error {
            WebhookDeliveryError::NotFound | WebhookDeliveryError::DeliveryNotFound => {
                ApiError::NotFound
            }
            WebhookDeliveryError::NotRetryable { status } => ApiError::BadRequest(format!(
                "Only a failed delivery can be retried; this one is {status}."
            )),
            WebhookDeliveryError::InvalidPage(error) => error.into(),
            WebhookDeliveryError::Storage(error) => error.into(),
        }
    }
}
