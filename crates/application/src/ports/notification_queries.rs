//! Reading the notifications: lists, one, counts.

use chrono::{DateTime, Utc};
use orderflow_domain::identity::CustomerId;
use orderflow_domain::notifications::{Channel, DeliveryStatus, NotificationId, SmsCost};
use orderflow_domain::ordering::OrderId;

use super::RepositoryError;
use crate::listing::{Page, PageRequest, SortDirection};

/// A notification as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationView {
    pub id: NotificationId,
    pub channel: Channel,
    /// `None` once the recipient's account is gone.
    pub recipient: Option<CustomerId>,
    pub recipient_name: String,
    pub address: String,
    pub order_id: Option<OrderId>,
    pub order_number: Option<String>,
    pub subject: String,
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    /// When the next attempt is due; `None` once sent or failed.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub error_message: String,
    pub provider_message_id: String,
    pub cost: Option<SmsCost>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationSort {
    CreatedAt,
    SentAt,
    Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NotificationFilter {
    /// Only this recipient's notifications.
    pub recipient: Option<CustomerId>,
    pub channel: Option<Channel>,
    pub status: Option<DeliveryStatus>,
    pub order: Option<OrderId>,
    /// Terms that must each appear in the subject or the message.
    pub search_terms: Vec<String>,
    pub ordering: Vec<(NotificationSort, SortDirection)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NotificationStats {
    pub total: u64,
    pub sms: u64,
    pub email: u64,
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    /// Text messages over a cap, kept and never sent.
    pub suppressed: u64,
}

/// The messages of one channel that reached an end: sent, or given up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelTotals {
    pub channel: Channel,
    /// Every message of the channel ever sent.
    pub sent: u64,
    /// Those that are `failed` now (an admin's retry puts one back in the queue).
    pub failed: u64,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait NotificationQueries: Send + Sync {
    fn notifications(
        &self,
        filter: &NotificationFilter,
        page: PageRequest,
    ) -> Result<Page<NotificationView>, RepositoryError>;

    fn notification(&self, id: NotificationId)
        -> Result<Option<NotificationView>, RepositoryError>;

    /// Counts over every notification, or over one recipient's.
    fn stats(&self, recipient: Option<CustomerId>) -> Result<NotificationStats, RepositoryError>;

    /// Sent and failed messages of every channel, zeros included, in the order of [`Channel::ALL`].
    fn totals_by_channel(&self) -> Result<Vec<ChannelTotals>, RepositoryError>;
}
