use orderflow_domain::notifications::DeliveryStatus;

use crate::validation::FieldErrors;

use crate::listing::InvalidPage;
use crate::ports::RepositoryError;

#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    #[error("invalid request: {0}")]
    Invalid(FieldErrors),
    /// Someone else's notification, or none.
    #[error("not found")]
    NotFound,
    /// Only a failed notification can be retried.
    #[error("a {status} notification cannot be retried")]
    NotRetryable { status: DeliveryStatus },
    /// A system alert needs someone to tell.
    #[error("no active admin to alert")]
    NoActiveAdmin,
    #[error(transparent)]
    InvalidPage(#[from] InvalidPage),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

impl From<FieldErrors> for NotificationError {
    fn from(errors: FieldErrors) -> Self {
        NotificationError::Invalid(errors)
    }
}
