//! What an endpoint's fields may hold: its URL, its events, its description.

use std::collections::BTreeSet;

use super::events::{EventSelection, WebhookEvent};
use crate::text::{self, TextError};

/// The longest URL accepted, in characters.
pub const URL_MAX: usize = 2_000;
/// The longest description accepted, in characters.
pub const DESCRIPTION_MAX: usize = 500;
/// The most event names one request may list (there are fewer distinct ones; repeats are not worth more).
pub const EVENTS_MAX: usize = 20;

/// Why an endpoint's field was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// Empty.
    #[error("required")]
    Blank,
    /// Longer than the limit (given).
    #[error("more than {0} characters")]
    TooLong(usize),
    /// Not an absolute URL.
    #[error("not a URL")]
    NotUrl,
    /// A scheme other than https (or http, where allowed).
    #[error("scheme {0} not allowed")]
    Scheme(String),
    /// A user name or password in the URL: it would be sent to the receiver and shown in listings.
    #[error("credentials in the URL")]
    Credentials,
    /// A fragment, which is never sent.
    #[error("fragment in the URL")]
    Fragment,
    /// No event, or more names than [`EVENTS_MAX`].
    #[error("between 1 and {EVENTS_MAX} events")]
    EventCount,
    /// A name that is not an event one can subscribe to (kept).
    #[error("unknown event {0}")]
    UnknownEvent(String),
    /// The description's text was refused.
    #[error(transparent)]
    Text(TextError),
}

/// What the operator allows of an endpoint's URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UrlRules {
    /// Plain `http` URLs too (`WEBHOOK_ALLOW_HTTP`); otherwise `https` only.
    pub allow_http: bool,
}

/// An endpoint's URL, checked: absolute, https (or http where allowed), with a host, no credentials, no fragment,
/// at most [`URL_MAX`] characters. Whether its host is a public address is checked by whoever resolves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(url::Url);

impl WebhookUrl {
    /// The URL as it is sent to and stored.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The host as written (a name, or an IP literal; IPv6 without brackets).
    pub fn host(&self) -> String {
        match self.0.host() {
            Some(url::Host::Ipv6(address)) => address.to_string(),
            Some(host) => host.to_string(),
            None => String::new(),
        }
    }

    /// The port, the scheme's default if none is written.
    pub fn port(&self) -> u16 {
        self.0.port_or_known_default().unwrap_or(443)
    }
}

/// Checks an endpoint's URL.
pub fn url(raw: &str, rules: UrlRules) -> Result<WebhookUrl, EndpointError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(EndpointError::Blank);
    }
    if raw.chars().count() > URL_MAX {
        return Err(EndpointError::TooLong(URL_MAX));
    }
    let parsed = url::Url::parse(raw).map_err(|_| EndpointError::NotUrl)?;
    match parsed.scheme() {
        "https" => {}
        "http" if rules.allow_http => {}
        other => return Err(EndpointError::Scheme(other.to_owned())),
    }
    if parsed.host().is_none() {
        return Err(EndpointError::NotUrl);
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(EndpointError::Credentials);
    }
    if parsed.fragment().is_some() {
        return Err(EndpointError::Fragment);
    }
    // Normalising may lengthen it (percent-encoding): the stored form is bounded too.
    if parsed.as_str().chars().count() > URL_MAX {
        return Err(EndpointError::TooLong(URL_MAX));
    }
    Ok(WebhookUrl(parsed))
}

/// Checks an endpoint's event names: `*` (alone or among others: it means every event), or known subscribable
/// names; at least one, at most [`EVENTS_MAX`].
pub fn events<S: AsRef<str>>(names: &[S]) -> Result<EventSelection, EndpointError> {
    if names.is_empty() || names.len() > EVENTS_MAX {
        return Err(EndpointError::EventCount);
    }
    let mut chosen = BTreeSet::new();
    for name in names {
        let name = name.as_ref().trim();
        if name == EventSelection::ALL_NAME {
            return Ok(EventSelection::All);
        }
        match name.parse::<WebhookEvent>() {
            Ok(event) if event.subscribable() => {
                chosen.insert(event);
            }
            _ => return Err(EndpointError::UnknownEvent(name.to_owned())),
        }
    }
    Ok(EventSelection::Only(chosen))
}

