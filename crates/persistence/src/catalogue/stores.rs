//! The catalogue stores of a transaction.

use diesel::dsl::{exists, select};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Int4, Text};
use orderflow_application::ports::{
    CategoryStore, CategoryWriteError, Cause, DeleteError, ProductStore, ProductWriteError,
};
use orderflow_domain::catalogue::{
    Category, CategoryId, CategoryPath, Product, ProductId, Sku, StockQuantity,
};

use super::rows::{CategoryRow, ProductRow};
use crate::error::{storage_error, violated_unique_constraint};
use crate::schema::{categories, products};
use crate::sql::{lower_text, prepared};
use crate::unit_of_work::PgTransaction;
use crate::RepositoryError;

/// The advisory lock that serialises changes to the shape of the category tree.
const CATEGORY_TREE_LOCK: i64 = 0x6f72_6465_7266;

/// Taken in shared mode before a product is written: the row's trigger copies its category's path (reading the
/// category `FOR SHARE`), and a move rewrites the paths of the products it carries. Product writers therefore
/// wait for a move in progress before they lock any product, and a move waits for them, so the two never hold
/// each other's rows (deadlock) and no product keeps a path from before a move.
fn share_tree_shape(connection: &mut PgConnection) -> Result<(), RepositoryError> {
    prepared(
        diesel::sql_query("SELECT pg_advisory_xact_lock_shared($1)")
            .bind::<BigInt, _>(CATEGORY_TREE_LOCK),
    )
    .execute(connection)
    .map_err(storage_error)?;
    Ok(())
}

/// `base` and `base-N`, from the slugs starting with `base`.
fn numbered_variants(base: &str, candidates: Vec<String>) -> Vec<String> {
    candidates
        .into_iter()
        .filter(|slug| {
            slug == base
                || slug
                    .strip_prefix(base)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        })
        .collect()
}

fn is_foreign_key_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::ForeignKeyViolation,
            _
        )
    )
}

fn category_write_error(error: diesel::result::Error) -> CategoryWriteError {
    match violated_unique_constraint(&error) {
        Some("categories_name_lower_key") => CategoryWriteError::DuplicateName,
        Some("categories_slug_key") => CategoryWriteError::DuplicateSlug,
        _ => CategoryWriteError::Storage(storage_error(error)),
    }
}

fn product_write_error(error: diesel::result::Error) -> ProductWriteError {
    match violated_unique_constraint(&error) {
        Some("products_sku_lower_key") => ProductWriteError::DuplicateSku,
        Some("products_slug_key") => ProductWriteError::DuplicateSlug,
        _ => ProductWriteError::Storage(storage_error(error)),
    }
}

fn to_category(row: Option<CategoryRow>) -> Result<Option<Category>, RepositoryError> {
    row.map(Category::try_from).transpose()
}

