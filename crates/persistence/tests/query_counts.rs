//! `categories/tree/` costs the same number of queries whatever the depth of the tree.
//! (Its own test binary: the query counter is global to the process.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Utc;
use diesel::connection::{set_default_instrumentation, Instrumentation, InstrumentationEvent};
use orderflow_application::ports::{transaction, CatalogueQueries, RepositoryError};
use orderflow_domain::catalogue::{Category, CategoryPath};
use orderflow_persistence::{PgCatalogueQueries, PgUnitOfWork};
use orderflow_test_support::TestDatabase;

static QUERIES: AtomicUsize = AtomicUsize::new(0);

fn counting() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(|event: InstrumentationEvent<'_>| {
        if matches!(event, InstrumentationEvent::StartQuery { .. }) {
            QUERIES.fetch_add(1, Ordering::SeqCst);
        }
    }))
}

/// A catalogue of `count` categories arranged `depth` levels deep (chains of `depth` under each root).
fn build(db: &TestDatabase, count: usize, depth: usize) {
    let uow = PgUnitOfWork::new(db.pool());
    transaction(&uow, |tx| {
        let mut chain: Vec<Category> = Vec::new();
        for n in 0..count {
            let categories = tx.categories();
            if chain.len() == depth {
                chain.clear();
            }
            let id = categories.next_id()?;
            let path = match chain.last() {
                Some(parent) => parent.path.child(id).expect("within the depth limit"),
                None => CategoryPath::root(id),
            };
            let category = Category {
                id,
                name: format!("category {n}"),
                slug: format!("category-{n}"),
                description: String::new(),
                parent_id: chain.last().map(|p| p.id),
                path,
                image: None,
                is_active: true,
                created_at: Utc::now(),
                updated_at: Utc::now(),
            };
            categories
                .insert(&category)
                .map_err(|e| RepositoryError::Failed(e.to_string().into()))?;
            chain.push(category);
        }
        Ok::<_, RepositoryError>(())
    })
    .unwrap();
}

fn queries_for_tree(db: &TestDatabase) -> (usize, usize) {
    let queries = PgCatalogueQueries::new(db.pool());
    queries.tree().unwrap(); // warm the pool: connecting costs queries of its own
    let before = QUERIES.load(Ordering::SeqCst);
    let tree = queries.tree().unwrap();
    (QUERIES.load(Ordering::SeqCst) - before, tree.len())
}

#[test]
fn the_tree_costs_the_same_queries_at_depth_2_and_depth_10() {
    set_default_instrumentation(counting).unwrap();
    let shallow = TestDatabase::new();
    build(&shallow, 60, 2);
    let deep = TestDatabase::new();
    build(&deep, 60, 10);

    let (shallow_queries, shallow_nodes) = queries_for_tree(&shallow);
    let (deep_queries, deep_nodes) = queries_for_tree(&deep);
    assert_eq!((shallow_nodes, deep_nodes), (60, 60));
    assert_eq!(shallow_queries, deep_queries);
    // One query (the categories with their rolled-up counts), plus a ping if the pool found the connection idle.
    assert!((1..=2).contains(&deep_queries), "{deep_queries} queries");
}
