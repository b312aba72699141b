//! An admin puts a failed delivery back in the queue: same message id, same body, a fresh set of attempts.

use orderflow_domain::webhooks::DeliveryState;

use super::{WebhookDeliveryError, Webhooks};
use crate::ports::{WebhookDelivery, WebhookDeliveryId, WebhookId};

impl Webhooks {
    pub fn retry_delivery(
        &self,
        endpoint: WebhookId,
        id: WebhookDeliveryId,
    ) -> Result<WebhookDelivery, WebhookDeliveryError> {
        let found = self.delivery(endpoint, id)?;
        let refused = |status| WebhookDeliveryError::NotRetryable { status };
        if found.status != DeliveryState::Failed {
            return Err(refused(found.status));
        }
        // Checked again in the update: another admin may have been quicker.
        if !self.store.requeue_failed(endpoint, id, self.clock.now())? {
            return Err(refused(DeliveryState::Pending));
        }
        self.delivery(endpoint, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MockAddressResolver, MockSecretGenerator, MockWebhookStore};
    use crate::test_support::{fixed_clock, now};
    use crate::webhooks::WebhookSettings;
    use std::sync::Arc;
    use uuid::Uuid;

    fn delivery(status: DeliveryState) -> WebhookDelivery {
        WebhookDelivery {
            id: WebhookDeliveryId(Uuid::from_u128(2)),
            endpoint_id: WebhookId(Uuid::from_u128(1)),
            event_type: "order.paid".into(),
            status,
            attempts: 8,
            last_status_code: Some(500),
            last_error: "HTTP 500".into(),
            next_attempt_at: None,
            created_at: now(),
            delivered_at: None,
            body: Some("{}".into()),
        }
    }

    fn webhooks(store: MockWebhookStore) -> Webhooks {
        Webhooks::new(
            Arc::new(store),
            Arc::new(MockSecretGenerator::new()),
            Arc::new(MockAddressResolver::new()),
            fixed_clock(),
            WebhookSettings::default(),
        )
    }

    #[test]
    fn a_failed_delivery_is_requeued_and_others_are_refused() {
        let mut store = MockWebhookStore::new();
        let mut answers = vec![
            delivery(DeliveryState::Pending),
            delivery(DeliveryState::Failed),
            delivery(DeliveryState::Pending),
        ]
        .into_iter();
        store
            .expect_delivery()
            .times(3)
            .returning(move |_, _| Ok(answers.next()));
        store
            .expect_requeue_failed()
            .withf(|endpoint, id, at| {
                *endpoint == WebhookId(Uuid::from_u128(1))
                    && *id == WebhookDeliveryId(Uuid::from_u128(2))
                    && *at == now()
            })
            .times(1)
            .returning(|_, _, _| Ok(true));
        let hooks = webhooks(store);
        let endpoint = WebhookId(Uuid::from_u128(1));
        let id = WebhookDeliveryId(Uuid::from_u128(2));
        assert!(matches!(
            hooks.retry_delivery(endpoint, id),
            Err(WebhookDeliveryError::NotRetryable {
                status: DeliveryState::Pending
            })
        ));
        assert_eq!(
            hooks.retry_delivery(endpoint, id).unwrap().status,
            DeliveryState::Pending
        );
    }

    #[test]
    fn a_delivery_of_another_endpoint_is_not_found() {
        let mut store = MockWebhookStore::new();
        store.expect_delivery().returning(|_, _| Ok(None));
        store.expect_requeue_failed().never();
        assert!(matches!(
            webhooks(store).retry_delivery(
                WebhookId(Uuid::from_u128(3)),
                WebhookDeliveryId(Uuid::from_u128(2))
            ),
            Err(WebhookDeliveryError::DeliveryNotFound)
        ));
    }
}
