use actix_web::web::Data;
use orderflow_domain::catalogue::CategoryId;
use paperclip::actix::{api_v2_operation, web, Apiv2Schema};
use serde::Deserialize;

use crate::dto::AveragePriceBody;
use crate::error::ApiError;
use crate::json::Required;
use crate::routes::run;
use crate::state::AppState;

/// Average, lowest and highest price of a category's subtree
///
/// Over the category and all its descendants, active products only; prices are null when there are none.
#[api_v2_operation(tags(Categories))]
pub async fn by_id(
    state: Data<AppState>,
    path: web::Path<i64>,
) -> Result<web::Json<AveragePriceBody>, ApiError> {
    let id = CategoryId(path.into_inner());
    let entry = run(&state, move |state| {
        state.browse_catalogue.average_price(id)
    })
    .await?;
    Ok(web::Json(entry.into()))
}

#[derive(Debug, Deserialize, Apiv2Schema)]
pub struct SlugQuery {
    /// The category's slug (a 400 without it).
    #[serde(default)]
    slug: Required<String>,
}

/// Average price of a category's subtree, by slug
#[api_v2_operation(tags(Categories))]
pub async fn by_slug(
    state: Data<AppState>,
    query: web::Query<SlugQuery>,
) -> Result<web::Json<AveragePriceBody>, ApiError> {
    let slug = query.into_inner().slug.into_inner();
    let entry = run(&state, move |state| {
        state
            .browse_catalogue
            .average_price_by_slug(slug.as_deref())
    })
    .await?;
    Ok(web::Json(entry.into()))
}

/// Average prices of every category (not paginated)
///
/// One entry per active category with at least one active product in its subtree, ordered by full path;
/// computed in one query.
#[api_v2_operation(tags(Categories))]
pub async fn per_category(
    state: Data<AppState>,
) -> Result<web::Json<Vec<AveragePriceBody>>, ApiError> {
    let entries = run(&state, |state| {
        state.browse_catalogue.average_price_per_category()
    })
    .await?;
    Ok(web::Json(
        entries
            .iter()
            .map(|(details, stats)| AveragePriceBody::new(&details.category, stats))
            .collect(),
    ))
}
