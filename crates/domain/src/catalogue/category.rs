use chrono::{DateTime, Utc};

use super::{CategoryPath, TooDeep};
use crate::text::{self, limits, TextError};

/// Categories keep integer ids, as in the system OrderFlow replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CategoryId(pub i64);

/// A node of the catalogue tree, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Category {
    /// Fixed at creation; a move changes `parent_id` and `path`, never the id.
    pub id: CategoryId,
    /// Shown to shoppers; unique across the catalogue whatever the letter case (see [`category_name`]).
    pub name: String,
    /// The name as it appears in URLs; unique (see [`slugify`](super::slugify)).
    pub slug: String,
    /// Free text (see [`category_description`]).
    pub description: String,
    /// The category directly above; `None` for a root.
    pub parent_id: Option<CategoryId>,
    /// The ids from its root down to itself, kept in step with `parent_id`.
    pub path: CategoryPath,
    /// The stored image's file name, if it has one.
    pub image: Option<String>,
    /// Listings show active categories only, unless asked otherwise.
    pub is_active: bool,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl Category {
    /// How deep it sits: 0 for a root.
    pub fn level(&self) -> usize {
        self.path.level()
    }
}

/// A category name: required, one line, at most 100 characters. Unique (case-insensitively) across the catalogue.
///
/// Returns the name trimmed, or why it is refused. Uniqueness is the store's to check.
pub fn category_name(raw: &str) -> Result<String, TextError> {
    text::required_line(raw, limits::CATEGORY_NAME)
}

/// A category's description: free text, at most 2,000 characters.
pub fn category_description(raw: &str) -> Result<String, TextError> {
    text::free_text(raw, limits::CATEGORY_DESCRIPTION)
}

/// Why a category cannot go under a new parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MoveError {
    /// The new parent is the category itself.
    #[error("category under itself")]
    UnderItself,
    /// The new parent sits below the category: the move would close a cycle.
    #[error("category under its own descendant")]
    UnderDescendant,
    /// The moved subtree would reach deeper than [`CategoryPath::MAX_LEVELS`].
    #[error("subtree deeper than {} levels", CategoryPath::MAX_LEVELS)]
    TooDeep,
}

impl From<TooDeep> for MoveError {
    fn from(_: TooDeep) -> Self {
        MoveError::TooDeep
    }
}

