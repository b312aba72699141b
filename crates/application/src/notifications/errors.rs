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
    /// A valid request the notification's state refuses (`detail` says why).
    #[error("{0}")]
    Refused(String),
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
