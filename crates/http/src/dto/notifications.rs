use chrono::{DateTime, Utc};
use orderflow_application::ports::{NotificationStats, NotificationView};
use paperclip::actix::Apiv2Schema;
use serde::Serialize;

/// What the provider charged.
#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "SmsCost")]
pub struct CostBody {
    /// ISO 4217, e.g. `KES`.
    pub currency: String,
    /// Decimal string as the provider gave it, e.g. `"0.8000"`.
    pub amount: String,
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "Notification")]
pub struct NotificationBody {
    pub id: uuid::Uuid,
    /// `sms` or `email`.
    pub notification_type: String,
    /// The recipient's customer id (`null` once the account is gone).
    pub recipient: Option<i64>,
    pub recipient_name: String,
    /// The phone number or email address the message went (or goes) to.
    pub recipient_address: String,
    /// The order's id, if the message is about one.
    pub order: Option<uuid::Uuid>,
    pub order_number: Option<String>,
    pub subject: String,
    pub message: String,
    /// `pending` (waiting, being sent, or waiting for a retry), `sent`, `failed` (every attempt failed) or
    /// `suppressed` (a text message over a cap, never sent: `error_message` says which).
    pub status: String,
    /// Delivery attempts made.
    pub attempts: u32,
    /// When the next attempt is due (`null` once sent or failed).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The last failure, if any.
    pub error_message: String,
    pub provider_message_id: String,
    pub cost: Option<CostBody>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<NotificationView> for NotificationBody {
    fn from(view: NotificationView) -> Self {
        Self {
            id: view.id.0,
            notification_type: view.channel.as_str().to_owned(),
            recipient: view.recipient.map(|r| r.0),
            recipient_name: view.recipient_name,
            recipient_address: view.address,
            order: view.order_id.map(|o| o.0),
            order_number: view.order_number,
            subject: view.subject,
            message: view.body,
            status: view.status.as_str().to_owned(),
            attempts: view.attempts,
            next_attempt_at: view.next_attempt_at,
            sent_at: view.sent_at,
            error_message: view.error_message,
            provider_message_id: view.provider_message_id,
            cost: view.cost.map(|cost| CostBody {
                currency: cost.currency,
                amount: cost.amount.to_string(),
            }),
            created_at: view.created_at,
            updated_at: view.updated_at,
        }
    }
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "NotificationStats")]
pub struct NotificationStatsBody {
    pub total: u64,
    pub sms: u64,
    pub email: u64,
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    /// Text messages over a cap (per number per hour, per customer per day): kept, never sent.
    pub suppressed: u64,
}

impl From<NotificationStats> for NotificationStatsBody {
    fn from(stats: NotificationStats) -> Self {
        Self {
            total: stats.total,
            sms: stats.sms,
            email: stats.email,
            pending: stats.pending,
            sent: stats.sent,
            failed: stats.failed,
            suppressed: stats.suppressed,
        }
    }
}
