//! Webhook delivery over HTTP: one signed POST per attempt, no redirect followed, bounded in time and in how much
//! of the answer is read; and name resolution for the destination check.

use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use orderflow_domain::webhooks::classify;

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
    /// 3xx is recorded as a failure instead. Unless `allow_private`, a host name is connected to only if every
    /// address it resolves to is public, checked on the addresses the connection then uses: a name pointed at a
    /// private address between the use case's check and the connection is still refused.
    pub fn new(timeout: Duration, allow_private: bool) -> Self {
        let client = LazyClient::new(
            timeout,
            Some(concat!("OrderFlow-Webhooks/", env!("CARGO_PKG_VERSION"))),
        );
        Self {
            client: if allow_private {
                client
            } else {
                client.resolving_with(Arc::new(PublicAddressesOnly))
            },
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
            .map_err(|e| format!("no answer: {}", with_causes(&e)))?;
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

/// An error and what caused it, outermost first (reqwest's own message names only its outermost layer).
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

/// The system's resolver, refusing a name any of whose addresses is not public.
struct PublicAddressesOnly;

impl reqwest::dns::Resolve for PublicAddressesOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(refused) = addresses.iter().find(|a| !classify(a.ip()).is_public()) {
                return Err(format!(
                    "{host} resolves to {}, which is not a public address",
                    refused.ip()
                )
                .into());
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
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

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    fn request(url: String) -> WebhookRequest {
        WebhookRequest {
            url,
            message_id: "msg_1".into(),
            timestamp: 1,
            signature: "v1,x".into(),
            body: "{}".into(),
        }
    }

    /// A listener on loopback that must see no connection.
    fn untouched() -> (TcpListener, u16) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        (listener, port)
    }

    #[test]
    fn a_name_resolving_to_loopback_is_refused_at_connection_time_unless_private_is_allowed() {
        let (listener, port) = untouched();
        let strict = HttpWebhookSender::new(Duration::from_secs(2), false);
        let refused = strict
            .post(&request(format!("http://localhost:{port}/")))
            .unwrap_err();
        assert!(refused.contains("not a public address"), "{refused}");
        assert!(listener.accept().is_err(), "no connection was made");

        let open = HttpWebhookSender::new(Duration::from_secs(2), true);
        let handle = std::thread::spawn(move || {
            listener.set_nonblocking(false).unwrap();
            let (mut stream, _) = listener.accept().unwrap();
            let mut buffer = [0u8; 4096];
            let _ = std::io::Read::read(&mut stream, &mut buffer);
            std::io::Write::write_all(
                &mut stream,
                b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/\r\nContent-Length: 5\r\n\r\nmoved",
            )
            .unwrap();
        });
        let answer = open
            .post(&request(format!("http://localhost:{port}/")))
            .unwrap();
        handle.join().unwrap();
        assert_eq!(
            (answer.status, answer.body_excerpt.as_str()),
            (302, "moved"),
            "the redirect is an answer, not followed"
        );
    }
}
