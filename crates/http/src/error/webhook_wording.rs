//! The words a client reads for a refused webhook endpoint (with the rest of the wording in `wording.rs`).

use orderflow_application::webhooks::DestinationRefusal;
use orderflow_domain::webhooks::{EndpointError, EVENTS_MAX};

pub(super) fn endpoint(error: &EndpointError) -> String {
    match error {
        EndpointError::Blank => "This field may not be blank.".into(),
        EndpointError::NotUrl => "Enter a valid URL.".into(),
        // Plain http is the one other scheme an operator can allow.
        EndpointError::Scheme(scheme) if scheme == "http" => "Only https URLs are accepted.".into(),
        EndpointError::Scheme(scheme) => format!("Only https URLs are accepted (not {scheme})."),
        EndpointError::Credentials => "A URL may not contain a user name or password.".into(),
        EndpointError::Fragment => "A URL may not contain a fragment (#...).".into(),
        EndpointError::EventCount => format!("List between 1 and {EVENTS_MAX} events."),
        EndpointError::UnknownEvent(name) => format!("\"{name}\" is not a valid choice."),
        other => other.to_string(),
    }
}

pub(super) fn destination(refusal: &DestinationRefusal) -> String {
    match refusal {
        DestinationRefusal::Unresolvable { host, .. } => {
            format!("The host {host} could not be resolved.")
        }
        DestinationRefusal::NotPublic { host, .. } => format!(
            "The host {host} is a loopback, private, link-local or otherwise non-public address."
        ),
    }
}
