//! The totals of filtered product listings, counted once per catalogue version and reused until it moves.
//!
//! Counting a filter over a large subtree visits every product it matches (about 15 ms for 46,000 at 100,000
//! products); the page itself reads twenty. Shops list the same few filters over and over while the catalogue
//! changes rarely, so each instance keeps the totals it counted with the catalogue version they were counted at
//! (`catalogue_version`: moved in the same transaction as any change that can alter a filter's total; see its
//! migration). A total is reused only while the version read for the request is the one it was counted at, so it
//! is the total counting again would give; several instances over one database each check the same version.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use orderflow_application::ports::ProductFilter;
use orderflow_domain::catalogue::ProductStatus;
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use rust_decimal::Decimal;

use super::product_pages::{count_products, only_active_by_category};
use crate::sql::prepared;

/// About how many filters are remembered per instance: plain ones weigh a few dozen bytes.
const REMEMBERED_FILTERS: usize = 4_096;
/// The bytes the remembered filters may hold in all, whatever their search words (ten words of a hundred
/// characters make a key of up to 4 KiB): a client sending ever new filters only evicts others.
const REMEMBERED_BYTES: u64 = 1 << 20;

/// The filters' totals, per instance.
pub(crate) struct ProductCounts {
    totals: Cache<CountKey, Counted, KeyBytes>,
}

/// A remembered total weighs what its key and value hold.
#[derive(Clone)]
struct KeyBytes;

