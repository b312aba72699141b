//! Reading orders.

use orderflow_domain::identity::CustomerId;
/// A line of an order's history, as recorded (the owner's view of it is a domain rule).
pub use orderflow_domain::ordering::OrderEvent;
use orderflow_domain::ordering::{Order, OrderId, OrderStatus};
use rust_decimal::Decimal;

use super::RepositoryError;
use crate::listing::{Page, PageRequest, SortDirection};

/// An order with what its JSON shows about the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderView {
    pub order: Order,
    pub customer_name: String,
    pub customer_email: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderSort {
    CreatedAt,
    TotalAmount,
    Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderFilter {
    /// Only this customer's orders.
    pub customer: Option<CustomerId>,
    pub status: Option<OrderStatus>,
    pub is_paid: Option<bool>,
    /// Terms that must each appear in the order number, the customer's email or first name.
    pub search_terms: Vec<String>,
    pub ordering: Vec<(OrderSort, SortDirection)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderStatistics {
    pub total_orders: u64,
    pub pending_orders: u64,
    pub delivered_orders: u64,
    pub cancelled_orders: u64,
    /// Paid orders that were neither cancelled nor refunded.
    pub total_revenue: Decimal,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait OrderQueries: Send + Sync {
    /// Orders with their items: two queries per page, whatever its size.
    fn orders(
        &self,
        filter: &OrderFilter,
        page: PageRequest,
    ) -> Result<Page<OrderView>, RepositoryError>;

    fn order(&self, id: OrderId) -> Result<Option<OrderView>, RepositoryError>;

    /// The history of an order, oldest first.
    fn events(&self, id: OrderId) -> Result<Vec<OrderEvent>, RepositoryError>;

    fn statistics(&self) -> Result<OrderStatistics, RepositoryError>;
}
