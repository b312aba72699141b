//! What an endpoint can be told about, and which of it an endpoint asked for.

use std::collections::BTreeSet;

use crate::named_values::named_values;

/// A product whose stock an order takes from at least this many units to fewer is low on stock (the default
/// threshold of `products/low_stock/`).
pub const LOW_STOCK_BELOW: i32 = 10;

/// A kind of event a delivery reports; its name is the body's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// An order was placed.
    OrderCreated,
    /// An order moved to another status (other than cancelled).
    OrderStatusChanged,
    /// An order's payment was recorded.
    OrderPaid,
    /// An order was cancelled.
    OrderCancelled,
    /// An order took a product's stock from [`LOW_STOCK_BELOW`] or more to fewer.
    ProductLowStock,
    /// An admin asked for a test delivery; sent to that endpoint only, whatever it subscribed to.
    Test,
}

/// An event name that is none of [`WebhookEvent`]'s (the name is kept).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown webhook event {0:?}")]
pub struct UnknownWebhookEvent(pub String);

named_values!(WebhookEvent, unknown: UnknownWebhookEvent, {
    OrderCreated => "order.created",
    OrderStatusChanged => "order.status_changed",
    OrderPaid => "order.paid",
    OrderCancelled => "order.cancelled",
    ProductLowStock => "product.low_stock",
    Test => "webhook.test",
});

impl WebhookEvent {
    /// Whether an endpoint may subscribe to it by name (`webhook.test` is sent on request only).
    pub fn subscribable(self) -> bool {
        self != WebhookEvent::Test
    }
}

/// Where a delivery stands. `Pending` covers waiting, in a worker's hands, and waiting to be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeliveryState {
    /// Not delivered yet.
    Pending,
    /// Answered with a 2xx.
    Sent,
    /// Every attempt failed; an admin may retry it.
    Failed,
}

/// A delivery state name that is none of [`DeliveryState`]'s (the name is kept).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown delivery state {0:?}")]
pub struct UnknownDeliveryState(pub String);

named_values!(DeliveryState, unknown: UnknownDeliveryState, {
    Pending => "pending",
    Sent => "sent",
    Failed => "failed",
});

/// The events an endpoint subscribed to: every one (`*`), or a non-empty set of names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventSelection {
    /// `*`: every event, those added later included.
    All,
    /// These, and no others.
    Only(BTreeSet<WebhookEvent>),
}

impl EventSelection {
    /// The name that stands for every event.
    pub const ALL_NAME: &'static str = "*";

    /// Whether a delivery of `event` goes to an endpoint with this selection. A test goes to no one by
    /// subscription: it is addressed to one endpoint.
    pub fn includes(&self, event: WebhookEvent) -> bool {
        event.subscribable()
            && match self {
                EventSelection::All => true,
                EventSelection::Only(events) => events.contains(&event),
            }
    }

    /// The names, as clients send them and the database keeps them (`["*"]`, or in declaration order).
    pub fn names(&self) -> Vec<&'static str> {
        match self {
            EventSelection::All => vec![Self::ALL_NAME],
            EventSelection::Only(events) => events.iter().map(|event| event.as_str()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for event in WebhookEvent::ALL {
            assert_eq!(event.as_str().parse::<WebhookEvent>(), Ok(event));
        }
        assert_eq!(
            "order.shipped".parse::<WebhookEvent>(),
            Err(UnknownWebhookEvent("order.shipped".into()))
        );
    }

    #[test]
    fn a_selection_includes_what_it_names_and_all_includes_everything_but_tests() {
        let only = EventSelection::Only([WebhookEvent::OrderPaid].into());
        assert!(only.includes(WebhookEvent::OrderPaid));
        assert!(!only.includes(WebhookEvent::OrderCreated));
        assert!(EventSelection::All.includes(WebhookEvent::ProductLowStock));
        assert!(!EventSelection::All.includes(WebhookEvent::Test));
        assert_eq!(EventSelection::All.names(), ["*"]);
        assert_eq!(only.names(), ["order.paid"]);
    }
}
