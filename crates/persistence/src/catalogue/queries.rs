//! The catalogue's read side. Every method is a fixed number of queries, whatever the size or depth of the tree.

use diesel::dsl::sql;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Numeric, Text};
use orderflow_application::listing::{Page, PageRequest, SortDirection};
use orderflow_application::ports::{
    CatalogueQueries, CategoryDetails, CategoryFilter, CategorySort, ProductDetails, ProductFilter,
    ProductSort, TreeEntry,
};
use orderflow_domain::catalogue::{
    Category, CategoryId, CategoryPath, PriceStats, PriceTotals, Product, ProductId,
};
use rust_decimal::Decimal;

use super::product_counts::ProductCounts;
use super::product_pages::{path_categories, plans_follow_values, total_shown_by_page};
use super::rows::{CategoryRow, ProductRow};
use super::subtree_range;
use crate::error::storage_error;
use crate::listing::{read_listing, read_statements};
use crate::pool::{connection, DbPool};
use crate::schema::{categories, category_price_stats, products};
use crate::sql::{lower_text, matches_every_term, planned_per_run};
use crate::RepositoryError;

pub struct PgCatalogueQueries {
    pool: DbPool,
    counts: ProductCounts,
}

impl PgCatalogueQueries {
    pub fn new(pool: DbPool) -> Self {
        Self {
            pool,
            counts: ProductCounts::default(),
        }
    }
}

// Computed columns of a category row (`categories` is the row's own table in the outer query).
const PARENT_NAME: &str = "(SELECT p.name FROM categories p WHERE p.id = categories.parent_id)";
const CHILDREN_COUNT: &str =
    "(SELECT count(*) FROM categories ch WHERE ch.parent_id = categories.id)";
/// The names along the path, root first: one index look-up per level.
const PATH_NAMES: &str = "ARRAY(SELECT a.name FROM categories a \
     WHERE a.id = ANY(string_to_array(trim(both '/' from categories.path), '/')::bigint[]) ORDER BY a.level)";

type DetailsTuple = (CategoryRow, Option<String>, i64, Vec<String>);

fn details(
    (row, parent_name, children, names): DetailsTuple,
) -> Result<CategoryDetails, RepositoryError> {
    Ok(CategoryDetails {
        category: Category::try_from(row)?,
        parent_name,
        children_count: u64::try_from(children).unwrap_or_default(),
        path_names: names,
    })
}

fn product_details(
    (row, category_name, names): (ProductRow, String, Vec<String>),
) -> Result<ProductDetails, RepositoryError> {
    Ok(ProductDetails {
        product: Product::try_from(row)?,
        category_name,
        category_path_names: names,
    })
}

type BoxedCategories<'a> = categories::BoxedQuery<'a, Pg>;

fn filtered_categories(filter: &CategoryFilter) -> BoxedCategories<'_> {
    let mut query = categories::table.into_boxed();
    query = query.filter(categories::is_active.eq(filter.is_active.unwrap_or(true)));
    match filter.parent {
        Some(Some(parent)) => query = query.filter(categories::parent_id.eq(parent.0)),
        Some(None) => query = query.filter(categories::parent_id.is_null()),
        None => {}
    }
    if !filter.search_terms.is_empty() {
        query = query.filter(matches_every_term(
            &["categories.name", "categories.description"],
            &filter.search_terms,
        ));
    }
    query
}

fn with_category_details(
    query: BoxedCategories<'_>,
) -> impl diesel::query_dsl::LoadQuery<'_, PgConnection, DetailsTuple> + '_ {
    query.select((
        CategoryRow::as_select(),
        sql::<Nullable<Text>>(PARENT_NAME),
        sql::<BigInt>(CHILDREN_COUNT),
        sql::<Array<Text>>(PATH_NAMES),
    ))
}

fn page_bounds(page: PageRequest) -> (i64, i64) {
    (
        i64::try_from(page.offset()).unwrap_or(i64::MAX),
        i64::try_from(page.limit()).unwrap_or(i64::MAX),
    )
}

type BoxedProducts<'a> = products::BoxedQuery<'a, Pg>;
type BoxedProductsWithCategory<'a> =
    diesel::dsl::IntoBoxed<'a, diesel::dsl::InnerJoin<products::table, categories::table>, Pg>;

