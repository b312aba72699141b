//! `customers/` and `customers/{id}/`: the caller's own record, as a one-item list and by id. Any other id is
//! 404, whatever the caller's role (admins use `admin/customers/`).

use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::listing::PageRequest;
use orderflow_application::ports::{CustomerQuery, CustomerSort};
use orderflow_application::validation::FieldErrors;
use orderflow_domain::identity::CustomerId;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema, NoContent};
use serde::Deserialize;

use super::profile::ProfileUpdateRequest;
use crate::auth::Caller;
use crate::dto::CustomerBody;
use crate::error::ApiError;
use crate::json::Body;
use crate::pagination::{page_request, Paginated};
use crate::query::ordering_param;
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct OwnListQuery {
    page: Option<String>,
    page_size: Option<String>,
    /// Accepted for compatibility; the list holds one record.
    ordering: Option<String>,
}

/// List the caller's own record
#[api_v2_operation(tags(Customers))]
pub async fn list_own(
    state: Data<AppState>,
    request: HttpRequest,
    caller: Caller,
    query: web::Query<OwnListQuery>,
) -> Result<web::Json<Paginated<CustomerBody>>, ApiError> {
    let page: PageRequest = page_request(query.page.as_deref(), query.page_size.as_deref())?;
    let mut errors = FieldErrors::new();
    let ordering = ordering_param(
        &mut errors,
        query.ordering.as_deref(),
        &[("id", CustomerSort::Id)],
    );
    errors.into_result()?;
    let filter = CustomerQuery {
        only_id: Some(caller.customer().id),
        ordering,
        ..CustomerQuery::default()
    };
    let page = run(&state, move |state| {
        state.customer_directory.list(&filter, page)
    })
    .await?;
    Ok(web::Json(Paginated::new(
        page,
        &request,
        CustomerBody::from,
    )))
}

fn own(caller: &Caller, id: i64) -> Result<CustomerId, ApiError> {
    if caller.customer().id == CustomerId(id) {
        Ok(CustomerId(id))
    } else {
        Err(ApiError::NotFound)
    }
}

/// The caller's own record by id
#[api_v2_operation(tags(Customers))]
pub async fn show_own(
    caller: Caller,
    path: web::Path<i64>,
) -> Result<web::Json<CustomerBody>, ApiError> {
    own(&caller, path.into_inner())?;
    Ok(web::Json(caller.principal.customer.into()))
}

/// Update the caller's own record (as `customers/update_profile/`)
#[api_v2_operation(tags(Customers))]
pub async fn update_own(
    state: Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
    body: Body<ProfileUpdateRequest>,
) -> Result<web::Json<CustomerBody>, ApiError> {
    let target = CustomerId(path.into_inner());
    let principal = caller.principal;
    let input = body.into_inner()?.into();
    let updated = run(&state, move |state| {
        state.update_profile.execute(&principal, target, input)
    })
    .await?;
    Ok(web::Json(updated.into()))
}

/// Close the caller's own account
///
/// The account is deactivated, not erased: its orders stay on the books. Every token is revoked.
#[api_v2_operation(tags(Customers))]
pub async fn close_own(
    state: Data<AppState>,
    caller: Caller,
    path: web::Path<i64>,
) -> Result<NoContent, ApiError> {
    let target = CustomerId(path.into_inner());
    let principal = caller.principal;
    run(&state, move |state| {
        state.close_account.execute(&principal, target)
    })
    .await?;
    Ok(NoContent)
}
