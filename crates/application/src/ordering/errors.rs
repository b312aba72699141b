use crate::validation::FieldErrors;

use crate::listing::InvalidPage;
use crate::ports::RepositoryError;

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("invalid order: {0}")]
    Invalid(FieldErrors),
    /// Lines ask for more than is in stock: each short line says what is available, beside any other problem of
    /// the request's lines. Nothing was written.
    #[error("not enough stock: {0}")]
    Shortfall(FieldErrors),
    /// Someone else's order, or none: customers cannot tell the two apart.
    #[error("not found")]
    NotFound,
    /// A valid request the order's state refuses (`detail` says why).
    #[error("{0}")]
    Refused(String),
    /// Putting a cancelled order's units back would take a product's stock past its maximum; nothing changed.
    #[error("returning {units} units of {product_name} would pass the stock maximum")]
    StockLimit { product_name: String, units: i64 },
    /// The same Idempotency-Key with a different body.
    #[error("idempotency key reused with another request")]
    KeyReused,
    /// A request with the same Idempotency-Key is still being processed.
    #[error("idempotency key in flight")]
    KeyInFlight,
    /// The order's products changed between each read and the write that relied on it, every time it was tried;
    /// nothing was written.
    #[error("the products changed while the order was being placed")]
    ProductsKeptChanging,
    #[error(transparent)]
    InvalidPage(#[from] InvalidPage),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

impl From<FieldErrors> for OrderError {
    fn from(errors: FieldErrors) -> Self {
        OrderError::Invalid(errors)
    }
}
