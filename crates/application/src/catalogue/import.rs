//! Bulk import of products (and of the categories they name): all rows or none.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::validation::{FieldErrors, FieldProblem, Unique, NON_FIELD_ERRORS};
use orderflow_domain::catalogue::{
    category_name, next_free_slug, product_description, product_name, slugify, Category,
    CategoryPath, Price, Product, ProductId, ProductStatus, Sku, StockError, StockQuantity,
};
use uuid::Uuid;

use super::ImportProductsError;
use crate::ports::{
    transaction, CategoryWriteError, Clock, ProductWriteError, RepositoryError, Transaction,
    UnitOfWork,
};

/// One row of the import, as read from CSV or JSON (every value as text; absent or empty means "not given").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportRow {
    pub name: Option<String>,
    pub description: Option<String>,
    pub price: Option<String>,
    /// `Electronics > Phones > Android`: each level is created when missing.
    pub category_path: Option<String>,
    pub stock_quantity: Option<String>,
    /// Matches an existing product to update; otherwise a new product gets it (or a generated one).
    pub sku: Option<String>,
    pub status: Option<String>,
    pub is_featured: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported {
        created: u64,
        updated: u64,
    },
    /// Nothing was written. Keys are row numbers, counting from 1 (for CSV, the first row after the header).
    Rejected(BTreeMap<usize, FieldErrors>),
}

/// The largest import accepted in one request.
pub const MAX_ROWS: usize = 10_000;

struct ValidRow {
    name: String,
    description: String,
    price: Price,
    category_names: Vec<String>,
    stock: StockQuantity,
    sku: Option<Sku>,
    status: ProductStatus,
    is_featured: bool,
}

pub struct ImportProducts {
    uow: Arc<dyn UnitOfWork>,
    clock: Arc<dyn Clock>,
}

/// Why a row's category path could not be found or created.
enum PathProblem {
    /// Something about the row.
    Row(FieldProblem),
    Storage(RepositoryError),
}

impl From<RepositoryError> for PathProblem {
    fn from(error: RepositoryError) -> Self {
        PathProblem::Storage(error)
    }
}

/// Aborts the import transaction with the errors found while writing.
enum Abort {
    Rows(BTreeMap<usize, FieldErrors>),
    Failed(ImportProductsError),
}

impl From<RepositoryError> for Abort {
    fn from(error: RepositoryError) -> Self {
        Abort::Failed(error.into())
    }
}

impl ImportProducts {
    pub fn new(uow: Arc<dyn UnitOfWork>, clock: Arc<dyn Clock>) -> Self {
        Self { uow, clock }
    }

    pub fn execute(&self, rows: Vec<ImportRow>) -> Result<ImportOutcome, ImportProductsError> {
        if rows.is_empty() {
            return Err(FieldErrors::single(NON_FIELD_ERRORS, FieldProblem::NoRows).into());
        }
        if rows.len() > MAX_ROWS {
            // The reader stops one row past the limit: how many more the file held is not known.
            return Err(
                FieldErrors::single(NON_FIELD_ERRORS, FieldProblem::TooManyRows(MAX_ROWS)).into(),
            );
        }
        let mut valid = Vec::with_capacity(rows.len());
        let mut rejected = BTreeMap::new();
        for (index, row) in rows.iter().enumerate() {
            match validate(row) {
                Ok(row) => valid.push((index + 1, row)),
                Err(errors) => {
                    rejected.insert(index + 1, errors);
                }
            }
        }
        duplicate_skus(&valid, &mut rejected);
        if !rejected.is_empty() {
            return Ok(ImportOutcome::Rejected(rejected));
        }
        match transaction(self.uow.as_ref(), |tx| self.write(tx, &valid)) {
            Ok((created, updated)) => Ok(ImportOutcome::Imported { created, updated }),
            Err(Abort::Rows(rows)) => Ok(ImportOutcome::Rejected(rows)),
            Err(Abort::Failed(error)) => Err(error),
        }
    }