impl Weighter<CountKey, Counted> for KeyBytes {
    fn weight(&self, key: &CountKey, _: &Counted) -> u64 {
        let text = key.within.as_ref().map_or(0, String::len)
            + key.search_terms.iter().map(String::len).sum::<usize>();
        let bytes = std::mem::size_of::<CountKey>() + std::mem::size_of::<Counted>() + text;
        u64::try_from(bytes).unwrap_or(u64::MAX)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Counted {
    version: i64,
    total: i64,
}

/// What a filter's total depends on: its ordering does not change the total.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CountKey {
    within: Option<String>,
    status: Option<ProductStatus>,
    exclude_discontinued: bool,
    is_featured: Option<bool>,
    min_price: Option<Decimal>,
    max_price: Option<Decimal>,
    in_stock: Option<bool>,
    search_terms: Vec<String>,
}

impl CountKey {
    /// `None` for the filters not worth keeping or not safe to keep: those counted from the per-category
    /// statistics (one row per category, as cheap as reading the version), and a stock bound (`stock_below`),
    /// whose total any sale can change without moving the version.
    fn of(filter: &ProductFilter) -> Option<Self> {
        if only_active_by_category(filter) {
            return None;
        }
        // Every field named, so that a new filter fails to compile here: its total may be kept only if a change of
        // the column it reads moves the version (the `WHEN` of `products_changed_move_catalogue_version`).
        let ProductFilter {
            within,
            status,
            exclude_discontinued,
            is_featured,
            min_price,
            max_price,
            in_stock,
            stock_below,
            search_terms,
            ordering: _,
        } = filter;
        if stock_below.is_some() {
            return None;
        }
        Some(Self {
            within: within.as_ref().map(|path| path.encode()),
            status: *status,
            exclude_discontinued: *exclude_discontinued,
            is_featured: *is_featured,
            // 100 and 100.00 are one price band.
            min_price: min_price.map(|price| price.normalize()),
            max_price: max_price.map(|price| price.normalize()),
            in_stock: *in_stock,
            search_terms: search_terms.clone(),
        })
    }
}

impl Default for ProductCounts {
    fn default() -> Self {
        Self {
            totals: Cache::with_weighter(REMEMBERED_FILTERS, REMEMBERED_BYTES, KeyBytes),
        }
    }
}

impl ProductCounts {
    /// The number of products the filter matches: reused if counted at the current catalogue version, else counted
    /// (and kept if the version did not move while counting).
    pub(crate) fn total(
        &self,
        connection: &mut PgConnection,
        filter: &ProductFilter,
        per_run: bool,
    ) -> QueryResult<i64> {
        let Some(key) = CountKey::of(filter) else {
            return count_products(connection, filter, per_run);
        };
        let version = catalogue_version(connection)?;
        if let Some(counted) = self.totals.get(&key) {
            if counted.version == version {
                return Ok(counted.total);
            }
        }
        let total = count_products(connection, filter, per_run)?;
        // The count ran in a snapshot of its own: kept only if no change committed between the two reads of the
        // version, so that it belongs to this version (else it is this request's total and nothing more).
        if catalogue_version(connection)? == version {
            self.totals.insert(key, Counted { version, total });
        }
        Ok(total)
    }
}

fn catalogue_version(connection: &mut PgConnection) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Version {
        #[diesel(sql_type = BigInt)]
        version: i64,
    }
    let row: Version = prepared(diesel::sql_query("SELECT version FROM catalogue_version"))
        .get_result(connection)?;
    Ok(row.version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderflow_application::listing::SortDirection;
    use orderflow_application::ports::ProductSort;
    use orderflow_domain::catalogue::{CategoryId, CategoryPath};

    fn band() -> ProductFilter {
        ProductFilter {
            within: Some(CategoryPath::root(CategoryId(2))),
            min_price: Some(Decimal::new(100, 0)),
            max_price: Some(Decimal::new(800, 0)),
            in_stock: Some(true),
            ..ProductFilter::default()
        }
    }

    #[test]
    fn the_ordering_and_the_scale_of_a_price_do_not_make_another_total() {
        let mut other = band();
        other.ordering = vec![(ProductSort::Price, SortDirection::Descending)];
        other.min_price = Some(Decimal::new(10_000, 2));
        assert_eq!(CountKey::of(&band()), CountKey::of(&other));
    }

    #[test]
    fn every_field_that_changes_the_total_changes_the_key() {
        let base = CountKey::of(&band());
        let others = [
            ProductFilter {
                within: Some(CategoryPath::root(CategoryId(3))),
                ..band()
            },
            ProductFilter {
                status: Some(ProductStatus::Active),
                ..band()
            },
            ProductFilter {
                exclude_discontinued: true,
                ..band()
            },
            ProductFilter {
                is_featured: Some(true),
                ..band()
            },
            ProductFilter {
                min_price: Some(Decimal::new(101, 0)),
                ..band()
            },
            ProductFilter {
                max_price: None,
                ..band()
            },
            ProductFilter {
                in_stock: Some(false),
                ..band()
            },
            ProductFilter {
                search_terms: vec!["lamp".into()],
                ..band()
            },
        ];
        for other in others {
            assert_ne!(CountKey::of(&other), base, "{other:?}");
        }
    }

    #[test]
    fn a_stock_bound_and_what_the_statistics_count_are_always_counted() {
        assert_eq!(
            CountKey::of(&ProductFilter {
                stock_below: Some(5),
                ..band()
            }),
            None
        );
        let active_subtree = ProductFilter {
            within: Some(CategoryPath::root(CategoryId(2))),
            status: Some(ProductStatus::Active),
            ..ProductFilter::default()
        };
        assert_eq!(CountKey::of(&active_subtree), None);
    }

    #[test]
    fn filters_with_long_searches_are_remembered_within_the_byte_bound() {
        let counts = ProductCounts::default();
        for n in 0..2_000 {
            let filter = ProductFilter {
                search_terms: (0..10).map(|word| format!("{n:>50}{word:>50}")).collect(),
                ..band()
            };
            let key = CountKey::of(&filter).unwrap();
            counts.totals.insert(
                key,
                Counted {
                    version: 1,
                    total: n,
                },
            );
        }
        assert!(
            counts.totals.weight() <= REMEMBERED_BYTES,
            "{}",
            counts.totals.weight()
        );
        assert!(counts.totals.len() < 2_000, "older filters were let go");
        let plain = ProductCounts::default();
        for n in 0..2_000 {
            let filter = ProductFilter {
                min_price: Some(Decimal::from(n)),
                ..band()
            };
            plain.totals.insert(
                CountKey::of(&filter).unwrap(),
                Counted {
                    version: 1,
                    total: n,
                },
            );
        }
        assert_eq!(plain.totals.len(), 2_000, "plain filters all fit");
    }
}
