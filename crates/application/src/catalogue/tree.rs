//! The whole category tree in memory, from one query: subtree price totals, the visible tree, and the details
//! (path names, parent, children) of every category, each computed in one pass.

use std::collections::HashMap;

use orderflow_domain::catalogue::{Category, CategoryId, PriceStats, PriceTotals};

use crate::ports::{CategoryDetails, TreeEntry};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    pub category: Category,
    /// Active products in this category and below it.
    pub product_count: u64,
    /// Active children, ordered by name.
    pub children: Vec<TreeNode>,
}

pub struct CatalogueTree {
    entries: Vec<TreeEntry>,
    index: HashMap<CategoryId, usize>,
    children: HashMap<Option<CategoryId>, Vec<usize>>,
    /// Totals of each category's whole subtree (inactive categories included: their products still count for
    /// their ancestors' prices, as `average_price` counts them).
    subtree: Vec<PriceTotals>,
}

impl CatalogueTree {
    pub fn new(entries: Vec<TreeEntry>) -> Self {
        let index: HashMap<CategoryId, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, entry)| (entry.category.id, i))
            .collect();
        let mut children: HashMap<Option<CategoryId>, Vec<usize>> = HashMap::new();
        for (i, entry) in entries.iter().enumerate() {
            children
                .entry(entry.category.parent_id)
                .or_default()
                .push(i);
        }
        for siblings in children.values_mut() {
            siblings.sort_by(|a, b| {
                let (a, b) = (&entries[*a].category, &entries[*b].category);
                a.name
                    .to_lowercase()
                    .cmp(&b.name.to_lowercase())
                    .then(a.id.cmp(&b.id))
            });
        }
        // Deepest first, so every child is complete before it is added to its parent.
        let mut subtree: Vec<PriceTotals> = entries.iter().map(|entry| entry.direct).collect();
        let mut by_depth: Vec<usize> = (0..entries.len()).collect();
        by_depth.sort_by_key(|i| std::cmp::Reverse(entries[*i].category.level()));
        for i in by_depth {
            if let Some(parent) = entries[i].category.parent_id.and_then(|p| index.get(&p)) {
                let child = subtree[i];
                subtree[*parent].combine(&child);
            }
        }
        Self {
            entries,
            index,
            children,
            subtree,
        }
    }

    /// Active roots ordered by name, each with its active children recursively (built without recursion).
    pub fn forest(&self) -> Vec<TreeNode> {
        let visible = |i: &&usize| self.entries[**i].category.is_active;
        let node = |i: usize| TreeNode {
            category: self.entries[i].category.clone(),
            product_count: self.subtree[i].count,
            children: Vec::new(),
        };
        let kids = |i: usize| -> Vec<usize> {
            self.children
                .get(&Some(self.entries[i].category.id))
                .map(|c| c.iter().filter(visible).rev().copied().collect())
                .unwrap_or_default()
        };
        let mut forest = Vec::new();
        let roots: Vec<usize> = self
            .children
            .get(&None)
            .map(|r| r.iter().filter(visible).copied().collect())
            .unwrap_or_default();
        for root in roots {
            // Frames: the node being built and its children still to visit (reversed, popped from the end).
            let mut stack = vec![(node(root), kids(root))];
            while let Some((_, pending)) = stack.last_mut() {
                if let Some(next) = pending.pop() {
                    stack.push((node(next), kids(next)));
                    continue;
                }
                let Some((done, _)) = stack.pop() else { break };
                match stack.last_mut() {
                    Some((parent, _)) => parent.children.push(done),
                    None => forest.push(done),
                }
            }
        }
        forest
    }

    /// Every active category with an active product in its subtree, with its statistics, ordered by full path.
    pub fn per_category(&self) -> Vec<(CategoryDetails, PriceStats)> {
        let mut entries: Vec<(CategoryDetails, PriceStats)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(i, entry)| entry.category.is_active && self.subtree[*i].count > 0)
            .map(|(i, _)| (self.details(i), self.subtree[i].stats()))
            .collect();
        entries.sort_by(|(a, _), (b, _)| a.path_names.cmp(&b.path_names));
        entries
    }

    fn details(&self, i: usize) -> CategoryDetails {
        let category = &self.entries[i].category;
        let name_of = |id: &CategoryId| {
            self.index
                .get(id)
                .map(|j| self.entries[*j].category.name.clone())
        };
        CategoryDetails {
            category: category.clone(),
            parent_name: category.parent_id.as_ref().and_then(name_of),
            children_count: self
                .children
                .get(&Some(category.id))
                .map_or(0, |c| c.len() as u64),
            path_names: category.path.ids().iter().filter_map(name_of).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::category_at;
    use orderflow_domain::catalogue::Price;

    fn entry(id: i64, ancestors: &[i64], name: &str, prices: &[&str]) -> TreeEntry {
        let prices: Vec<Price> = prices.iter().map(|p| Price::parse(p).unwrap()).collect();
        TreeEntry {
            category: category_at(id, ancestors, name),
            direct: PriceTotals::of(&prices),
        }
    }

    fn names(nodes: &[TreeNode]) -> Vec<&str> {
        nodes.iter().map(|n| n.category.name.as_str()).collect()
    }

    fn sample() -> Vec<TreeEntry> {
        vec![
            entry(1, &[], "Electronics", &["10.00"]),
            entry(2, &[1], "Phones", &["20.00"]),
            entry(3, &[1], "Cameras", &[]),
            entry(4, &[1, 2], "Android", &["30.00", "40.00"]),
            entry(5, &[], "Clothing", &[]),
        ]
    }

    #[test]
    fn nests_children_orders_by_name_and_counts_whole_subtrees() {
        let tree = CatalogueTree::new(sample()).forest();
        assert_eq!(names(&tree), ["Clothing", "Electronics"]);
        assert_eq!(names(&tree[1].children), ["Cameras", "Phones"]);
        assert_eq!(names(&tree[1].children[1].children), ["Android"]);
        assert_eq!(tree[1].product_count, 4);
        assert_eq!(tree[1].children[1].product_count, 3);
        assert_eq!(tree[0].product_count, 0);
    }

    #[test]
    fn inactive_branches_are_hidden_but_their_products_still_count_for_ancestors() {
        let mut entries = sample();
        entries[1].category.is_active = false; // Phones
        let tree = CatalogueTree::new(entries);
        let forest = tree.forest();
        assert_eq!(names(&forest[1].children), ["Cameras"]);
        assert_eq!(forest[1].product_count, 4);
        let per_category: Vec<String> = tree
            .per_category()
            .into_iter()
            .map(|(details, _)| details.category.name)
            .collect();
        // Phones is inactive: left out itself, while its active child keeps its own entry.
        assert_eq!(per_category, ["Electronics", "Android"]);
    }

    #[test]
    fn per_category_statistics_and_details_cover_each_subtree() {
        let entries = CatalogueTree::new(sample()).per_category();
        let summary: Vec<(String, u64, Option<String>)> = entries
            .iter()
            .map(|(d, s)| {
                (
                    d.path_names.join(" > "),
                    s.count,
                    s.average.map(|a| format!("{a:.2}")),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("Electronics".to_owned(), 4, Some("25.00".to_owned())),
                (
                    "Electronics > Phones".to_owned(),
                    3,
                    Some("30.00".to_owned())
                ),
                (
                    "Electronics > Phones > Android".to_owned(),
                    2,
                    Some("35.00".to_owned())
                ),
            ]
        );
        let (phones, _) = &entries[1];
        assert_eq!(phones.parent_name.as_deref(), Some("Electronics"));
        assert_eq!(phones.children_count, 1);
    }

    #[test]
    fn a_very_deep_chain_does_not_exhaust_the_stack() {
        let mut entries = vec![entry(1, &[], "level-0", &["1.00"])];
        for id in 2..=5_000 {
            let parent = &entries[entries.len() - 1].category;
            let mut category = parent.clone();
            category.id = CategoryId(id);
            category.name = format!("level-{}", id - 1);
            category.parent_id = Some(parent.id);
            // Deeper than a tree may now grow: read back as stored data could be, past the limit `child` keeps.
            category.path = orderflow_domain::catalogue::CategoryPath::decode(&format!(
                "{}{id}/",
                parent.path.encode()
            ))
            .unwrap();
            entries.push(TreeEntry {
                category,
                direct: PriceTotals::default(),
            });
        }
        let forest = CatalogueTree::new(entries).forest();
        let mut depth = 0;
        let mut node = &forest[0];
        while let Some(child) = node.children.first() {
            node = child;
            depth += 1;
        }
        assert_eq!(depth, 4_999);
        assert_eq!(forest[0].product_count, 1);
        // Taken apart iteratively: dropping a deep tree recursively would be the test's own problem.
        let mut pending = forest;
        while let Some(mut node) = pending.pop() {
            pending.append(&mut node.children);
        }
    }
}