impl CategoryStore for PgTransaction<'_> {
    fn lock_tree(&mut self) -> Result<(), RepositoryError> {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(CATEGORY_TREE_LOCK)
            .execute(self.connection)
            .map_err(storage_error)?;
        Ok(())
    }

    fn find(&mut self, id: CategoryId) -> Result<Option<Category>, RepositoryError> {
        let row = categories::table
            .find(id.0)
            .select(CategoryRow::as_select())
            .first(self.connection)
            .optional()
            .map_err(storage_error)?;
        to_category(row)
    }

    fn find_by_name(&mut self, name: &str) -> Result<Option<Category>, RepositoryError> {
        let row = categories::table
            .filter(lower_text(categories::name).eq(name.to_lowercase()))
            .select(CategoryRow::as_select())
            .first(self.connection)
            .optional()
            .map_err(storage_error)?;
        to_category(row)
    }

    fn next_id(&mut self) -> Result<CategoryId, RepositoryError> {
        #[derive(QueryableByName)]
        struct Next {
            #[diesel(sql_type = BigInt)]
            id: i64,
        }
        let next: Next =
            diesel::sql_query("SELECT nextval(pg_get_serial_sequence('categories', 'id')) AS id")
                .get_result(self.connection)
                .map_err(storage_error)?;
        Ok(CategoryId(next.id))
    }

    fn slugs_like(&mut self, base: &str) -> Result<Vec<String>, RepositoryError> {
        let candidates = categories::table
            .filter(
                categories::slug
                    .eq(base)
                    .or(categories::slug.like(format!("{base}-%"))),
            )
            .select(categories::slug)
            .load::<String>(self.connection)
            .map_err(storage_error)?;
        Ok(numbered_variants(base, candidates))
    }

    fn insert(&mut self, category: &Category) -> Result<(), CategoryWriteError> {
        diesel::insert_into(categories::table)
            .values(CategoryRow::from(category))
            .execute(self.connection)
            .map_err(category_write_error)?;
        Ok(())
    }

    fn update(&mut self, category: &Category) -> Result<(), CategoryWriteError> {
        diesel::update(categories::table.find(category.id.0))
            .set((
                categories::name.eq(&category.name),
                categories::slug.eq(&category.slug),
                categories::description.eq(&category.description),
                categories::parent_id.eq(category.parent_id.map(|p| p.0)),
                categories::image.eq(&category.image),
                categories::is_active.eq(category.is_active),
                categories::updated_at.eq(category.updated_at),
            ))
            .execute(self.connection)
            .map_err(category_write_error)?;
        Ok(())
    }

    fn subtree_height(&mut self, path: &CategoryPath) -> Result<usize, RepositoryError> {
        let (start, end) = super::subtree_range(path);
        let deepest: Option<i32> = categories::table
            .filter(categories::path.ge(start))
            .filter(categories::path.lt(end))
            .select(diesel::dsl::max(categories::level))
            .get_result(self.connection)
            .map_err(storage_error)?;
        let deepest = deepest.and_then(|level| usize::try_from(level).ok());
        Ok(deepest.map_or(0, |level| level.saturating_sub(path.level())))
    }

    fn move_subtree(
        &mut self,
        from: &CategoryPath,
        to: &CategoryPath,
    ) -> Result<(), RepositoryError> {
        let (start, end) = super::subtree_range(from);
        let level_shift = i32::try_from(to.level()).unwrap_or(i32::MAX)
            - i32::try_from(from.level()).unwrap_or(0);
        diesel::sql_query(
            "UPDATE categories SET path = $1 || substr(path, length($2) + 1), level = level + $3 \
             WHERE path >= $2 AND path < $4",
        )
        .bind::<Text, _>(to.encode())
        .bind::<Text, _>(start)
        .bind::<Int4, _>(level_shift)
        .bind::<Text, _>(end)
        .execute(self.connection)
        .map_err(storage_error)?;
        Ok(())
    }

    fn has_children(&mut self, id: CategoryId) -> Result<bool, RepositoryError> {
        select(exists(
            categories::table.filter(categories::parent_id.eq(id.0)),
        ))
        .get_result(self.connection)
        .map_err(storage_error)
    }

    fn has_products(&mut self, id: CategoryId) -> Result<bool, RepositoryError> {
        select(exists(
            products::table.filter(products::category_id.eq(id.0)),
        ))
        .get_result(self.connection)
        .map_err(storage_error)
    }

    fn delete(&mut self, id: CategoryId) -> Result<(), DeleteError> {
        match diesel::delete(categories::table.find(id.0)).execute(self.connection) {
            Ok(_) => Ok(()),
            Err(error) if is_foreign_key_violation(&error) => Err(DeleteError::InUse),
            Err(error) => Err(DeleteError::Storage(storage_error(error))),
        }
    }
}

