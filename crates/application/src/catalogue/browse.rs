//! Reading the catalogue.

use std::sync::Arc;

use crate::validation::{FieldErrors, FieldProblem};
use orderflow_domain::catalogue::{Category, CategoryId, PriceStats, ProductId};

use super::{BrowseCatalogueError, CatalogueTree, TreeNode};
use crate::listing::{Page, PageRequest};
use crate::ports::{
    CatalogueQueries, CategoryDetails, CategoryFilter, ProductDetails, ProductFilter,
};

/// A category and the price statistics of the active products in its subtree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryPriceStats {
    pub category: Category,
    pub stats: PriceStats,
}

pub struct BrowseCatalogue {
    queries: Arc<dyn CatalogueQueries>,
}

impl BrowseCatalogue {
    pub fn new(queries: Arc<dyn CatalogueQueries>) -> Self {
        Self { queries }
    }

    pub fn categories(
        &self,
        filter: &CategoryFilter,
        page: PageRequest,
    ) -> Result<Page<CategoryDetails>, BrowseCatalogueError> {
        Ok(self.queries.categories(filter, page)?.in_range()?)
    }

    pub fn category(&self, id: CategoryId) -> Result<CategoryDetails, BrowseCatalogueError> {
        self.queries
            .category(id)?
            .ok_or(BrowseCatalogueError::NotFound)
    }

    /// The active categories as a tree (one query, whatever its depth).
    pub fn tree(&self) -> Result<Vec<TreeNode>, BrowseCatalogueError> {
        Ok(CatalogueTree::new(self.queries.tree()?).forest())
    }

    pub fn average_price(
        &self,
        id: CategoryId,
    ) -> Result<CategoryPriceStats, BrowseCatalogueError> {
        let category = self
            .queries
            .category_by_id(id)?
            .ok_or(BrowseCatalogueError::NotFound)?;
        self.stats_of(category)
    }

    pub fn average_price_by_slug(
        &self,
        slug: Option<&str>,
    ) -> Result<CategoryPriceStats, BrowseCatalogueError> {
        let slug = slug.map(str::trim).filter(|s| !s.is_empty());
        let slug = slug.ok_or_else(|| {
            BrowseCatalogueError::Invalid(FieldErrors::single("slug", FieldProblem::Required))
        })?;
        let category = self
            .queries
            .category_by_slug(slug)?
            .ok_or(BrowseCatalogueError::NotFound)?;
        self.stats_of(category)
    }

    fn stats_of(&self, category: Category) -> Result<CategoryPriceStats, BrowseCatalogueError> {
        let stats = self.queries.price_stats(&category.path)?;
        Ok(CategoryPriceStats { category, stats })
    }

    /// Every active category with an active product in its subtree, ordered by full path (one query).
    pub fn average_price_per_category(
        &self,
    ) -> Result<Vec<(CategoryDetails, PriceStats)>, BrowseCatalogueError> {
        Ok(CatalogueTree::new(self.queries.tree()?).per_category())
    }

    /// Products matching `filter`; `within` (a category id) widens to that category's whole subtree.
    pub fn products(
        &self,
        within: Option<CategoryId>,
        mut filter: ProductFilter,
        page: PageRequest,
    ) -> Result<Page<ProductDetails>, BrowseCatalogueError> {
        if let Some(id) = within {
            let category = self.queries.category_by_id(id)?.ok_or_else(|| {
                BrowseCatalogueError::Invalid(FieldErrors::single(
                    "category",
                    FieldProblem::UnknownChoice,
                ))
            })?;
            filter.within = Some(category.path);
        }
        Ok(self.queries.products(&filter, page)?.in_range()?)
    }

    pub fn product(&self, id: ProductId) -> Result<ProductDetails, BrowseCatalogueError> {
        self.queries
            .product(id)?
            .ok_or(BrowseCatalogueError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::MockCatalogueQueries;
    use crate::test_support::category_at;
    use mockall::predicate::eq;
    use orderflow_domain::catalogue::CategoryPath;

    #[test]
    fn the_category_filter_covers_the_whole_subtree() {
        let mut queries = MockCatalogueQueries::new();
        let phones = category_at(5, &[1], "Phones");
        let expected_path = phones.path.clone();
        queries
            .expect_category_by_id()
            .with(eq(CategoryId(5)))
            .returning(move |_| Ok(Some(phones.clone())));
        queries
            .expect_products()
            .withf(move |filter, _| filter.within.as_ref() == Some(&expected_path))
            .returning(|_, request| {
                Ok(Page {
                    items: vec![],
                    total: 0,
                    request,
                })
            });
        BrowseCatalogue::new(Arc::new(queries))
            .products(
                Some(CategoryId(5)),
                ProductFilter::default(),
                PageRequest::default(),
            )
            .unwrap();
    }

    #[test]
    fn an_unknown_category_filter_is_a_validation_error() {
        let mut queries = MockCatalogueQueries::new();
        queries.expect_category_by_id().returning(|_| Ok(None));
        queries.expect_products().never();
        let result = BrowseCatalogue::new(Arc::new(queries)).products(
            Some(CategoryId(9)),
            ProductFilter::default(),
            PageRequest::default(),
        );
        let Err(BrowseCatalogueError::Invalid(errors)) = result else {
            panic!("expected a validation error")
        };
        assert!(errors.has("category"));
    }

    #[test]
    fn average_price_by_slug_needs_a_slug_and_a_known_category() {
        let mut queries = MockCatalogueQueries::new();
        queries.expect_category_by_slug().returning(|_| Ok(None));
        let browse = BrowseCatalogue::new(Arc::new(queries));
        assert!(matches!(
            browse.average_price_by_slug(None),
            Err(BrowseCatalogueError::Invalid(_))
        ));
        assert!(matches!(
            browse.average_price_by_slug(Some("  ")),
            Err(BrowseCatalogueError::Invalid(_))
        ));
        assert!(matches!(
            browse.average_price_by_slug(Some("ghost")),
            Err(BrowseCatalogueError::NotFound)
        ));
    }

    #[test]
    fn average_price_asks_for_the_subtree_of_the_category() {
        let mut queries = MockCatalogueQueries::new();
        let bakery = category_at(2, &[1], "Bakery");
        let path: CategoryPath = bakery.path.clone();
        queries
            .expect_category_by_slug()
            .returning(move |_| Ok(Some(bakery.clone())));
        queries
            .expect_price_stats()
            .with(eq(path))
            .returning(|_| Ok(PriceStats::EMPTY));
        let result = BrowseCatalogue::new(Arc::new(queries))
            .average_price_by_slug(Some("bakery"))
            .unwrap();
        assert_eq!(result.stats.count, 0);
        assert_eq!(result.category.name, "Bakery");
    }
}
