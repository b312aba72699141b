use orderflow_domain::ordering::{
    CancelRefusal, DetailsLocked, IllegalTransition, OrderStatus, PaymentRefusal,
};

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
    /// The order has gone past the point where it can be cancelled.
    #[error("a {status} order cannot be cancelled")]
    NotCancellable { status: OrderStatus },
    /// The move is not in the lifecycle's table, or not one this caller may make.
    #[error(transparent)]
    IllegalMove(#[from] IllegalTransition),
    /// A payment is already recorded.
    #[error("the order is already paid")]
    AlreadyPaid,
    /// Cancelled and refunded orders take no payment.
    #[error("a {status} order cannot be marked as paid")]
    NotPayable { status: OrderStatus },
    /// The delivery details can only change while the order is pending.
    #[error("a {status} order's details cannot change")]
    DetailsLocked { status: OrderStatus },
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

impl From<CancelRefusal> for OrderError {
    fn from(refusal: CancelRefusal) -> Self {
        match refusal {
            CancelRefusal::NotCancellable { status } => OrderError::NotCancellable { status },
            CancelRefusal::Illegal(refusal) => OrderError::IllegalMove(refusal),
        }
    }
}

impl From<PaymentRefusal> for OrderError {
    fn from(refusal: PaymentRefusal) -> Self {
        match refusal {
            PaymentRefusal::AlreadyPaid => OrderError::AlreadyPaid,
            PaymentRefusal::NotPayable { status } => OrderError::NotPayable { status },
        }
    }
}

impl From<DetailsLocked> for OrderError {
    fn from(DetailsLocked { status }: DetailsLocked) -> Self {
        OrderError::DetailsLocked { status }
    }
}
