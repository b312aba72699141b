//! An admin changes an endpoint's URL, events, description, or turns it off and on.

use super::{WebhookError, Webhooks};
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
    ) -> Result<WebhookEndpoint, WebhookError> {
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
            .ok_or(WebhookError::NotFound)
    }
}
