//! Reading orders, with the visibility rule: customers see their own, staff see all.

use std::sync::Arc;

use orderflow_domain::identity::Customer;
use orderflow_domain::ordering::{OrderId, OrderStatus};

use super::OrderError;
use crate::listing::{Page, PageRequest, SortDirection};
use crate::ports::{OrderEvent, OrderFilter, OrderQueries, OrderSort, OrderStatistics, OrderView};

pub struct BrowseOrders {
    queries: Arc<dyn OrderQueries>,
}

impl BrowseOrders {
    pub fn new(queries: Arc<dyn OrderQueries>) -> Self {
        Self { queries }
    }

    /// Orders visible to `actor`: a customer's own whatever the filter says; staff may filter by customer.
    pub fn list(
        &self,
        actor: &Customer,
        mut filter: OrderFilter,
        page: PageRequest,
    ) -> Result<Page<OrderView>, OrderError> {
        if !actor.is_staff() {
            filter.customer = Some(actor.id);
        }
        Ok(self.queries.orders(&filter, page)?.in_range()?)
    }

    /// The caller's own orders, for staff too.
    pub fn mine(&self, actor: &Customer, page: PageRequest) -> Result<Page<OrderView>, OrderError> {
        let filter = OrderFilter {
            customer: Some(actor.id),
            ..OrderFilter::default()
        };
        Ok(self.queries.orders(&filter, page)?.in_range()?)
    }

    /// Pending orders, oldest first: the staff's work queue.
    pub fn pending(&self, page: PageRequest) -> Result<Page<OrderView>, OrderError> {
        let filter = OrderFilter {
            status: Some(OrderStatus::Pending),
            ordering: vec![(OrderSort::CreatedAt, SortDirection::Ascending)],
            ..OrderFilter::default()
        };
        Ok(self.queries.orders(&filter, page)?.in_range()?)
    }

    pub fn get(&self, actor: &Customer, id: OrderId) -> Result<OrderView, OrderError> {
        self.queries
            .order(id)?
            .filter(|view| view.order.customer_id == actor.id || actor.is_staff())
            .ok_or(OrderError::NotFound)
    }

    pub fn events(&self, actor: &Customer, id: OrderId) -> Result<Vec<OrderEvent>, OrderError> {
        self.get(actor, id)?;
        Ok(self.queries.events(id)?)
    }

    pub fn statistics(&self) -> Result<OrderStatistics, OrderError> {
        Ok(self.queries.statistics()?)
    }
}
