//! Webhook delivery over HTTP: one signed POST per attempt, no redirect followed, bounded in time and in how much
//! of the answer is read; and name resolution for the destination check.

use std::io::Read;
use std::net::{IpAddr, ToSocketAddrs};
use std::time::Duration;

use crate::lazy_client::LazyClient;
use orderflow_application::ports::{
    AddressResolver, WebhookRequest, WebhookResponse, WebhookSender,
};

/// The most bytes of a receiver's answer read (the rest is never downloaded).
pub const ANSWER_READ_MAX: u64 = 4 * 1024;
/// The most characters of it kept with the delivery.
pub const ANSWER_KEPT_MAX: usize = 500;

pub struct HttpWebhookSender {
    client: LazyClient,
}

impl HttpWebhookSender {
    /// `timeout`: the whole request, answer included (`WEBHOOK_TIMEOUT_SECONDS`). No redirect is followed: it
    /// could take the signed event somewhere the admin never registered (and past the destination check); its
    /// 3xx is recorded as a failure instead.
    pub fn new(timeout: Duration) -> Self {
        Self {
            client: LazyClient::new(
                timeout,
                Some(concat!("OrderFlow-Webhooks/", env!("CARGO_PKG_VERSION"))),
            ),
        }
    }
}

impl WebhookSender for HttpWebhookSender {
    fn post(&self, request: &WebhookRequest) -> Result<WebhookResponse, String> {
        let response = self
            .client
            .get()?
            .post(&request.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", &request.message_id)
            .header("webhook-timestamp", request.timestamp.to_string())
            .header("webhook-signature", &request.signature)
            .body(request.body.clone())
            .send()
            // The error names the URL, never a header: no signature reaches the log.
            .map_err(|e| format!("no answer: {e}"))?;
        let status = response.status().as_u16();
        let mut answer = Vec::new();
        // A failed read leaves what was read: the status is what counts.
        let _ = response.take(ANSWER_READ_MAX).read_to_end(&mut answer);
        Ok(WebhookResponse {
            status,
            body_excerpt: String::from_utf8_lossy(&answer)
                .chars()
                .take(ANSWER_KEPT_MAX)
                .collect(),
        })
    }
}

/// The system's resolver (`getaddrinfo`), as the HTTP client itself uses.
pub struct SystemResolver;

impl AddressResolver for SystemResolver {
    fn resolve(&self, host: &str, port: u16) -> Result<Vec<IpAddr>, String> {
        (host, port)
            .to_socket_addrs()
            .map(|addresses| addresses.map(|a| a.ip()).collect())
            .map_err(|e| e.to_string())
    }
}
