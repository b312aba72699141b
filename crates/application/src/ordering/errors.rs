//! One error type per use case: what placing, changing and browsing orders can each answer.

use orderflow_domain::ordering::{
    CancelRefusal, DetailsLocked, IllegalTransition, OrderStatus, PaymentRefusal,
};

use crate::validation::{invalid_from_field_errors, FieldErrors};

use crate::listing::InvalidPage;
use crate::ports::RepositoryError;

/// Why an order was not placed. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum PlaceOrderError {
    #[error("invalid order: {0}")]
    Invalid(FieldErrors),
    /// Lines ask for more than is in stock: each short line says what is available, beside any other problem of
    /// the request's lines.
    #[error("not enough stock: {0}")]
    Shortfall(FieldErrors),
    /// The same Idempotency-Key with a different body.
    #[error("idempotency key reused with another request")]
    KeyReused,
    /// A request with the same Idempotency-Key is still being processed.
    #[error("idempotency key in flight")]
    KeyInFlight,
    /// The order's products changed between each read and the write that relied on it, every time it was tried.
    #[error("the products changed while the order was being placed")]
    ProductsKeptChanging,
    /// The Idempotency-Key was used before, but the order it placed is no longer there to answer with.
    #[error("the order placed with this key is gone")]
    ReplayedOrderGone,
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

/// Why an order's status, payment or details did not change. Nothing changed in any case.
#[derive(Debug, thiserror::Error)]
pub enum ChangeOrderError {
    #[error("invalid change: {0}")]
    Invalid(FieldErrors),
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
    /// Putting a cancelled order's units back would take a product's stock past its maximum.
    #[error("returning {units} units of {product_name} would pass the stock maximum")]
    StockLimit { product_name: String, units: i64 },
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

impl From<CancelRefusal> for ChangeOrderError {
    fn from(refusal: CancelRefusal) -> Self {
        match refusal {
            CancelRefusal::NotCancellable { status } => ChangeOrderError::NotCancellable { status },
            CancelRefusal::Illegal(refusal) => ChangeOrderError::IllegalMove(refusal),
        }
    }
}

impl From<PaymentRefusal> for ChangeOrderError {
    fn from(refusal: PaymentRefusal) -> Self {
        match refusal {
            PaymentRefusal::AlreadyPaid => ChangeOrderError::AlreadyPaid,
            PaymentRefusal::NotPayable { status } => ChangeOrderError::NotPayable { status },
        }
    }
}

impl From<DetailsLocked> for ChangeOrderError {
    fn from(DetailsLocked { status }: DetailsLocked) -> Self {
        ChangeOrderError::DetailsLocked { status }
    }
}

/// Why orders or their history could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BrowseOrdersError {
    #[error("invalid query: {0}")]
    Invalid(FieldErrors),
    /// Someone else's order, or none.
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    InvalidPage(#[from] InvalidPage),
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

invalid_from_field_errors!(PlaceOrderError, ChangeOrderError, BrowseOrdersError);
