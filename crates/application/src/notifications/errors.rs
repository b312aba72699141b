//! One error type per use case: what browsing notifications, retrying one and sending a system alert can each
//! answer.

use orderflow_domain::notifications::DeliveryStatus;

use crate::validation::{invalid_from_field_errors, FieldErrors};

use crate::listing::InvalidPage;
use crate::ports::RepositoryError;

/// Why notifications or their figures could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BrowseNotificationsError {
    #[error("invalid query: {0}")]
    Invalid(FieldErrors),
    /// Someone else's notification, or none.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    InvalidPage(#[from] InvalidPage),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Why a notification was not queued again.
#[derive(Debug, thiserror::Error)]
pub enum RetryNotificationError {
    #[error("not found")]
    NotFound,
    /// Only a failed notification can be retried.
    #[error("a {status} notification cannot be retried")]
    NotRetryable { status: DeliveryStatus },
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Why a system alert was not queued.
#[derive(Debug, thiserror::Error)]
pub enum SendAlertError {
    #[error("invalid alert: {0}")]
    Invalid(FieldErrors),
    /// A system alert needs someone to tell.
    #[error("no active admin to alert")]
    NoActiveAdmin,
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

invalid_from_field_errors!(BrowseNotificationsError, SendAlertError);
