//! Validation of the account fields shared by registration, profile updates and admin creation.

use crate::validation::{FieldErrors, FieldProblem};
use orderflow_domain::identity::{self, EmailAddress, PasswordPolicy, PhoneNumber};
use orderflow_domain::text::{self, limits};

/// The value of a required field, or [`FieldProblem::Required`] recorded against it.
pub(crate) fn required<'a>(
    errors: &mut FieldErrors,
    field: &str,
    value: &'a Option<String>,
) -> Option<&'a str> {
    match value.as_deref() {
        Some(value) => Some(value),
        None => {
            errors.add(field, FieldProblem::Required);
            None
        }
    }
}

pub(crate) fn email(errors: &mut FieldErrors, value: &Option<String>) -> Option<EmailAddress> {
    let raw = required(errors, "email", value)?;
    errors.check("email", EmailAddress::parse(raw))
}

pub(crate) fn person_name(
    errors: &mut FieldErrors,
    field: &str,
    value: &Option<String>,
) -> Option<String> {
    let raw = required(errors, field, value)?;
    errors.check(field, identity::person_name(raw))
}

/// An optional phone: absent or empty means none.
pub(crate) fn phone(errors: &mut FieldErrors, value: Option<&str>) -> Option<Option<PhoneNumber>> {
    match value.map(str::trim) {
        None | Some("") => Some(None),
        Some(raw) => errors
            .check("phone_number", PhoneNumber::parse(raw))
            .map(Some),
    }
}

/// An optional single line of text (absent means empty), at most `max` characters.
pub(crate) fn line(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    errors.check(field, text::line(value.unwrap_or_default(), max))
}

/// Optional free text (absent means empty; tabs and line breaks allowed), at most `max` characters.
pub(crate) fn free_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    errors.check(field, text::free_text(value.unwrap_or_default(), max))
}

/// A password as typed at sign-in or as the old password of a change: only its length is checked (the rules
/// apply to new passwords).
pub(crate) fn password_length(errors: &mut FieldErrors, field: &str, password: &str) {
    if password.chars().nth(limits::PASSWORD).is_some() {
        errors.add(field, text::TextError::TooLong(limits::PASSWORD));
    }
}

/// Records every password rule the password breaks.
pub(crate) fn password_rules(
    errors: &mut FieldErrors,
    field: &str,
    password: &str,
    email: Option<&EmailAddress>,
    policy: &PasswordPolicy,
) {
    if let Err(violations) = policy.check(password, email) {
        for violation in violations {
            errors.add(field, violation);
        }
    }
}

/// The address block of registration (all optional; country defaults to Kenya).
pub(crate) struct AddressFields {
    pub address: String,
    pub city: String,
    pub state: String,
    pub country: String,
    pub postal_code: String,
}

pub(crate) fn address_fields(
    errors: &mut FieldErrors,
    address: Option<&str>,
    city: Option<&str>,
    state: Option<&str>,
    country: Option<&str>,
    postal_code: Option<&str>,
) -> Option<AddressFields> {
    let address = free_text(errors, "address", address, limits::ADDRESS);
    let city = line(errors, "city", city, limits::CITY);
    let state = line(errors, "state", state, limits::STATE);
    let country = line(errors, "country", country, limits::COUNTRY).map(|country| {
        if country.is_empty() {
            orderflow_domain::identity::DEFAULT_COUNTRY.to_owned()
        } else {
            country
        }
    });
    let postal_code = line(errors, "postal_code", postal_code, limits::POSTAL_CODE);
    Some(AddressFields {
        address: address?,
        city: city?,
        state: state?,
        country: country?,
        postal_code: postal_code?,
    })
}