impl ProductStore for PgTransaction<'_> {
    fn find_all(&mut self, ids: &[ProductId]) -> Result<Vec<Product>, RepositoryError> {
        let ids: Vec<uuid::Uuid> = ids.iter().map(|id| id.0).collect();
        products::table
            .filter(products::id.eq_any(ids))
            .select(ProductRow::as_select())
            .load::<ProductRow>(self.connection)
            .map_err(storage_error)?
            .into_iter()
            .map(Product::try_from)
            .collect()
    }

    fn return_stock(&mut self, id: ProductId, quantity: i64) -> Result<bool, RepositoryError> {
        let quantity =
            i32::try_from(quantity).map_err(|e| RepositoryError::Failed(Cause::new(e)))?;
        // The headroom is checked in the same statement, so the addition can never overflow the column.
        let returned = prepared(
            diesel::update(products::table.find(id.0))
                .filter(products::stock_quantity.le(StockQuantity::MAX.units() - quantity))
                .set(products::stock_quantity.eq(products::stock_quantity + quantity))
                .returning(products::id),
        )
        .load::<uuid::Uuid>(self.connection)
        .map_err(storage_error)?;
        Ok(!returned.is_empty())
    }

    fn find(&mut self, id: ProductId) -> Result<Option<Product>, RepositoryError> {
        products::table
            .find(id.0)
            .select(ProductRow::as_select())
            .first(self.connection)
            .optional()
            .map_err(storage_error)?
            .map(Product::try_from)
            .transpose()
    }

    fn find_by_sku(&mut self, sku: &Sku) -> Result<Option<Product>, RepositoryError> {
        products::table
            // Through the index that makes SKUs unique in any letter case.
            .filter(lower_text(products::sku).eq(sku.key()))
            .select(ProductRow::as_select())
            .first(self.connection)
            .optional()
            .map_err(storage_error)?
            .map(Product::try_from)
            .transpose()
    }

    fn slugs_like(&mut self, base: &str) -> Result<Vec<String>, RepositoryError> {
        let candidates = products::table
            .filter(
                products::slug
                    .eq(base)
                    .or(products::slug.like(format!("{base}-%"))),
            )
            .select(products::slug)
            .load::<String>(self.connection)
            .map_err(storage_error)?;
        Ok(numbered_variants(base, candidates))
    }

    fn insert(&mut self, product: &Product) -> Result<(), ProductWriteError> {
        share_tree_shape(self.connection).map_err(ProductWriteError::Storage)?;
        diesel::insert_into(products::table)
            .values(ProductRow::from(product))
            .execute(self.connection)
            .map_err(product_write_error)?;
        Ok(())
    }

    fn update(&mut self, product: &Product) -> Result<(), ProductWriteError> {
        share_tree_shape(self.connection).map_err(ProductWriteError::Storage)?;
        let row = ProductRow::from(product);
        diesel::update(products::table.find(row.id))
            .set((
                products::name.eq(&row.name),
                products::slug.eq(&row.slug),
                products::description.eq(&row.description),
                products::price.eq(row.price),
                products::category_id.eq(row.category_id),
                products::sku.eq(&row.sku),
                products::stock_quantity.eq(row.stock_quantity),
                products::image.eq(&row.image),
                products::status.eq(&row.status),
                products::is_featured.eq(row.is_featured),
                products::updated_at.eq(row.updated_at),
            ))
            .execute(self.connection)
            .map_err(product_write_error)?;
        Ok(())
    }

    fn delete(&mut self, id: ProductId) -> Result<(), DeleteError> {
        match diesel::delete(products::table.find(id.0)).execute(self.connection) {
            Ok(_) => Ok(()),
            Err(error) if is_foreign_key_violation(&error) => Err(DeleteError::InUse),
            Err(error) => Err(DeleteError::Storage(storage_error(error))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_variants_are_base_and_base_dash_number_only() {
        let found = numbered_variants(
            "bread",
            vec![
                "bread".into(),
                "bread-2".into(),
                "bread-rolls".into(),
                "bread-".into(),
                "bread-10".into(),
            ],
        );
        assert_eq!(found, ["bread", "bread-2", "bread-10"]);
    }
}