impl MoveError {
    /// Checks a move of the category at `moving` under the category at `new_parent` (`None`: make it a root), and
    /// returns the category's new path. `height` is how many levels its subtree reaches below it (0 for a leaf).
    ///
    /// The new parent's path lists every ancestor of the new parent; if the moving category is among them (or is
    /// the new parent), the move would close a cycle, whatever its length. The deepest descendant must still sit
    /// within [`CategoryPath::MAX_LEVELS`] after the move.
    ///
    /// ```
    /// use orderflow_domain::catalogue::{CategoryId, CategoryPath, MoveError};
    ///
    /// // Garden (1) > Tools (5) > Rakes (23), and a separate root, Kitchen (2).
    /// let garden = CategoryPath::root(CategoryId(1));
    /// let tools = garden.child(CategoryId(5)).unwrap();
    /// let rakes = tools.child(CategoryId(23)).unwrap();
    /// let kitchen = CategoryPath::root(CategoryId(2));
    ///
    /// // Garden under Rakes would make Garden its own ancestor: refused.
    /// assert_eq!(
    ///     MoveError::check(&garden, Some(&rakes), 2),
    ///     Err(MoveError::UnderDescendant)
    /// );
    /// assert_eq!(MoveError::check(&tools, Some(&tools), 1), Err(MoveError::UnderItself));
    /// // Tools (with Rakes below it) under Kitchen is fine: its new path is returned.
    /// let moved = MoveError::check(&tools, Some(&kitchen), 1).unwrap();
    /// assert_eq!(moved.encode(), "/2/5/");
    /// // Its descendants follow by swapping the prefix.
    /// assert_eq!(rakes.rebased(&tools, &moved).unwrap().encode(), "/2/5/23/");
    /// ```
    pub fn check(
        moving: &CategoryPath,
        new_parent: Option<&CategoryPath>,
        height: usize,
    ) -> Result<CategoryPath, MoveError> {
        let Some(new_parent) = new_parent else {
            return Ok(CategoryPath::root(moving.id()));
        };
        if new_parent.id() == moving.id() {
            return Err(MoveError::UnderItself);
        }
        if new_parent.contains(moving.id()) {
            return Err(MoveError::UnderDescendant);
        }
        let new_path = new_parent.child(moving.id())?;
        if new_path.level() + height >= CategoryPath::MAX_LEVELS {
            return Err(MoveError::TooDeep);
        }
        Ok(new_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain 1 > 2 > 3 > ... > len.
    fn chain(len: i64) -> Vec<CategoryPath> {
        let mut paths = vec![CategoryPath::root(CategoryId(1))];
        for id in 2..=len {
            let next = paths[paths.len() - 1].child(CategoryId(id)).unwrap();
            paths.push(next);
        }
        paths
    }

    #[test]
    fn a_category_cannot_go_under_itself() {
        let paths = chain(3);
        assert_eq!(
            MoveError::check(&paths[1], Some(&paths[1]), 0),
            Err(MoveError::UnderItself)
        );
    }

    #[test]
    fn cycles_of_every_length_are_refused() {
        let paths = chain(7);
        // Moving category 1 under its descendant at depth d would close a cycle of length d + 1.
        for descendant in &paths[1..] {
            assert_eq!(
                MoveError::check(&paths[0], Some(descendant), 6),
                Err(MoveError::UnderDescendant),
                "under {}",
                descendant
            );
        }
    }

    #[test]
    fn moving_elsewhere_or_to_the_root_is_fine() {
        let paths = chain(4);
        let other = CategoryPath::root(CategoryId(99))
            .child(CategoryId(100))
            .unwrap();
        assert_eq!(
            MoveError::check(&paths[2], Some(&other), 1).map(|p| p.encode()),
            Ok("/99/100/3/".into())
        );
        assert_eq!(
            MoveError::check(&paths[2], None, 1),
            Ok(CategoryPath::root(CategoryId(3)))
        );
        // Under an ancestor (moving up) is fine too.
        assert!(MoveError::check(&paths[3], Some(&paths[0]), 0).is_ok());
        // A sibling branch of the same root.
        let sibling = paths[0].child(CategoryId(50)).unwrap();
        assert!(MoveError::check(&paths[1], Some(&sibling), 2).is_ok());
    }

    #[test]
    fn a_move_may_not_take_the_deepest_descendant_past_the_limit() {
        let max = CategoryPath::MAX_LEVELS;
        let deep = chain(max as i64 - 10);
        let deep_parent = &deep[deep.len() - 1];
        let subtree_root = CategoryPath::root(CategoryId(5_000));
        // The subtree's root lands at level max - 10; nine levels below it still fit, ten do not.
        assert!(MoveError::check(&subtree_root, Some(deep_parent), 9).is_ok());
        assert_eq!(
            MoveError::check(&subtree_root, Some(deep_parent), 10),
            Err(MoveError::TooDeep)
        );
        let deepest = chain(max as i64);
        assert_eq!(
            MoveError::check(&subtree_root, Some(&deepest[max - 1]), 0),
            Err(MoveError::TooDeep)
        );
    }

    #[test]
    fn names_are_required_and_bounded() {
        assert_eq!(category_name("  Bread "), Ok("Bread".into()));
        assert_eq!(category_name(" "), Err(TextError::Blank));
        assert_eq!(
            category_name(&"x".repeat(101)),
            Err(TextError::TooLong(100))
        );
        assert_eq!(category_name("Bre\0ad"), Err(TextError::ControlInLine));
    }
}
