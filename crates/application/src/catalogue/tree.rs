//! Nesting the flat, path-ordered list of categories into a tree, in one pass.

use std::collections::HashMap;

use orderflow_domain::catalogue::{Category, CategoryId};

use crate::ports::TreeEntry;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    pub category: Category,
    pub product_count: u64,
    /// Ordered by name.
    pub children: Vec<TreeNode>,
}

/// Builds the forest of roots (ordered by name) from entries whose parents, if any, are among the entries.
/// Entries whose parent is missing (an inactive ancestor) are left out with their subtree.
pub fn build_tree(entries: Vec<TreeEntry>) -> Vec<TreeNode> {
    let mut children_of: HashMap<Option<CategoryId>, Vec<TreeEntry>> = HashMap::new();
    for entry in entries {
        children_of
            .entry(entry.category.parent_id)
            .or_default()
            .push(entry);
    }
    let mut roots = attach(None, &mut children_of);
    sort(&mut roots);
    roots
}

/// Builds the nodes under `parent`, iteratively so that depth cannot exhaust the stack.
fn attach(
    parent: Option<CategoryId>,
    children_of: &mut HashMap<Option<CategoryId>, Vec<TreeEntry>>,
) -> Vec<TreeNode> {
    // Post-order: a node is finished once all its children are.
    let mut stack: Vec<(TreeEntry, Vec<TreeEntry>, Vec<TreeNode>)> = Vec::new();
    let mut finished_roots = Vec::new();
    let mut pending_roots = children_of.remove(&parent).unwrap_or_default();
    pending_roots.reverse();
    while let Some(root) = pending_roots.pop() {
        let mut kids = children_of
            .remove(&Some(root.category.id))
            .unwrap_or_default();
        kids.reverse();
        stack.push((root, kids, Vec::new()));
        while let Some((_, pending, _)) = stack.last_mut() {
            if let Some(next) = pending.pop() {
                let mut grandchildren = children_of
                    .remove(&Some(next.category.id))
                    .unwrap_or_default();
                grandchildren.reverse();
                stack.push((next, grandchildren, Vec::new()));
                continue;
            }
            let Some((entry, _, mut done)) = stack.pop() else {
                break;
            };
            sort(&mut done);
            let node = TreeNode {
                category: entry.category,
                product_count: entry.product_count,
                children: done,
            };
            match stack.last_mut() {
                Some((_, _, siblings)) => siblings.push(node),
                None => finished_roots.push(node),
            }
        }
    }
    finished_roots
}

fn sort(nodes: &mut [TreeNode]) {
    nodes.sort_by(|a, b| {
        a.category
            .name
            .to_lowercase()
            .cmp(&b.category.name.to_lowercase())
            .then(a.category.id.cmp(&b.category.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::fakes::category;

    fn entry(id: i64, parent: Option<i64>, name: &str, count: u64) -> TreeEntry {
        TreeEntry {
            category: category(id, parent, name),
            product_count: count,
        }
    }

    fn names(nodes: &[TreeNode]) -> Vec<&str> {
        nodes.iter().map(|n| n.category.name.as_str()).collect()
    }

    #[test]
    fn nests_children_under_parents_and_orders_by_name() {
        let tree = build_tree(vec![
            entry(1, None, "Electronics", 5),
            entry(2, Some(1), "Phones", 3),
            entry(3, Some(1), "Cameras", 2),
            entry(4, Some(2), "Android", 1),
            entry(5, None, "Clothing", 0),
        ]);
        assert_eq!(names(&tree), ["Clothing", "Electronics"]);
        assert_eq!(names(&tree[1].children), ["Cameras", "Phones"]);
        assert_eq!(names(&tree[1].children[1].children), ["Android"]);
        assert_eq!(tree[1].product_count, 5);
    }

    #[test]
    fn orphans_of_missing_parents_are_left_out() {
        let tree = build_tree(vec![
            entry(1, None, "A", 0),
            entry(3, Some(2), "Under inactive", 0),
        ]);
        assert_eq!(names(&tree), ["A"]);
        assert!(tree[0].children.is_empty());
    }

    #[test]
    fn a_very_deep_chain_does_not_exhaust_the_stack() {
        let mut entries = vec![entry(1, None, "level-0", 0)];
        for id in 2..=20_000 {
            entries.push(entry(id, Some(id - 1), &format!("level-{}", id - 1), 0));
        }
        let tree = build_tree(entries);
        let mut depth = 0;
        let mut node = &tree[0];
        while let Some(child) = node.children.first() {
            node = child;
            depth += 1;
        }
        assert_eq!(depth, 19_999);
        // Dropping a deep tree recursively would overflow too: take it apart iteratively.
        let mut pending = tree;
        while let Some(mut node) = pending.pop() {
            pending.append(&mut node.children);
        }
    }
}
