//! Creating, changing and deleting products, with or without an image.

use std::sync::Arc;

use crate::validation::{FieldErrors, FieldProblem};
use orderflow_domain::catalogue::{
    next_free_slug, product_description, product_name, slugify, CategoryId, ImageFormat, Price,
    Product, ProductId, ProductStatus, Sku, StockQuantity, MAX_IMAGE_BYTES,
};
use uuid::Uuid;

use super::errors::no_such_object;
use super::retry::with_slug_retries;
use super::ManageProductError;
use crate::ports::{
    transaction, CatalogueQueries, Clock, DeleteError, ImageStore, ProductDetails, Transaction,
    UnitOfWork,
};

/// A product's writable fields, as sent; `None` leaves a field as it is (or at its default on creation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductInput {
    pub name: Option<String>,
    pub description: Option<String>,
    /// The decimal as written by the client (`"999.99"`).
    pub price: Option<String>,
    pub category: Option<i64>,
    pub stock_quantity: Option<i64>,
    pub status: Option<String>,
    pub is_featured: Option<bool>,
    /// Generated (`SKU-` and 8 hex digits) when absent on creation.
    pub sku: Option<String>,
}

/// An uploaded image file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImage {
    pub bytes: Vec<u8>,
}

/// The validated fields of an input; `None` where the input left the field out.
#[derive(Default)]
struct Fields {
    name: Option<String>,
    description: Option<String>,
    price: Option<Price>,
    category: Option<CategoryId>,
    stock: Option<StockQuantity>,
    status: Option<ProductStatus>,
    is_featured: Option<bool>,
    sku: Option<Sku>,
}

impl Fields {
    /// Checks every given field; with `complete`, the fields a product cannot lack are required too.
    fn validate(input: &ProductInput, complete: bool) -> Result<Fields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let required = |errors: &mut FieldErrors, field: &str, present: bool| {
            if complete && !present {
                errors.add(field, FieldProblem::Required);
            }
        };
        required(&mut errors, "name", input.name.is_some());
        required(&mut errors, "price", input.price.is_some());
        required(&mut errors, "category", input.category.is_some());
        let fields = Fields {
            name: input
                .name
                .as_deref()
                .and_then(|name| errors.check("name", product_name(name))),
            description: input
                .description
                .as_deref()
                .and_then(|text| errors.check("description", product_description(text))),
            price: input
                .price
                .as_deref()
                .and_then(|price| errors.check("price", Price::parse(price))),
            category: input.category.map(CategoryId),
            stock: input
                .stock_quantity
                .and_then(|units| errors.check("stock_quantity", StockQuantity::new(units))),
            status: input
                .status
                .as_deref()
                .and_then(|status| errors.check("status", status.parse::<ProductStatus>())),
            is_featured: input.is_featured,
            sku: input
                .sku
                .as_deref()
                .and_then(|sku| errors.check("sku", Sku::parse(sku))),
        };
        errors.into_result().map(|()| fields)
    }
}

pub struct ManageProducts {
    uow: Arc<dyn UnitOfWork>,
    queries: Arc<dyn CatalogueQueries>,
    images: Arc<dyn ImageStore>,
    clock: Arc<dyn Clock>,
}

