use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::ports::{CustomerQuery, CustomerSort};
use orderflow_application::validation::{FieldErrors, FieldProblem};
use orderflow_domain::identity::{CustomerId, Role};
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Deserialize;

use crate::auth::{Admin, Caller};
use crate::dto::CustomerBody;
use crate::error::ApiError;
use crate::pagination::{page_request, Paginated};
use crate::query::{ordering_param, parse_bool, search_param};
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct CustomerListQuery {
    page: Option<String>,
    page_size: Option<String>,
    /// Terms matched case-insensitively in email, first and last name; all must match.
    search: Option<String>,
    /// `true` or `false`.
    is_active: Option<String>,
    /// `customer`, `staff`, `admin` or `super_admin`.
    role: Option<String>,
    /// Comma-separated: `id`, `email`, `first_name`, `last_name`, `created_at`, each optionally `-` prefixed.
    /// Default `id`.
    ordering: Option<String>,
}

const ORDERING: &[(&str, CustomerSort)] = &[
    ("id", CustomerSort::Id),
    ("email", CustomerSort::Email),
    ("first_name", CustomerSort::FirstName),
    ("last_name", CustomerSort::LastName),
    ("created_at", CustomerSort::CreatedAt),
];

fn customer_query(query: &CustomerListQuery) -> Result<CustomerQuery, ApiError> {
    let mut errors = FieldErrors::new();
    let is_active = query
        .is_active
        .as_deref()
        .and_then(|raw| errors.check("is_active", parse_bool(raw)));
    let role = query.role.as_deref().and_then(|raw| {
        errors.check(
            "role",
            raw.parse::<Role>().map_err(|_| {
                FieldProblem::Worded(format!(
                    "Select a valid choice. {raw} is not one of the available choices."
                ))
            }),
        )
    });
    let search_terms = search_param(&mut errors, query.search.as_deref());
    let ordering = ordering_param(&mut errors, query.ordering.as_deref(), ORDERING);
    errors.into_result()?;
    Ok(CustomerQuery {
        search_terms,
        is_active,
        role,
        only_id: None,
        ordering,
    })
}

/// All accounts, with search and filters
#[api_v2_operation(tags(Administration))]
pub async fn list_customers(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Admin>,
    query: web::Query<CustomerListQuery>,
) -> Result<web::Json<Paginated<CustomerBody>>, ApiError> {
    let page = page_request(query.page.as_deref(), query.page_size.as_deref())?;
    let filter = customer_query(&query)?;
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

/// One account
#[api_v2_operation(tags(Administration))]
pub async fn show_customer(
    state: Data<AppState>,
    _caller: Caller<Admin>,
    path: web::Path<i64>,
) -> Result<web::Json<CustomerBody>, ApiError> {
    let id = CustomerId(path.into_inner());
    let customer = run(&state, move |state| state.customer_directory.get(id)).await?;
    Ok(web::Json(customer.into()))
}
