//! The account of a person who shops (or, with a higher role, runs the shop).

use chrono::{DateTime, Utc};

use super::{EmailAddress, PhoneNumber, Role};
use crate::text::{self, limits, TextError};

/// Customers keep integer ids, as in the system OrderFlow replaces, so existing clients keep working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerId(pub i64);

/// The country of an account that gives none.
pub const DEFAULT_COUNTRY: &str = "Kenya";

/// A person's account: sign-in identity, contact details, role and notification preferences.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Customer {
    /// Fixed at creation.
    pub id: CustomerId,
    /// The sign-in identity; unique whatever the letter case.
    pub email: EmailAddress,
    /// Given name; greetings use it ("Dear Alice,").
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Where order SMS go when an order gives no phone of its own.
    pub phone_number: Option<PhoneNumber>,
    /// Postal address, free text.
    pub address: String,
    /// City of the postal address.
    pub city: String,
    /// State or county of the postal address.
    pub state: String,
    /// Country of the postal address ([`DEFAULT_COUNTRY`] unless given).
    pub country: String,
    /// Postal code of the postal address.
    pub postal_code: String,
    /// Whether the email address is confirmed to be the person's.
    pub is_verified: bool,
    /// An inactive account cannot sign in, and an inactive admin gets no admin emails.
    pub is_active: bool,
    /// What the account may do.
    pub role: Role,
    /// Whether the person wants messages about their orders by email.
    pub email_notifications: bool,
    /// Whether the person wants messages about their orders by SMS.
    pub sms_notifications: bool,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When the account last changed.
    pub updated_at: DateTime<Utc>,
}

impl Customer {
    /// "First Last", without stray spaces when one part is empty.
    pub fn full_name(&self) -> String {
        [self.first_name.trim(), self.last_name.trim()]
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Staff or above (see [`Role::is_staff`]).
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// Applies a validated partial update; fields left `None` keep their value.
    pub fn apply(&mut self, changes: ProfileChanges) {
        let ProfileChanges {
            first_name,
            last_name,
            phone_number,
            address,
            city,
            state,
            country,
            postal_code,
            email_notifications,
            sms_notifications,
        } = changes;
        replace(&mut self.first_name, first_name);
        replace(&mut self.last_name, last_name);
        replace(&mut self.phone_number, phone_number);
        replace(&mut self.address, address);
        replace(&mut self.city, city);
        replace(&mut self.state, state);
        replace(&mut self.country, country);
        replace(&mut self.postal_code, postal_code);
        replace(&mut self.email_notifications, email_notifications);
        replace(&mut self.sms_notifications, sms_notifications);
    }
}

fn replace<T>(slot: &mut T, value: Option<T>) {
    if let Some(value) = value {
        *slot = value;
    }
}

/// A first or last name: required, one line, at most 150 characters.
///
/// Returns the name trimmed, or why it is refused.
pub fn person_name(raw: &str) -> Result<String, TextError> {
    text::required_line(raw, limits::PERSON_NAME)
}

/// A registration, validated; the password is already hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomer {
    /// The sign-in identity; must not name an existing account.
    pub email: EmailAddress,
    /// The password's hash; `None` for an account without a password (one that signs in through an identity provider).
    pub password_hash: Option<String>,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Where order SMS go when an order gives no phone of its own.
    pub phone_number: Option<PhoneNumber>,
    /// Postal address, free text.
    pub address: String,
    /// City of the postal address.
    pub city: String,
    /// State or county of the postal address.
    pub state: String,
    /// Country of the postal address.
    pub country: String,
    /// Postal code of the postal address.
    pub postal_code: String,
    /// What the account may do.
    pub role: Role,
    /// Whether the email address is already confirmed to be the person's.
    pub is_verified: bool,
}

/// A validated partial profile update.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProfileChanges {
    /// A new given name, or `None` to keep it.
    pub first_name: Option<String>,
    /// A new family name, or `None` to keep it.
    pub last_name: Option<String>,
    /// `Some(None)` clears the phone number.
    pub phone_number: Option<Option<PhoneNumber>>,
    /// A new postal address, or `None` to keep it.
    pub address: Option<String>,
    /// A new city, or `None` to keep it.
    pub city: Option<String>,
    /// A new state or county, or `None` to keep it.
    pub state: Option<String>,
    /// A new country, or `None` to keep it.
    pub country: Option<String>,
    /// A new postal code, or `None` to keep it.
    pub postal_code: Option<String>,
    /// Email about orders on or off, or `None` to keep the setting.
    pub email_notifications: Option<bool>,
    /// SMS about orders on or off, or `None` to keep the setting.
    pub sms_notifications: Option<bool>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    pub fn alice() -> Customer {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        Customer {
            id: CustomerId(1),
            email: EmailAddress::parse("alice@example.com").unwrap(),
            first_name: "Alice".into(),
            last_name: "Wanjiru".into(),
            phone_number: None,
            address: String::new(),
            city: String::new(),
            state: String::new(),
            country: DEFAULT_COUNTRY.into(),
            postal_code: String::new(),
            is_verified: false,
            is_active: true,
            role: Role::Customer,
            email_notifications: true,
            sms_notifications: true,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn full_name_joins_the_non_empty_parts() {
        let mut customer = alice();
        assert_eq!(customer.full_name(), "Alice Wanjiru");
        customer.last_name.clear();
        assert_eq!(customer.full_name(), "Alice");
        customer.first_name.clear();
        assert_eq!(customer.full_name(), "");
    }

    #[test]
    fn apply_changes_only_the_given_fields() {
        let mut customer = alice();
        customer.apply(ProfileChanges {
            city: Some("Nairobi".into()),
            phone_number: Some(Some(PhoneNumber::parse("+254711000001").unwrap())),
            sms_notifications: Some(false),
            ..ProfileChanges::default()
        });
        assert_eq!(customer.city, "Nairobi");
        assert_eq!(
            customer.phone_number.as_ref().map(PhoneNumber::as_str),
            Some("+254711000001")
        );
        assert!(!customer.sms_notifications);
        assert_eq!(customer.first_name, "Alice");
        assert!(customer.email_notifications);

        customer.apply(ProfileChanges {
            phone_number: Some(None),
            ..ProfileChanges::default()
        });
        assert_eq!(customer.phone_number, None);
    }

    #[test]
    fn names_are_required_and_bounded() {
        assert_eq!(person_name("  Alice "), Ok("Alice".into()));
        assert_eq!(person_name("   "), Err(TextError::Blank));
        assert_eq!(person_name(&"a".repeat(151)), Err(TextError::TooLong(150)));
        assert!(person_name(&"é".repeat(150)).is_ok());
    }

    #[test]
    fn names_are_single_lines() {
        assert_eq!(person_name("Al\0ice"), Err(TextError::ControlInLine));
    }
}
