use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::ports::{CategoryFilter, CategorySort};
use orderflow_application::validation::FieldErrors;
use orderflow_domain::catalogue::CategoryId;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Deserialize;

use crate::dto::{CategoryBody, CategoryTreeNodeBody};
use crate::error::ApiError;
use crate::media::MediaUrls;
use crate::pagination::{page_request, Paginated};
use crate::query::{ordering_param, parse_bool, parse_int, search_param};
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct CategoryListQuery {
    page: Option<String>,
    page_size: Option<String>,
    /// A category id, or `null` for roots.
    parent: Option<String>,
    /// Default `true`.
    is_active: Option<String>,
    /// Terms matched case-insensitively in name and description; all must match.
    search: Option<String>,
    /// `name` (default) or `created_at`, optionally `-` prefixed.
    ordering: Option<String>,
}

const ORDERING: &[(&str, CategorySort)] = &[
    ("name", CategorySort::Name),
    ("created_at", CategorySort::CreatedAt),
];

fn category_filter(query: &CategoryListQuery) -> Result<CategoryFilter, ApiError> {
    let mut errors = FieldErrors::new();
    let parent = match query.parent.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("null") => Some(None),
        Some(raw) => errors
            .check("parent", parse_int(raw))
            .map(|id| Some(CategoryId(id))),
    };
    let is_active = query
        .is_active
        .as_deref()
        .and_then(|raw| errors.check("is_active", parse_bool(raw)));
    let search_terms = search_param(&mut errors, query.search.as_deref());
    let ordering = ordering_param(&mut errors, query.ordering.as_deref(), ORDERING);
    errors.into_result()?;
    Ok(CategoryFilter {
        parent,
        is_active,
        search_terms,
        ordering,
    })
}

/// List categories (active ones by default)
#[api_v2_operation(tags(Categories))]
pub async fn list_categories(
    state: Data<AppState>,
    request: HttpRequest,
    query: web::Query<CategoryListQuery>,
) -> Result<web::Json<Paginated<CategoryBody>>, ApiError> {
    let page = page_request(query.page.as_deref(), query.page_size.as_deref())?;
    let filter = category_filter(&query)?;
    let page = run(&state, move |state| {
        state.browse_catalogue.categories(&filter, page)
    })
    .await?;
    let media = MediaUrls::for_request(&request);
    Ok(web::Json(Paginated::new(page, &request, |details| {
        CategoryBody::new(details, &media)
    })))
}

/// One category (active or not)
#[api_v2_operation(tags(Categories))]
pub async fn show_category(
    state: Data<AppState>,
    request: HttpRequest,
    path: web::Path<i64>,
) -> Result<web::Json<CategoryBody>, ApiError> {
    let id = CategoryId(path.into_inner());
    let details = run(&state, move |state| state.browse_catalogue.category(id)).await?;
    Ok(web::Json(CategoryBody::new(
        details,
        &MediaUrls::for_request(&request),
    )))
}

/// The tree of active categories (not paginated)
///
/// Roots ordered by name, each with its active children, recursively, and the number of active products in each
/// subtree. Built from two queries whatever the depth.
#[api_v2_operation(tags(Categories))]
pub async fn category_tree(
    state: Data<AppState>,
) -> Result<web::Json<Vec<CategoryTreeNodeBody>>, ApiError> {
    let tree = run(&state, |state| state.browse_catalogue.tree()).await?;
    Ok(web::Json(CategoryTreeNodeBody::forest(tree)))
}
