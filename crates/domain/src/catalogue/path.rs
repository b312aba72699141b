//! Where a category sits in the tree: the ids from its root down to itself.
//!
//! Stored beside `parent_id` as a materialised path (`/1/5/23/`), so that "this category and all its descendants"
//! is one prefix match on an index, and a category's level and ancestors need no walk up the tree.

use std::fmt;

use super::CategoryId;

/// The ids from a root category down to a category, itself included (so never empty).
///
/// ```
/// use orderflow_domain::catalogue::{CategoryId, CategoryPath};
///
/// let garden = CategoryPath::root(CategoryId(1));
/// let tools = garden.child(CategoryId(5)).unwrap();
/// let rakes = tools.child(CategoryId(23)).unwrap();
/// assert_eq!(rakes.encode(), "/1/5/23/");
/// assert_eq!(rakes.level(), 2);
/// assert_eq!(rakes.ancestors(), &[CategoryId(1), CategoryId(5)]);
/// assert!(rakes.is_within(&garden));
/// assert_eq!(CategoryPath::decode("/1/5/23/"), Ok(rakes));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CategoryPath(Vec<CategoryId>);

/// Text that is not an encoded path such as `/1/5/23/`; holds the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed category path {0:?}")]
pub struct PathError(pub String);

/// A category would sit deeper than [`CategoryPath::MAX_LEVELS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("category deeper than {} levels", CategoryPath::MAX_LEVELS)]
pub struct TooDeep;

impl CategoryPath {
    /// The path of a root category.
    pub fn root(id: CategoryId) -> Self {
        Self(vec![id])
    }

    /// How deep the tree may go: a root and 99 levels below it. The encoded path of the deepest category is then at
    /// most 2,001 bytes (twenty per level for the largest ids), within the 2,704 bytes a Postgres btree entry can
    /// hold: the unique index on `path` could not store a much deeper one.
    pub const MAX_LEVELS: usize = 100;

    /// The path of a child of this category, unless the child would sit too deep.
    pub fn child(&self, id: CategoryId) -> Result<Self, TooDeep> {
        if self.0.len() >= Self::MAX_LEVELS {
            return Err(TooDeep);
        }
        let mut ids = self.0.clone();
        ids.push(id);
        Ok(Self(ids))
    }

    /// The category the path leads to: its last id.
    pub fn id(&self) -> CategoryId {
        // A path always holds at least the category itself (see `root`, `child`, `decode`).
        self.0[self.0.len() - 1]
    }

    /// 0 for a root.
    pub fn level(&self) -> usize {
        self.0.len() - 1
    }

    /// From the root down to the parent (empty for a root).
    pub fn ancestors(&self) -> &[CategoryId] {
        &self.0[..self.0.len() - 1]
    }

    /// Every id, from the root down to the category itself.
    pub fn ids(&self) -> &[CategoryId] {
        &self.0
    }

    /// Whether `id` is the category itself or one of its ancestors.
    pub fn contains(&self, id: CategoryId) -> bool {
        self.0.contains(&id)
    }

    /// True for this category itself and every category below it.
    pub fn is_within(&self, other: &CategoryPath) -> bool {
        self.0.starts_with(&other.0)
    }

    /// `/1/5/23/`: every descendant's encoding starts with its ancestor's.
    pub fn encode(&self) -> String {
        let mut text = String::from("/");
        for id in &self.0 {
            text.push_str(&id.0.to_string());
            text.push('/');
        }
        text
    }

    /// Reads an encoded path (`/1/5/23/`) back; anything else is a [`PathError`].
    pub fn decode(text: &str) -> Result<Self, PathError> {
        let inner = text
            .strip_prefix('/')
            .and_then(|t| t.strip_suffix('/'))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| PathError(text.to_owned()))?;
        let ids = inner
            .split('/')
            .map(|part| {
                part.parse::<i64>()
                    .map(CategoryId)
                    .map_err(|_| PathError(text.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(ids))
    }

    /// The path this category and each of its descendants get when the category moves under `new_parent` (or
    /// becomes a root): the old prefix is replaced.
    pub fn rebased(
        &self,
        old_prefix: &CategoryPath,
        new_prefix: &CategoryPath,
    ) -> Option<CategoryPath> {
        let rest = self.0.strip_prefix(old_prefix.0.as_slice())?;
        let mut ids = new_prefix.0.clone();
        ids.extend_from_slice(rest);
        Some(Self(ids))
    }
}

impl fmt::Display for CategoryPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(ids: &[i64]) -> CategoryPath {
        CategoryPath(ids.iter().copied().map(CategoryId).collect())
    }

    #[test]
    fn encodes_and_decodes() {
        let p = path(&[1, 5, 23]);
        assert_eq!(p.encode(), "/1/5/23/");
        assert_eq!(CategoryPath::decode("/1/5/23/").unwrap(), p);
        for bad in ["", "/", "1/5/", "/1/x/", "/1//2/", "/1/5"] {
            assert!(CategoryPath::decode(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn level_and_ancestors() {
        let root = CategoryPath::root(CategoryId(1));
        assert_eq!(root.level(), 0);
        assert!(root.ancestors().is_empty());
        let leaf = root
            .child(CategoryId(5))
            .and_then(|p| p.child(CategoryId(9)))
            .unwrap();
        assert_eq!(leaf.level(), 2);
        assert_eq!(leaf.ancestors(), &[CategoryId(1), CategoryId(5)]);
        assert_eq!(leaf.id(), CategoryId(9));
    }

    #[test]
    fn the_tree_is_at_most_max_levels_deep_and_the_deepest_path_fits_the_index() {
        let ids: Vec<i64> = (0..CategoryPath::MAX_LEVELS as i64)
            .map(|n| i64::MAX - n)
            .collect();
        let deepest = path(&ids);
        assert_eq!(deepest.level(), CategoryPath::MAX_LEVELS - 1);
        assert_eq!(deepest.child(CategoryId(1)), Err(TooDeep));
        assert!(
            deepest.encode().len() <= 2_001,
            "{}",
            deepest.encode().len()
        );
        let shallower = path(&ids[1..]);
        assert!(shallower.child(CategoryId(1)).is_ok());
    }

    #[test]
    fn prefix_of_encoding_is_ancestry_not_digits() {
        // /1/ must not be taken for an ancestor of /12/: the separators make prefixes exact.
        let one = path(&[1]);
        let twelve = path(&[12]);
        assert!(!twelve.encode().starts_with(&one.encode()));
        assert!(!twelve.is_within(&one));
        assert!(path(&[1, 2]).is_within(&one));
        assert!(one.is_within(&one));
    }

    #[test]
    fn rebasing_moves_a_subtree() {
        let moved = path(&[1, 5]);
        let descendant = path(&[1, 5, 9, 11]);
        let new_prefix = path(&[3, 5]);
        assert_eq!(
            descendant.rebased(&moved, &new_prefix),
            Some(path(&[3, 5, 9, 11]))
        );
        assert_eq!(path(&[2, 7]).rebased(&moved, &new_prefix), None);
    }
}
