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

/// A field named twice in `?ordering=` (`name,-name`): which direction was meant cannot be known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sort field {0} repeated")]
pub struct RepeatedSortField(pub String);

/// Parses `?ordering=a,-b` against the fields a list allows; unknown fields are ignored, as in DRF. A field may
/// appear once, so the result never holds more keys than the list has sortable fields, however long the input.
pub fn parse_ordering<F: Copy>(
    raw: &str,
    allowed: &[(&str, F)],
) -> Result<Vec<(F, SortDirection)>, RepeatedSortField> {
    let mut ordering: Vec<(F, SortDirection)> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for part in raw
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
    {
        let (name, direction) = match part.strip_prefix('-') {
            Some(name) => (name, SortDirection::Descending),
            None => (part, SortDirection::Ascending),
        };
        let Some((known, field)) = allowed.iter().find(|(known, _)| *known == name) else {
            continue;
        };
        if seen.contains(known) {
            return Err(RepeatedSortField((*known).to_owned()));
        }
        seen.push(known);
        ordering.push((*field, direction));
    }
    Ok(ordering)
}

/// At most this many words in `?search=` ...
pub const MAX_SEARCH_TERMS: usize = 10;
/// ... each of at most this many characters.
pub const MAX_SEARCH_TERM_LENGTH: usize = 100;

/// A `?search=` beyond the bounds above.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error("more than {MAX_SEARCH_TERMS} search terms")]
    TooManyTerms,
    #[error("search term longer than {MAX_SEARCH_TERM_LENGTH} characters")]
    TermTooLong,
}

/// Splits `?search=` into lower-cased terms that must all match, within [`MAX_SEARCH_TERMS`] and
/// [`MAX_SEARCH_TERM_LENGTH`] (reading stops at the first term past them, whatever follows).
pub fn search_terms(raw: &str) -> Result<Vec<String>, SearchError> {
    let mut terms = Vec::new();
    for word in raw.split_whitespace() {
        if terms.len() == MAX_SEARCH_TERMS {
            return Err(SearchError::TooManyTerms);
        }
        if word.chars().nth(MAX_SEARCH_TERM_LENGTH).is_some() {
            return Err(SearchError::TermTooLong);
        }
        terms.push(word.to_lowercase());
    }
    Ok(terms)
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
            Ok(vec![
                (F::Created, SortDirection::Descending),
                (F::Name, SortDirection::Ascending)
            ])
        );
        assert_eq!(parse_ordering("", &allowed), Ok(vec![]));
    }

    #[test]
    fn a_field_may_be_named_once_and_unknown_ones_cost_nothing() {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum F {
            Name,
        }
        let allowed = [("name", F::Name)];
        assert_eq!(
            parse_ordering("name,-name", &allowed),
            Err(RepeatedSortField("name".into()))
        );
        let many_unknown = vec!["price"; 12_000].join(",");
        assert_eq!(parse_ordering(&many_unknown, &allowed), Ok(vec![]));
    }

    #[test]
    fn search_terms_are_lower_cased_words() {
        assert_eq!(
            search_terms("  Alice  SMITH "),
            Ok(vec!["alice".to_owned(), "smith".to_owned()])
        );
        assert_eq!(search_terms("   "), Ok(vec![]));
    }

    #[test]
    fn search_is_bounded_in_words_and_word_length() {
        let ten = ["a"; 10].join(" ");
        assert_eq!(search_terms(&ten).map(|t| t.len()), Ok(10));
        assert_eq!(
            search_terms(&vec!["a"; 9_000].join(" ")),
            Err(SearchError::TooManyTerms)
        );
        assert!(search_terms(&"é".repeat(100)).is_ok());
        assert_eq!(
            search_terms(&"é".repeat(101)),
            Err(SearchError::TermTooLong)
        );
    }
}
