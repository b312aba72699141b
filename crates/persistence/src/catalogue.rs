//! The catalogue's tables: the stores used inside transactions, and the read-side queries.

mod product_counts;
mod product_pages;
mod queries;
mod rows;
mod stores;

pub use queries::PgCatalogueQueries;

use orderflow_domain::catalogue::CategoryPath;

/// The categories of the subtree at `path` are those whose path lies in `[start, end)` (byte order): `/1/5/`
/// up to, not including, `/1/50` (the last `/` raised to `0`, the next byte).
pub(crate) fn subtree_range(path: &CategoryPath) -> (String, String) {
    let start = path.encode();
    let mut end = start.clone();
    end.pop();
    end.push('0');
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderflow_domain::catalogue::CategoryId;

    #[test]
    fn the_range_holds_the_subtree_and_nothing_else() {
        let (start, end) = subtree_range(
            &CategoryPath::root(CategoryId(1))
                .child(CategoryId(5))
                .unwrap(),
        );
        assert_eq!((start.as_str(), end.as_str()), ("/1/5/", "/1/50"));
        let inside = ["/1/5/", "/1/5/7/", "/1/5/999/3/"];
        let outside = ["/1/", "/1/50/", "/1/51/", "/1/6/", "/1/4/9/", "/2/"];
        for path in inside {
            assert!(path >= start.as_str() && path < end.as_str(), "{path}");
        }
        for path in outside {
            assert!(!(path >= start.as_str() && path < end.as_str()), "{path}");
        }
    }
}
