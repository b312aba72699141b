//! Response and request bodies, as the contract spells them.

mod catalogue;
mod customer;
mod notifications;
mod orders;
mod webhooks;

pub use catalogue::{AveragePriceBody, CategoryBody, CategoryTreeNodeBody, ProductBody};
pub use customer::{CustomerBody, MessageBody, SessionBody, SuccessMessageBody};
pub use notifications::{NotificationBody, NotificationStatsBody};
pub use orders::{OrderBody, OrderEventBody, OrderStatisticsBody};
pub use webhooks::{
    CreatedWebhookBody, WebhookBody, WebhookDeliveryBody, WebhookDeliveryDetailBody,
    WebhookSecretBody,
};
