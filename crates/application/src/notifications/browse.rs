//! Reading notifications, with the visibility rule: people see their own, admins see all.

use std::sync::Arc;

use orderflow_domain::identity::{Customer, Role};
use orderflow_domain::notifications::NotificationId;

use super::BrowseNotificationsError;
use crate::listing::{Page, PageRequest};
use crate::ports::{NotificationFilter, NotificationQueries, NotificationStats, NotificationView};

pub struct BrowseNotifications {
    queries: Arc<dyn NotificationQueries>,
}

fn sees_all(actor: &Customer) -> bool {
    actor.role >= Role::Admin
}

impl BrowseNotifications {
    pub fn new(queries: Arc<dyn NotificationQueries>) -> Self {
        Self { queries }
    }

    pub fn list(
        &self,
        actor: &Customer,
        mut filter: NotificationFilter,
        page: PageRequest,
    ) -> Result<Page<NotificationView>, BrowseNotificationsError> {
        if !sees_all(actor) {
            filter.recipient = Some(actor.id);
        }
        Ok(self.queries.notifications(&filter, page)?.in_range()?)
    }

    pub fn get(
        &self,
        actor: &Customer,
        id: NotificationId,
    ) -> Result<NotificationView, BrowseNotificationsError> {
        self.queries
            .notification(id)?
            .filter(|view| view.recipient == Some(actor.id) || sees_all(actor))
            .ok_or(BrowseNotificationsError::NotFound)
    }

    pub fn stats(&self, actor: &Customer) -> Result<NotificationStats, BrowseNotificationsError> {
        let recipient = (!sees_all(actor)).then_some(actor.id);
        Ok(self.queries.stats(recipient)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockNotificationQueries;
    use crate::test_support::customer;
    use orderflow_domain::identity::CustomerId;

    #[test]
    fn customers_see_only_their_own_and_admins_everything() {
        let mut queries = MockNotificationQueries::new();
        queries
            .expect_stats()
            .withf(|recipient| *recipient == Some(CustomerId(1)))
            .times(1)
            .returning(|_| Ok(NotificationStats::default()));
        queries
            .expect_stats()
            .withf(|recipient| recipient.is_none())
            .times(1)
            .returning(|_| Ok(NotificationStats::default()));
        queries
            .expect_notifications()
            .withf(|filter, _| filter.recipient == Some(CustomerId(1)))
            .times(1)
            .returning(|_, page| {
                Ok(Page {
                    items: vec![],
                    total: 0,
                    request: page,
                })
            });
        let browse = BrowseNotifications::new(Arc::new(queries));
        let alice = customer(1, "alice@example.com", Role::Customer);
        let admin = customer(2, "admin@example.com", Role::Admin);
        browse.stats(&alice).unwrap();
        browse.stats(&admin).unwrap();
        let asked_for_everyone = NotificationFilter::default();
        browse
            .list(&alice, asked_for_everyone, PageRequest::default())
            .unwrap();
    }
}
