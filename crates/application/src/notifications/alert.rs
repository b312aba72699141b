//! An admin emails every active admin, through the outbox.

use std::sync::Arc;

use crate::validation::{FieldErrors, FieldProblem};
use orderflow_domain::notifications;
use orderflow_domain::text::{self, limits};

use super::SendAlertError;
use crate::ports::{transaction, Clock, UnitOfWork};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertInput {
    pub message: Option<String>,
    /// Default `info`.
    pub alert_type: Option<String>,
}

pub struct SendSystemAlert {
    uow: Arc<dyn UnitOfWork>,
    clock: Arc<dyn Clock>,
}

impl SendSystemAlert {
    pub fn new(uow: Arc<dyn UnitOfWork>, clock: Arc<dyn Clock>) -> Self {
        Self { uow, clock }
    }

    /// Queues the alert for every active admin; returns how many were queued.
    pub fn execute(&self, input: AlertInput) -> Result<usize, SendAlertError> {
        let mut errors = FieldErrors::new();
        let message = match input.message.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add("message", FieldProblem::Required);
                None
            }
            Some(message) => {
                errors.check("message", text::free_text(message, limits::ALERT_MESSAGE))
            }
        };
        let alert_type = match input.alert_type.as_deref().map(str::trim) {
            None | Some("") => Some("info".to_owned()),
            Some(kind) => errors.check("alert_type", text::line(kind, limits::ALERT_TYPE)),
        };
        let (Some(message), Some(alert_type)) = (message, alert_type) else {
            return Err(errors.into());
        };
        transaction(self.uow.as_ref(), |tx| {
            let admins = tx.customers().active_admins()?;
            let now = self.clock.now();
            let alerts = notifications::system_alert(&admins, &alert_type, &message, now);
            if alerts.is_empty() {
                return Err(SendAlertError::NoActiveAdmin);
            }
            tx.outbox().enqueue(&alerts, now)?;
            Ok(alerts.len())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{
        MockCategoryStore, MockCustomerStore, MockOrderStore, MockOutbox, MockProductStore,
    };
    use crate::test_support::{customer, fixed_clock};
    use crate::test_support::{FakeTransaction, FakeUnitOfWork};
    use orderflow_domain::identity::Role;
    use orderflow_domain::notifications::Channel;

    fn alert(
        customers: MockCustomerStore,
        outbox: MockOutbox,
    ) -> (SendSystemAlert, Arc<FakeUnitOfWork>) {
        let uow = Arc::new(FakeUnitOfWork::with(FakeTransaction {
            categories: MockCategoryStore::new(),
            products: MockProductStore::new(),
            orders: MockOrderStore::new(),
            customers,
            outbox,
        }));
        (SendSystemAlert::new(uow.clone(), fixed_clock()), uow)
    }

    #[test]
    fn every_active_admin_gets_the_alert_by_email() {
        let mut customers = MockCustomerStore::new();
        customers.expect_active_admins().returning(|| {
            Ok(vec![
                customer(1, "admin@example.com", Role::Admin),
                customer(2, "boss@example.com", Role::SuperAdmin),
            ])
        });
        let mut outbox = MockOutbox::new();
        outbox
            .expect_enqueue()
            .withf(|alerts, _| {
                alerts.len() == 2
                    && alerts.iter().all(|a| a.channel == Channel::Email)
                    && alerts[0].message.subject == "System Alert - INFO"
                    && alerts[1].address == "boss@example.com"
            })
            .times(1)
            .returning(|_, _| Ok(()));
        let (alert, uow) = alert(customers, outbox);
        let queued = alert
            .execute(AlertInput {
                message: Some("Disk almost full".into()),
                alert_type: None,
            })
            .unwrap();
        assert_eq!(queued, 2);
        assert_eq!(uow.commits(), 1);
    }

    #[test]
    fn a_blank_message_is_refused_before_anything_is_read() {
        let mut customers = MockCustomerStore::new();
        customers.expect_active_admins().never();
        let (alert, uow) = alert(customers, MockOutbox::new());
        let Err(SendAlertError::Invalid(errors)) = alert.execute(AlertInput {
            message: Some("  ".into()),
            alert_type: Some("x".repeat(51)),
        }) else {
            panic!("expected a validation error")
        };
        assert_eq!(errors.problems("message"), [FieldProblem::Required]);
        assert_eq!(errors.problems("alert_type").len(), 1);
        assert_eq!(uow.commits() + uow.rollbacks(), 0);
    }

    #[test]
    fn with_no_admin_to_tell_nothing_is_queued() {
        let mut customers = MockCustomerStore::new();
        customers.expect_active_admins().returning(|| Ok(vec![]));
        let mut outbox = MockOutbox::new();
        outbox.expect_enqueue().never();
        let (alert, uow) = alert(customers, outbox);
        assert!(matches!(
            alert.execute(AlertInput {
                message: Some("hello".into()),
                alert_type: None
            }),
            Err(SendAlertError::NoActiveAdmin)
        ));
        assert_eq!(uow.rollbacks(), 1);
    }
}