    fn write(
        &self,
        tx: &mut dyn Transaction,
        rows: &[(usize, ValidRow)],
    ) -> Result<(u64, u64), Abort> {
        tx.categories().lock_tree()?;
        let mut categories: BTreeMap<Vec<String>, Category> = BTreeMap::new();
        let mut errors = BTreeMap::new();
        for (number, row) in rows {
            if !categories.contains_key(&row.category_names) {
                match self.ensure_categories(tx, &row.category_names) {
                    Ok(category) => {
                        categories.insert(row.category_names.clone(), category);
                    }
                    Err(PathProblem::Row(problem)) => {
                        errors.insert(*number, FieldErrors::single("category_path", problem));
                    }
                    // The database's own words go to the log with the request id, never into a row error.
                    Err(PathProblem::Storage(error)) => return Err(error.into()),
                }
            }
        }
        if !errors.is_empty() {
            return Err(Abort::Rows(errors));
        }
        let (mut created, mut updated) = (0, 0);
        for (number, row) in rows {
            let Some(category) = categories.get(&row.category_names) else {
                continue;
            };
            let existing = match &row.sku {
                Some(sku) => tx.products().find_by_sku(sku)?,
                None => None,
            };
            let outcome = match existing {
                Some(product) => self
                    .update(tx, product, row, category)
                    .map(|()| updated += 1),
                None => self.create(tx, row, category).map(|()| created += 1),
            };
            match outcome {
                Ok(()) => {}
                Err(ProductWriteError::Storage(error)) => return Err(error.into()),
                Err(ProductWriteError::DuplicateSku) => {
                    errors.insert(
                        *number,
                        FieldErrors::single("sku", FieldProblem::Taken(Unique::Sku)),
                    );
                    return Err(Abort::Rows(errors));
                }
                Err(ProductWriteError::DuplicateSlug) => {
                    return Err(Abort::Failed(ImportProductsError::ConcurrentChange))
                }
            }
        }
        Ok((created, updated))
    }

    /// Finds or creates each level of the path; a name used elsewhere in the tree is an error (names are unique).
    fn ensure_categories(
        &self,
        tx: &mut dyn Transaction,
        names: &[String],
    ) -> Result<Category, PathProblem> {
        let mut parent: Option<Category> = None;
        for name in names {
            let categories = tx.categories();
            let found = categories.find_by_name(name)?;
            let category = match found {
                Some(existing) => {
                    if existing.parent_id != parent.as_ref().map(|p| p.id) {
                        return Err(PathProblem::Row(FieldProblem::CategoryElsewhere {
                            name: existing.name,
                            under: parent.map(|p| p.name),
                        }));
                    }
                    existing
                }
                None => {
                    let id = categories.next_id()?;
                    let path = match &parent {
                        Some(parent) => parent
                            .path
                            .child(id)
                            .map_err(|too_deep| PathProblem::Row(too_deep.into()))?,
                        None => CategoryPath::root(id),
                    };
                    let base = slugify(name, "category");
                    let slug = next_free_slug(&base, &categories.slugs_like(&base)?);
                    let now = self.clock.now();
                    let category = Category {
                        id,
                        name: name.clone(),
                        slug,
                        description: String::new(),
                        parent_id: parent.as_ref().map(|p| p.id),
                        path,
                        image: None,
                        is_active: true,
                        created_at: now,
                        updated_at: now,
                    };
                    categories.insert(&category).map_err(|error| match error {
                        CategoryWriteError::Storage(error) => PathProblem::Storage(error),
                        _ => PathProblem::Row(FieldProblem::CategoryNotCreated(name.clone())),
                    })?;
                    category
                }
            };
            parent = Some(category);
        }
        parent.ok_or(PathProblem::Row(FieldProblem::Required))
    }

    fn create(
        &self,
        tx: &mut dyn Transaction,
        row: &ValidRow,
        category: &Category,
    ) -> Result<(), ProductWriteError> {
        let id = ProductId(Uuid::new_v4());
        let products = tx.products();
        let base = slugify(&row.name, "product");
        let slug = next_free_slug(&base, &products.slugs_like(&base)?);
        let now = self.clock.now();
        products.insert(&Product {
            id,
            name: row.name.clone(),
            slug,
            description: row.description.clone(),
            price: row.price,
            category_id: category.id,
            sku: row.sku.clone().unwrap_or_else(|| Sku::generated(id.0)),
            stock_quantity: row.stock,
            image: None,
            status: row.status,
            is_featured: row.is_featured,
            created_at: now,
            updated_at: now,
        })
    }

