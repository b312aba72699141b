//! Rows as diesel reads and writes them, and their translation to and from domain types.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use orderflow_domain::identity::{Customer, CustomerId, EmailAddress, NewCustomer, PhoneNumber};

use crate::error::corrupt_row;
use crate::schema::customers;
use crate::RepositoryError;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customers, check_for_backend(diesel::pg::Pg))]
pub struct CustomerRow {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone_number: Option<String>,
    pub address: String,
    pub city: String,
    pub state: String,
    pub country: String,
    pub postal_code: String,
    pub role: String,
    pub is_verified: bool,
    pub is_active: bool,
    pub email_notifications: bool,
    pub sms_notifications: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<CustomerRow> for Customer {
    type Error = RepositoryError;

    fn try_from(row: CustomerRow) -> Result<Self, Self::Error> {
        Ok(Customer {
            id: CustomerId(row.id),
            email: EmailAddress::parse(&row.email).map_err(|e| corrupt_row("email", e))?,
            first_name: row.first_name,
            last_name: row.last_name,
            phone_number: row
                .phone_number
                .map(|p| PhoneNumber::parse(&p))
                .transpose()
                .map_err(|e| corrupt_row("phone number", e))?,
            address: row.address,
            city: row.city,
            state: row.state,
            country: row.country,
            postal_code: row.postal_code,
            is_verified: row.is_verified,
            is_active: row.is_active,
            role: row.role.parse().map_err(|e| corrupt_row("role", e))?,
            email_notifications: row.email_notifications,
            sms_notifications: row.sms_notifications,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = customers)]
pub struct NewCustomerRow<'a> {
    pub email: &'a str,
    /// The one normalised form, computed here (in Rust) for uniqueness and look-ups.
    pub email_key: String,
    pub password_hash: Option<&'a str>,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone_number: Option<&'a str>,
    pub address: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    pub country: &'a str,
    pub postal_code: &'a str,
    pub role: &'a str,
    pub is_verified: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl<'a> NewCustomerRow<'a> {
    pub fn new(customer: &'a NewCustomer, at: DateTime<Utc>) -> Self {
        Self {
            email: customer.email.as_str(),
            email_key: customer.email.normalized(),
            password_hash: customer.password_hash.as_deref(),
            first_name: &customer.first_name,
            last_name: &customer.last_name,
            phone_number: customer.phone_number.as_ref().map(PhoneNumber::as_str),
            address: &customer.address,
            city: &customer.city,
            state: &customer.state,
            country: &customer.country,
            postal_code: &customer.postal_code,
            role: customer.role.as_str(),
            is_verified: customer.is_verified,
            created_at: at,
            updated_at: at,
        }
    }
}

/// The profile fields a customer may change themselves.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = customers, treat_none_as_null = true)]
pub struct ProfileChangeset<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub phone_number: Option<&'a str>,
    pub address: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    pub country: &'a str,
    pub postal_code: &'a str,
    pub email_notifications: bool,
    pub sms_notifications: bool,
    pub updated_at: DateTime<Utc>,
}

impl<'a> ProfileChangeset<'a> {
    pub fn new(customer: &'a Customer, at: DateTime<Utc>) -> Self {
        Self {
            first_name: &customer.first_name,
            last_name: &customer.last_name,
            phone_number: customer.phone_number.as_ref().map(PhoneNumber::as_str),
            address: &customer.address,
            city: &customer.city,
            state: &customer.state,
            country: &customer.country,
            postal_code: &customer.postal_code,
            email_notifications: customer.email_notifications,
            sms_notifications: customer.sms_notifications,
            updated_at: at,
        }
    }
}
