//! OrderFlow's notification providers, each an implementation of the application's `Notifier` port.
//!
//! - [`LogNotifier`]: writes each message as one structured log line (the default: a fresh install needs no
//!   accounts);
//! - [`AfricasTalkingSms`]: SMS through Africa's Talking's messaging API;
//! - [`SmtpEmail`]: email over SMTP (plain, STARTTLS or implicit TLS);
//! - [`HttpWebhookSender`]: signed webhook deliveries over HTTP, with [`SystemResolver`] for the destination check.
//!
//! Every network call is bounded by a timeout, so a send either returns or fails; the worker's lease is longer.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod africastalking;
mod lazy_client;
mod log_sink;
mod smtp;
mod webhooks;

pub use africastalking::{
    AfricasTalkingConfig, AfricasTalkingSms, LIVE_BASE_URL, SANDBOX_BASE_URL,
};
pub use log_sink::LogNotifier;
pub use smtp::{is_valid_sender, SmtpConfig, SmtpEmail, SmtpSecurity};
pub use webhooks::{HttpWebhookSender, SystemResolver, ANSWER_KEPT_MAX, ANSWER_READ_MAX};

/// A provider that cannot be built from its configuration (a bad address, an unusable TLS setup).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ProviderSetupError(pub String);
