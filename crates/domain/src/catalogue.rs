//! The catalogue: a category tree of any depth, and the products in it.

mod category;
mod image;
mod path;
mod price;
mod product;
mod slug;
mod stats;

pub use category::{category_description, category_name, Category, CategoryId, MoveError};
pub use image::{ImageFormat, MAX_IMAGE_BYTES};
pub use path::{CategoryPath, PathError, TooDeep};
pub use price::{Price, PriceError};
pub use product::{
    product_description, product_name, Product, ProductId, ProductStatus, Sku, SkuError,
    StockError, StockQuantity, Supply, UnknownStatus,
};
pub use slug::{next_free_slug, slugify};
pub use stats::{PriceStats, PriceTotals};
