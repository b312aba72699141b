//! Webhooks: admins register endpoints and read their deliveries (`Webhooks`, one file per action); the
//! delivery workers sign and send what the changes queued (`DeliverWebhooks`).
//!
//! Deliveries of order and product events are queued by the database in the transaction of the change (see the
//! `webhooks` migration): nothing here runs in placement or a status change.

mod body;
mod browse;
mod create;
mod delete;
mod deliver;
mod deliveries;
mod destination;
mod errors;
mod fields;
mod figures;
mod retry;
mod rotate;
mod send_test;
mod settings;
mod update;

use std::sync::Arc;

use crate::ports::{AddressResolver, Clock, SecretGenerator, WebhookStore};

pub use body::envelope;
pub use create::{CreatedWebhook, WebhookInput};
pub use deliver::{DeliverWebhooks, LAST_ERROR_MAX};
pub use destination::{check_destination, DestinationRefusal};
pub use errors::{ManageWebhookError, WebhookDeliveryError};
pub use figures::WebhookFigures;
pub use rotate::ROTATION_OVERLAP;
pub use settings::WebhookSettings;
pub use update::WebhookChanges;

/// The admins' webhook use cases, one action per file.
pub struct Webhooks {
    store: Arc<dyn WebhookStore>,
    secrets: Arc<dyn SecretGenerator>,
    resolver: Arc<dyn AddressResolver>,
    clock: Arc<dyn Clock>,
    settings: WebhookSettings,
}

impl Webhooks {
    pub fn new(
        store: Arc<dyn WebhookStore>,
        secrets: Arc<dyn SecretGenerator>,
        resolver: Arc<dyn AddressResolver>,
        clock: Arc<dyn Clock>,
        settings: WebhookSettings,
    ) -> Self {
        Self {
            store,
            secrets,
            resolver,
            clock,
            settings,
        }
    }
}
