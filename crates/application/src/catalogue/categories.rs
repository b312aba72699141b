//! Creating, changing (and moving) and deleting categories.

use std::sync::Arc;

use orderflow_domain::catalogue::{
    next_free_slug, slugify, Category, CategoryId, CategoryName, CategoryPath, MoveError,
};
use orderflow_domain::validation::FieldErrors;

use super::errors::invalid_pk;
use super::retry::with_slug_retries;
use super::CatalogueError;
use crate::identity::REQUIRED;
use crate::ports::{
    transaction, CatalogueQueries, CategoryDetails, Clock, DeleteError, Transaction, UnitOfWork,
};

/// A category's writable fields; `None` leaves a field as it is (or at its default on creation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryInput {
    pub name: Option<String>,
    pub description: Option<String>,
    /// `Some(None)` makes the category a root.
    pub parent: Option<Option<i64>>,
    pub is_active: Option<bool>,
    /// A stored image's path (`Some(None)` removes it).
    pub image: Option<Option<String>>,
}

pub struct ManageCategories {
    uow: Arc<dyn UnitOfWork>,
    queries: Arc<dyn CatalogueQueries>,
    clock: Arc<dyn Clock>,
}

impl ManageCategories {
    pub fn new(
        uow: Arc<dyn UnitOfWork>,
        queries: Arc<dyn CatalogueQueries>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            uow,
            queries,
            clock,
        }
    }

    pub fn create(&self, input: CategoryInput) -> Result<CategoryDetails, CatalogueError> {
        let mut errors = FieldErrors::new();
        let name = match &input.name {
            Some(name) => errors.check("name", CategoryName::parse(name)),
            None => {
                errors.add("name", REQUIRED);
                None
            }
        };
        let Some(name) = name.filter(|_| errors.is_empty()) else {
            return Err(errors.into());
        };
        let id = with_slug_retries(self.uow.as_ref(), |tx| {
            let categories = tx.categories();
            categories.lock_tree()?;
            let parent = match input.parent.flatten() {
                Some(parent) => Some(existing_parent(tx, parent)?),
                None => None,
            };
            let categories = tx.categories();
            let id = categories.next_id()?;
            let path = match &parent {
                Some(parent) => parent.path.child(id),
                None => CategoryPath::root(id),
            };
            let base = slugify(&name, "category");
            let slug = next_free_slug(&base, &categories.slugs_like(&base)?);
            let now = self.clock.now();
            let category = Category {
                id,
                name: name.clone(),
                slug,
                description: input
                    .description
                    .clone()
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
                parent_id: parent.map(|p| p.id),
                path,
                image: input.image.clone().flatten(),
                is_active: input.is_active.unwrap_or(true),
                created_at: now,
                updated_at: now,
            };
            categories.insert(&category)?;
            Ok(id)
        })?;
        self.details(id)
    }

    /// Changes the given fields; a new `parent` moves the category with its whole subtree. `require_name` is set
    /// for a full replacement (PUT).
    pub fn update(
        &self,
        id: CategoryId,
        input: CategoryInput,
        require_name: bool,
    ) -> Result<CategoryDetails, CatalogueError> {
        let mut errors = FieldErrors::new();
        let name = match &input.name {
            Some(name) => errors.check("name", CategoryName::parse(name)),
            None if require_name => {
                errors.add("name", REQUIRED);
                None
            }
            None => None,
        };
        errors.into_result()?;
        with_slug_retries(self.uow.as_ref(), |tx| {
            tx.categories().lock_tree()?;
            let mut category = tx.categories().find(id)?.ok_or(CatalogueError::NotFound)?;
            if let Some(new_parent) = input.parent {
                if new_parent != category.parent_id.map(|p| p.0) {
                    move_category(tx, &mut category, new_parent)?;
                }
            }
            let categories = tx.categories();
            if let Some(name) = &name {
                if *name != category.name {
                    let base = slugify(name, "category");
                    let taken: Vec<String> = categories
                        .slugs_like(&base)?
                        .into_iter()
                        .filter(|slug| *slug != category.slug)
                        .collect();
                    category.slug = next_free_slug(&base, &taken);
                    category.name = name.clone();
                }
            }
            if let Some(description) = &input.description {
                category.description = description.trim().to_owned();
            }
            if let Some(active) = input.is_active {
                category.is_active = active;
            }
            if let Some(image) = &input.image {
                category.image = image.clone();
            }
            category.updated_at = self.clock.now();
            categories.update(&category)?;
            Ok(())
        })?;
        self.details(id)
    }

    /// Deletes a category that has neither children nor products (409 otherwise: nothing is deleted in cascade).
    pub fn delete(&self, id: CategoryId) -> Result<(), CatalogueError> {
        transaction(self.uow.as_ref(), |tx| {
            let categories = tx.categories();
            categories.lock_tree()?;
            categories.find(id)?.ok_or(CatalogueError::NotFound)?;
            if categories.has_children(id)? {
                return Err(CatalogueError::Conflict(
                    "This category has child categories: move or delete them first.".into(),
                ));
            }
            if categories.has_products(id)? {
                return Err(CatalogueError::Conflict(
                    "This category holds products: move them to another category first.".into(),
                ));
            }
            categories.delete(id).map_err(|error| match error {
                DeleteError::InUse => {
                    CatalogueError::Conflict("This category is still in use.".into())
                }
                DeleteError::Storage(error) => error.into(),
            })
        })
    }

    fn details(&self, id: CategoryId) -> Result<CategoryDetails, CatalogueError> {
        self.queries.category(id)?.ok_or(CatalogueError::NotFound)
    }
}

fn existing_parent(tx: &mut dyn Transaction, id: i64) -> Result<Category, CatalogueError> {
    tx.categories()
        .find(CategoryId(id))?
        .ok_or_else(|| FieldErrors::single("parent", invalid_pk(id)).into())
}

/// Moves `category` (and its subtree) under `new_parent`, refusing any move that would close a cycle.
fn move_category(
    tx: &mut dyn Transaction,
    category: &mut Category,
    new_parent: Option<i64>,
) -> Result<(), CatalogueError> {
    let parent = match new_parent {
        Some(id) => Some(existing_parent(tx, id)?),
        None => None,
    };
    MoveError::check(&category.path, parent.as_ref().map(|p| &p.path))
        .map_err(|error| FieldErrors::single("parent", error.to_string()))?;
    let new_path = match &parent {
        Some(parent) => parent.path.child(category.id),
        None => CategoryPath::root(category.id),
    };
    tx.categories().move_subtree(&category.path, &new_path)?;
    category.path = new_path;
    category.parent_id = parent.map(|p| p.id);
    Ok(())
}
