//! One error type per use case: what browsing the catalogue, managing categories, managing products and importing
//! products can each answer.

use crate::validation::{invalid_from_field_errors, FieldErrors, FieldProblem, Unique};

use crate::listing::InvalidPage;
use crate::ports::{CategoryWriteError, ImageStoreError, ProductWriteError, RepositoryError};

/// Why the catalogue could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BrowseCatalogueError {
    #[error("invalid query: {0}")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    InvalidPage(#[from] InvalidPage),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Why a category was not created, changed or deleted. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum ManageCategoryError {
    #[error("invalid category: {0}")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    /// The category has child categories: they must be moved or deleted first.
    #[error("the category has child categories")]
    HasChildren,
    /// The category holds products: they must be moved first.
    #[error("the category holds products")]
    HasProducts,
    /// The database still refers to the category from elsewhere.
    #[error("the category is still referred to")]
    InUse,
    /// Every slug tried was taken by concurrent writes; the client may simply retry.
    #[error("no free slug after every attempt")]
    SlugsExhausted,
    #[error("image storage failed: {0}")]
    ImageStorage(#[source] ImageStoreError),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Why a product was not created, changed or deleted. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum ManageProductError {
    #[error("invalid product: {0}")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    /// The product is on orders: it can be discontinued, not deleted.
    #[error("the product is on orders")]
    InUse,
    /// Every slug tried was taken by concurrent writes; the client may simply retry.
    #[error("no free slug after every attempt")]
    SlugsExhausted,
    #[error("image storage failed: {0}")]
    ImageStorage(#[source] ImageStoreError),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Why an import wrote nothing (rows with problems are an outcome, not an error).
#[derive(Debug, thiserror::Error)]
pub enum ImportProductsError {
    /// The file as a whole: no rows, or too many.
    #[error("invalid import: {0}")]
    Invalid(FieldErrors),
    /// Another import or edit changed the same products meanwhile.
    #[error("a concurrent write changed the same products")]
    ConcurrentChange,
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// A reference to a row that does not exist.
pub(crate) fn no_such_object(key: impl std::fmt::Display) -> FieldProblem {
    FieldProblem::NoSuchObject(key.to_string())
}

invalid_from_field_errors!(
    BrowseCatalogueError,
    ManageCategoryError,
    ManageProductError,
    ImportProductsError
);

impl From<CategoryWriteError> for ManageCategoryError {
    fn from(error: CategoryWriteError) -> Self {
        match error {
            CategoryWriteError::DuplicateName => {
                FieldErrors::single("name", FieldProblem::Taken(Unique::CategoryName)).into()
            }
            CategoryWriteError::DuplicateSlug => ManageCategoryError::SlugsExhausted,
            CategoryWriteError::Storage(error) => error.into(),
        }
    }
}

impl From<ProductWriteError> for ManageProductError {
    fn from(error: ProductWriteError) -> Self {
        match error {
            ProductWriteError::DuplicateSku => {
                FieldErrors::single("sku", FieldProblem::Taken(Unique::Sku)).into()
            }
            ProductWriteError::DuplicateSlug => ManageProductError::SlugsExhausted,
            ProductWriteError::Storage(error) => error.into(),
        }
    }
}
