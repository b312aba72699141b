//! Catalogue rows and their translation to domain types.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use orderflow_domain::catalogue::{
    Category, CategoryId, CategoryPath, Price, Product, ProductId, Sku, StockQuantity,
};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::error::corrupt_row;
use crate::schema::{categories, products};
use crate::RepositoryError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, QueryableByName)]
#[diesel(table_name = categories, check_for_backend(diesel::pg::Pg))]
pub struct CategoryRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub parent_id: Option<i64>,
    pub path: String,
    pub level: i32,
    pub image: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<CategoryRow> for Category {
    type Error = RepositoryError;

    fn try_from(row: CategoryRow) -> Result<Self, Self::Error> {
        Ok(Category {
            id: CategoryId(row.id),
            path: CategoryPath::decode(&row.path).map_err(|e| corrupt_row("category path", e))?,
            name: row.name,
            slug: row.slug,
            description: row.description,
            parent_id: row.parent_id.map(CategoryId),
            image: row.image,
            is_active: row.is_active,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl From<&Category> for CategoryRow {
    fn from(category: &Category) -> Self {
        CategoryRow {
            id: category.id.0,
            name: category.name.clone(),
            slug: category.slug.clone(),
            description: category.description.clone(),
            parent_id: category.parent_id.map(|p| p.0),
            path: category.path.encode(),
            level: i32::try_from(category.path.level()).unwrap_or(i32::MAX),
            image: category.image.clone(),
            is_active: category.is_active,
            created_at: category.created_at,
            updated_at: category.updated_at,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, QueryableByName)]
#[diesel(table_name = products, check_for_backend(diesel::pg::Pg))]
pub struct ProductRow {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub price: Decimal,
    pub category_id: i64,
    pub sku: String,
    pub stock_quantity: i32,
    pub image: Option<String>,
    pub status: String,
    pub is_featured: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<ProductRow> for Product {
    type Error = RepositoryError;

    fn try_from(row: ProductRow) -> Result<Self, Self::Error> {
        Ok(Product {
            id: ProductId(row.id),
            price: Price::new(row.price).map_err(|e| corrupt_row("price", e))?,
            sku: Sku::parse(&row.sku).map_err(|e| corrupt_row("SKU", e))?,
            stock_quantity: StockQuantity::new(row.stock_quantity.into())
                .map_err(|e| corrupt_row("stock", e))?,
            status: row.status.parse().map_err(|e| corrupt_row("status", e))?,
            name: row.name,
            slug: row.slug,
            description: row.description,
            category_id: CategoryId(row.category_id),
            image: row.image,
            is_featured: row.is_featured,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

impl From<&Product> for ProductRow {
    fn from(product: &Product) -> Self {
        ProductRow {
            id: product.id.0,
            name: product.name.clone(),
            slug: product.slug.clone(),
            description: product.description.clone(),
            price: product.price.amount(),
            category_id: product.category_id.0,
            sku: product.sku.as_str().to_owned(),
            stock_quantity: product.stock_quantity.units(),
            image: product.image.clone(),
            status: product.status.as_str().to_owned(),
            is_featured: product.is_featured,
            created_at: product.created_at,
            updated_at: product.updated_at,
        }
    }
}
