use chrono::{DateTime, Utc};
use orderflow_domain::identity::Customer;
use paperclip::actix::Apiv2Schema;
use serde::Serialize;

/// A customer account (any role).
#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "Customer")]
pub struct CustomerBody {
    pub id: i64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub full_name: String,
    /// E.164, or null.
    pub phone_number: Option<String>,
    pub address: String,
    pub city: String,
    pub state: String,
    pub country: String,
    pub postal_code: String,
    pub is_verified: bool,
    pub is_active: bool,
    /// `customer`, `staff`, `admin` or `super_admin`.
    pub role: String,
    /// Staff or above.
    pub is_staff: bool,
    pub email_notifications: bool,
    pub sms_notifications: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Customer> for CustomerBody {
    fn from(customer: Customer) -> Self {
        Self {
            id: customer.id.0,
            full_name: customer.full_name(),
            is_staff: customer.is_staff(),
            role: customer.role.as_str().to_owned(),
            email: customer.email.to_string(),
            phone_number: customer.phone_number.map(|phone| phone.to_string()),
            first_name: customer.first_name,
            last_name: customer.last_name,
            address: customer.address,
            city: customer.city,
            state: customer.state,
            country: customer.country,
            postal_code: customer.postal_code,
            is_verified: customer.is_verified,
            is_active: customer.is_active,
            email_notifications: customer.email_notifications,
            sms_notifications: customer.sms_notifications,
            created_at: customer.created_at,
            updated_at: customer.updated_at,
        }
    }
}

/// A signed-in session: the account and its new API key.
#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "Session")]
pub struct SessionBody {
    pub message: String,
    pub customer: CustomerBody,
    /// Send as `Authorization: Token <token>`.
    pub token: String,
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "Message")]
pub struct MessageBody {
    pub message: String,
}

#[derive(Debug, Serialize, Apiv2Schema)]
#[openapi(rename = "SuccessMessage")]
pub struct SuccessMessageBody {
    pub success: bool,
    pub message: String,
}
