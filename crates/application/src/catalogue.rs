//! Use cases of the catalogue: the category tree, products, images and bulk import.

mod browse;
mod categories;
mod errors;
mod import;
mod products;
mod retry;
mod tree;

pub use browse::{BrowseCatalogue, CategoryPriceStats};
pub use categories::{CategoryInput, ManageCategories};
pub use errors::{
    BrowseCatalogueError, ImportProductsError, ManageCategoryError, ManageProductError,
};
pub use import::{ImportOutcome, ImportProducts, ImportRow, MAX_ROWS};
pub use products::{ManageProducts, NewImage, ProductInput};
pub use tree::{CatalogueTree, TreeNode};
