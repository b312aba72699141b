//! Paging, ordering and searching of lists, shared by every list use case.

/// Which page of a list, and how large. Defaults: page 1, 20 per page; at most 100 per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    page_size: u32,
}

impl PageRequest {
    pub const DEFAULT_SIZE: u32 = 20;
    pub const MAX_SIZE: u32 = 100;

    /// `page` counts from 1; `page_size` is clamped to 1..=100.
    pub fn new(page: u32, page_size: u32) -> Self {
        Self {
            page: page.max(1),
            page_size: page_size.clamp(1, Self::MAX_SIZE),
        }
    }

    pub fn page(&self) -> u32 {
        self.page
    }

    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.page_size)
    }

    pub fn limit(&self) -> u64 {
        u64::from(self.page_size)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(1, Self::DEFAULT_SIZE)
    }
}

/// One page of results and the size of the whole list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub request: PageRequest,
}

/// Asking for a page after the last one (page 1 of an empty list is fine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Invalid page.")]
pub struct InvalidPage;

impl<T> Page<T> {
    pub fn has_next(&self) -> bool {
        self.request.offset() + (self.items.len() as u64) < self.total
    }

    pub fn has_previous(&self) -> bool {
        self.request.page() > 1
    }

    /// Refuses a page past the end, as clients of the old API expect (`404 Invalid page.`).
    pub fn in_range(self) -> Result<Self, InvalidPage> {
        if self.request.page() > 1 && self.items.is_empty() {
            Err(InvalidPage)
        } else {
            Ok(self)
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            request: self.request,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    Ascending,
    Descending,
}

/// Parses `?ordering=a,-b` against the fields a list allows; unknown fields are ignored, as in DRF.
pub fn parse_ordering<F: Copy>(raw: &str, allowed: &[(&str, F)]) -> Vec<(F, SortDirection)> {
    raw.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .filter_map(|part| {
            let (name, direction) = match part.strip_prefix('-') {
                Some(name) => (name, SortDirection::Descending),
                None => (part, SortDirection::Ascending),
            };
            allowed
                .iter()
                .find(|(allowed_name, _)| *allowed_name == name)
                .map(|(_, field)| (*field, direction))
        })
        .collect()
}

/// Splits `?search=` into lower-cased terms that must all match.
pub fn search_terms(raw: &str) -> Vec<String> {
    raw.split_whitespace().map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_request_defaults_and_clamps() {
        assert_eq!(PageRequest::default().page_size(), 20);
        assert_eq!(PageRequest::new(0, 1000).page(), 1);
        assert_eq!(PageRequest::new(0, 1000).page_size(), 100);
        assert_eq!(PageRequest::new(3, 0).page_size(), 1);
        assert_eq!(PageRequest::new(3, 20).offset(), 40);
    }

    #[test]
    fn next_and_previous_follow_the_total() {
        let page = Page {
            items: vec![1, 2],
            total: 5,
            request: PageRequest::new(2, 2),
        };
        assert!(page.has_next());
        assert!(page.has_previous());
        let last = Page {
            items: vec![5],
            total: 5,
            request: PageRequest::new(3, 2),
        };
        assert!(!last.has_next());
    }

    #[test]
    fn an_empty_page_after_the_first_is_out_of_range() {
        let empty_first: Page<i32> = Page {
            items: vec![],
            total: 0,
            request: PageRequest::new(1, 20),
        };
        assert!(empty_first.in_range().is_ok());
        let past_end: Page<i32> = Page {
            items: vec![],
            total: 3,
            request: PageRequest::new(2, 20),
        };
        assert_eq!(past_end.in_range(), Err(InvalidPage));
    }

    #[test]
    fn ordering_keeps_known_fields_with_direction() {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum F {
            Name,
            Created,
        }
        let allowed = [("name", F::Name), ("created_at", F::Created)];
        assert_eq!(
            parse_ordering("-created_at, name,password,-", &allowed),
            vec![
                (F::Created, SortDirection::Descending),
                (F::Name, SortDirection::Ascending)
            ]
        );
        assert!(parse_ordering("", &allowed).is_empty());
    }

    #[test]
    fn search_terms_are_lower_cased_words() {
        assert_eq!(search_terms("  Alice  SMITH "), vec!["alice", "smith"]);
        assert!(search_terms("   ").is_empty());
    }
}
