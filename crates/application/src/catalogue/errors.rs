use crate::validation::FieldErrors;

use crate::listing::InvalidPage;
use crate::ports::{CategoryWriteError, ProductWriteError, RepositoryError};

/// What can go wrong in a catalogue use case.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    /// The request is valid but clashes with the state of the catalogue (deleting a category that has children).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    InvalidPage(#[from] InvalidPage),
    #[error("image storage failed: {0}")]
    ImageStorage(#[source] crate::ports::ImageStoreError),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

impl From<FieldErrors> for CatalogueError {
    fn from(errors: FieldErrors) -> Self {
        CatalogueError::Invalid(errors)
    }
}

/// DRF's message for a reference to a row that does not exist.
pub(crate) fn invalid_pk(value: impl std::fmt::Display) -> String {
    format!("Invalid pk \"{value}\" - object does not exist.")
}

impl From<CategoryWriteError> for CatalogueError {
    fn from(error: CategoryWriteError) -> Self {
        match error {
            CategoryWriteError::DuplicateName => {
                FieldErrors::single("name", "category with this name already exists.").into()
            }
            CategoryWriteError::DuplicateSlug => {
                CatalogueError::Conflict("Slug taken; please retry.".into())
            }
            CategoryWriteError::Storage(error) => error.into(),
        }
    }
}

impl From<ProductWriteError> for CatalogueError {
    fn from(error: ProductWriteError) -> Self {
        match error {
            ProductWriteError::DuplicateSku => {
                FieldErrors::single("sku", "product with this sku already exists.").into()
            }
            ProductWriteError::DuplicateSlug => {
                CatalogueError::Conflict("Slug taken; please retry.".into())
            }
            ProductWriteError::Storage(error) => error.into(),
        }
    }
}
