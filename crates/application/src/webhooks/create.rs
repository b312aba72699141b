//! An admin registers an endpoint; its secret is shown in this answer only.

use orderflow_domain::webhooks::WebhookSecret;

use super::{ManageWebhookError, Webhooks};
use crate::ports::{NewWebhookEndpoint, WebhookEndpoint, WebhookId};
use crate::validation::{FieldErrors, FieldProblem};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookInput {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub description: Option<String>,
}

/// A new endpoint and its secret, to show once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedWebhook {
    pub endpoint: WebhookEndpoint,
    pub secret: WebhookSecret,
}

impl Webhooks {
    pub fn create(&self, input: WebhookInput) -> Result<CreatedWebhook, ManageWebhookError> {
        let mut errors = FieldErrors::new();
        let url = match input.url.as_deref() {
            None => {
                errors.add("url", FieldProblem::Required);
                None
            }
            Some(raw) => self.checked_url(raw, &mut errors),
        };
        let events = match input.events.as_deref() {
            None => {
                errors.add("events", FieldProblem::Required);
                None
            }
            Some(names) => Self::checked_events(names, &mut errors),
        };
        let description = Self::checked_description(
            input.description.as_deref().unwrap_or_default(),
            &mut errors,
        );
        let (Some(url), Some(events), Some(description)) = (url, events, description) else {
            return Err(errors.into());
        };
        let secret = self.secrets.generate();
        let endpoint = self.store.create(
            &NewWebhookEndpoint {
                id: WebhookId(uuid::Uuid::new_v4()),
                url: url.as_str().to_owned(),
                events,
                description,
                secret: secret.clone(),
            },
            self.clock.now(),
        )?;
        Ok(CreatedWebhook { endpoint, secret })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MockAddressResolver, MockSecretGenerator, MockWebhookStore};
    use crate::test_support::{fixed_clock, now};
    use crate::webhooks::WebhookSettings;
    use orderflow_domain::webhooks::{EventSelection, WebhookEvent};
    use std::sync::Arc;

    fn webhooks(store: MockWebhookStore, settings: WebhookSettings) -> Webhooks {
        let mut secrets = MockSecretGenerator::new();
        secrets
            .expect_generate()
            .returning(|| WebhookSecret::from_bytes([9; 32]));
        let mut resolver = MockAddressResolver::new();
        resolver
            .expect_resolve()
            .returning(|_, _| Ok(vec!["93.184.215.14".parse().unwrap()]));
        Webhooks::new(
            Arc::new(store),
            Arc::new(secrets),
            Arc::new(resolver),
            fixed_clock(),
            settings,
        )
    }

    fn input(url: &str, events: &[&str]) -> WebhookInput {
        WebhookInput {
            url: Some(url.into()),
            events: Some(events.iter().map(|e| e.to_string()).collect()),
            description: Some("ERP".into()),
        }
    }

    #[test]
    fn a_valid_endpoint_is_stored_with_a_fresh_secret_which_is_returned() {
        let mut store = MockWebhookStore::new();
        store
            .expect_create()
            .withf(|new, at| {
                new.url == "https://hooks.example.com/orders"
                    && new.events == EventSelection::Only([WebhookEvent::OrderPaid].into())
                    && new.secret == WebhookSecret::from_bytes([9; 32])
                    && *at == now()
            })
            .times(1)
            .returning(|new, at| {
                Ok(WebhookEndpoint {
                    id: new.id,
                    url: new.url.clone(),
                    events: new.events.clone(),
                    description: new.description.clone(),
                    is_active: true,
                    created_at: at,
                    updated_at: at,
                })
            });
        let created = webhooks(store, WebhookSettings::default())
            .create(input("https://hooks.example.com/orders", &["order.paid"]))
            .unwrap();
        assert_eq!(created.secret, WebhookSecret::from_bytes([9; 32]));
        assert!(created.endpoint.is_active);
    }

    #[test]
    fn plain_http_private_destinations_and_bad_fields_are_refused_per_field() {
        let mut store = MockWebhookStore::new();
        store.expect_create().never();
        let hooks = webhooks(store, WebhookSettings::default());
        let Err(ManageWebhookError::Invalid(errors)) =
            hooks.create(input("http://hooks.example.com/", &["order.shipped"]))
        else {
            panic!("expected a refusal");
        };
        assert!(errors.has("events") && errors.has("url"));
        let allow_http = WebhookSettings {
            allow_http: true,
            ..WebhookSettings::default()
        };
        let mut store = MockWebhookStore::new();
        store.expect_create().never();
        let Err(ManageWebhookError::Invalid(errors)) =
            webhooks(store, allow_http).create(input("http://127.0.0.1:9/", &["*"]))
        else {
            panic!("expected a refusal");
        };
        assert!(errors.has("url") && !errors.has("events"));
    }
}
