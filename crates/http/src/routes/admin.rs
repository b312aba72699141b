//! `admin/...`: account administration.

mod create_admin;
mod customer_status;
mod customers;
mod dashboard;
mod staff;
mod system_alert;

use paperclip::actix::web;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/admin/").route(web::get().to(staff::list_staff)))
        .service(web::resource("/admin/dashboard/").route(web::get().to(dashboard::dashboard)))
        .service(
            web::resource("/admin/create_admin/").route(web::post().to(create_admin::create_admin)),
        )
        .service(web::resource("/admin/customers/").route(web::get().to(customers::list_customers)))
        .service(
            web::resource("/admin/customers/{id}/").route(web::get().to(customers::show_customer)),
        )
        .service(
            web::resource("/admin/customers/{id}/deactivate/")
                .route(web::post().to(customer_status::deactivate)),
        )
        .service(
            web::resource("/admin/customers/{id}/activate/")
                .route(web::post().to(customer_status::activate)),
        )
        .service(
            web::resource("/admin/customers/{id}/verify/")
                .route(web::post().to(customer_status::verify)),
        )
        .service(
            web::resource("/admin/send_system_alert/")
                .route(web::post().to(system_alert::send_system_alert)),
        );
}
