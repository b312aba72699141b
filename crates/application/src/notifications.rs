//! Use cases of notifications: expanding recorded changes into messages, delivering the outbox, reading it, retrying, and admins' system alerts.

mod alert;
mod browse;
mod deliver;
mod errors;
mod expand;
mod health;
mod monitor;
mod queue;
mod retry;

pub use alert::{AlertInput, SendSystemAlert};
pub use browse::BrowseNotifications;
pub use deliver::{DeliverNotifications, DeliverySettings, RoundOutcome};
pub use errors::{BrowseNotificationsError, RetryNotificationError, SendAlertError};
pub use expand::{ExpandOutboxEvents, ExpansionRound};
pub use health::{DeliveryHealth, DeliveryReport};
pub use monitor::{DeliveryFigures, MonitorDelivery};
pub use retry::RetryNotification;

pub(crate) use queue::queue;
