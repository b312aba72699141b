//! `orders/...`: placing orders, their lifecycle and history.

mod change;
mod place;
mod read;

use paperclip::actix::web;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/orders/")
                .route(web::get().to(read::list_orders))
                .route(web::post().to(place::place_order)),
        )
        .service(web::resource("/orders/my_orders/").route(web::get().to(read::my_orders)))
        .service(web::resource("/orders/pending/").route(web::get().to(read::pending_orders)))
        .service(web::resource("/orders/statistics/").route(web::get().to(read::statistics)))
        .service(
            web::resource("/orders/{id}/")
                .route(web::get().to(read::show_order))
                .route(web::patch().to(change::update_details)),
        )
        .service(
            web::resource("/orders/{id}/update_status/")
                .route(web::post().to(change::update_status)),
        )
        .service(web::resource("/orders/{id}/cancel/").route(web::post().to(change::cancel)))
        .service(web::resource("/orders/{id}/mark_paid/").route(web::post().to(change::mark_paid)))
        .service(web::resource("/orders/{id}/events/").route(web::get().to(read::events)));
}

use orderflow_domain::ordering::OrderId;

use crate::error::ApiError;

/// An order id from the path; anything but a UUID names no order.
pub(crate) fn order_id(raw: &str) -> Result<OrderId, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(OrderId)
        .map_err(|_| ApiError::NotFound)
}
