use chrono::{DateTime, Utc};

use super::CategoryPath;

/// Categories keep integer ids, as in the system OrderFlow replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CategoryId(pub i64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub parent_id: Option<CategoryId>,
    pub path: CategoryPath,
    pub image: Option<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Category {
    pub fn level(&self) -> usize {
        self.path.level()
    }
}

/// A category name: required, at most 100 characters. Unique (case-insensitively) across the catalogue.
pub struct CategoryName;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CategoryNameError {
    #[error("This field may not be blank.")]
    Blank,
    #[error("Ensure this field has no more than 100 characters.")]
    TooLong,
}

impl CategoryName {
    pub const MAX_LENGTH: usize = 100;

    pub fn parse(raw: &str) -> Result<String, CategoryNameError> {
        let name = raw.trim();
        if name.is_empty() {
            Err(CategoryNameError::Blank)
        } else if name.chars().count() > Self::MAX_LENGTH {
            Err(CategoryNameError::TooLong)
        } else {
            Ok(name.to_owned())
        }
    }
}

/// Why a category cannot go under a new parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    #[error("A category cannot be its own parent.")]
    UnderItself,
    #[error("A category cannot be moved under one of its own descendants.")]
    UnderDescendant,
}

impl MoveError {
    /// Checks a move of the category at `moving` under the category at `new_parent` (`None`: make it a root).
    ///
    /// The new parent's path lists every ancestor of the new parent; if the moving category is among them (or is
    /// the new parent), the move would close a cycle, whatever its length.
    pub fn check(
        moving: &CategoryPath,
        new_parent: Option<&CategoryPath>,
    ) -> Result<(), MoveError> {
        let Some(new_parent) = new_parent else {
            return Ok(());
        };
        if new_parent.id() == moving.id() {
            Err(MoveError::UnderItself)
        } else if new_parent.contains(moving.id()) {
            Err(MoveError::UnderDescendant)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain 1 > 2 > 3 > 4 > 5 > 6.
    fn chain(len: i64) -> Vec<CategoryPath> {
        let mut paths = vec![CategoryPath::root(CategoryId(1))];
        for id in 2..=len {
            let next = paths[paths.len() - 1].child(CategoryId(id));
            paths.push(next);
        }
        paths
    }

    #[test]
    fn a_category_cannot_go_under_itself() {
        let paths = chain(3);
        assert_eq!(
            MoveError::check(&paths[1], Some(&paths[1])),
            Err(MoveError::UnderItself)
        );
    }

    #[test]
    fn cycles_of_every_length_are_refused() {
        let paths = chain(7);
        // Moving category 1 under its descendant at depth d would close a cycle of length d + 1.
        for descendant in &paths[1..] {
            assert_eq!(
                MoveError::check(&paths[0], Some(descendant)),
                Err(MoveError::UnderDescendant),
                "under {}",
                descendant
            );
        }
    }

    #[test]
    fn moving_elsewhere_or_to_the_root_is_fine() {
        let paths = chain(4);
        let other = CategoryPath::root(CategoryId(99)).child(CategoryId(100));
        assert_eq!(MoveError::check(&paths[2], Some(&other)), Ok(()));
        assert_eq!(MoveError::check(&paths[2], None), Ok(()));
        // Under an ancestor (moving up) is fine too.
        assert_eq!(MoveError::check(&paths[3], Some(&paths[0])), Ok(()));
        // A sibling branch of the same root.
        let sibling = paths[0].child(CategoryId(50));
        assert_eq!(MoveError::check(&paths[1], Some(&sibling)), Ok(()));
    }

    #[test]
    fn names_are_required_and_bounded() {
        assert_eq!(CategoryName::parse("  Bread "), Ok("Bread".into()));
        assert_eq!(CategoryName::parse(" "), Err(CategoryNameError::Blank));
        assert_eq!(
            CategoryName::parse(&"x".repeat(101)),
            Err(CategoryNameError::TooLong)
        );
    }
}
