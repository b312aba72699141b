//! Webhooks: the events an endpoint may subscribe to, what makes an endpoint's URL and description acceptable,
//! which destination addresses are refused, and the Standard Webhooks signature of a delivery.
//!
//! No I/O here: resolving a host name and sending the request are adapters' work; the rules they apply are these.

mod address;
mod endpoint;
mod events;
mod signature;

pub use address::{classify, AddressClass};
pub use endpoint::{
    description, events, url, EndpointError, UrlRules, WebhookUrl, DESCRIPTION_MAX, EVENTS_MAX,
    URL_MAX,
};
pub use events::{
    DeliveryState, EventSelection, UnknownDeliveryState, UnknownWebhookEvent, WebhookEvent,
    LOW_STOCK_BELOW,
};
pub use signature::{SecretError, WebhookSecret, SECRET_BYTES, SECRET_PREFIX};
