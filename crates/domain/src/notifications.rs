//! Notifications: what customers and admins are told, by which channel, and how deliveries are retried.

mod amount;
mod channel;
mod cost;
mod id;
mod recipients;
mod retry;
mod sms_caps;
pub mod texts;

pub use amount::format_amount;
pub use channel::{Channel, DeliveryStatus, UnknownChannel, UnknownDeliveryStatus};
pub use cost::SmsCost;
pub use id::NotificationId;
pub use recipients::{
    order_placed, payment_recorded, status_changed, system_alert, NewNotification,
};
pub use retry::RetryPolicy;
pub use sms_caps::{RecentSms, SmsCaps, SmsSuppression};
pub use texts::{title_case, Message};
