//! The log sink: each message becomes one structured log line, and counts as sent.

use orderflow_application::ports::{DeliveryFailure, DeliveryReceipt, Notifier, OutgoingMessage};

#[derive(Debug, Default, Clone, Copy)]
pub struct LogNotifier;

impl Notifier for LogNotifier {
    fn send(&self, message: &OutgoingMessage) -> Result<DeliveryReceipt, DeliveryFailure> {
        let id = format!("log-{}", uuid::Uuid::new_v4());
        tracing::info!(
            target: "orderflow::notifications",
            channel = %message.channel,
            to = %message.address,
            recipient = %message.recipient_name,
            subject = %message.subject,
            body = %message.body,
            message_id = %id,
            "{} delivered to the log sink",
            message.channel
        );
        Ok(DeliveryReceipt {
            provider_message_id: id,
            cost: None,
        })
    }
}
