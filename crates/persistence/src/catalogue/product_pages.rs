//! What a page of products needs besides its rows, at a cost that does not grow with the catalogue: how its
//! statements are planned, its total, and the names along each row's category path.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};
use orderflow_application::ports::ProductFilter;
use orderflow_domain::catalogue::{CategoryPath, ProductStatus};

use super::queries::filtered_products;
use super::subtree_range;
use crate::error::corrupt_row;
use crate::sql::{planned_per_run, prepared};
use crate::RepositoryError;

/// Whether the page's statements are planned for their values on every run instead of kept prepared.
///
/// Ranges swing: a subtree may hold one category or all of them, a price band or a stock bound 1% or 90% of the
/// products, and a search matches anything from none to all; their best plans differ by orders of magnitude.
/// Orderings of two or more fields are few in use but many in number (hundreds of combinations): kept prepared,
/// a client could leave thousands of statements on every pooled connection. What remains (status, featured, one
/// ordering field) is a few dozen shapes whose plans do not depend on the values, and the plan cache serves them.
pub(crate) fn plans_follow_values(filter: &ProductFilter) -> bool {
    filter.within.is_some()
        || filter.min_price.is_some()
        || filter.max_price.is_some()
        || filter.in_stock.is_some()
        || filter.stock_below.is_some()
        || !filter.search_terms.is_empty()
        || filter.ordering.len() > 1
}

/// The total a page shows by itself: a page shorter than asked for, not past the end, ends the list.
pub(crate) fn total_shown_by_page(offset: i64, limit: i64, rows: usize) -> Option<i64> {
    let rows = i64::try_from(rows).ok()?;
    (rows < limit && (rows > 0 || offset == 0)).then(|| offset.saturating_add(rows))
}

/// The number of products the filter matches.
///
/// The active products of the whole catalogue or of one subtree are added up from `category_price_stats` (kept by
/// a trigger in the same transaction as every change of a product's status or category): one row per category
/// instead of one per product. Any other filter counts the matching products.
pub(crate) fn count_products(
    connection: &mut PgConnection,
    filter: &ProductFilter,
    per_run: bool,
) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Total {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    if !only_active_by_category(filter) {
        let count = filtered_products(filter).count();
        return if per_run {
            planned_per_run(count).get_result(connection)
        } else {
            count.get_result(connection)
        };
    }
    let total: Total = match &filter.within {
        Some(path) => {
            let (start, end) = subtree_range(path);
            prepared(
                diesel::sql_query(
                    "SELECT coalesce(sum(s.product_count), 0)::bigint AS n \
                     FROM categories c JOIN category_price_stats s ON s.category_id = c.id \
                     WHERE c.path >= $1 AND c.path < $2",
                )
                .bind::<Text, _>(start)
                .bind::<Text, _>(end),
            )
            .get_result(connection)?
        }
        None => prepared(diesel::sql_query(
            "SELECT coalesce(sum(product_count), 0)::bigint AS n FROM category_price_stats",
        ))
        .get_result(connection)?,
    };
    Ok(total.n)
}

/// Whether the filter asks for nothing but the active products, of a subtree or of all: what the statistics count.
pub(super) fn only_active_by_category(filter: &ProductFilter) -> bool {
    let ProductFilter {
        within: _,
        status,
        exclude_discontinued: _,
        is_featured,
        min_price,
        max_price,
        in_stock,
        stock_below,
        search_terms,
        ordering: _,
    } = filter;
    *status == Some(ProductStatus::Active)
        && is_featured.is_none()
        && min_price.is_none()
        && max_price.is_none()
        && in_stock.is_none()
        && stock_below.is_none()
        && search_terms.is_empty()
}

/// The categories of a page's rows and every category on their paths, loaded together.
pub(crate) struct PathCategories(HashMap<i64, (String, String)>);

