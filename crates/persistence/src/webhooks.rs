//! Webhook endpoints and deliveries (the `webhooks` migration). Deliveries of order and product events are queued
//! by that migration's triggers in the transaction of the change; these adapters manage endpoints, queue tests,
//! and let the workers claim and record deliveries like the notification queue.

mod queue;
mod rows;
mod store;

pub use queue::PgWebhookQueue;
pub use store::PgWebhookStore;
