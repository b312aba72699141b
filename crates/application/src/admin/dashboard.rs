use std::sync::Arc;

use chrono::Duration;

use crate::ports::{Clock, Dashboard, DashboardQueries, RepositoryError};

/// "Recent" on the dashboard: the last 30 days.
const RECENT_DAYS: i64 = 30;
/// Products with fewer units than this are low on stock (as `products/low_stock/` by default).
const LOW_STOCK_BELOW: i32 = 10;
const LIST_LIMIT: u32 = 10;

/// The admins' overview: orders, revenue, customers, stock and notifications.
pub struct AdminDashboard {
    queries: Arc<dyn DashboardQueries>,
    clock: Arc<dyn Clock>,
}

impl AdminDashboard {
    pub fn new(queries: Arc<dyn DashboardQueries>, clock: Arc<dyn Clock>) -> Self {
        Self { queries, clock }
    }

    pub fn execute(&self) -> Result<Dashboard, RepositoryError> {
        let since = self.clock.now() - Duration::days(RECENT_DAYS);
        self.queries.dashboard(since, LOW_STOCK_BELOW, LIST_LIMIT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockDashboardQueries;
    use crate::test_support::{fixed_clock, now};
    use mockall::predicate::eq;

    #[test]
    fn recent_means_the_last_thirty_days_and_low_stock_below_ten() {
        let mut queries = MockDashboardQueries::new();
        queries
            .expect_dashboard()
            .with(eq(now() - Duration::days(30)), eq(10), eq(10))
            .times(1)
            .returning(|_, _, _| Ok(Dashboard::default()));
        AdminDashboard::new(Arc::new(queries), fixed_clock())
            .execute()
            .unwrap();
    }
}