    fn update(
        &self,
        tx: &mut dyn Transaction,
        mut product: Product,
        row: &ValidRow,
        category: &Category,
    ) -> Result<(), ProductWriteError> {
        let products = tx.products();
        if product.name != row.name {
            let base = slugify(&row.name, "product");
            let taken: Vec<String> = products
                .slugs_like(&base)?
                .into_iter()
                .filter(|s| *s != product.slug)
                .collect();
            product.slug = next_free_slug(&base, &taken);
            product.name = row.name.clone();
        }
        product.description = row.description.clone();
        product.price = row.price;
        product.category_id = category.id;
        product.stock_quantity = row.stock;
        product.status = row.status;
        product.is_featured = row.is_featured;
        product.updated_at = self.clock.now();
        products.update(&product)
    }
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn validate(row: &ImportRow) -> Result<ValidRow, FieldErrors> {
    let mut errors = FieldErrors::new();
    let required = |errors: &mut FieldErrors, field: &str, value: &Option<String>| {
        let value = given(value).map(str::to_owned);
        if value.is_none() {
            errors.add(field, FieldProblem::Required);
        }
        value
    };
    let name = required(&mut errors, "name", &row.name)
        .and_then(|n| errors.check("name", product_name(&n)));
    let price = required(&mut errors, "price", &row.price)
        .and_then(|p| errors.check("price", Price::parse(&p)));
    let category_names = required(&mut errors, "category_path", &row.category_path)
        .and_then(|path| errors.check("category_path", category_names(&path)));
    let description = given(&row.description).map_or(Some(String::new()), |text| {
        errors.check("description", product_description(text))
    });
    let stock = match given(&row.stock_quantity) {
        None => Some(StockQuantity::ZERO),
        Some(raw) => errors.check("stock_quantity", stock_quantity(raw)),
    };
    let sku = given(&row.sku).and_then(|sku| errors.check("sku", Sku::parse(sku)));
    let status = match given(&row.status) {
        None => Some(ProductStatus::Active),
        Some(raw) => errors.check("status", raw.parse::<ProductStatus>()),
    };
    let is_featured = match given(&row.is_featured)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("false" | "0" | "no") => Some(false),
        Some("true" | "1" | "yes") => Some(true),
        Some(_) => {
            errors.add("is_featured", FieldProblem::NotABoolean);
            None
        }
    };
    match (name, price, category_names, stock, status, is_featured) {
        (
            Some(name),
            Some(price),
            Some(category_names),
            Some(stock),
            Some(status),
            Some(is_featured),
        ) if errors.is_empty() => Ok(ValidRow {
            name,
            description: description.unwrap_or_default(),
            price,
            category_names,
            stock,
            sku,
            status,
            is_featured,
        }),
        _ => Err(errors),
    }
}

/// `Electronics > Phones > Android`: the names from the root down, at most as many as the tree has levels.
fn category_names(path: &str) -> Result<Vec<String>, FieldProblem> {
    let levels = path.split('>');
    if levels.clone().nth(CategoryPath::MAX_LEVELS).is_some() {
        return Err(FieldProblem::PathTooDeep(CategoryPath::MAX_LEVELS));
    }
    levels
        .map(category_name)
        .collect::<Result<_, _>>()
        .map_err(FieldProblem::PathLevel)
}

/// A whole number of units as written in a file; a number too large for any stock says so.
fn stock_quantity(raw: &str) -> Result<StockQuantity, FieldProblem> {
    let digits = raw.strip_prefix(['-', '+']).unwrap_or(raw);
    match raw.parse::<i64>() {
        Ok(units) => StockQuantity::new(units).map_err(FieldProblem::from),
        Err(_) if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) => {
            let too_far = if raw.starts_with('-') {
                StockError::Negative
            } else {
                StockError::TooLarge
            };
            Err(too_far.into())
        }
        Err(_) => Err(FieldProblem::NotAnInteger),
    }
}

