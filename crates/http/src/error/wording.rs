//! The words a client reads for the typed problems of the application and domain crates, DRF's wording where DRF
//! has one (the old system's clients match on some of these strings).
//!
//! The domain's enums are `#[non_exhaustive]` for the crate's outside users; a variant added there without words
//! here falls back to its developer-facing `Display` until it gets some.

use orderflow_application::listing::{
    RepeatedSortField, SearchError, MAX_SEARCH_TERMS, MAX_SEARCH_TERM_LENGTH,
};
use orderflow_application::validation::{FieldErrors, FieldProblem, Unique};
use orderflow_domain::catalogue::{
    CategoryPath, MoveError, PriceError, ProductStatus, SkuError, StockError, StockQuantity,
    MAX_IMAGE_BYTES,
};
use orderflow_domain::identity::{EmailError, PasswordViolation, PhoneNumberError, Role};
use orderflow_domain::ordering::{IllegalTransition, LineError, MAX_LINES, MAX_QUANTITY};
use orderflow_domain::text::TextError;
use orderflow_domain::webhooks::EndpointError;

/// Used for a duplicate registration too, where the application reports it as an error of its own.
pub(super) const DUPLICATE_EMAIL: &str = "A customer with this email address already exists.";

/// The message shown for one problem of one field.
pub fn field_problem(problem: &FieldProblem) -> String {
    match problem {
        FieldProblem::Required => "This field is required.".into(),
        FieldProblem::Text(error) => text(error),
        FieldProblem::Email(error) => email(error),
        FieldProblem::Phone(error) => phone(error),
        FieldProblem::Password(violation) => password(violation),
        FieldProblem::Price(error) => price(error),
        FieldProblem::Stock(error) => stock(error),
        FieldProblem::Sku(error) => sku(error),
        FieldProblem::ProductStatus(unknown) => {
            choice_of(&unknown.0, ProductStatus::ALL.map(ProductStatus::as_str))
        }
        FieldProblem::Role(unknown) => choice_of(&unknown.0, Role::ALL.map(Role::as_str)),
        FieldProblem::OrderStatus(unknown) => not_a_choice(&unknown.0),
        FieldProblem::Channel(unknown) => not_a_choice(&unknown.0),
        FieldProblem::DeliveryStatus(unknown) => not_a_choice(&unknown.0),
        FieldProblem::Lines(error) => lines(error),
        FieldProblem::Move(error) => category_move(error),
        FieldProblem::TooDeep(_) => format!(
            "Categories can be nested at most {} levels deep.",
            CategoryPath::MAX_LEVELS
        ),
        FieldProblem::PasswordsDiffer => "Passwords don't match.".into(),
        FieldProblem::WrongOldPassword => "Your old password was entered incorrectly.".into(),
        FieldProblem::NotUuid => "Must be a valid UUID.".into(),
        FieldProblem::ProductUnavailable => "Product not found or not available.".into(),
        FieldProblem::NoSuchObject(key) => format!("Invalid pk \"{key}\" - object does not exist."),
        FieldProblem::UnknownChoice => {
            "Select a valid choice. That choice is not one of the available choices.".into()
        }
        FieldProblem::Taken(Unique::CategoryName) => {
            "category with this name already exists.".into()
        }
        FieldProblem::Taken(Unique::Sku) => "product with this sku already exists.".into(),
        FieldProblem::Taken(Unique::Email) => DUPLICATE_EMAIL.into(),
        FieldProblem::Search(SearchError::TooManyTerms) => {
            format!("Search for at most {MAX_SEARCH_TERMS} words.")
        }
        FieldProblem::Search(SearchError::TermTooLong) => {
            format!("Each search word may have at most {MAX_SEARCH_TERM_LENGTH} characters.")
        }
        FieldProblem::RepeatedSortField(RepeatedSortField(field)) => {
            format!("{field} appears more than once.")
        }
        FieldProblem::Transition(refusal) => illegal_transition(refusal),
        FieldProblem::InsufficientStock { available } => {
            format!("Insufficient stock. Available: {available}")
        }
        FieldProblem::NotAStaffRole => format!(
            "\"customer\" is not a valid choice. Choose one of: {}.",
            Role::ALL
                .into_iter()
                .filter(|role| *role != Role::Customer)
                .map(Role::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        FieldProblem::ImageTooLarge => format!(
            "The image is larger than {} MiB.",
            MAX_IMAGE_BYTES / (1024 * 1024)
        ),
        FieldProblem::NotAnImage => {
            "Upload a valid image: the file is not a PNG, JPEG or WebP image.".into()
        }
        FieldProblem::NoRows => "The file holds no rows.".into(),
        FieldProblem::TooManyRows(max) => {
            format!("At most {max} rows can be imported at once; this file has more.")
        }
        FieldProblem::NotABoolean => "Must be a valid boolean.".into(),
        FieldProblem::NotAnInteger => "A valid integer is required.".into(),
        FieldProblem::RepeatedSku { sku, first_row } => {
            format!("The SKU {sku} also appears on row {first_row}.")
        }
        FieldProblem::PathTooDeep(levels) => {
            format!("A category path can have at most {levels} levels.")
        }
        FieldProblem::PathLevel(error) => format!(
            "Each level of the path must be a category name: {}",
            text(error)
        ),
        FieldProblem::CategoryElsewhere { name, under } => {
            let under = under
                .as_ref()
                .map_or("the top level".to_owned(), |parent| format!("\"{parent}\""));
            format!("Category \"{name}\" already exists elsewhere in the tree, not under {under}.")
        }
        FieldProblem::CategoryNotCreated(name) => {
            format!("Category \"{name}\" could not be created; please retry.")
        }
        FieldProblem::Webhook(EndpointError::Text(error)) => text(error),
        FieldProblem::Webhook(EndpointError::TooLong(max)) => too_long(*max),
        FieldProblem::Webhook(error) => super::webhook_wording::endpoint(error),
        FieldProblem::Destination(refusal) => super::webhook_wording::destination(refusal),
        FieldProblem::Worded(words) => words.clone(),
    }
}

/// Every problem of `errors` in words, as `field: message message; items[1]: quantity: message`, for people
/// reading a command's output rather than a JSON body.
pub fn field_errors(errors: &FieldErrors) -> String {
    let mut parts: Vec<String> = errors
        .iter()
        .map(|(field, problems)| {
            let messages: Vec<String> = problems.iter().map(field_problem).collect();
            format!("{field}: {}", messages.join(" "))
        })
        .collect();
    for (field, items) in errors.lists() {
        for (index, item) in items
            .iter()
            .enumerate()
            .filter(|(_, item)| !item.is_empty())
        {
            parts.push(format!("{field}[{index}]: {}", field_errors(item)));
        }
    }
    parts.join("; ")
}

/// Why an order cannot move to the status asked for.
pub fn illegal_transition(refusal: &IllegalTransition) -> String {
    match refusal {
        IllegalTransition::NotAllowed { from, to } => {
            format!("Cannot transition from {from} to {to}.")
        }
        IllegalTransition::NotPermitted { from, to } => {
            format!("Only staff can move an order from {from} to {to}.")
        }
        other => other.to_string(),
    }
}

fn text(error: &TextError) -> String {
    match error {
        TextError::Blank => "This field may not be blank.".into(),
        TextError::TooLong(max) => too_long(*max),
        TextError::ControlInLine => {
            "Control characters (including tabs and line breaks) are not allowed in this field."
                .into()
        }
        TextError::ControlInText => {
            "Control characters other than tabs and line breaks are not allowed in this field."
                .into()
        }
        other => other.to_string(),
    }
}

fn too_long(max: usize) -> String {
    format!("Ensure this field has no more than {max} characters.")
}

fn email(error: &EmailError) -> String {
    match error {
        EmailError::Invalid => "Enter a valid email address.".into(),
        EmailError::TooLong => too_long(254),
        other => other.to_string(),
    }
}

fn phone(error: &PhoneNumberError) -> String {
    match error {
        PhoneNumberError::NotE164 => {
            "Phone number must be in international format: + followed by the country \
                                      code and number, e.g. +254712345678."
                .into()
        }
        other => other.to_string(),
    }
}

fn password(violation: &PasswordViolation) -> String {
    match violation {
        PasswordViolation::TooShort(min) => {
            format!("This password is too short. It must contain at least {min} characters.")
        }
        PasswordViolation::TooLong(max) => {
            format!("This password is too long. It must contain at most {max} characters.")
        }
        PasswordViolation::TooCommon => "This password is too common.".into(),
        PasswordViolation::EntirelyNumeric => "This password is entirely numeric.".into(),
        PasswordViolation::SameAsEmail => {
            "The password is too similar to the email address.".into()
        }
        other => other.to_string(),
    }
}

fn price(error: &PriceError) -> String {
    match error {
        PriceError::NotANumber => "A valid number is required.".into(),
        PriceError::NotPositive => "Ensure this value is greater than or equal to 0.01.".into(),
        PriceError::TooManyDecimals => {
            "Ensure that there are no more than 2 decimal places.".into()
        }
        PriceError::TooManyDigits => {
            "Ensure that there are no more than 10 digits in total.".into()
        }
        other => other.to_string(),
    }
}

fn stock(error: &StockError) -> String {
    match error {
        StockError::Negative => "Ensure this value is greater than or equal to 0.".into(),
        StockError::TooLarge => format!(
            "Ensure this value is less than or equal to {}.",
            StockQuantity::MAX.units()
        ),
        other => other.to_string(),
    }
}

fn sku(error: &SkuError) -> String {
    match error {
        SkuError::Blank => text(&TextError::Blank),
        SkuError::TooLong => too_long(orderflow_domain::catalogue::Sku::MAX_LENGTH),
        SkuError::BadCharacters => "Use letters, digits, '-', '_' and '.' only.".into(),
        other => other.to_string(),
    }
}

fn lines(error: &LineError) -> String {
    match error {
        LineError::NoLines => "Order must contain at least one item.".into(),
        LineError::TooManyLines => {
            format!("An order holds at most {MAX_LINES} different products.")
        }
        LineError::Quantity(_) => format!("Ensure this value is between 1 and {MAX_QUANTITY}."),
        other => other.to_string(),
    }
}

fn category_move(error: &MoveError) -> String {
    match error {
        MoveError::UnderItself => "A category cannot be its own parent.".into(),
        MoveError::UnderDescendant => {
            "A category cannot be moved under one of its own descendants.".into()
        }
        MoveError::TooDeep => format!(
            "Categories can be nested at most {} levels deep; this move would take its subtree deeper.",
            CategoryPath::MAX_LEVELS
        ),
        other => other.to_string(),
    }
}

fn not_a_choice(value: &str) -> String {
    format!("\"{value}\" is not a valid choice.")
}

fn choice_of<const N: usize>(value: &str, choices: [&str; N]) -> String {
    format!(
        "{} Choose one of: {}.",
        not_a_choice(value),
        choices.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use orderflow_domain::catalogue::UnknownStatus;
    use orderflow_domain::identity::UnknownRole;

    #[test]
    fn choices_are_listed_from_the_enums() {
        assert_eq!(
            field_problem(&UnknownRole("root".into()).into()),
            "\"root\" is not a valid choice. Choose one of: customer, staff, admin, super_admin."
        );
        assert_eq!(
            field_problem(&UnknownStatus("gone".into()).into()),
            "\"gone\" is not a valid choice. Choose one of: active, inactive, discontinued."
        );
    }

    #[test]
    fn a_command_line_reads_every_problem_in_words() {
        let mut errors = FieldErrors::new();
        errors.add("password", PasswordViolation::TooCommon);
        errors.add("password", PasswordViolation::EntirelyNumeric);
        errors.set_list(
            "items",
            vec![
                FieldErrors::new(),
                FieldErrors::single("quantity", LineError::Quantity(1)),
            ],
        );
        assert_eq!(
            field_errors(&errors),
            "password: This password is too common. This password is entirely numeric.; \
             items[1]: quantity: Ensure this value is between 1 and 10000."
        );
    }

    #[test]
    fn limits_are_worded_with_their_values() {
        assert_eq!(
            field_problem(&TextError::TooLong(20).into()),
            "Ensure this field has no more than 20 characters."
        );
        assert_eq!(
            field_problem(&StockError::TooLarge.into()),
            "Ensure this value is less than or equal to 2147483647."
        );
        assert_eq!(
            field_problem(&PasswordViolation::TooShort(8).into()),
            "This password is too short. It must contain at least 8 characters."
        );
    }
}