impl ManageProducts {
    pub fn new(
        uow: Arc<dyn UnitOfWork>,
        queries: Arc<dyn CatalogueQueries>,
        images: Arc<dyn ImageStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            uow,
            queries,
            images,
            clock,
        }
    }

    pub fn create(&self, input: ProductInput) -> Result<ProductDetails, ManageProductError> {
        self.create_with(input, None)
    }

    /// Creates a product with an uploaded image. The image must really be a PNG, JPEG or WebP (its bytes are
    /// checked), of at most 5 MiB; it is stored first and removed again if the product cannot be created.
    pub fn create_with_image(
        &self,
        input: ProductInput,
        image: NewImage,
    ) -> Result<ProductDetails, ManageProductError> {
        Fields::validate(&input, true)?;
        let format = check_image(&image.bytes)?;
        let path = self
            .images
            .save("products", format, &image.bytes)
            .map_err(ManageProductError::ImageStorage)?;
        let created = self.create_with(input, Some(path.clone()));
        if created.is_err() {
            self.images.remove(&path);
        }
        created
    }

    fn create_with(
        &self,
        input: ProductInput,
        image: Option<String>,
    ) -> Result<ProductDetails, ManageProductError> {
        let fields = Fields::validate(&input, true)?;
        let (Some(name), Some(price), Some(category)) =
            (fields.name.clone(), fields.price, fields.category)
        else {
            return Err(ManageProductError::Invalid(FieldErrors::single(
                "name",
                FieldProblem::Required,
            )));
        };
        let id = ProductId(Uuid::new_v4());
        with_slug_retries(self.uow.as_ref(), |tx| {
            existing_category(tx, category)?;
            let products = tx.products();
            let base = slugify(&name, "product");
            let slug = next_free_slug(&base, &products.slugs_like(&base)?);
            let now = self.clock.now();
            let product = Product {
                id,
                name: name.clone(),
                slug,
                description: fields.description.clone().unwrap_or_default(),
                price,
                category_id: category,
                sku: fields.sku.clone().unwrap_or_else(|| Sku::generated(id.0)),
                stock_quantity: fields.stock.unwrap_or(StockQuantity::ZERO),
                image: image.clone(),
                status: fields.status.unwrap_or(ProductStatus::Active),
                is_featured: fields.is_featured.unwrap_or(false),
                created_at: now,
                updated_at: now,
            };
            products.insert(&product)?;
            Ok(())
        })?;
        self.details(id)
    }

    /// Changes the given fields (`complete`: a full replacement, PUT, which needs the required fields).
    pub fn update(
        &self,
        id: ProductId,
        input: ProductInput,
        complete: bool,
    ) -> Result<ProductDetails, ManageProductError> {
        let fields = Fields::validate(&input, complete)?;
        with_slug_retries(self.uow.as_ref(), |tx| {
            let mut product = tx
                .products()
                .find(id)?
                .ok_or(ManageProductError::NotFound)?;
            if let Some(category) = fields.category {
                existing_category(tx, category)?;
                product.category_id = category;
            }
            let products = tx.products();
            if let Some(name) = &fields.name {
                if *name != product.name {
                    let base = slugify(name, "product");
                    let taken: Vec<String> = products
                        .slugs_like(&base)?
                        .into_iter()
                        .filter(|slug| *slug != product.slug)
                        .collect();
                    product.slug = next_free_slug(&base, &taken);
                    product.name = name.clone();
                }
            }
            if let Some(description) = &fields.description {
                product.description = description.clone();
            }
            if let Some(price) = fields.price {
                product.price = price;
            }
            if let Some(stock) = fields.stock {
                product.stock_quantity = stock;
            }
            if let Some(status) = fields.status {
                product.status = status;
            }
            if let Some(featured) = fields.is_featured {
                product.is_featured = featured;
            }
            if let Some(sku) = &fields.sku {
                product.sku = sku.clone();
            }
            product.updated_at = self.clock.now();
            products.update(&product)?;
            Ok(())
        })?;
        self.details(id)
    }

    pub fn toggle_featured(&self, id: ProductId) -> Result<ProductDetails, ManageProductError> {
        transaction(self.uow.as_ref(), |tx| {
            let products = tx.products();
            let mut product = products.find(id)?.ok_or(ManageProductError::NotFound)?;
            product.is_featured = !product.is_featured;
            product.updated_at = self.clock.now();
            products.update(&product).map_err(ManageProductError::from)
        })?;
        self.details(id)
    }

    /// Deletes a product no order refers to; one on orders is kept (409): discontinue it instead.
    pub fn delete(&self, id: ProductId) -> Result<(), ManageProductError> {
        transaction(self.uow.as_ref(), |tx| {
            let products = tx.products();
            products.find(id)?.ok_or(ManageProductError::NotFound)?;
            products.delete(id).map_err(|error| match error {
                DeleteError::InUse => ManageProductError::InUse,
                DeleteError::Storage(error) => error.into(),
            })
        })
    }

    fn details(&self, id: ProductId) -> Result<ProductDetails, ManageProductError> {
        self.queries
            .product(id)?
            .ok_or(ManageProductError::NotFound)
    }
}

/// The image's real format, if it is one we accept and not too large.
pub(super) fn check_image(bytes: &[u8]) -> Result<ImageFormat, FieldErrors> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(FieldErrors::single("image", FieldProblem::ImageTooLarge));
    }
    ImageFormat::sniff(bytes).ok_or_else(|| FieldErrors::single("image", FieldProblem::NotAnImage))
}

