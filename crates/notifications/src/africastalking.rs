//! SMS through Africa's Talking: `POST {base}/version1/messaging`, form fields `username`, `to`, `message` and
//! `from` (only with a sender id), headers `apiKey` and `Accept: application/json`. A message counts as sent only
//! when its recipient's status is `Success`.

use std::time::Duration;

use orderflow_application::ports::{DeliveryFailure, DeliveryReceipt, Notifier, OutgoingMessage};
use orderflow_domain::notifications::SmsCost;
use reqwest::header::{HeaderValue, InvalidHeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use crate::lazy_client::LazyClient;
use crate::ProviderSetupError;

pub const LIVE_BASE_URL: &str = "https://api.africastalking.com";
pub const SANDBOX_BASE_URL: &str = "https://api.sandbox.africastalking.com";

#[derive(Debug, Clone)]
pub struct AfricasTalkingConfig {
    pub username: String,
    pub api_key: SecretString,
    /// Sent as `from` when set.
    pub sender_id: Option<String>,
    /// Default: the sandbox for the username `sandbox`, the live API otherwise.
    pub base_url: Option<Url>,
    pub timeout: Duration,
}

pub struct AfricasTalkingSms {
    client: LazyClient,
    endpoint: Url,
    username: String,
    api_key: SecretString,
    sender_id: Option<String>,
}

/// The `apiKey` header, marked sensitive so that no debug output of the request shows it.
fn api_key_header(api_key: &SecretString) -> Result<HeaderValue, InvalidHeaderValue> {
    let mut value = HeaderValue::from_str(api_key.expose_secret())?;
    value.set_sensitive(true);
    Ok(value)
}

impl AfricasTalkingSms {
    pub fn new(config: AfricasTalkingConfig) -> Result<Self, ProviderSetupError> {
        let base = match config.base_url {
            Some(url) => url,
            None => {
                let default = if config.username == "sandbox" {
                    SANDBOX_BASE_URL
                } else {
                    LIVE_BASE_URL
                };
                Url::parse(default).map_err(|e| ProviderSetupError(e.to_string()))?
            }
        };
        let endpoint = base
            .join("version1/messaging")
            .map_err(|e| ProviderSetupError(format!("AFRICASTALKING_BASE_URL: {e}")))?;
        // Checked here so that a key no header can carry stops the worker at start, not every send.
        api_key_header(&config.api_key).map_err(|_| {
            ProviderSetupError(
                "AFRICASTALKING_API_KEY: not a valid HTTP header value (a stray character?)".into(),
            )
        })?;
        Ok(Self {
            client: LazyClient::new(config.timeout, None),
            endpoint,
            username: config.username,
            api_key: config.api_key,
            sender_id: config.sender_id.filter(|s| !s.trim().is_empty()),
        })
    }

    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    fn client(&self) -> Result<&reqwest::blocking::Client, DeliveryFailure> {
        self.client.get().map_err(DeliveryFailure)
    }
}

#[derive(Deserialize)]
struct Response {
    #[serde(rename = "SMSMessageData")]
    data: MessageData,
}

#[derive(Deserialize)]
struct MessageData {
    #[serde(rename = "Message", default)]
    message: String,
    #[serde(rename = "Recipients", default)]
    recipients: Vec<Recipient>,
}

#[derive(Deserialize)]
struct Recipient {
    #[serde(default)]
    status: String,
    #[serde(rename = "statusCode", default)]
    status_code: Option<i64>,
    #[serde(default)]
    cost: String,
    #[serde(rename = "messageId", default)]
    message_id: String,
}

/// At most `limit` characters of a provider's answer, for the records.
fn excerpt(text: &str, limit: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}

impl Notifier for AfricasTalkingSms {
    fn send(&self, message: &OutgoingMessage) -> Result<DeliveryReceipt, DeliveryFailure> {
        let mut form = vec![
            ("username", self.username.as_str()),
            ("to", message.address.as_str()),
            ("message", message.body.as_str()),
        ];
        if let Some(sender) = &self.sender_id {
            form.push(("from", sender.as_str()));
        }
        let api_key = api_key_header(&self.api_key).map_err(|_| {
            DeliveryFailure("AFRICASTALKING_API_KEY: not a valid header value".into())
        })?;
        let response = self
            .client()?
            .post(self.endpoint.clone())
            .header("apiKey", api_key)
            .header("Accept", "application/json")
            .form(&form)
            .send()
            .map_err(|e| {
                DeliveryFailure(if e.is_timeout() {
                    "Africa's Talking did not answer in time".into()
                } else {
                    format!("Africa's Talking unreachable: {e}")
                })
            })?;
        let status = response.status();
        let text = response
            .text()
            .map_err(|e| DeliveryFailure(format!("reading Africa's Talking's answer: {e}")))?;
        if !status.is_success() {
            return Err(DeliveryFailure(format!(
                "Africa's Talking answered HTTP {}: {}",
                status.as_u16(),
                excerpt(&text, 200)
            )));
        }
        let parsed: Response = serde_json::from_str(&text).map_err(|_| {
            DeliveryFailure(format!(
                "unexpected answer from Africa's Talking: {}",
                excerpt(&text, 200)
            ))
        })?;
        let Some(recipient) = parsed.data.recipients.into_iter().next() else {
            return Err(DeliveryFailure(format!(
                "Africa's Talking sent to no one: {}",
                excerpt(&parsed.data.message, 200)
            )));
        };
        if recipient.status != "Success" {
            let code = recipient
                .status_code
                .map(|c| c.to_string())
                .unwrap_or_else(|| "?".into());
            return Err(DeliveryFailure(format!("{}: {code}", recipient.status)));
        }
        Ok(DeliveryReceipt {
            provider_message_id: recipient.message_id,
            cost: SmsCost::parse(&recipient.cost),
        })
    }
}
