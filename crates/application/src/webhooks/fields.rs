//! Checking an endpoint's fields into values, the problems noted per field (create and update); the words
//! clients read are the HTTP adapter's.

use orderflow_domain::webhooks::{self, EventSelection, WebhookUrl};

use super::destination::check_destination;
use super::Webhooks;
use crate::validation::FieldErrors;

impl Webhooks {
    /// The URL, checked for form and (unless allowed) for a public destination; `None` with the problem noted.
    pub(super) fn checked_url(&self, raw: &str, errors: &mut FieldErrors) -> Option<WebhookUrl> {
        let url = errors.check("url", webhooks::url(raw, self.settings.url_rules()))?;
        errors.check(
            "url",
            check_destination(&url, self.resolver.as_ref(), self.settings.allow_private)
                .map(|()| url),
        )
    }

    pub(super) fn checked_events(
        names: &[String],
        errors: &mut FieldErrors,
    ) -> Option<EventSelection> {
        errors.check("events", webhooks::events(names))
    }

    pub(super) fn checked_description(raw: &str, errors: &mut FieldErrors) -> Option<String> {
        errors.check("description", webhooks::description(raw))
    }
}
