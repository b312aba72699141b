//! The route table: every endpoint, registered through paperclip so that it appears in `/api-docs/`.

mod admin;
mod auth;
mod categories;
mod customers;
mod notifications;
mod orders;
mod products;
mod service;
mod webhooks;

use actix_web::web::Data;
use paperclip::actix::web;

use crate::error::ApiError;
use crate::state::AppState;

/// Runs a use case on the blocking thread pool: use cases do blocking I/O (diesel) and slow hashing (argon2),
/// which must not stall the async workers.
pub(crate) async fn run<F, R, E>(state: &Data<AppState>, work: F) -> Result<R, ApiError>
where
    F: FnOnce(&AppState) -> Result<R, E> + Send + 'static,
    R: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    let state = state.clone();
    let name = crate::blocking::use_case_name::<F>();
    crate::blocking::in_blocking_pool(name, move || work(&state))
        .await?
        .map_err(Into::into)
}

/// `/api/v1/...`
pub fn api_v1(config: &mut web::ServiceConfig) {
    config.service(
        web::scope("/api/v1")
            .configure(auth::routes)
            .configure(customers::routes)
            .configure(categories::routes)
            .configure(products::routes)
            .configure(orders::routes)
            .configure(notifications::routes)
            .configure(admin::routes)
            .configure(webhooks::routes),
    );
}

/// Everything outside `/api/v1/` but the documentation UIs.
pub fn service_routes(config: &mut web::ServiceConfig) {
    service::routes(config);
}
