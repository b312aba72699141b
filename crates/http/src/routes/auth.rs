//! `auth/...`: registration, sign-in and API tokens.

pub(crate) mod log_in;
mod log_out;
mod obtain_token;
mod oidc;
mod register;

use paperclip::actix::web;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/auth/register/").route(web::post().to(register::register)))
        .service(web::resource("/auth/login/").route(web::post().to(log_in::log_in)))
        .service(web::resource("/auth/logout/").route(web::post().to(log_out::log_out)))
        .service(web::resource("/auth/token/").route(web::post().to(obtain_token::obtain_token)))
        .service(web::resource("/auth/oidc/login/").route(web::get().to(oidc::login)))
        .service(web::resource("/auth/oidc/callback/").route(web::get().to(oidc::callback)))
        .service(web::resource("/auth/oidc/token/").route(web::post().to(oidc::token)))
        .service(web::resource("/auth/oidc/userinfo/").route(web::get().to(oidc::userinfo)));
}
