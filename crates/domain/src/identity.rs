//! Who people are and what they may do: accounts, credentials, roles and API tokens.

mod customer;
mod email;
mod login_throttle;
mod next_path;
mod password;
mod phone;
mod role;
mod token;

pub use customer::{
    Customer, CustomerId, NewCustomer, PersonName, ProfileChanges, DEFAULT_COUNTRY,
};
pub use email::{EmailAddress, EmailError};
pub use login_throttle::{LoginThrottle, ThrottleDecision};
pub use next_path::{ForeignRedirect, NextPath};
pub use password::{PasswordPolicy, PasswordViolation};
pub use phone::{PhoneNumber, PhoneNumberError};
pub use role::{Role, UnknownRole};
pub use token::TokenLifetime;
