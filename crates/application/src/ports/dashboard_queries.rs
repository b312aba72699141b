use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::RepositoryError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentOrder {
    pub id: uuid::Uuid,
    pub order_number: String,
    pub customer_name: String,
    pub total_amount: Decimal,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowStockProduct {
    pub id: uuid::Uuid,
    pub name: String,
    pub stock_quantity: i32,
    pub category_name: String,
}

/// The figures of `admin/dashboard/`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dashboard {
    pub orders_total: u64,
    pub orders_recent: u64,
    pub orders_pending: u64,
    pub orders_delivered: u64,
    /// Paid orders that were neither cancelled nor refunded.
    pub revenue: Decimal,
    pub recent_orders: Vec<RecentOrder>,
    pub customers_total: u64,
    pub customers_new: u64,
    pub products_total: u64,
    pub products_low_stock: u64,
    pub low_stock_products: Vec<LowStockProduct>,
    pub notifications_total: u64,
    pub notifications_recent: u64,
    pub notifications_failed: u64,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait DashboardQueries: Send + Sync {
    /// "Recent" and "new" mean created at or after `since`; low stock means fewer than `low_stock_below` units
    /// (discontinued products left out); lists hold at most `list_limit` entries, newest or lowest first.
    fn dashboard(
        &self,
        since: DateTime<Utc>,
        low_stock_below: i32,
        list_limit: u32,
    ) -> Result<Dashboard, RepositoryError>;
}
