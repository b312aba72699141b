//! Creating, changing (and moving) and deleting categories.

use std::sync::Arc;

use crate::validation::{FieldErrors, FieldProblem};
use orderflow_domain::catalogue::{
    category_description, category_name, next_free_slug, slugify, Category, CategoryId,
    CategoryPath, MoveError,
};

use super::errors::no_such_object;
use super::retry::with_slug_retries;
use super::ManageCategoryError;
use crate::ports::{
    transaction, CatalogueQueries, CategoryDetails, Clock, DeleteError, ImageStore, Transaction,
    UnitOfWork,
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
    images: Arc<dyn ImageStore>,
    clock: Arc<dyn Clock>,
}

impl ManageCategories {
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

    /// Creates a category with an uploaded image (checked by content, at most 5 MiB); the image is removed again
    /// if the category cannot be created.
    pub fn create_with_image(
        &self,
        input: CategoryInput,
        image: super::NewImage,
    ) -> Result<CategoryDetails, ManageCategoryError> {
        let format = super::products::check_image(&image.bytes)?;
        let path = self
            .images
            .save("categories", format, &image.bytes)
            .map_err(ManageCategoryError::ImageStorage)?;
        let created = self.create(CategoryInput {
            image: Some(Some(path.clone())),
            ..input
        });
        if created.is_err() {
            self.images.remove(&path);
        }
        created
    }

