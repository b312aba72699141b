//! The webhook use cases' errors: managing endpoints (create, read, change, delete, rotate, test) answers the
//! same few refusals, and so does working with their deliveries (list, show, retry, the figures).

use orderflow_domain::webhooks::DeliveryState;

use crate::listing::InvalidPage;
use crate::ports::RepositoryError;
use crate::validation::{invalid_from_field_errors, FieldErrors};

/// Why an endpoint was not created, read, changed, deleted, rotated or sent a test event.
#[derive(Debug, thiserror::Error)]
pub enum ManageWebhookError {
    #[error("invalid endpoint: {0}")]
    Invalid(FieldErrors),
    /// No such endpoint.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    InvalidPage(#[from] InvalidPage),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Why an endpoint's deliveries could not be read, or one was not queued again.
#[derive(Debug, thiserror::Error)]
pub enum WebhookDeliveryError {
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

invalid_from_field_errors!(ManageWebhookError);
