//! Page-number pagination in DRF's envelope: `{"count", "next", "previous", "results"}` with absolute links.

use actix_web::HttpRequest;
use orderflow_application::listing::{Page, PageRequest};
use paperclip::actix::Apiv2Schema;
use serde::Serialize;

use crate::error::ApiError;
use crate::origin::RequestOrigin;

/// One page of a list.
#[derive(Debug, Serialize, Apiv2Schema)]
pub struct Paginated<T: Serialize + paperclip::v2::schema::Apiv2Schema> {
    /// Size of the whole (filtered) list.
    pub count: u64,
    /// Absolute URL of the next page, or null.
    pub next: Option<String>,
    /// Absolute URL of the previous page, or null.
    pub previous: Option<String>,
    pub results: Vec<T>,
}

/// `?page=` (from 1) and `?page_size=` (default 20, at most 100). A page that is not a positive number is
/// `404 Invalid page.`, as in DRF; an unusable `page_size` falls back to the default.
pub fn page_request(page: Option<&str>, page_size: Option<&str>) -> Result<PageRequest, ApiError> {
    let page = match page.map(str::trim) {
        None | Some("") => 1,
        Some(raw) => match raw.parse::<u32>() {
            Ok(page) if page >= 1 => page,
            _ => return Err(ApiError::InvalidPage),
        },
    };
    let size = page_size
        .and_then(|raw| raw.trim().parse::<u32>().ok())
        .filter(|size| *size >= 1)
        .unwrap_or(PageRequest::DEFAULT_SIZE);
    Ok(PageRequest::new(page, size))
}

impl<T: Serialize + paperclip::v2::schema::Apiv2Schema> Paginated<T> {
    pub fn new<S>(page: Page<S>, request: &HttpRequest, mut convert: impl FnMut(S) -> T) -> Self {
        let current = page.request.page();
        let next = page
            .has_next()
            .then(|| page_link(request, Some(current + 1)));
        let previous = page
            .has_previous()
            .then(|| page_link(request, (current > 2).then_some(current - 1)));
        Paginated {
            count: page.total,
            next,
            previous,
            results: page.items.into_iter().map(&mut convert).collect(),
        }
    }
}

/// The request's own absolute URL (under the service's public origin) with `page` replaced (or removed, for the
/// first page).
fn page_link(request: &HttpRequest, page: Option<u32>) -> String {
    let mut pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(request.query_string().as_bytes())
            .filter(|(key, _)| key != "page")
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
    if let Some(page) = page {
        pairs.push(("page".into(), page.to_string()));
    }
    let mut link = format!("{}{}", RequestOrigin::of(request).base, request.path());
    if !pairs.is_empty() {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        link.push('?');
        link.push_str(&query);
    }
    link
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn page_parameters_default_and_clamp() {
        let request = page_request(None, None).unwrap();
        assert_eq!((request.page(), request.page_size()), (1, 20));
        let request = page_request(Some("3"), Some("500")).unwrap();
        assert_eq!((request.page(), request.page_size()), (3, 100));
        let request = page_request(Some("2"), Some("abc")).unwrap();
        assert_eq!(request.page_size(), 20);
    }

    #[test]
    fn a_page_that_is_not_a_positive_number_is_invalid() {
        for bad in ["0", "-1", "abc", "1.5"] {
            assert!(
                matches!(page_request(Some(bad), None), Err(ApiError::InvalidPage)),
                "{bad}"
            );
        }
    }

    #[test]
    fn links_keep_the_other_parameters_and_drop_page_for_the_first() {
        let request = TestRequest::get()
            .uri("/api/v1/admin/customers/?search=otieno&page=2&page_size=1")
            .insert_header(("host", "shop.example:8000"))
            .to_http_request();
        let page = Page {
            items: vec![1],
            total: 3,
            request: PageRequest::new(2, 1),
        };
        let paginated = Paginated::new(page, &request, |n: i32| n);
        assert_eq!(
            paginated.next.as_deref(),
            Some(
                "http://shop.example:8000/api/v1/admin/customers/?search=otieno&page_size=1&page=3"
            )
        );
        assert_eq!(
            paginated.previous.as_deref(),
            Some("http://shop.example:8000/api/v1/admin/customers/?search=otieno&page_size=1")
        );
        assert_eq!(paginated.count, 3);
    }
}