/// The products the filter matches, from `products` alone: a subtree is the range of category paths its products
/// carry (copied from their categories by triggers), so no list of the subtree's categories is planned.
///
/// A filter on a further column must also move the catalogue version when that column changes (the migration
/// `2026-12-08-000080_catalogue_version`), or kept totals (`product_counts.rs`) would miss its changes.
pub(super) fn filtered_products(filter: &ProductFilter) -> BoxedProducts<'_> {
    let mut query = products::table.into_boxed();
    if let Some(path) = &filter.within {
        let (start, end) = subtree_range(path);
        query = query
            .filter(products::category_path.ge(start))
            .filter(products::category_path.lt(end));
    }
    if let Some(status) = filter.status {
        query = query.filter(products::status.eq(status.as_str()));
    }
    if filter.exclude_discontinued {
        query = query.filter(products::status.ne("discontinued"));
    }
    if let Some(featured) = filter.is_featured {
        query = query.filter(products::is_featured.eq(featured));
    }
    if let Some(min) = filter.min_price {
        query = query.filter(products::price.ge(min));
    }
    if let Some(max) = filter.max_price {
        query = query.filter(products::price.le(max));
    }
    match filter.in_stock {
        Some(true) => query = query.filter(products::stock_quantity.gt(0)),
        Some(false) => query = query.filter(products::stock_quantity.eq(0)),
        None => {}
    }
    if let Some(below) = filter.stock_below {
        query = query.filter(products::stock_quantity.lt(below));
    }
    if !filter.search_terms.is_empty() {
        query = query.filter(matches_every_term(
            &["products.name", "products.description", "products.sku"],
            &filter.search_terms,
        ));
    }
    query
}

fn ordered_products<'a>(
    mut query: BoxedProducts<'a>,
    ordering: &[(ProductSort, SortDirection)],
) -> BoxedProducts<'a> {
    use SortDirection::{Ascending, Descending};
    let default = [(ProductSort::CreatedAt, Descending)];
    let ordering = if ordering.is_empty() {
        &default[..]
    } else {
        ordering
    };
    for (field, direction) in ordering {
        query = match (field, direction) {
            (ProductSort::Name, Ascending) => query.then_order_by(lower_text(products::name).asc()),
            (ProductSort::Name, Descending) => {
                query.then_order_by(lower_text(products::name).desc())
            }
            (ProductSort::Price, Ascending) => query.then_order_by(products::price.asc()),
            (ProductSort::Price, Descending) => query.then_order_by(products::price.desc()),
            (ProductSort::CreatedAt, Ascending) => query.then_order_by(products::created_at.asc()),
            (ProductSort::CreatedAt, Descending) => {
                query.then_order_by(products::created_at.desc())
            }
            (ProductSort::StockQuantity, Ascending) => {
                query.then_order_by(products::stock_quantity.asc())
            }
            (ProductSort::StockQuantity, Descending) => {
                query.then_order_by(products::stock_quantity.desc())
            }
        };
    }
    query.then_order_by(products::id.asc())
}

fn with_product_details(
    query: BoxedProductsWithCategory<'_>,
) -> impl diesel::query_dsl::LoadQuery<'_, PgConnection, (ProductRow, String, Vec<String>)> + '_ {
    query.select((
        ProductRow::as_select(),
        categories::name,
        sql::<Array<Text>>(PATH_NAMES),
    ))
}

#[derive(QueryableByName)]
struct StatsRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = Nullable<Numeric>)]
    total: Option<Decimal>,
    #[diesel(sql_type = Nullable<Numeric>)]
    low: Option<Decimal>,
    #[diesel(sql_type = Nullable<Numeric>)]
    high: Option<Decimal>,
}

impl StatsRow {
    fn stats(&self) -> PriceStats {
        match (self.total, u64::try_from(self.n).unwrap_or_default()) {
            (Some(total), count) if count > 0 => PriceStats {
                count,
                average: Some(PriceStats::round(total / Decimal::from(count))),
                min: self.low,
                max: self.high,
            },
            _ => PriceStats::EMPTY,
        }
    }
}

impl CatalogueQueries for PgCatalogueQueries {
    fn categories(
        &self,
        filter: &CategoryFilter,
        page: PageRequest,
    ) -> Result<Page<CategoryDetails>, RepositoryError> {
        let mut query = filtered_categories(filter);
        use SortDirection::{Ascending, Descending};
        let default = [(CategorySort::Name, Ascending)];
        let ordering = if filter.ordering.is_empty() {
            &default[..]
        } else {
            &filter.ordering[..]
        };
        for (field, direction) in ordering {
            query = match (field, direction) {
                (CategorySort::Name, Ascending) => {
                    query.then_order_by(lower_text(categories::name).asc())
                }
                (CategorySort::Name, Descending) => {
                    query.then_order_by(lower_text(categories::name).desc())
                }
                (CategorySort::CreatedAt, Ascending) => {
                    query.then_order_by(categories::created_at.asc())
                }
                (CategorySort::CreatedAt, Descending) => {
                    query.then_order_by(categories::created_at.desc())
                }
            };
        }
        let (offset, limit) = page_bounds(page);
        let page_query = with_category_details(
            query
                .then_order_by(categories::id.asc())
                .offset(offset)
                .limit(limit),
        );
        let (total, rows): (i64, Vec<_>) = read_listing(&self.pool, |connection| {
            let total = filtered_categories(filter).count().get_result(connection)?;
            Ok((total, page_query.load(connection)?))
        })?;
        Ok(Page {
            items: rows.into_iter().map(details).collect::<Result<_, _>>()?,
            total: u64::try_from(total).unwrap_or_default(),
            request: page,
        })
    }

