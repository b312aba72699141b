//! Email over SMTP (lettre): one message per recipient, plain text, with a timeout on every exchange.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};
use orderflow_application::ports::{DeliveryFailure, DeliveryReceipt, Notifier, OutgoingMessage};
use secrecy::{ExposeSecret, SecretString};

use crate::ProviderSetupError;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text (a local relay or a test server).
    None,
    /// Upgrade with STARTTLS (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    pub security: SmtpSecurity,
    /// `OrderFlow <no-reply@example.com>` or a bare address.
    pub from: String,
    pub timeout: Duration,
}

/// Whether `EMAIL_FROM` can stand as the sender: `Name <address>` or a bare address.
pub fn is_valid_sender(from: &str) -> bool {
    from.parse::<Mailbox>().is_ok()
}

pub struct SmtpEmail {
    transport: SmtpTransport,
    from: Mailbox,
}

impl SmtpEmail {
    pub fn new(config: SmtpConfig) -> Result<Self, ProviderSetupError> {
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| ProviderSetupError(format!("EMAIL_FROM is not an email address: {e}")))?;
        let builder = match config.security {
            SmtpSecurity::None => SmtpTransport::builder_dangerous(&config.host),
            SmtpSecurity::StartTls => SmtpTransport::starttls_relay(&config.host).map_err(|e| {
                ProviderSetupError(format!("SMTP STARTTLS to {}: {e}", config.host))
            })?,
            SmtpSecurity::Tls => SmtpTransport::relay(&config.host)
                .map_err(|e| ProviderSetupError(format!("SMTP TLS to {}: {e}", config.host)))?,
        };
        let mut builder = builder.port(config.port).timeout(Some(config.timeout));
        if let Some(username) = config.username.filter(|u| !u.is_empty()) {
            // lettre keeps its own copy, to authenticate each connection.
            let password = config
                .password
                .as_ref()
                .map(|p| p.expose_secret().to_owned())
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(username, password));
        }
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }
}

impl Notifier for SmtpEmail {
    fn send(&self, message: &OutgoingMessage) -> Result<DeliveryReceipt, DeliveryFailure> {
        let address = message
            .address
            .parse()
            .map_err(|e| DeliveryFailure(format!("invalid recipient address: {e}")))?;
        let name = Some(message.recipient_name.trim())
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        let message_id = format!("<{}@orderflow>", uuid::Uuid::new_v4());
        let email = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(name, address))
            .subject(&message.subject)
            .message_id(Some(message_id.clone()))
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| DeliveryFailure(format!("building the email: {e}")))?;
        self.transport
            .send(&email)
            .map_err(|e| DeliveryFailure(format!("SMTP: {e}")))?;
        Ok(DeliveryReceipt {
            provider_message_id: message_id,
            cost: None,
        })
    }
}
