//! The methods each path takes, for the `Allow` header of a 405: read once from the OpenAPI document, which is
//! generated from the routes themselves.

use std::collections::BTreeSet;
use std::sync::OnceLock;

/// One documented path: its segments (`None` for a `{parameter}`) and its methods, upper-cased.
struct Route {
    segments: Vec<Option<String>>,
    methods: BTreeSet<String>,
}

static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();

fn routes() -> &'static [Route] {
    ROUTES.get_or_init(|| {
        let document = crate::openapi_document();
        let Some(paths) = document.get("paths").and_then(|paths| paths.as_object()) else {
            return Vec::new();
        };
        paths
            .iter()
            .map(|(path, operations)| Route {
                segments: segments(path)
                    .map(|segment| {
                        (!(segment.starts_with('{') && segment.ends_with('}')))
                            .then(|| segment.to_owned())
                    })
                    .collect(),
                methods: operations
                    .as_object()
                    .map(|operations| operations.keys().map(|m| m.to_ascii_uppercase()).collect())
                    .unwrap_or_default(),
            })
            .collect()
    })
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|segment| !segment.is_empty())
}

/// `GET, HEAD, POST`: the methods of the documented route that `path` matches most literally (as the router
/// prefers `products/featured/` to `products/{id}/`); pages and files outside the document take `GET, HEAD`.
pub fn allowed_methods(path: &str) -> String {
    let wanted: Vec<&str> = segments(path).collect();
    let best = routes()
        .iter()
        .filter(|route| {
            route.segments.len() == wanted.len()
                && route
                    .segments
                    .iter()
                    .zip(&wanted)
                    .all(|(segment, given)| segment.as_deref().is_none_or(|s| s == *given))
        })
        .max_by_key(|route| route.segments.iter().filter(|s| s.is_some()).count());
    let mut methods: BTreeSet<String> = match best {
        Some(route) => route.methods.clone(),
        None => BTreeSet::from(["GET".to_owned()]),
    };
    if methods.contains("GET") {
        methods.insert("HEAD".to_owned());
    }
    methods.into_iter().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_literal_route_decides() {
        assert_eq!(allowed_methods("/api/v1/products/featured/"), "GET, HEAD");
        assert_eq!(
            allowed_methods("/api/v1/products/6a1f/"),
            "DELETE, GET, HEAD, PATCH, PUT"
        );
        assert_eq!(allowed_methods("/api/v1/auth/login/"), "POST");
        assert_eq!(allowed_methods("/redoc/"), "GET, HEAD");
    }
}
