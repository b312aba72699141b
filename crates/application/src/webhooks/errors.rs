use orderflow_domain::webhooks::DeliveryState;

use crate::listing::InvalidPage;
use crate::ports::RepositoryError;
use crate::validation::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("invalid request: {0}")]
    Invalid(FieldErrors),
    /// No such endpoint.
    #[error("not found")]
    NotFound,
    /// No such delivery of that endpoint.
    #[error("delivery not found")]
    DeliveryNotFound,
    /// Only a failed delivery can be retried.
    #[error("a {status} delivery cannot be retried")]
    NotRetryable { status: DeliveryState },
    #[error(transparent)]
    InvalidPage(#[from] InvalidPage),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

impl From<FieldErrors> for WebhookError {
    fn from(errors: FieldErrors) -> Self {
        WebhookError::Invalid(errors)
    }
}
