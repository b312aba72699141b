use chrono::{DateTime, Utc};
use orderflow_application::catalogue::{CategoryPriceStats, TreeNode};
use orderflow_application::ports::{CategoryDetails, ProductDetails};
use orderflow_domain::catalogue::{Category, PriceStats};
use paperclip::actix::Apiv2Schema;
use paperclip::v2::models::{DataType, DefaultSchemaRaw};
use serde::Serialize;

use crate::media::MediaUrls;
use crate::money::Money;

/// The names of a category path joined as the contract shows them: `Electronics > Phones`.
pub fn full_path(names: &[String]) -> String {
    names.join(" > ")
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "Category")]
pub struct CategoryBody {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
    /// The parent's id, or null for a root.
    pub parent: Option<i64>,
    pub parent_name: Option<String>,
    /// Absolute URL of the image, or null.
    pub image: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Direct children, active or not.
    pub children_count: u64,
    /// 0 for a root.
    pub level: usize,
    /// Ancestor names and its own, joined with " > ".
    pub full_path: String,
}

impl CategoryBody {
    pub fn new(details: CategoryDetails, media: &MediaUrls) -> Self {
        let category = details.category;
        Self {
            id: category.id.0,
            level: category.level(),
            parent: category.parent_id.map(|p| p.0),
            image: category.image.as_deref().map(|path| media.url(path)),
            name: category.name,
            slug: category.slug,
            description: category.description,
            parent_name: details.parent_name,
            is_active: category.is_active,
            created_at: category.created_at,
            updated_at: category.updated_at,
            children_count: details.children_count,
            full_path: full_path(&details.path_names),
        }
    }
}

/// A node of `categories/tree/`; `children` holds nodes of the same shape.
#[derive(Debug, Serialize)]
pub struct CategoryTreeNodeBody {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub level: usize,
    pub is_active: bool,
    /// Active products in this category and below it.
    pub product_count: u64,
    pub children: Vec<CategoryTreeNodeBody>,
}

impl CategoryTreeNodeBody {
    /// Converts without recursion, so that no depth of tree exhausts the stack here.
    pub fn forest(roots: Vec<TreeNode>) -> Vec<CategoryTreeNodeBody> {
        fn shell(node: &TreeNode) -> CategoryTreeNodeBody {
            let c = &node.category;
            CategoryTreeNodeBody {
                id: c.id.0,
                name: c.name.clone(),
                slug: c.slug.clone(),
                description: c.description.clone(),
                level: c.level(),
                is_active: c.is_active,
                product_count: node.product_count,
                children: Vec::with_capacity(node.children.len()),
            }
        }
        // Depth-first: a frame is a node being built and the source children still to convert.
        let mut result = Vec::with_capacity(roots.len());
        for root in roots {
            let mut stack: Vec<(CategoryTreeNodeBody, std::vec::IntoIter<TreeNode>)> = Vec::new();
            let body = shell(&root);
            stack.push((body, root.children.into_iter()));
            while let Some((_, pending)) = stack.last_mut() {
                if let Some(child) = pending.next() {
                    let body = shell(&child);
                    stack.push((body, child.children.into_iter()));
                    continue;
                }
                let Some((done, _)) = stack.pop() else { break };
                match stack.last_mut() {
                    Some((parent, _)) => parent.children.push(done),
                    None => result.push(done),
                }
            }
        }
        result
    }
}

// Documented by hand: the derive would recurse into `children` forever.
impl paperclip::v2::schema::Apiv2Schema for CategoryTreeNodeBody {
    fn name() -> Option<String> {
        Some("CategoryTreeNode".into())
    }

    fn raw_schema() -> DefaultSchemaRaw {
        let field = |data_type: DataType, description: &str| {
            Box::new(DefaultSchemaRaw {
                data_type: Some(data_type),
                description: (!description.is_empty()).then(|| description.to_owned()),
                ..DefaultSchemaRaw::default()
            })
        };
        let mut schema = DefaultSchemaRaw {
            name: Some("CategoryTreeNode".into()),
            data_type: Some(DataType::Object),
            description: Some(
                "A category of the tree, with its active children, recursively.".into(),
            ),
            ..DefaultSchemaRaw::default()
        };
        for (name, data_type, description) in [
            ("id", DataType::Integer, ""),
            ("name", DataType::String, ""),
            ("slug", DataType::String, ""),
            ("description", DataType::String, ""),
            ("level", DataType::Integer, "0 for a root"),
            ("is_active", DataType::Boolean, ""),
            (
                "product_count",
                DataType::Integer,
                "Active products in this category and below it",
            ),
        ] {
            schema
                .properties
                .insert(name.into(), field(data_type, description));
            schema.required.insert(name.into());
        }
        let mut children = field(
            DataType::Array,
            "Child nodes of the same shape (CategoryTreeNode)",
        );
        // paperclip drops a reference of a schema to itself: `openapi::exact` puts it back.
        children.items = Some(Box::new(DefaultSchemaRaw {
            data_type: Some(DataType::Object),
            description: Some("A CategoryTreeNode".into()),
            ..DefaultSchemaRaw::default()
        }));
        schema.properties.insert("children".into(), children);
        schema.required.insert("children".into());
        schema
    }
}

impl paperclip::actix::OperationModifier for CategoryTreeNodeBody {}

/// Price statistics over the active products of a category and all its descendants.
#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "CategoryAveragePrice")]
pub struct AveragePriceBody {
    pub category_id: i64,
    pub category_name: String,
    pub category_slug: String,
    /// Exact mean, rounded half to even; null when there are no products.
    pub average_price: Option<Money>,
    pub product_count: u64,
    pub min_price: Option<Money>,
    pub max_price: Option<Money>,
}

impl AveragePriceBody {
    pub fn new(category: &Category, stats: &PriceStats) -> Self {
        Self {
            category_id: category.id.0,
            category_name: category.name.clone(),
            category_slug: category.slug.clone(),
            average_price: stats.average.map(Money),
            product_count: stats.count,
            min_price: stats.min.map(Money),
            max_price: stats.max.map(Money),
        }
    }
}

impl From<CategoryPriceStats> for AveragePriceBody {
    fn from(entry: CategoryPriceStats) -> Self {
        Self::new(&entry.category, &entry.stats)
    }
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "Product")]
pub struct ProductBody {
    pub id: uuid::Uuid,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub price: Money,
    /// The category's id.
    pub category: i64,
    pub category_name: String,
    /// The category's full path: `Electronics > Phones`.
    pub category_path: String,
    pub sku: String,
    pub stock_quantity: i32,
    /// Absolute URL of the image, or null.
    pub image: Option<String>,
    /// `active`, `inactive` or `discontinued`.
    pub status: String,
    pub is_featured: bool,
    pub is_in_stock: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ProductBody {
    pub fn new(details: ProductDetails, media: &MediaUrls) -> Self {
        let product = details.product;
        Self {
            id: product.id.0,
            is_in_stock: product.is_in_stock(),
            price: Money(product.price.amount()),
            category: product.category_id.0,
            sku: product.sku.to_string(),
            stock_quantity: product.stock_quantity.units(),
            image: product.image.as_deref().map(|path| media.url(path)),
            status: product.status.as_str().to_owned(),
            name: product.name,
            slug: product.slug,
            description: product.description,
            category_name: details.category_name,
            category_path: full_path(&details.category_path_names),
            is_featured: product.is_featured,
            created_at: product.created_at,
            updated_at: product.updated_at,
        }
    }
}
