//! The catalogue: a category tree of any depth, and the products in it.

mod category;
mod image;
mod path;
mod price;
mod product;
mod slug;
mod stats;

pub use category::{category_description, Category, CategoryId, CategoryName, MoveError};
pub use image::{ImageFormat, MAX_IMAGE_BYTES};
pub use path::{CategoryPath, PathError, TooDeep};
pub use price::{Price, PriceError};
pub use product::{
    product_description, Product, ProductId, ProductName, ProductStatus, Sku, SkuError, StockError,
    StockQuantity, Supply, UnknownStatus,
};
pub use slug::{next_free_slug, slugify};
pub use stats::{PriceStats, PriceTotals};
