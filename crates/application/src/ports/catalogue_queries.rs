//! Reading the catalogue: lists, trees and price statistics, each answered by a fixed number of queries.

use orderflow_domain::catalogue::{
    Category, CategoryId, CategoryPath, PriceStats, PriceTotals, Product, ProductId, ProductStatus,
};
use rust_decimal::Decimal;

use super::RepositoryError;
use crate::listing::{Page, PageRequest, SortDirection};

/// A category with what its JSON shows about its neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryDetails {
    pub category: Category,
    pub parent_name: Option<String>,
    /// Direct children, active or not.
    pub children_count: u64,
    /// The names from the root down to this category.
    pub path_names: Vec<String>,
}

/// A product with its category's name and the names of the category's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDetails {
    pub product: Product,
    pub category_name: String,
    pub category_path_names: Vec<String>,
}

/// One category (active or not) with the price totals of the active products directly in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    pub category: Category,
    pub direct: PriceTotals,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategorySort {
    Name,
    CreatedAt,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CategoryFilter {
    /// `Some(None)`: roots only.
    pub parent: Option<Option<CategoryId>>,
    /// Defaults to active categories only.
    pub is_active: Option<bool>,
    /// Terms that must each appear in the name or description.
    pub search_terms: Vec<String>,
    pub ordering: Vec<(CategorySort, SortDirection)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductSort {
    Name,
    Price,
    CreatedAt,
    StockQuantity,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProductFilter {
    /// Products of this category and of every category below it.
    pub within: Option<CategoryPath>,
    /// `None`: every status.
    pub status: Option<ProductStatus>,
    /// Leaves out discontinued products.
    pub exclude_discontinued: bool,
    pub is_featured: Option<bool>,
    pub min_price: Option<Decimal>,
    pub max_price: Option<Decimal>,
    pub in_stock: Option<bool>,
    /// Only products with fewer units than this.
    pub stock_below: Option<i32>,
    /// Terms that must each appear in the name, description or SKU.
    pub search_terms: Vec<String>,
    pub ordering: Vec<(ProductSort, SortDirection)>,
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait CatalogueQueries: Send + Sync {
    fn categories(
        &self,
        filter: &CategoryFilter,
        page: PageRequest,
    ) -> Result<Page<CategoryDetails>, RepositoryError>;

    fn category(&self, id: CategoryId) -> Result<Option<CategoryDetails>, RepositoryError>;

    /// The category alone, without the details a page shows: one indexed look-up.
    fn category_by_id(&self, id: CategoryId) -> Result<Option<Category>, RepositoryError>;

    fn category_by_slug(&self, slug: &str) -> Result<Option<Category>, RepositoryError>;

    /// Every category, active or not, with the totals of its own active products (one query).
    fn tree(&self) -> Result<Vec<TreeEntry>, RepositoryError>;

    /// Statistics over the active products of the category at `path` and all its descendants.
    fn price_stats(&self, path: &CategoryPath) -> Result<PriceStats, RepositoryError>;

    fn products(
        &self,
        filter: &ProductFilter,
        page: PageRequest,
    ) -> Result<Page<ProductDetails>, RepositoryError>;

    fn product(&self, id: ProductId) -> Result<Option<ProductDetails>, RepositoryError>;
}
