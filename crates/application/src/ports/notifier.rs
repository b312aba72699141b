//! Sending one message through a provider (an SMS gateway, an SMTP server, a log).

use orderflow_domain::notifications::{Channel, SmsCost};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMessage {
    pub channel: Channel,
    /// The phone number (E.164) or email address.
    pub address: String,
    pub recipient_name: String,
    pub subject: String,
    pub body: String,
}

/// What the provider said when it accepted the message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryReceipt {
    pub provider_message_id: String,
    pub cost: Option<SmsCost>,
}

/// Why the provider did not accept the message, in words fit for the records.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryFailure(pub String);

/// One provider. Implementations bound every call with a timeout: a send either returns or fails.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Notifier: Send + Sync {
    fn send(&self, message: &OutgoingMessage) -> Result<DeliveryReceipt, DeliveryFailure>;
}
