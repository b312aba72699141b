//! The catalogue as seen from inside a transaction.

use orderflow_domain::catalogue::{Category, CategoryId, CategoryPath, Product, ProductId, Sku};

use super::RepositoryError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CategoryWriteError {
    /// Another category has this name (in any letter case).
    #[error("category name taken")]
    DuplicateName,
    #[error("category slug taken")]
    DuplicateSlug,
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProductWriteError {
    #[error("SKU taken")]
    DuplicateSku,
    #[error("product slug taken")]
    DuplicateSlug,
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeleteError {
    /// Other rows still refer to it (children, products, order lines).
    #[error("still referenced")]
    InUse,
    #[error(transparent)]
    Storage(#[from] RepositoryError),
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait CategoryStore {
    /// Serialises changes to the shape of the tree (creating, moving) until the transaction ends, so that no two
    /// of them compute paths from each other's stale state.
    fn lock_tree(&mut self) -> Result<(), RepositoryError>;

    fn find(&mut self, id: CategoryId) -> Result<Option<Category>, RepositoryError>;

    /// Looks a name up case-insensitively.
    fn find_by_name(&mut self, name: &str) -> Result<Option<Category>, RepositoryError>;

    /// Reserves the id of a category about to be inserted (its path ends with it).
    fn next_id(&mut self) -> Result<CategoryId, RepositoryError>;

    /// Slugs equal to `base` or of the form `base-N`.
    fn slugs_like(&mut self, base: &str) -> Result<Vec<String>, RepositoryError>;

    fn insert(&mut self, category: &Category) -> Result<(), CategoryWriteError>;

    /// Saves name, slug, description, image, activity and parent (not the path: see `move_subtree`).
    fn update(&mut self, category: &Category) -> Result<(), CategoryWriteError>;

    /// How many levels the subtree of the category at `path` reaches below it (0 for a leaf).
    fn subtree_height(&mut self, path: &CategoryPath) -> Result<usize, RepositoryError>;

    /// Rewrites the path and level of the category at `from` and of every category below it, to start at `to`.
    fn move_subtree(
        &mut self,
        from: &CategoryPath,
        to: &CategoryPath,
    ) -> Result<(), RepositoryError>;

    fn has_children(&mut self, id: CategoryId) -> Result<bool, RepositoryError>;

    fn has_products(&mut self, id: CategoryId) -> Result<bool, RepositoryError>;

    fn delete(&mut self, id: CategoryId) -> Result<(), DeleteError>;
}

#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait ProductStore {
    fn find(&mut self, id: ProductId) -> Result<Option<Product>, RepositoryError>;

    fn find_by_sku(&mut self, sku: &Sku) -> Result<Option<Product>, RepositoryError>;

    /// Slugs equal to `base` or of the form `base-N`.
    fn slugs_like(&mut self, base: &str) -> Result<Vec<String>, RepositoryError>;

    fn insert(&mut self, product: &Product) -> Result<(), ProductWriteError>;

    fn update(&mut self, product: &Product) -> Result<(), ProductWriteError>;

    fn delete(&mut self, id: ProductId) -> Result<(), DeleteError>;

    /// The products with these ids that exist, read without locking them.
    fn find_all(&mut self, ids: &[ProductId]) -> Result<Vec<Product>, RepositoryError>;

    /// Puts `quantity` units back, unless that would take the stock past [`StockQuantity::MAX`] (`false`, and
    /// nothing changes).
    ///
    /// [`StockQuantity::MAX`]: orderflow_domain::catalogue::StockQuantity::MAX
    fn return_stock(&mut self, id: ProductId, quantity: i64) -> Result<bool, RepositoryError>;
}
