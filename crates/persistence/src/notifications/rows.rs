use chrono::{DateTime, Utc};
use diesel::prelude::*;
use orderflow_application::ports::NotificationView;
use orderflow_domain::identity::CustomerId;
use orderflow_domain::notifications::{DeliveryStatus, NewNotification, NotificationId, SmsCost};
use orderflow_domain::ordering::OrderId;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::error::corrupt_row;
use crate::schema::notifications;
use crate::RepositoryError;

#[derive(Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotificationRow<'a> {
    pub id: Uuid,
    pub channel: &'static str,
    pub recipient_id: Option<i64>,
    pub recipient_name: &'a str,
    pub address: &'a str,
    pub order_id: Option<Uuid>,
    pub subject: &'a str,
    pub body: &'a str,
    pub status: &'static str,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub error_message: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl<'a> NewNotificationRow<'a> {
    /// A message that will never be sent, kept with the reason.
    pub fn suppressed(
        notification: &'a NewNotification,
        reason: String,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            status: DeliveryStatus::Suppressed.as_str(),
            next_attempt_at: None,
            error_message: reason,
            ..Self::new(notification, at)
        }
    }

    pub fn new(notification: &'a NewNotification, due: DateTime<Utc>) -> Self {
        Self {
            id: Uuid::new_v4(),
            channel: notification.channel.as_str(),
            recipient_id: Some(notification.recipient.0),
            recipient_name: &notification.recipient_name,
            address: &notification.address,
            order_id: notification.order_id.map(|id| id.0),
            subject: &notification.message.subject,
            body: &notification.message.body,
            status: DeliveryStatus::Pending.as_str(),
            attempts: 0,
            next_attempt_at: Some(due),
            error_message: String::new(),
            created_at: due,
            updated_at: due,
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: Uuid,
    pub channel: String,
    pub recipient_id: Option<i64>,
    pub recipient_name: String,
    pub address: String,
    pub order_id: Option<Uuid>,
    pub subject: String,
    pub body: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub error_message: String,
    pub provider_message_id: String,
    pub cost_currency: Option<String>,
    pub cost_amount: Option<Decimal>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl NotificationRow {
    pub fn into_view(
        self,
        order_number: Option<String>,
    ) -> Result<NotificationView, RepositoryError> {
        Ok(NotificationView {
            id: NotificationId(self.id),
            channel: self
                .channel
                .parse()
                .map_err(|e| corrupt_row("notification channel", e))?,
            recipient: self.recipient_id.map(CustomerId),
            recipient_name: self.recipient_name,
            address: self.address,
            order_id: self.order_id.map(OrderId),
            order_number,
            subject: self.subject,
            body: self.body,
            status: self
                .status
                .parse()
                .map_err(|e| corrupt_row("notification status", e))?,
            attempts: u32::try_from(self.attempts).unwrap_or_default(),
            next_attempt_at: self.next_attempt_at,
            sent_at: self.sent_at,
            error_message: self.error_message,
            provider_message_id: self.provider_message_id,
            cost: match (self.cost_currency, self.cost_amount) {
                (Some(currency), Some(amount)) => Some(SmsCost { currency, amount }),
                _ => None,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}