/// Two rows with the same SKU (in any letter case) would fight over one product: both are refused.
fn duplicate_skus(rows: &[(usize, ValidRow)], rejected: &mut BTreeMap<usize, FieldErrors>) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (number, row) in rows {
        let Some(sku) = &row.sku else { continue };
        if let Some(first) = seen.insert(sku.key(), *number) {
            rejected.entry(*number).or_default().add(
                "sku",
                FieldProblem::RepeatedSku {
                    sku: sku.to_string(),
                    first_row: first,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{MockCategoryStore, MockProductStore};
    use crate::test_support::fixed_clock;
    use crate::test_support::{category, product, FakeUnitOfWork};

    fn row(name: &str, price: &str, path: &str) -> ImportRow {
        ImportRow {
            name: Some(name.into()),
            price: Some(price.into()),
            category_path: Some(path.into()),
            ..ImportRow::default()
        }
    }

    #[test]
    fn every_bad_row_is_reported_by_number_and_nothing_is_written() {
        let uow = Arc::new(FakeUnitOfWork::new(
            MockCategoryStore::new(),
            MockProductStore::new(),
        ));
        let mut rows: Vec<ImportRow> = (0..1000)
            .map(|n| row(&format!("Item {n}"), "9.99", "Electronics > Phones"))
            .collect();
        rows[41].price = Some("-5".into());
        rows[700].category_path = Some("Electronics >  > Phones".into());
        rows[999].stock_quantity = Some("lots".into());
        let outcome = ImportProducts::new(uow.clone(), fixed_clock())
            .execute(rows)
            .unwrap();
        let ImportOutcome::Rejected(rejected) = outcome else {
            panic!("expected a rejection")
        };
        assert_eq!(
            rejected.keys().copied().collect::<Vec<_>>(),
            [42, 701, 1000]
        );
        assert!(rejected[&42].has("price"));
        assert!(rejected[&701].has("category_path"));
        assert!(rejected[&1000].has("stock_quantity"));
        assert_eq!(
            uow.commits() + uow.rollbacks(),
            0,
            "no transaction was even opened"
        );
    }

    #[test]
    fn the_same_sku_twice_is_refused() {
        let uow = Arc::new(FakeUnitOfWork::new(
            MockCategoryStore::new(),
            MockProductStore::new(),
        ));
        let mut rows = vec![row("A", "1", "X"), row("B", "2", "X")];
        rows[0].sku = Some("SKU-1".into());
        rows[1].sku = Some("SKU-1".into());
        let ImportOutcome::Rejected(rejected) = ImportProducts::new(uow, fixed_clock())
            .execute(rows)
            .unwrap()
        else {
            panic!("expected a rejection")
        };
        assert_eq!(rejected.keys().copied().collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn creates_missing_categories_once_and_upserts_products_by_sku() {
        let mut categories = MockCategoryStore::new();
        categories.expect_lock_tree().times(1).returning(|| Ok(()));
        categories.expect_find_by_name().returning(|name| {
            Ok(match name {
                "Electronics" => Some(category(1, None, "Electronics")),
                _ => None,
            })
        });
        categories
            .expect_next_id()
            .times(1)
            .returning(|| Ok(orderflow_domain::catalogue::CategoryId(2)));
        categories.expect_slugs_like().returning(|_| Ok(vec![]));
        categories
            .expect_insert()
            .withf(|c| c.name == "Phones" && c.path.encode() == "/1/2/" && c.slug == "phones")
            .times(1)
            .returning(|_| Ok(()));
        let mut products = MockProductStore::new();
        products
            .expect_find_by_sku()
            .returning(|sku| Ok((sku.as_str() == "OLD-1").then(|| product("Old phone", 2))));
        products.expect_slugs_like().returning(|_| Ok(vec![]));
        products.expect_insert().times(2).returning(|_| Ok(()));
        products
            .expect_update()
            .withf(|p| p.name == "Renamed phone" && p.price.to_string() == "5.00")
            .times(1)
            .returning(|_| Ok(()));
        let uow = Arc::new(FakeUnitOfWork::new(categories, products));

        let mut rows = vec![
            row("New phone", "10.50", "Electronics > Phones"),
            row("Renamed phone", "5", "Electronics>Phones"),
            row("Another", "1.25", " Electronics > Phones "),
        ];
        rows[1].sku = Some("OLD-1".into());
        let outcome = ImportProducts::new(uow.clone(), fixed_clock())
            .execute(rows)
            .unwrap();
        assert_eq!(
            outcome,
            ImportOutcome::Imported {
                created: 2,
                updated: 1
            }
        );
        assert_eq!(uow.commits(), 1);
    }

    #[test]
    fn a_category_name_used_elsewhere_rejects_the_row_and_rolls_back() {
        let mut categories = MockCategoryStore::new();
        categories.expect_lock_tree().returning(|| Ok(()));
        categories.expect_find_by_name().returning(|name| {
            Ok(match name {
                "Electronics" => Some(category(1, None, "Electronics")),
                // "Phones" exists, but under category 7, not under Electronics.
                "Phones" => Some(category(8, Some(7), "Phones")),
                _ => None,
            })
        });
        let uow = Arc::new(FakeUnitOfWork::new(categories, MockProductStore::new()));
        let outcome = ImportProducts::new(uow.clone(), fixed_clock())
            .execute(vec![row("A", "1", "Electronics > Phones")])
            .unwrap();
        let ImportOutcome::Rejected(rejected) = outcome else {
            panic!("expected a rejection")
        };
        assert!(matches!(
            rejected[&1].problems("category_path"),
            [FieldProblem::CategoryElsewhere { .. }]
        ));
        assert_eq!(uow.rollbacks(), 1);
    }
}
