//! Slugs are looked up free before a write, so a clash means another writer took the same one meanwhile: the
//! whole transaction is then run again, a few times.

use super::CatalogueError;
use crate::ports::{
    transaction, CategoryWriteError, ProductWriteError, RepositoryError, Transaction, UnitOfWork,
};

const SLUG_ATTEMPTS: usize = 3;

/// A failure inside a write transaction: a slug clash (retried) or anything else.
pub(crate) enum WriteFailure {
    SlugTaken,
    Other(CatalogueError),
}

pub(crate) fn with_slug_retries<R>(
    uow: &dyn UnitOfWork,
    mut work: impl FnMut(&mut dyn Transaction) -> Result<R, WriteFailure>,
) -> Result<R, CatalogueError> {
    for _ in 0..SLUG_ATTEMPTS {
        match transaction(uow, &mut work) {
            Ok(value) => return Ok(value),
            Err(WriteFailure::SlugTaken) => continue,
            Err(WriteFailure::Other(error)) => return Err(error),
        }
    }
    Err(CatalogueError::SlugsExhausted)
}

impl From<CatalogueError> for WriteFailure {
    fn from(error: CatalogueError) -> Self {
        WriteFailure::Other(error)
    }
}

impl From<RepositoryError> for WriteFailure {
    fn from(error: RepositoryError) -> Self {
        WriteFailure::Other(error.into())
    }
}

impl From<CategoryWriteError> for WriteFailure {
    fn from(error: CategoryWriteError) -> Self {
        match error {
            CategoryWriteError::DuplicateSlug => WriteFailure::SlugTaken,
            other => WriteFailure::Other(other.into()),
        }
    }
}

impl From<ProductWriteError> for WriteFailure {
    fn from(error: ProductWriteError) -> Self {
        match error {
            ProductWriteError::DuplicateSlug => WriteFailure::SlugTaken,
            other => WriteFailure::Other(other.into()),
        }
    }
}