    fn category(&self, id: CategoryId) -> Result<Option<CategoryDetails>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        with_category_details(
            categories::table
                .filter(categories::id.eq(id.0))
                .into_boxed(),
        )
        .load(&mut connection)
        .map_err(storage_error)?
        .into_iter()
        .next()
        .map(details)
        .transpose()
    }

    fn category_by_id(&self, id: CategoryId) -> Result<Option<Category>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        categories::table
            .find(id.0)
            .select(CategoryRow::as_select())
            .first(&mut connection)
            .optional()
            .map_err(storage_error)?
            .map(Category::try_from)
            .transpose()
    }

    fn category_by_slug(&self, slug: &str) -> Result<Option<Category>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        categories::table
            .filter(categories::slug.eq(slug))
            .select(CategoryRow::as_select())
            .first(&mut connection)
            .optional()
            .map_err(storage_error)?
            .map(Category::try_from)
            .transpose()
    }

    fn tree(&self) -> Result<Vec<TreeEntry>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        let rows = categories::table
            .left_join(category_price_stats::table)
            .select((
                CategoryRow::as_select(),
                category_price_stats::product_count.nullable(),
                category_price_stats::price_sum.nullable(),
                category_price_stats::min_price.nullable(),
                category_price_stats::max_price.nullable(),
            ))
            .load::<(
                CategoryRow,
                Option<i64>,
                Option<Decimal>,
                Option<Decimal>,
                Option<Decimal>,
            )>(&mut connection)
            .map_err(storage_error)?;
        rows.into_iter()
            .map(|(row, count, sum, min, max)| {
                Ok(TreeEntry {
                    category: Category::try_from(row)?,
                    direct: PriceTotals {
                        count: count
                            .and_then(|c| u64::try_from(c).ok())
                            .unwrap_or_default(),
                        sum: sum.unwrap_or_default(),
                        min,
                        max,
                    },
                })
            })
            .collect()
    }

    fn price_stats(&self, path: &CategoryPath) -> Result<PriceStats, RepositoryError> {
        let (start, end) = subtree_range(path);
        // One row per category of the subtree, kept up to date by a trigger: no scan of the products.
        let query = diesel::sql_query(
            "SELECT coalesce(sum(s.product_count), 0)::bigint AS n, sum(s.price_sum) AS total, \
                    min(s.min_price) AS low, max(s.max_price) AS high \
             FROM category_price_stats s JOIN categories c ON c.id = s.category_id \
             WHERE c.path >= $1 AND c.path < $2",
        )
        .bind::<Text, _>(start)
        .bind::<Text, _>(end);
        let row: StatsRow = read_listing(&self.pool, |connection| query.get_result(connection))?;
        Ok(row.stats())
    }

    fn products(
        &self,
        filter: &ProductFilter,
        page: PageRequest,
    ) -> Result<Page<ProductDetails>, RepositoryError> {
        let (offset, limit) = page_bounds(page);
        let per_run = plans_follow_values(filter);
        let (total, rows, categories) = read_statements(&self.pool, |connection| {
            let page_query = ordered_products(filtered_products(filter), &filter.ordering)
                .offset(offset)
                .limit(limit)
                .select(ProductRow::as_select());
            let rows: Vec<ProductRow> = if per_run {
                planned_per_run(page_query).load(connection)?
            } else {
                page_query.load(connection)?
            };
            let total = match total_shown_by_page(offset, limit, rows.len()) {
                Some(total) => total,
                None => self.counts.total(connection, filter, per_run)?,
            };
            let categories = path_categories(connection, rows.iter().map(|row| row.category_id))?;
            Ok((total, rows, categories))
        })?;
        Ok(Page {
            items: rows
                .into_iter()
                .map(|row| {
                    let (category_name, category_path_names) = categories.of(row.category_id)?;
                    Ok(ProductDetails {
                        product: Product::try_from(row)?,
                        category_name,
                        category_path_names,
                    })
                })
                .collect::<Result<_, RepositoryError>>()?,
            total: u64::try_from(total).unwrap_or_default(),
            request: page,
        })
    }

    fn product(&self, id: ProductId) -> Result<Option<ProductDetails>, RepositoryError> {
        let mut connection = connection(&self.pool)?;
        with_product_details(
            products::table
                .inner_join(categories::table)
                .filter(products::id.eq(id.0))
                .into_boxed(),
        )
        .load(&mut connection)
        .map_err(storage_error)?
        .into_iter()
        .next()
        .map(product_details)
        .transpose()
    }
}
