//! Outside `/api/v1/`: health, service information, and the HTML pages that link the documentation.

mod api_info;
mod health;
mod pages;

use paperclip::actix::web;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/health/").route(web::get().to(health::health)))
        .service(web::resource("/health/live/").route(web::get().to(health::live)))
        .service(web::resource("/health/ready/").route(web::get().to(health::ready)))
        .service(web::resource("/api/").route(web::get().to(api_info::api_info)));
    pages::routes(config);
}
