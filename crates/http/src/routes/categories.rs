//! `categories/...`: the category tree. Anyone reads; staff write.

mod average_price;
mod read;
mod write;

use paperclip::actix::web;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/categories/")
                .route(web::get().to(read::list_categories))
                .route(web::post().to(write::create_category)),
        )
        .service(web::resource("/categories/tree/").route(web::get().to(read::category_tree)))
        .service(
            web::resource("/categories/average_price/")
                .route(web::get().to(average_price::by_slug)),
        )
        .service(
            web::resource("/categories/average_price_per_category/")
                .route(web::get().to(average_price::per_category)),
        )
        .service(
            web::resource("/categories/{id}/")
                .route(web::get().to(read::show_category))
                .route(web::put().to(write::replace_category))
                .route(web::patch().to(write::update_category))
                .route(web::delete().to(write::delete_category)),
        )
        .service(
            web::resource("/categories/{id}/average_price/")
                .route(web::get().to(average_price::by_id)),
        );
}
