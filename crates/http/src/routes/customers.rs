//! `customers/...`: a signed-in person's own account.

mod change_password;
mod own_record;
mod profile;

use paperclip::actix::web;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/customers/profile/").route(web::get().to(profile::show_profile)))
        .service(
            web::resource("/customers/update_profile/")
                .route(web::put().to(profile::update_profile))
                .route(web::patch().to(profile::update_profile)),
        )
        .service(
            web::resource("/customers/change_password/")
                .route(web::post().to(change_password::change_password)),
        )
        .service(web::resource("/customers/").route(web::get().to(own_record::list_own)))
        .service(
            web::resource("/customers/{id}/")
                .route(web::get().to(own_record::show_own))
                .route(web::patch().to(own_record::update_own))
                .route(web::put().to(own_record::update_own))
                .route(web::delete().to(own_record::close_own)),
        );
}