/// Checks an endpoint's description: free text of at most [`DESCRIPTION_MAX`] characters, may be empty.
pub fn description(raw: &str) -> Result<String, EndpointError> {
    text::free_text(raw, DESCRIPTION_MAX).map_err(EndpointError::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HTTPS_ONLY: UrlRules = UrlRules { allow_http: false };
    const HTTP_TOO: UrlRules = UrlRules { allow_http: true };

    #[test]
    fn https_urls_are_accepted_and_keep_their_host_and_port() {
        let checked = url(" https://hooks.example.com/orderflow?x=1 ", HTTPS_ONLY).unwrap();
        assert_eq!(checked.as_str(), "https://hooks.example.com/orderflow?x=1");
        assert_eq!(
            (checked.host(), checked.port()),
            ("hooks.example.com".into(), 443)
        );
        let v6 = url("http://[::1]:8080/", HTTP_TOO).unwrap();
        assert_eq!((v6.host(), v6.port()), ("::1".into(), 8080));
    }

    #[test]
    fn http_only_where_allowed_and_other_schemes_never() {
        assert_eq!(
            url("http://hooks.example.com/", HTTPS_ONLY),
            Err(EndpointError::Scheme("http".into()))
        );
        assert!(url("http://hooks.example.com/", HTTP_TOO).is_ok());
        assert_eq!(
            url("ftp://hooks.example.com/", HTTP_TOO),
            Err(EndpointError::Scheme("ftp".into()))
        );
        assert_eq!(
            url("file:///etc/passwd", HTTP_TOO),
            Err(EndpointError::Scheme("file".into()))
        );
    }

    #[test]
    fn malformed_long_credentialed_or_fragmented_urls_are_refused() {
        assert_eq!(url("", HTTPS_ONLY), Err(EndpointError::Blank));
        assert_eq!(
            url("hooks.example.com", HTTPS_ONLY),
            Err(EndpointError::NotUrl)
        );
        assert_eq!(
            url("https://user:pw@hooks.example.com/", HTTPS_ONLY),
            Err(EndpointError::Credentials)
        );
        assert_eq!(
            url("https://hooks.example.com/#x", HTTPS_ONLY),
            Err(EndpointError::Fragment)
        );
        let long = format!("https://hooks.example.com/{}", "a".repeat(URL_MAX));
        assert_eq!(url(&long, HTTPS_ONLY), Err(EndpointError::TooLong(URL_MAX)));
    }

    #[test]
    fn events_are_known_names_or_the_star_between_one_and_the_maximum() {
        assert_eq!(
            events(&["order.paid", "order.created", "order.paid"]).unwrap(),
            EventSelection::Only([WebhookEvent::OrderCreated, WebhookEvent::OrderPaid].into())
        );
        assert_eq!(events(&["order.paid", "*"]).unwrap(), EventSelection::All);
        assert_eq!(events::<&str>(&[]), Err(EndpointError::EventCount));
        assert_eq!(
            events(&vec!["order.paid"; EVENTS_MAX + 1]),
            Err(EndpointError::EventCount)
        );
        assert_eq!(
            events(&["webhook.test"]),
            Err(EndpointError::UnknownEvent("webhook.test".into()))
        );
        assert_eq!(
            events(&["order.shipped"]),
            Err(EndpointError::UnknownEvent("order.shipped".into()))
        );
    }

    #[test]
    fn descriptions_are_bounded_free_text() {
        assert_eq!(description(" ERP sync\n").unwrap(), "ERP sync");
        assert_eq!(
            description(&"d".repeat(DESCRIPTION_MAX + 1)),
            Err(EndpointError::Text(TextError::TooLong(DESCRIPTION_MAX)))
        );
        assert_eq!(
            description("a\u{0}b"),
            Err(EndpointError::Text(TextError::ControlInText))
        );
    }
}
