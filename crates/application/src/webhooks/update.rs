//! An admin changes an endpoint's URL, events, description, or turns it off and on.

use super::{ManageWebhookError, Webhooks};
use crate::ports::{EndpointChanges, WebhookEndpoint, WebhookId};
use crate::validation::FieldErrors;

/// The fields a PATCH may hold; absent ones are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookChanges {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
    pub is_active: Option<bool>,
}

impl Webhooks {
    pub fn update(
        &self,
        id: WebhookId,
        changes: WebhookChanges,
    ) -> Result<WebhookEndpoint, ManageWebhookError> {
        let mut errors = FieldErrors::new();
        let url = changes
            .url
            .as_deref()
            .map(|raw| self.checked_url(raw, &mut errors));
        let events = changes
            .events
            .as_deref()
            .map(|names| Self::checked_events(names, &mut errors));
        let description = changes
            .description
            .as_deref()
            .map(|raw| Self::checked_description(raw, &mut errors));
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let checked = EndpointChanges {
            url: url.flatten().map(|url| url.as_str().to_owned()),
            events: events.flatten(),
            description: description.flatten(),
            is_active: changes.is_active,
        };
        self.store
            .update(id, &checked, self.clock.now())?
            .ok_or(ManageWebhookError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MockAddressResolver, MockSecretGenerator, MockWebhookStore};
    use crate::test_support::{fixed_clock, now};
    use crate::webhooks::{WebhookSettings, ROTATION_OVERLAP};
    use orderflow_domain::webhooks::WebhookSecret;
    use std::sync::Arc;
    use uuid::Uuid;

    fn webhooks(store: MockWebhookStore) -> Webhooks {
        let mut secrets = MockSecretGenerator::new();
        secrets
            .expect_generate()
            .returning(|| WebhookSecret::from_bytes([5; 32]));
        Webhooks::new(
            Arc::new(store),
            Arc::new(secrets),
            Arc::new(MockAddressResolver::new()),
            fixed_clock(),
            WebhookSettings {
                allow_http: true,
                ..WebhookSettings::default()
            },
        )
    }

    #[test]
    fn a_new_url_is_checked_again_and_a_private_one_changes_nothing() {
        let mut store = MockWebhookStore::new();
        store.expect_update().never();
        let refused = webhooks(store).update(
            WebhookId(Uuid::from_u128(1)),
            WebhookChanges {
                url: Some("http://127.0.0.1:9/".into()),
                is_active: Some(false),
                ..WebhookChanges::default()
            },
        );
        assert!(
            matches!(&refused, Err(ManageWebhookError::Invalid(errors)) if errors.has("url")),
            "{refused:?}"
        );
    }

    #[test]
    fn absent_fields_stay_as_they_are() {
        let mut store = MockWebhookStore::new();
        store
            .expect_update()
            .withf(|_, changes, at| {
                *changes
                    == EndpointChanges {
                        is_active: Some(false),
                        ..EndpointChanges::default()
                    }
                    && *at == now()
            })
            .times(1)
            .returning(|_, _, _| Ok(None));
        assert!(matches!(
            webhooks(store).update(
                WebhookId(Uuid::from_u128(1)),
                WebhookChanges {
                    is_active: Some(false),
                    ..WebhookChanges::default()
                }
            ),
            Err(ManageWebhookError::NotFound)
        ));
    }

    #[test]
    fn a_rotation_keeps_the_old_secret_signing_for_a_day() {
        let mut store = MockWebhookStore::new();
        store
            .expect_rotate_secret()
            .withf(|_, secret, until, at| {
                *secret == WebhookSecret::from_bytes([5; 32])
                    && *until == now() + ROTATION_OVERLAP
                    && *at == now()
            })
            .times(1)
            .returning(|_, _, _, _| Ok(true));
        let secret = webhooks(store)
            .rotate_secret(WebhookId(Uuid::from_u128(1)))
            .unwrap();
        assert_eq!(secret, WebhookSecret::from_bytes([5; 32]));
        assert_eq!(ROTATION_OVERLAP, chrono::Duration::hours(24));
    }
}