/// One prepared query for the categories of the given rows and of every category above them (a page's rows
/// share most of them), instead of a join on the page and a sub-query per row.
pub(crate) fn path_categories(
    connection: &mut PgConnection,
    category_ids: impl Iterator<Item = i64>,
) -> QueryResult<PathCategories> {
    #[derive(QueryableByName)]
    struct CategoryRow {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        path: String,
    }
    let mut ids: Vec<i64> = category_ids.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(PathCategories(HashMap::new()));
    }
    let rows: Vec<CategoryRow> = prepared(
        diesel::sql_query(
            "SELECT a.id, a.name, a.path \
             FROM (SELECT DISTINCT unnest(string_to_array(trim(both '/' from c.path), '/')::bigint[]) AS id \
                   FROM categories c WHERE c.id = ANY($1)) on_paths \
             JOIN categories a ON a.id = on_paths.id",
        )
        .bind::<Array<BigInt>, _>(ids),
    )
    .load(connection)?;
    Ok(PathCategories(
        rows.into_iter()
            .map(|row| (row.id, (row.name, row.path)))
            .collect(),
    ))
}

impl PathCategories {
    /// The name of a row's category and the names along its path, root first.
    pub(crate) fn of(&self, category_id: i64) -> Result<(String, Vec<String>), RepositoryError> {
        let (name, path) = self.get(category_id)?;
        let path = CategoryPath::decode(path).map_err(|e| corrupt_row("category path", e))?;
        let names = path
            .ids()
            .iter()
            .map(|id| self.get(id.0).map(|(name, _)| name.clone()))
            .collect::<Result<_, _>>()?;
        Ok((name.clone(), names))
    }

    fn get(&self, id: i64) -> Result<&(String, String), RepositoryError> {
        // A category cannot be deleted while it holds products or children, so a missing one is almost always a
        // damaged row. The rows and their categories are read by statements of their own, though: a product
        // moved away and its old category deleted between the two also lands here, and that one page fails.
        self.0
            .get(&id)
            .ok_or_else(|| corrupt_row("category path", format!("no category {id} on the path")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_page_shows_the_total_unless_it_lies_past_the_end() {
        assert_eq!(total_shown_by_page(0, 20, 0), Some(0));
        assert_eq!(total_shown_by_page(0, 20, 7), Some(7));
        assert_eq!(total_shown_by_page(40, 20, 3), Some(43));
        assert_eq!(
            total_shown_by_page(0, 20, 20),
            None,
            "a full page may have more after it"
        );
        assert_eq!(
            total_shown_by_page(40, 20, 0),
            None,
            "past the end, or exactly at it"
        );
    }

    #[test]
    fn only_the_shapes_whose_plans_do_not_swing_stay_prepared() {
        use orderflow_application::listing::SortDirection;
        use orderflow_application::ports::ProductSort;
        let mut filter = ProductFilter {
            status: Some(ProductStatus::Active),
            is_featured: Some(true),
            ordering: vec![(ProductSort::Price, SortDirection::Descending)],
            ..ProductFilter::default()
        };
        assert!(!plans_follow_values(&filter));
        filter
            .ordering
            .push((ProductSort::Name, SortDirection::Ascending));
        assert!(plans_follow_values(&filter), "two ordering fields");
        for swinging in [
            ProductFilter {
                within: Some(CategoryPath::root(orderflow_domain::catalogue::CategoryId(
                    1,
                ))),
                ..ProductFilter::default()
            },
            ProductFilter {
                min_price: Some(rust_decimal::Decimal::ONE),
                ..ProductFilter::default()
            },
            ProductFilter {
                in_stock: Some(true),
                ..ProductFilter::default()
            },
            ProductFilter {
                search_terms: vec!["lamp".into()],
                ..ProductFilter::default()
            },
        ] {
            assert!(plans_follow_values(&swinging), "{swinging:?}");
        }
    }

    #[test]
    fn the_statistics_count_only_active_products_by_category() {
        let active = ProductFilter {
            status: Some(ProductStatus::Active),
            within: Some(CategoryPath::root(orderflow_domain::catalogue::CategoryId(
                1,
            ))),
            ..ProductFilter::default()
        };
        assert!(only_active_by_category(&active));
        assert!(
            !only_active_by_category(&ProductFilter::default()),
            "every status"
        );
        assert!(!only_active_by_category(&ProductFilter {
            in_stock: Some(true),
            ..active.clone()
        }));
        assert!(!only_active_by_category(&ProductFilter {
            is_featured: Some(false),
            ..active
        }));
    }
}
