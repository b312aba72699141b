//! Reading orders, with the visibility rules: customers see their own orders and the customer's view of their
//! history, staff see all.

use std::sync::Arc;

use orderflow_domain::identity::Customer;
use orderflow_domain::ordering::{OrderId, OrderStatus};

use super::BrowseOrdersError;
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
    ) -> Result<Page<OrderView>, BrowseOrdersError> {
        if !actor.is_staff() {
            filter.customer = Some(actor.id);
        }
        Ok(self.queries.orders(&filter, page)?.in_range()?)
    }

    /// The caller's own orders, for staff too.
    pub fn mine(
        &self,
        actor: &Customer,
        page: PageRequest,
    ) -> Result<Page<OrderView>, BrowseOrdersError> {
        let filter = OrderFilter {
            customer: Some(actor.id),
            ..OrderFilter::default()
        };
        Ok(self.queries.orders(&filter, page)?.in_range()?)
    }

    /// Pending orders, oldest first: the staff's work queue.
    pub fn pending(&self, page: PageRequest) -> Result<Page<OrderView>, BrowseOrdersError> {
        let filter = OrderFilter {
            status: Some(OrderStatus::Pending),
            ordering: vec![(OrderSort::CreatedAt, SortDirection::Ascending)],
            ..OrderFilter::default()
        };
        Ok(self.queries.orders(&filter, page)?.in_range()?)
    }

    pub fn get(&self, actor: &Customer, id: OrderId) -> Result<OrderView, BrowseOrdersError> {
        self.queries
            .order(id)?
            .filter(|view| view.order.customer_id == actor.id || actor.is_staff())
            .ok_or(BrowseOrdersError::NotFound)
    }

    /// The order's history, oldest first: every line as recorded for staff and above; for the owner, the
    /// customer's view of it (`OrderEvent::as_seen_by_owner`: no messages to others, staff as `staff`, no staff
    /// notes, no provider errors).
    pub fn events(
        &self,
        actor: &Customer,
        id: OrderId,
    ) -> Result<Vec<OrderEvent>, BrowseOrdersError> {
        let owner = self.get(actor, id)?.order.customer_id;
        let events = self.queries.events(id)?;
        if actor.is_staff() {
            return Ok(events);
        }
        Ok(events
            .into_iter()
            .filter_map(|event| event.as_seen_by_owner(owner))
            .collect())
    }

    pub fn statistics(&self) -> Result<OrderStatistics, BrowseOrdersError> {
        Ok(self.queries.statistics()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{customer, now};
    use crate::test_support::{owner, queries_returning, staff, stranger};
    use orderflow_domain::identity::Role;
    use orderflow_domain::notifications::Channel;
    use orderflow_domain::ordering::EventType;
    use uuid::Uuid;

    fn id() -> OrderId {
        OrderId(Uuid::from_u128(99))
    }

    /// The history of customer 1's order: placed; confirmed by staff with an internal note; the admin's email
    /// sent; the owner's SMS failed.
    fn history() -> Vec<OrderEvent> {
        let admin = customer(4, "admin@example.com", Role::Admin);
        vec![
            OrderEvent {
                to_status: Some(OrderStatus::Pending),
                note: "1 line(s), total 10.00".into(),
                ..OrderEvent::by(&owner(), id(), EventType::Placed, now())
            },
            OrderEvent {
                from_status: Some(OrderStatus::Pending),
                to_status: Some(OrderStatus::Confirmed),
                note: "internal: customer flagged for fraud review".into(),
                ..OrderEvent::by(&staff(), id(), EventType::StatusChanged, now())
            },
            OrderEvent::delivery(
                id(),
                EventType::NotificationSent,
                Channel::Email,
                Some(admin.id),
                "email to admin@example.com: New Order Received".into(),
                now(),
            ),
            OrderEvent::delivery(
                id(),
                EventType::NotificationFailed,
                Channel::Sms,
                Some(owner().id),
                "sms to +254711000001: Order Confirmation; attempt 1 failed: HTTP 500".into(),
                now(),
            ),
        ]
    }

    fn browse() -> BrowseOrders {
        let mut queries = queries_returning(OrderStatus::Confirmed);
        queries.expect_events().returning(|_| Ok(history()));
        BrowseOrders::new(Arc::new(queries))
    }

    /// (type, actor, note) of each line.
    fn summary(events: &[OrderEvent]) -> Vec<(&str, &str, &str)> {
        events
            .iter()
            .map(|e| (e.event_type.as_str(), e.actor.as_str(), e.note.as_str()))
            .collect()
    }

    #[test]
    fn the_owner_sees_the_customers_view_of_the_history() {
        let events = browse().events(&owner(), id()).unwrap();
        assert_eq!(
            summary(&events),
            [
                ("placed", "alice@example.com", "1 line(s), total 10.00"),
                ("status_changed", "staff", ""),
                ("notification_failed", "system", "sms failed"),
            ]
        );
        assert_eq!(
            (events[1].from_status, events[1].to_status),
            (Some(OrderStatus::Pending), Some(OrderStatus::Confirmed))
        );
    }

    #[test]
    fn staff_see_every_line_as_recorded_on_any_order_their_own_included() {
        let admin = customer(4, "admin@example.com", Role::Admin);
        let staff_owner = customer(1, "alice@example.com", Role::Staff);
        for actor in [staff(), admin, staff_owner] {
            assert_eq!(browse().events(&actor, id()).unwrap(), history());
        }
    }

    #[test]
    fn a_stranger_gets_not_found_and_the_history_is_not_read() {
        let mut queries = queries_returning(OrderStatus::Confirmed);
        queries.expect_events().never();
        let browse = BrowseOrders::new(Arc::new(queries));
        assert!(matches!(
            browse.events(&stranger(), id()),
            Err(BrowseOrdersError::NotFound)
        ));
    }
}