fn existing_category(tx: &mut dyn Transaction, id: CategoryId) -> Result<(), ManageProductError> {
    match tx.categories().find(id)? {
        Some(_) => Ok(()),
        None => Err(FieldErrors::single("category", no_such_object(id.0)).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{
        MockCatalogueQueries, MockCategoryStore, MockImageStore, MockProductStore,
        ProductWriteError,
    };
    use crate::test_support::fixed_clock;
    use crate::test_support::{category, product, FakeUnitOfWork};
    use crate::validation::FieldErrors;

    fn input() -> ProductInput {
        ProductInput {
            name: Some("Pixel 9".into()),
            price: Some("799.99".into()),
            category: Some(3),
            ..ProductInput::default()
        }
    }

    fn details_queries() -> MockCatalogueQueries {
        let mut queries = MockCatalogueQueries::new();
        queries.expect_product().returning(|_| {
            Ok(Some(ProductDetails {
                product: product("Any", 3),
                category_name: "Phones".into(),
                category_path_names: vec![],
            }))
        });
        queries
    }

    fn manage(
        products: MockProductStore,
        images: MockImageStore,
    ) -> (ManageProducts, Arc<FakeUnitOfWork>) {
        let mut categories = MockCategoryStore::new();
        categories
            .expect_find()
            .returning(|id| Ok((id.0 == 3).then(|| category(3, None, "Phones"))));
        let uow = Arc::new(FakeUnitOfWork::new(categories, products));
        (
            ManageProducts::new(
                uow.clone(),
                Arc::new(details_queries()),
                Arc::new(images),
                fixed_clock(),
            ),
            uow,
        )
    }

    fn invalid<T: std::fmt::Debug>(result: Result<T, ManageProductError>) -> FieldErrors {
        match result {
            Err(ManageProductError::Invalid(errors)) => errors,
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn a_new_product_gets_defaults_a_generated_sku_and_a_free_slug() {
        let mut products = MockProductStore::new();
        products
            .expect_slugs_like()
            .returning(|_| Ok(vec!["pixel-9".into()]));
        products
            .expect_insert()
            .withf(|p| {
                p.slug == "pixel-9-2"
                    && p.sku.as_str() == Sku::generated(p.id.0).as_str()
                    && p.status == ProductStatus::Active
                    && p.stock_quantity == StockQuantity::ZERO
                    && !p.is_featured
                    && p.price.to_string() == "799.99"
            })
            .times(1)
            .returning(|_| Ok(()));
        let (manage, uow) = manage(products, MockImageStore::new());
        manage.create(input()).unwrap();
        assert_eq!(uow.commits(), 1);
    }

    #[test]
    fn required_fields_and_rules_are_checked_before_any_write() {
        let mut products = MockProductStore::new();
        products.expect_insert().never();
        let (manage, uow) = manage(products, MockImageStore::new());
        let errors = invalid(manage.create(ProductInput {
            price: Some("0.001".into()),
            stock_quantity: Some(-2),
            ..ProductInput::default()
        }));
        for field in ["name", "category", "price", "stock_quantity"] {
            assert!(errors.has(field), "{field}");
        }
        assert_eq!(uow.commits() + uow.rollbacks(), 0);
        let errors = invalid(manage.create(ProductInput {
            category: Some(99),
            ..input()
        }));
        assert!(errors.has("category"));
    }

    #[test]
    fn a_taken_sku_is_a_field_error() {
        let mut products = MockProductStore::new();
        products.expect_slugs_like().returning(|_| Ok(vec![]));
        products
            .expect_insert()
            .returning(|_| Err(ProductWriteError::DuplicateSku));
        let (manage, uow) = manage(products, MockImageStore::new());
        let errors = invalid(manage.create(ProductInput {
            sku: Some("TAKEN-1".into()),
            ..input()
        }));
        assert_eq!(
            errors.problems("sku"),
            [FieldProblem::Taken(crate::validation::Unique::Sku)]
        );
        assert_eq!(uow.rollbacks(), 1);
    }

    #[test]
    fn an_image_is_checked_by_its_bytes_stored_and_removed_if_the_product_fails() {
        let (manage_text, _) = manage(MockProductStore::new(), MockImageStore::new());
        let errors = invalid(manage_text.create_with_image(
            input(),
            NewImage {
                bytes: b"plain text".to_vec(),
            },
        ));
        assert!(errors.has("image"));

        let mut products = MockProductStore::new();
        products.expect_slugs_like().returning(|_| Ok(vec![]));
        products
            .expect_insert()
            .returning(|_| Err(ProductWriteError::DuplicateSku));
        let mut images = MockImageStore::new();
        images
            .expect_save()
            .times(1)
            .returning(|folder, format, _| Ok(format!("{folder}/x.{}", format.extension())));
        images
            .expect_remove()
            .withf(|path| path == "products/x.png")
            .times(1)
            .return_const(());
        let (manage_failing, _) = manage(products, images);
        let png = b"\x89PNG\r\n\x1a\nrest of the image".to_vec();
        assert!(manage_failing
            .create_with_image(
                ProductInput {
                    sku: Some("T-1".into()),
                    ..input()
                },
                NewImage { bytes: png }
            )
            .is_err());
    }

    #[test]
    fn deleting_a_product_on_orders_is_a_conflict() {
        let mut products = MockProductStore::new();
        products
            .expect_find()
            .returning(|_| Ok(Some(product("Sold", 3))));
        products
            .expect_delete()
            .returning(|_| Err(DeleteError::InUse));
        let (manage, _) = manage(products, MockImageStore::new());
        assert!(matches!(
            manage.delete(ProductId(Uuid::new_v4())),
            Err(ManageProductError::InUse)
        ));
    }

    #[test]
    fn toggling_flips_the_flag() {
        let mut products = MockProductStore::new();
        products
            .expect_find()
            .returning(|_| Ok(Some(product("Lamp", 3))));
        products
            .expect_update()
            .withf(|p| p.is_featured)
            .times(1)
            .returning(|_| Ok(()));
        let (manage, _) = manage(products, MockImageStore::new());
        manage.toggle_featured(ProductId(Uuid::new_v4())).unwrap();
    }
}
