//! Checking an endpoint's fields into values, with the messages clients read on refusal (create and update).

use orderflow_domain::text::TextError;
use orderflow_domain::webhooks::{
    self, EndpointError, EventSelection, WebhookUrl, DESCRIPTION_MAX, EVENTS_MAX, URL_MAX,
};

use super::destination::{check_destination, DestinationRefusal};
use super::Webhooks;
use crate::validation::FieldErrors;

fn message(error: &EndpointError) -> String {
    match error {
        EndpointError::Blank => "This field may not be blank.".into(),
        EndpointError::TooLong(_) => {
            format!("Ensure this field has no more than {URL_MAX} characters.")
        }
        EndpointError::NotUrl => "Enter a valid URL.".into(),
        EndpointError::Scheme(scheme) => {
            format!("Only https URLs are accepted (not {scheme}).")
        }
        EndpointError::Credentials => "A URL may not contain a user name or password.".into(),
        EndpointError::Fragment => "A URL may not contain a fragment (#...).".into(),
        EndpointError::EventCount => {
            format!("List between 1 and {EVENTS_MAX} events.")
        }
        EndpointError::UnknownEvent(name) => format!("\"{name}\" is not a valid choice."),
        EndpointError::Text(TextError::TooLong(_)) => {
            format!("Ensure this field has no more than {DESCRIPTION_MAX} characters.")
        }
        EndpointError::Text(text) => text.to_string(),
        other => other.to_string(),
    }
}

impl Webhooks {
    /// The URL, checked for form and (unless allowed) for a public destination; `None` with the error noted.
    pub(super) fn checked_url(&self, raw: &str, errors: &mut FieldErrors) -> Option<WebhookUrl> {
        let url = match webhooks::url(raw, self.settings.url_rules()) {
            Ok(url) => url,
            Err(EndpointError::Scheme(scheme)) if scheme == "http" || scheme == "https" => {
                errors.add("url", "Only https URLs are accepted.");
                return None;
            }
            Err(error) => {
                errors.add("url", message(&error));
                return None;
            }
        };
        match check_destination(&url, self.resolver.as_ref(), self.settings.allow_private) {
            Ok(()) => Some(url),
            Err(DestinationRefusal::Unresolvable { host, .. }) => {
                errors.add("url", format!("The host {host} could not be resolved."));
                None
            }
            Err(DestinationRefusal::NotPublic { host, .. }) => {
                errors.add(
                    "url",
                    format!(
                        "The host {host} is a loopback, private, link-local or otherwise non-public address."
                    ),
                );
                None
            }
        }
    }

    pub(super) fn checked_events(
        names: &[String],
        errors: &mut FieldErrors,
    ) -> Option<EventSelection> {
        webhooks::events(names)
            .map_err(|error| errors.add("events", message(&error)))
            .ok()
    }

    pub(super) fn checked_description(raw: &str, errors: &mut FieldErrors) -> Option<String> {
        webhooks::description(raw)
            .map_err(|error| errors.add("description", message(&error)))
            .ok()
    }
}
