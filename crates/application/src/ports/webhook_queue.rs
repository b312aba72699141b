//! Webhook deliveries as the delivery workers see them, and what they need from outside: the bodies' data, name
//! resolution, an HTTP client, and random secrets.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use orderflow_domain::catalogue::ProductId;
use orderflow_domain::ordering::OrderId;
use orderflow_domain::webhooks::WebhookSecret;

use super::{RepositoryError, WebhookDeliveryId, WebhookId};

/// What a delivery reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookSubject {
    Order(OrderId),
    Product(ProductId),
    /// A test: its body was written when it was queued.
    Nothing,
}

/// A delivery a worker holds until its lease ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedWebhook {
    pub id: WebhookDeliveryId,
    pub endpoint_id: WebhookId,
    pub url: String,
    /// The `webhook-id` header: the same on every attempt.
    pub message_id: String,
    pub event_type: String,
    pub subject: WebhookSubject,
    /// The body of an earlier attempt (sent again as it was), or `None` at the first.
    pub body: Option<String>,
    /// When the change happened: the body's `timestamp`.
    pub created_at: DateTime<Utc>,
    /// For an order event: the order's changing fields as they were then (JSON, recorded with the change), which
    /// the body shows instead of their later values.
    pub state: Option<String>,
    /// The endpoint's secret, then the previous one while its rotation overlap lasts.
    pub secrets: Vec<WebhookSecret>,
    /// The number of this attempt, from 1.
    pub attempt: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookOutcome {
    Sent {
        status: u16,
    },
    /// `retry_at`: when to try again; `None` after the last attempt (the delivery is then `failed`).
    Failed {
        status: Option<u16>,
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait WebhookQueue: Send + Sync {
    /// Takes up to `limit` due deliveries of active endpoints for `worker` until `now + lease`, oldest change
    /// first, skipping those another worker holds; each claim counts as an attempt. One whose lease ran out is
    /// due again, unless that was its last attempt: then it is `failed`.
    fn claim(
        &self,
        worker: &str,
        limit: u32,
        lease: Duration,
        max_attempts: u32,
        now: DateTime<Utc>,
    ) -> Result<Vec<ClaimedWebhook>, RepositoryError>;

    /// Keeps `body` as the delivery's body unless it has one already; returns the body kept, which every attempt
    /// sends.
    fn keep_body(&self, id: WebhookDeliveryId, body: &str) -> Result<String, RepositoryError>;

    /// Records an attempt's outcome, unless the delivery is no longer this worker's (its lease ran out and
    /// another worker took it) or no longer pending.
    fn record(
        &self,
        worker: &str,
        id: WebhookDeliveryId,
        outcome: &WebhookOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;

    /// Hands back claimed deliveries that were not tried (the worker is stopping); their attempt is not counted.
    fn release(
        &self,
        worker: &str,
        ids: &[WebhookDeliveryId],
        now: DateTime<Utc>,
    ) -> Result<(), RepositoryError>;
}

/// The `data` of event bodies: the order or product exactly as the API renders it, as JSON. `None` if it is gone.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait WebhookPayloads: Send + Sync {
    /// With `state` (what [`ClaimedWebhook::state`] recorded), the order as it was when the event happened.
    // The named lifetime is for mockall, which cannot mock an elided one inside an Option.
    #[allow(clippy::needless_lifetimes)]
    fn order<'a>(
        &self,
        id: OrderId,
        state: Option<&'a str>,
    ) -> Result<Option<String>, RepositoryError>;
    fn product(&self, id: ProductId) -> Result<Option<String>, RepositoryError>;
}

/// One signed request to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookRequest {
    pub url: String,
    pub message_id: String,
    pub timestamp: i64,
    /// The `webhook-signature` header.
    pub signature: String,
    pub body: String,
}

/// The receiver's answer: its status, and the start of its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookResponse {
    pub status: u16,
    pub body_excerpt: String,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait WebhookSender: Send + Sync {
    /// POSTs the request, following no redirect, within the adapter's timeout. `Err` with the reason when no
    /// answer came (refused, timed out, TLS...).
    fn post(&self, request: &WebhookRequest) -> Result<WebhookResponse, String>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait AddressResolver: Send + Sync {
    /// The addresses `host` resolves to. `Err` with the reason when it resolves to none.
    fn resolve(&self, host: &str, port: u16) -> Result<Vec<IpAddr>, String>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait SecretGenerator: Send + Sync {
    /// A new secret of fresh random bytes.
    fn generate(&self) -> WebhookSecret;
}
