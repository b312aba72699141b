use actix_web::web::Data;
use actix_web::HttpRequest;
use orderflow_application::listing::SortDirection;
use orderflow_application::ports::{ProductFilter, ProductSort};
use orderflow_application::validation::{FieldErrors, FieldProblem};
use orderflow_domain::catalogue::{CategoryId, ProductStatus};
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Deserialize;

use super::product_id;
use crate::auth::{Caller, Staff};
use crate::dto::ProductBody;
use crate::error::ApiError;
use crate::media::MediaUrls;
use crate::pagination::{page_request, Paginated};
use crate::query::{ordering_param, parse_bool, parse_decimal, parse_int, search_param};
use crate::routes::run;
use crate::state::AppState;

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct ProductListQuery {
    page: Option<String>,
    page_size: Option<String>,
    /// A category id: products of that category and of all its descendants.
    category: Option<String>,
    /// `active` (default), `inactive` or `discontinued`.
    status: Option<String>,
    is_featured: Option<String>,
    min_price: Option<String>,
    max_price: Option<String>,
    /// `true`: stock above zero; `false`: none left.
    in_stock: Option<String>,
    /// Terms matched case-insensitively in name, description and SKU; all must match.
    search: Option<String>,
    /// `name`, `price`, `created_at`, `stock_quantity`, optionally `-` prefixed; default `-created_at`.
    ordering: Option<String>,
}

const ORDERING: &[(&str, ProductSort)] = &[
    ("name", ProductSort::Name),
    ("price", ProductSort::Price),
    ("created_at", ProductSort::CreatedAt),
    ("stock_quantity", ProductSort::StockQuantity),
];

fn product_filter(
    query: &ProductListQuery,
) -> Result<(Option<CategoryId>, ProductFilter), ApiError> {
    let mut errors = FieldErrors::new();
    let category = query
        .category
        .as_deref()
        .filter(|raw| !raw.trim().is_empty())
        .and_then(|raw| errors.check("category", parse_int(raw)))
        .map(CategoryId);
    let status = match query.status.as_deref() {
        None => Some(ProductStatus::Active),
        Some(raw) => errors.check("status", raw.trim().parse::<ProductStatus>()),
    };
    let flag = |errors: &mut FieldErrors, field: &str, raw: &Option<String>| {
        raw.as_deref()
            .and_then(|raw| errors.check(field, parse_bool(raw)))
    };
    let is_featured = flag(&mut errors, "is_featured", &query.is_featured);
    let in_stock = flag(&mut errors, "in_stock", &query.in_stock);
    let min_price = query
        .min_price
        .as_deref()
        .and_then(|raw| errors.check("min_price", parse_decimal(raw)));
    let max_price = query
        .max_price
        .as_deref()
        .and_then(|raw| errors.check("max_price", parse_decimal(raw)));
    let search_terms = search_param(&mut errors, query.search.as_deref());
    let ordering = ordering_param(&mut errors, query.ordering.as_deref(), ORDERING);
    errors.into_result()?;
    Ok((
        category,
        ProductFilter {
            status,
            is_featured,
            in_stock,
            min_price,
            max_price,
            search_terms,
            ordering,
            ..ProductFilter::default()
        },
    ))
}

async fn list(
    state: Data<AppState>,
    request: HttpRequest,
    page: (Option<&str>, Option<&str>),
    within: Option<CategoryId>,
    filter: ProductFilter,
) -> Result<web::Json<Paginated<ProductBody>>, ApiError> {
    let page = page_request(page.0, page.1)?;
    let page = run(&state, move |state| {
        state.browse_catalogue.products(within, filter, page)
    })
    .await?;
    let media = MediaUrls::for_request(&request);
    Ok(web::Json(Paginated::new(page, &request, |details| {
        ProductBody::new(details, &media)
    })))
}

/// List products (active ones by default)
#[api_v2_operation(tags(Products))]
pub async fn list_products(
    state: Data<AppState>,
    request: HttpRequest,
    query: web::Query<ProductListQuery>,
) -> Result<web::Json<Paginated<ProductBody>>, ApiError> {
    let (within, filter) = product_filter(&query)?;
    list(
        state,
        request,
        (query.page.as_deref(), query.page_size.as_deref()),
        within,
        filter,
    )
    .await
}

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct PageQuery {
    page: Option<String>,
    page_size: Option<String>,
}

/// Featured products (active ones, newest first)
#[api_v2_operation(tags(Products))]
pub async fn featured_products(
    state: Data<AppState>,
    request: HttpRequest,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Paginated<ProductBody>>, ApiError> {
    let filter = ProductFilter {
        status: Some(ProductStatus::Active),
        is_featured: Some(true),
        ..ProductFilter::default()
    };
    list(
        state,
        request,
        (query.page.as_deref(), query.page_size.as_deref()),
        None,
        filter,
    )
    .await
}

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct LowStockQuery {
    page: Option<String>,
    page_size: Option<String>,
    /// Products with fewer units than this (default 10).
    threshold: Option<String>,
}

/// Products running low (staff), lowest stock first
///
/// Discontinued products are left out: they will not be restocked.
#[api_v2_operation(tags(Products))]
pub async fn low_stock_products(
    state: Data<AppState>,
    request: HttpRequest,
    _caller: Caller<Staff>,
    query: web::Query<LowStockQuery>,
) -> Result<web::Json<Paginated<ProductBody>>, ApiError> {
    let threshold = match query.threshold.as_deref() {
        None => 10,
        Some(raw) => match parse_int(raw) {
            Ok(value) if (0..=i64::from(i32::MAX)).contains(&value) => value as i32,
            _ => {
                return Err(FieldErrors::single(
                    "threshold",
                    FieldProblem::Worded("A valid non-negative integer is required.".into()),
                )
                .into())
            }
        },
    };
    let filter = ProductFilter {
        stock_below: Some(threshold),
        exclude_discontinued: true,
        ordering: vec![
            (ProductSort::StockQuantity, SortDirection::Ascending),
            (ProductSort::Name, SortDirection::Ascending),
        ],
        ..ProductFilter::default()
    };
    list(
        state,
        request,
        (query.page.as_deref(), query.page_size.as_deref()),
        None,
        filter,
    )
    .await
}

/// One product (any status)
#[api_v2_operation(tags(Products))]
pub async fn show_product(
    state: Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<web::Json<ProductBody>, ApiError> {
    let id = product_id(&path)?;
    let details = run(&state, move |state| state.browse_catalogue.product(id)).await?;
    Ok(web::Json(ProductBody::new(
        details,
        &MediaUrls::for_request(&request),
    )))
}
