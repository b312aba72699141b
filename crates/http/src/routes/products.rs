//! `products/...`: anyone reads; staff write, upload and import.

mod bulk_upload;
mod read;
mod upload;
mod write;

use paperclip::actix::web;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/products/")
                .route(web::get().to(read::list_products))
                .route(web::post().to(write::create_product)),
        )
        .service(web::resource("/products/featured/").route(web::get().to(read::featured_products)))
        .service(
            web::resource("/products/low_stock/").route(web::get().to(read::low_stock_products)),
        )
        .service(web::resource("/products/upload/").route(web::post().to(upload::upload_product)))
        .service(
            web::resource("/products/bulk_upload/").route(web::post().to(bulk_upload::bulk_upload)),
        )
        .service(
            web::resource("/products/{id}/")
                .route(web::get().to(read::show_product))
                .route(web::put().to(write::replace_product))
                .route(web::patch().to(write::update_product))
                .route(web::delete().to(write::delete_product)),
        )
        .service(
            web::resource("/products/{id}/toggle_featured/")
                .route(web::post().to(write::toggle_featured)),
        );
}

use orderflow_domain::catalogue::ProductId;

use crate::error::ApiError;

/// A product id from the path; anything but a UUID names no product.
pub(crate) fn product_id(raw: &str) -> Result<ProductId, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(ProductId)
        .map_err(|_| ApiError::NotFound)
}