    pub fn create(&self, input: CategoryInput) -> Result<CategoryDetails, ManageCategoryError> {
        let mut errors = FieldErrors::new();
        let name = match &input.name {
            Some(name) => errors.check("name", category_name(name)),
            None => {
                errors.add("name", FieldProblem::Required);
                None
            }
        };
        let description = input
            .description
            .as_deref()
            .map_or(Some(String::new()), |text| {
                errors.check("description", category_description(text))
            });
        let (Some(name), Some(description)) = (name, description) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
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
                Some(parent) => parent.path.child(id).map_err(|too_deep| {
                    ManageCategoryError::from(FieldErrors::single("parent", too_deep))
                })?,
                None => CategoryPath::root(id),
            };
            let base = slugify(&name, "category");
            let slug = next_free_slug(&base, &categories.slugs_like(&base)?);
            let now = self.clock.now();
            let category = Category {
                id,
                name: name.clone(),
                slug,
                description: description.clone(),
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
    ) -> Result<CategoryDetails, ManageCategoryError> {
        let mut errors = FieldErrors::new();
        let name = match &input.name {
            Some(name) => errors.check("name", category_name(name)),
            None if require_name => {
                errors.add("name", FieldProblem::Required);
                None
            }
            None => None,
        };
        let description = input
            .description
            .as_deref()
            .and_then(|text| errors.check("description", category_description(text)));
        errors.into_result()?;
        with_slug_retries(self.uow.as_ref(), |tx| {
            tx.categories().lock_tree()?;
            let mut category = tx
                .categories()
                .find(id)?
                .ok_or(ManageCategoryError::NotFound)?;
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
            if let Some(description) = &description {
                category.description = description.clone();
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
    pub fn delete(&self, id: CategoryId) -> Result<(), ManageCategoryError> {
        transaction(self.uow.as_ref(), |tx| {
            let categories = tx.categories();
            categories.lock_tree()?;
            categories.find(id)?.ok_or(ManageCategoryError::NotFound)?;
            if categories.has_children(id)? {
                return Err(ManageCategoryError::HasChildren);
            }
            if categories.has_products(id)? {
                return Err(ManageCategoryError::HasProducts);
            }
            categories.delete(id).map_err(|error| match error {
                DeleteError::InUse => ManageCategoryError::InUse,
                DeleteError::Storage(error) => error.into(),
            })
        })
    }

    fn details(&self, id: CategoryId) -> Result<CategoryDetails, ManageCategoryError> {
        self.queries
            .category(id)?
            .ok_or(ManageCategoryError::NotFound)
    }
}

fn existing_parent(tx: &mut dyn Transaction, id: i64) -> Result<Category, ManageCategoryError> {
    tx.categories()
        .find(CategoryId(id))?
        .ok_or_else(|| FieldErrors::single("parent", no_such_object(id)).into())
}

/// Moves `category` (and its subtree) under `new_parent`, refusing any move that would close a cycle.
fn move_category(
    tx: &mut dyn Transaction,
    category: &mut Category,
    new_parent: Option<i64>,
) -> Result<(), ManageCategoryError> {
    let parent = match new_parent {
        Some(id) => Some(existing_parent(tx, id)?),
        None => None,
    };
    let height = tx.categories().subtree_height(&category.path)?;
    let new_path = MoveError::check(&category.path, parent.as_ref().map(|p| &p.path), height)
        .map_err(|error| FieldErrors::single("parent", error))?;
    tx.categories().move_subtree(&category.path, &new_path)?;
    category.path = new_path;
    category.parent_id = parent.map(|p| p.id);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::{
        CategoryWriteError, MockCatalogueQueries, MockCategoryStore, MockImageStore,
        MockProductStore,
    };
    use crate::test_support::fixed_clock;
    use crate::test_support::{category, category_at, FakeUnitOfWork};
    use crate::validation::FieldErrors;
    use mockall::predicate::eq;
    use orderflow_domain::catalogue::CategoryPath;

    fn queries_returning(id: i64) -> MockCatalogueQueries {
        let mut queries = MockCatalogueQueries::new();
        queries.expect_category().returning(move |_| {
            Ok(Some(CategoryDetails {
                category: category(id, None, "Any"),
                parent_name: None,
                children_count: 0,
                path_names: vec!["Any".into()],
            }))
        });
        queries
    }

    fn manage(
        categories: MockCategoryStore,
        queries: MockCatalogueQueries,
    ) -> (ManageCategories, Arc<FakeUnitOfWork>) {
        let uow = Arc::new(FakeUnitOfWork::new(categories, MockProductStore::new()));
        (
            ManageCategories::new(
                uow.clone(),
                Arc::new(queries),
                Arc::new(MockImageStore::new()),
                fixed_clock(),
            ),
            uow,
        )
    }

    fn invalid(result: Result<CategoryDetails, ManageCategoryError>) -> FieldErrors {
        match result {
            Err(ManageCategoryError::Invalid(errors)) => errors,
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn a_child_gets_its_parents_path_a_free_slug_and_the_tree_lock() {
        let mut categories = MockCategoryStore::new();
        categories.expect_lock_tree().times(1).returning(|| Ok(()));
        categories
            .expect_find()
            .with(eq(CategoryId(4)))
            .returning(|_| Ok(Some(category_at(4, &[1], "Bakery"))));
        categories.expect_next_id().returning(|| Ok(CategoryId(9)));
        categories
            .expect_slugs_like()
            .with(eq("bread"))
            .returning(|_| Ok(vec!["bread".into()]));
        categories
            .expect_insert()
            .withf(|c| {
                c.id == CategoryId(9)
                    && c.path.encode() == "/1/4/9/"
                    && c.parent_id == Some(CategoryId(4))
                    && c.slug == "bread-2"
                    && c.is_active
            })
            .times(1)
            .returning(|_| Ok(()));
        let (manage, uow) = manage(categories, queries_returning(9));
        manage
            .create(CategoryInput {
                name: Some(" Bread ".into()),
                parent: Some(Some(4)),
                ..CategoryInput::default()
            })
            .unwrap();
        assert_eq!(uow.commits(), 1);
    }

    #[test]
    fn a_missing_name_or_parent_is_refused_and_a_taken_name_reported() {
        let (manage_none, _) = manage(MockCategoryStore::new(), MockCatalogueQueries::new());
        assert!(invalid(manage_none.create(CategoryInput::default())).has("name"));

        let mut categories = MockCategoryStore::new();
        categories.expect_lock_tree().returning(|| Ok(()));
        categories.expect_find().returning(|_| Ok(None));
        let (manage_orphan, uow) = manage(categories, MockCatalogueQueries::new());
        let errors = invalid(manage_orphan.create(CategoryInput {
            name: Some("Orphan".into()),
            parent: Some(Some(77)),
            ..CategoryInput::default()
        }));
        assert_eq!(
            errors.problems("parent"),
            [FieldProblem::NoSuchObject("77".into())]
        );
        assert_eq!(uow.rollbacks(), 1);

        let mut categories = MockCategoryStore::new();
        categories.expect_lock_tree().returning(|| Ok(()));
        categories.expect_next_id().returning(|| Ok(CategoryId(3)));
        categories.expect_slugs_like().returning(|_| Ok(vec![]));
        categories
            .expect_insert()
            .returning(|_| Err(CategoryWriteError::DuplicateName));
        let (manage_taken, _) = manage(categories, MockCatalogueQueries::new());
        let errors = invalid(manage_taken.create(CategoryInput {
            name: Some("Bread".into()),
            ..CategoryInput::default()
        }));
        assert_eq!(
            errors.problems("name"),
            [FieldProblem::Taken(crate::validation::Unique::CategoryName)]
        );
    }

    #[test]
    fn a_slug_taken_in_a_race_retries_the_whole_transaction() {
        let mut categories = MockCategoryStore::new();
        categories.expect_lock_tree().returning(|| Ok(()));
        categories.expect_next_id().returning(|| Ok(CategoryId(3)));
        categories.expect_slugs_like().returning(|_| Ok(vec![]));
        let mut attempts = 0;
        categories.expect_insert().times(2).returning(move |_| {
            attempts += 1;
            if attempts == 1 {
                Err(CategoryWriteError::DuplicateSlug)
            } else {
                Ok(())
            }
        });
        let (manage, uow) = manage(categories, queries_returning(3));
        manage
            .create(CategoryInput {
                name: Some("Bread".into()),
                ..CategoryInput::default()
            })
            .unwrap();
        assert_eq!((uow.rollbacks(), uow.commits()), (1, 1));
    }

    #[test]
    fn moving_under_a_descendant_is_refused_before_anything_is_rewritten() {
        let mut categories = MockCategoryStore::new();
        categories.expect_lock_tree().returning(|| Ok(()));
        categories.expect_find().returning(|id| {
            Ok(Some(match id.0 {
                2 => category_at(2, &[1], "Bakery"),
                _ => category_at(6, &[1, 2, 4, 5], "Deep"),
            }))
        });
        categories.expect_subtree_height().returning(|_| Ok(2));
        categories.expect_move_subtree().never();
        categories.expect_update().never();
        let (manage, uow) = manage(categories, MockCatalogueQueries::new());
        let errors = invalid(manage.update(
            CategoryId(2),
            CategoryInput {
                parent: Some(Some(6)),
                ..CategoryInput::default()
            },
            false,
        ));
        assert_eq!(
            errors.problems("parent"),
            [FieldProblem::Move(MoveError::UnderDescendant)]
        );
        assert_eq!(uow.rollbacks(), 1);
    }

    /// Bakery (2, under 1) and Outlet (8, under 7), found in a locked tree.
    fn bakery_and_outlet(categories: &mut MockCategoryStore) {
        categories.expect_lock_tree().returning(|| Ok(()));
        categories.expect_find().returning(|id| {
            Ok(Some(match id.0 {
                2 => category_at(2, &[1], "Bakery"),
                _ => category_at(8, &[7], "Outlet"),
            }))
        });
    }

    #[test]
    fn a_move_that_would_take_the_subtree_too_deep_is_refused_before_anything_is_rewritten() {
        let mut categories = MockCategoryStore::new();
        bakery_and_outlet(&mut categories);
        // Under Outlet (level 1) the branch starts at level 2; 98 levels below it would reach level 100.
        categories.expect_subtree_height().returning(|_| Ok(98));
        categories.expect_move_subtree().never();
        categories.expect_update().never();
        let (manage, _) = manage(categories, queries_returning(2));
        let Err(ManageCategoryError::Invalid(errors)) = manage.update(
            CategoryId(2),
            CategoryInput {
                parent: Some(Some(8)),
                ..CategoryInput::default()
            },
            false,
        ) else {
            panic!("expected a refusal")
        };
        assert_eq!(
            errors.problems("parent"),
            [FieldProblem::Move(MoveError::TooDeep)]
        );
    }

    #[test]
    fn a_legal_move_rewrites_the_subtree_from_the_old_to_the_new_path() {
        let mut categories = MockCategoryStore::new();
        bakery_and_outlet(&mut categories);
        let from = category_at(2, &[1], "Bakery").path;
        let to: CategoryPath = category_at(8, &[7], "Outlet")
            .path
            .child(CategoryId(2))
            .unwrap();
        categories.expect_subtree_height().returning(|_| Ok(1));
        categories
            .expect_move_subtree()
            .with(eq(from), eq(to))
            .times(1)
            .returning(|_, _| Ok(()));
        categories
            .expect_update()
            .withf(|c| c.parent_id == Some(CategoryId(8)) && c.path.encode() == "/7/8/2/")
            .times(1)
            .returning(|_| Ok(()));
        let (manage, uow) = manage(categories, queries_returning(2));
        manage
            .update(
                CategoryId(2),
                CategoryInput {
                    parent: Some(Some(8)),
                    ..CategoryInput::default()
                },
                false,
            )
            .unwrap();
        assert_eq!(uow.commits(), 1);
    }

    #[test]
    fn deleting_a_category_with_children_or_products_is_a_conflict() {
        for (children, products) in [(true, false), (false, true)] {
            let mut categories = MockCategoryStore::new();
            categories.expect_lock_tree().returning(|| Ok(()));
            categories
                .expect_find()
                .returning(|_| Ok(Some(category(3, None, "Busy"))));
            categories
                .expect_has_children()
                .returning(move |_| Ok(children));
            categories
                .expect_has_products()
                .returning(move |_| Ok(products));
            categories.expect_delete().never();
            let (manage, _) = manage(categories, MockCatalogueQueries::new());
            assert!(matches!(
                manage.delete(CategoryId(3)),
                Err(ManageCategoryError::HasChildren | ManageCategoryError::HasProducts)
            ));
        }
    }
}
