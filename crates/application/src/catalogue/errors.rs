use crate::validation::{FieldErrors, FieldProblem, Unique};

use crate::listing::InvalidPage;
use crate::ports::{CategoryWriteError, ProductWriteError, RepositoryError};

/// What can go wrong in a catalogue use case.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    #[error("not found")]
    NotFound,
    /// The category has child categories: they must be moved or deleted first.
    #[error("the category has child categories")]
    HasChildren,
    /// The category holds products: they must be moved first.
    #[error("the category holds products")]
    HasProducts,
    /// Something the database still refers to (a product on orders, a category referenced elsewhere).
    #[error("the {what} is still referred to")]
    InUse { what: CatalogueItem },
    /// Every slug tried was taken by concurrent writes; the client may simply retry.
    #[error("no free slug after every attempt")]
    SlugsExhausted,
    /// Another import or edit changed the same products meanwhile; nothing was written.
    #[error("a concurrent write changed the same products")]
    ConcurrentChange,
    #[error(transparent)]
    InvalidPage(#[from] InvalidPage),
    #[error("image storage failed: {0}")]
    ImageStorage(#[source] crate::ports::ImageStoreError),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Which kind of catalogue entry an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogueItem {
    Category,
    Product,
}

impl std::fmt::Display for CatalogueItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CatalogueItem::Category => "category",
            CatalogueItem::Product => "product",
        })
    }
}

impl From<FieldErrors> for CatalogueError {
    fn from(errors: FieldErrors) -> Self {
        CatalogueError::Invalid(errors)
    }
}

/// A reference to a row that does not exist.
pub(crate) fn no_such_object(key: impl std::fmt::Display) -> FieldProblem {
    FieldProblem::NoSuchObject(key.to_string())
}

impl From<CategoryWriteError> for CatalogueError {
    fn from(error: CategoryWriteError) -> Self {
        match error {
            CategoryWriteError::DuplicateName => {
                FieldErrors::single("name", FieldProblem::Taken(Unique::CategoryName)).into()
            }
            CategoryWriteError::DuplicateSlug => CatalogueError::SlugsExhausted,
            CategoryWriteError::Storage(error) => error.into(),
        }
    }
}

impl From<ProductWriteError> for CatalogueError {
    fn from(error: ProductWriteError) -> Self {
        match error {
            ProductWriteError::DuplicateSku => {
                FieldErrors::single("sku", FieldProblem::Taken(Unique::Sku)).into()
            }
            ProductWriteError::DuplicateSlug => CatalogueError::SlugsExhausted,
            ProductWriteError::Storage(error) => error.into(),
        }
    }
}
