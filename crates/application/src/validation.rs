//! Field-level validation errors, collected rather than failing on the first one, so that a client learns every
//! problem with its input at once (the API reports them as `{"field": ["message", ...]}`).
//!
//! The problems are typed values (which rule, which limit); the words a client reads are chosen by the HTTP
//! adapter (`orderflow_http::error::wording`), the one place client wording lives.

use std::collections::BTreeMap;

use orderflow_domain::catalogue::{
    MoveError, PriceError, SkuError, StockError, TooDeep, UnknownStatus as UnknownProductStatus,
};
use orderflow_domain::identity::{EmailError, PasswordViolation, PhoneNumberError, UnknownRole};
use orderflow_domain::notifications::{UnknownChannel, UnknownDeliveryStatus};
use orderflow_domain::ordering::{IllegalTransition, LineError, UnknownOrderStatus};
use orderflow_domain::text::TextError;

/// What is wrong with one field's value.
///
/// Not `#[non_exhaustive]` on purpose: a new problem must be given its words in the HTTP adapter before it builds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldProblem {
    /// The field is missing (or null) where a value is needed.
    #[error("required")]
    Required,
    /// A text rule: blank, too long, a control character.
    #[error(transparent)]
    Text(#[from] TextError),
    /// Not an email address.
    #[error(transparent)]
    Email(#[from] EmailError),
    /// Not a phone number in international format.
    #[error(transparent)]
    Phone(#[from] PhoneNumberError),
    /// A password rule the new password breaks.
    #[error(transparent)]
    Password(#[from] PasswordViolation),
    /// Not a price.
    #[error(transparent)]
    Price(#[from] PriceError),
    /// Not a stock quantity.
    #[error(transparent)]
    Stock(#[from] StockError),
    /// Not a SKU.
    #[error(transparent)]
    Sku(#[from] SkuError),
    /// Not a product status.
    #[error(transparent)]
    ProductStatus(#[from] UnknownProductStatus),
    /// Not an order status.
    #[error(transparent)]
    OrderStatus(#[from] UnknownOrderStatus),
    /// Not a notification channel.
    #[error(transparent)]
    Channel(#[from] UnknownChannel),
    /// Not a delivery status.
    #[error(transparent)]
    DeliveryStatus(#[from] UnknownDeliveryStatus),
    /// Not a role.
    #[error(transparent)]
    Role(#[from] UnknownRole),
    /// An order's lines break a rule.
    #[error(transparent)]
    Lines(#[from] LineError),
    /// A category cannot go under the parent given.
    #[error(transparent)]
    Move(#[from] MoveError),
    /// A new category would sit too deep.
    #[error(transparent)]
    TooDeep(#[from] TooDeep),
    /// The two new passwords differ.
    #[error("the passwords differ")]
    PasswordsDiffer,
    /// The current password given with a change is wrong.
    #[error("wrong current password")]
    WrongOldPassword,
    /// Not a UUID.
    #[error("not a UUID")]
    NotUuid,
    /// An order line names a product that does not exist or is not on sale.
    #[error("product missing or not on sale")]
    ProductUnavailable,
    /// The referenced row does not exist (holds the key as given).
    #[error("no object with key {0}")]
    NoSuchObject(String),
    /// The value is not one of the choices that exist (a category filter naming no category).
    #[error("not one of the available choices")]
    UnknownChoice,
    /// Another row already holds this unique value.
    #[error("{0} already taken")]
    Taken(Unique),
    /// A `?search=` beyond its bounds.
    #[error(transparent)]
    Search(#[from] crate::listing::SearchError),
    /// A field named twice in `?ordering=`.
    #[error(transparent)]
    RepeatedSortField(#[from] crate::listing::RepeatedSortField),
    /// A status move the order's lifecycle does not allow.
    #[error(transparent)]
    Transition(#[from] IllegalTransition),
    /// An order line asks for more than the product holds.
    #[error("only {available} in stock")]
    InsufficientStock {
        /// Units the product holds.
        available: i32,
    },
    /// An admin account cannot be given the customer role.
    #[error("not a staff role")]
    NotAStaffRole,
    /// An upload over [`orderflow_domain::catalogue::MAX_IMAGE_BYTES`].
    #[error("image too large")]
    ImageTooLarge,
    /// An upload that is not a PNG, JPEG or WebP image.
    #[error("not an accepted image format")]
    NotAnImage,
    /// An import file without rows.
    #[error("no rows")]
    NoRows,
    /// An import file over the row limit (given).
    #[error("more than {0} rows")]
    TooManyRows(usize),
    /// Not a boolean as spreadsheets write them.
    #[error("not a boolean")]
    NotABoolean,
    /// Not a whole number.
    #[error("not an integer")]
    NotAnInteger,
    /// A SKU repeated in one import (the first row that holds it).
    #[error("SKU {sku} repeated from row {first_row}")]
    RepeatedSku {
        /// The SKU as written.
        sku: String,
        /// The row that has it first.
        first_row: usize,
    },
    /// A category path with more levels than the tree may have (given).
    #[error("path of more than {0} levels")]
    PathTooDeep(usize),
    /// A level of a category path is not a category name.
    #[error("path level: {0}")]
    PathLevel(TextError),
    /// A path names an existing category under another parent (`None`: the top level).
    #[error("category {name:?} exists elsewhere")]
    CategoryElsewhere {
        /// The category's name.
        name: String,
        /// The parent the path puts it under.
        under: Option<String>,
    },
    /// Creating a category of a path lost a race with another writer.
    #[error("category {0:?} not created")]
    CategoryNotCreated(String),
    /// A webhook endpoint's URL, events or description break a rule.
    #[error(transparent)]
    Webhook(#[from] orderflow_domain::webhooks::EndpointError),
    /// A webhook URL's host resolves to no address, or to one that is not public.
    #[error(transparent)]
    Destination(#[from] crate::webhooks::DestinationRefusal),
    /// Words written by the HTTP adapter itself, for problems only it can see (the shape of the request).
    #[error("{0}")]
    Worded(String),
}

/// The unique values a write can collide on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    /// A category's name.
    CategoryName,
    /// A product's SKU.
    Sku,
    /// An account's email address.
    Email,
}

impl std::fmt::Display for Unique {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unique::CategoryName => "category name",
            Unique::Sku => "sku",
            Unique::Email => "email",
        })
    }
}

/// Problems per input field. `non_field_errors` holds errors about the input as a whole. A list field (the lines
/// of an order) carries one `FieldErrors` per element, empty for the elements without errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    fields: BTreeMap<String, Vec<FieldProblem>>,
    lists: BTreeMap<String, Vec<FieldErrors>>,
}

/// Gives each named error enum `From<FieldErrors>` as its `Invalid` variant, so a use case can `?` its collected
/// field errors.
macro_rules! invalid_from_field_errors {
    ($($error:ident),+ $(,)?) => {$(
        impl From<$crate::validation::FieldErrors> for $error {
            fn from(errors: $crate::validation::FieldErrors) -> Self {
                $error::Invalid(errors)
            }
        }
    )+};
}

pub(crate) use invalid_from_field_errors;

/// The key DRF clients expect for errors that belong to no single field.
pub const NON_FIELD_ERRORS: &str = "non_field_errors";

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// One error on one field.
    pub fn single(field: &str, problem: impl Into<FieldProblem>) -> Self {
        let mut errors = Self::new();
        errors.add(field, problem);
        errors
    }

    /// Records `problem` on `field`, after any already there.
    pub fn add(&mut self, field: &str, problem: impl Into<FieldProblem>) {
        self.fields
            .entry(field.to_owned())
            .or_default()
            .push(problem.into());
    }

    /// Records the error of a validation result under `field` and returns the value when it was valid.
    pub fn check<T, E: Into<FieldProblem>>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error);
                None
            }
        }
    }

    /// True when nothing was recorded, on fields or on list elements.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
            && self
                .lists
                .values()
                .all(|items| items.iter().all(FieldErrors::is_empty))
    }

    /// Whether `field` has errors of its own or on its elements.
    pub fn has(&self, field: &str) -> bool {
        self.fields.contains_key(field) || self.lists.contains_key(field)
    }

    /// Errors of the elements of a list field, one entry per element (in order).
    pub fn set_list(&mut self, field: &str, items: Vec<FieldErrors>) {
        if items.iter().any(|item| !item.is_empty()) {
            self.lists.insert(field.to_owned(), items);
        }
    }

    /// The per-element errors of the list field `field`, if any element has some.
    pub fn list(&self, field: &str) -> Option<&[FieldErrors]> {
        self.lists.get(field).map(Vec::as_slice)
    }

    /// Every list field with errors, by name.
    pub fn lists(&self) -> impl Iterator<Item = (&str, &[FieldErrors])> {
        self.lists.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// The problems recorded on `field`; empty when none.
    pub fn problems(&self, field: &str) -> &[FieldProblem] {
        self.fields
            .get(field)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Every field with problems, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[FieldProblem])> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// `Ok(())` when nothing was recorded, otherwise the collected errors.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts: Vec<String> = self
            .fields
            .iter()
            .map(|(field, problems)| {
                let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
                format!("{field}: {}", problems.join("; "))
            })
            .collect();
        for (field, items) in &self.lists {
            for (index, item) in items
                .iter()
                .enumerate()
                .filter(|(_, item)| !item.is_empty())
            {
                parts.push(format!("{field}[{index}]: {item}"));
            }
        }
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_several_problems_per_field_in_order() {
        let mut errors = FieldErrors::new();
        errors.add("password", PasswordViolation::TooShort(8));
        errors.add("password", PasswordViolation::TooCommon);
        errors.add("email", EmailError::Invalid);
        assert_eq!(
            errors.problems("password"),
            [
                FieldProblem::Password(PasswordViolation::TooShort(8)),
                FieldProblem::Password(PasswordViolation::TooCommon)
            ]
        );
        assert_eq!(
            errors.problems("email"),
            [FieldProblem::Email(EmailError::Invalid)]
        );
        assert!(errors.problems("other").is_empty());
        assert!(errors.into_result().is_err());
    }

    #[test]
    fn list_errors_keep_one_entry_per_element() {
        let mut errors = FieldErrors::new();
        errors.set_list(
            "items",
            vec![
                FieldErrors::new(),
                FieldErrors::single("quantity", LineError::Quantity(1)),
            ],
        );
        assert!(!errors.is_empty() && errors.has("items"));
        assert_eq!(
            errors.list("items").unwrap()[1].problems("quantity"),
            [FieldProblem::Lines(LineError::Quantity(1))]
        );
        assert_eq!(
            errors.to_string(),
            format!("items[1]: quantity: {}", LineError::Quantity(1))
        );
        let mut clean = FieldErrors::new();
        clean.set_list("items", vec![FieldErrors::new()]);
        assert!(clean.is_empty(), "a list without errors is no error");
    }

    #[test]
    fn empty_is_ok() {
        assert_eq!(FieldErrors::new().into_result(), Ok(()));
    }

    #[test]
    fn check_keeps_valid_values_and_records_errors() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.check::<_, FieldProblem>("a", Ok(3)), Some(3));
        assert_eq!(errors.check::<i32, _>("b", Err(TextError::Blank)), None);
        assert_eq!(errors.problems("b"), [FieldProblem::Text(TextError::Blank)]);
        assert!(!errors.has("a"));
    }
}
