//! Categories and products for the catalogue use cases' tests.

use chrono::{TimeZone, Utc};
use orderflow_domain::catalogue::{
    Category, CategoryId, CategoryPath, Price, Product, ProductId, ProductStatus, Sku,
    StockQuantity,
};
use uuid::Uuid;

/// A category whose path is the chain of `parent` ids given by `ancestors` (root first).
pub fn category_at(id: i64, ancestors: &[i64], name: &str) -> Category {
    let mut path = None::<CategoryPath>;
    for ancestor in ancestors {
        path = Some(match path {
            None => CategoryPath::root(CategoryId(*ancestor)),
            Some(p) => p.child(CategoryId(*ancestor)).unwrap(),
        });
    }
    let path = match path {
        None => CategoryPath::root(CategoryId(id)),
        Some(p) => p.child(CategoryId(id)).unwrap(),
    };
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    Category {
        id: CategoryId(id),
        name: name.into(),
        slug: name.to_lowercase(),
        description: String::new(),
        parent_id: ancestors.last().copied().map(CategoryId),
        path,
        image: None,
        is_active: true,
        created_at: at,
        updated_at: at,
    }
}

/// A category directly under `parent` (its path only names the parent).
pub fn category(id: i64, parent: Option<i64>, name: &str) -> Category {
    category_at(id, &parent.into_iter().collect::<Vec<_>>(), name)
}

pub fn product(name: &str, category_id: i64) -> Product {
    let id = Uuid::new_v4();
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    Product {
        id: ProductId(id),
        name: name.into(),
        slug: name.to_lowercase(),
        description: String::new(),
        price: Price::parse("10.00").unwrap(),
        category_id: CategoryId(category_id),
        sku: Sku::generated(id),
        stock_quantity: StockQuantity::new(5).unwrap_or(StockQuantity::ZERO),
        image: None,
        status: ProductStatus::Active,
        is_featured: false,
        created_at: at,
        updated_at: at,
    }
}
