//! `webhooks/...`: endpoints that receive signed order and product events, and their deliveries (admin only).

mod create;
mod deliveries;
mod manage;
mod read;
mod retry;
mod rotate;
mod send_test;

use orderflow_application::ports::{WebhookDeliveryId, WebhookId};
use paperclip::actix::web;

use crate::error::ApiError;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/webhooks/")
                .route(web::get().to(read::list_webhooks))
                .route(web::post().to(create::create_webhook)),
        )
        .service(
            web::resource("/webhooks/{id}/")
                .route(web::get().to(read::show_webhook))
                .route(web::patch().to(manage::update_webhook))
                .route(web::delete().to(manage::delete_webhook)),
        )
        .service(
            web::resource("/webhooks/{id}/rotate_secret/")
                .route(web::post().to(rotate::rotate_secret)),
        )
        .service(web::resource("/webhooks/{id}/test/").route(web::post().to(send_test::send_test)))
        .service(
            web::resource("/webhooks/{id}/deliveries/")
                .route(web::get().to(deliveries::list_deliveries)),
        )
        .service(
            web::resource("/webhooks/{id}/deliveries/{delivery_id}/")
                .route(web::get().to(deliveries::show_delivery)),
        )
        .service(
            web::resource("/webhooks/{id}/deliveries/{delivery_id}/retry/")
                .route(web::post().to(retry::retry_delivery)),
        );
}

/// An endpoint id from the path; anything but a UUID names none.
fn webhook_id(raw: &str) -> Result<WebhookId, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(WebhookId)
        .map_err(|_| ApiError::NotFound)
}

/// A delivery id from the path; anything but a UUID names none.
fn delivery_id(raw: &str) -> Result<WebhookDeliveryId, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(WebhookDeliveryId)
        .map_err(|_| ApiError::NotFound)
}
