//! Who people are and what they may do: accounts, credentials, roles and API tokens.

mod attempt_limit;
mod customer;
mod email;
mod next_path;
mod password;
mod phone;
mod role;
mod token;

pub use attempt_limit::{AttemptLimit, LimitDecision};
pub use customer::{
    person_name, Customer, CustomerId, NewCustomer, ProfileChanges, DEFAULT_COUNTRY,
};
pub use email::{EmailAddress, EmailError};
pub use next_path::{ForeignRedirect, NextPath};
pub use password::{PasswordPolicy, PasswordViolation};
pub use phone::{PhoneNumber, PhoneNumberError};
pub use role::{Role, UnknownRole};
pub use token::TokenLifetime;
