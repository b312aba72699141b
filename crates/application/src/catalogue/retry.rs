//! Slugs are looked up free before a write, so a clash means another writer took the same one meanwhile: the
//! whole transaction is then run again, a few times.

use super::{ManageCategoryError, ManageProductError};
use crate::ports::{
    transaction, CategoryWriteError, ProductWriteError, RepositoryError, Transaction, UnitOfWork,
};

const SLUG_ATTEMPTS: usize = 3;

/// A failure inside a write transaction: a slug clash (retried) or the use case's error `E`.
pub(crate) enum WriteFailure<E> {
    SlugTaken,
    Other(E),
}

/// The error of a use case that retries slug clashes: what it says when every attempt clashed.
pub(crate) trait SlugClashes: From<RepositoryError> {
    fn slugs_exhausted() -> Self;
}

impl SlugClashes for ManageCategoryError {
    fn slugs_exhausted() -> Self {
        ManageCategoryError::SlugsExhausted
    }
}

impl SlugClashes for ManageProductError {
    fn slugs_exhausted() -> Self {
        ManageProductError::SlugsExhausted
    }
}

pub(crate) fn with_slug_retries<R, E: SlugClashes>(
    uow: &dyn UnitOfWork,
    mut work: impl FnMut(&mut dyn Transaction) -> Result<R, WriteFailure<E>>,
) -> Result<R, E> {
    for _ in 0..SLUG_ATTEMPTS {
        match transaction(uow, &mut work) {
            Ok(value) => return Ok(value),
            Err(WriteFailure::SlugTaken) => continue,
            Err(WriteFailure::Other(error)) => return Err(error),
        }
    }
    Err(E::slugs_exhausted())
}

impl From<ManageCategoryError> for WriteFailure<ManageCategoryError> {
    fn from(error: ManageCategoryError) -> Self {
        WriteFailure::Other(error)
    }
}

impl From<ManageProductError> for WriteFailure<ManageProductError> {
    fn from(error: ManageProductError) -> Self {
        WriteFailure::Other(error)
    }
}

impl<E: From<RepositoryError>> From<RepositoryError> for WriteFailure<E> {
    fn from(error: RepositoryError) -> Self {
        WriteFailure::Other(error.into())
    }
}

impl<E: From<CategoryWriteError>> From<CategoryWriteError> for WriteFailure<E> {
    fn from(error: CategoryWriteError) -> Self {
        match error {
            CategoryWriteError::DuplicateSlug => WriteFailure::SlugTaken,
            other => WriteFailure::Other(other.into()),
        }
    }
}

impl<E: From<ProductWriteError>> From<ProductWriteError> for WriteFailure<E> {
    fn from(error: ProductWriteError) -> Self {
        match error {
            ProductWriteError::DuplicateSlug => WriteFailure::SlugTaken,
            other => WriteFailure::Other(other.into()),
        }
    }
}
