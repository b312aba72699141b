//! Sign-up, sign-in, API tokens and the self-service profile.

mod attempts;
mod authenticate;
mod change_password;
mod close_account;
pub(crate) mod fields;
mod issue_token;
mod log_in;
mod log_out;
pub mod oidc;
mod register_customer;
mod update_profile;

pub use attempts::{AttemptCounter, AttemptLimits, Throttled};
pub use authenticate::{Authenticate, AuthenticateError, Principal};
pub use change_password::{ChangePassword, ChangePasswordError, ChangePasswordInput};
pub use close_account::{CloseAccount, CloseAccountError};
pub use issue_token::TokenIssuer;
pub use log_in::{LogIn, LogInError, LogInInput};
pub use log_out::LogOut;
pub use register_customer::{RegisterCustomer, RegisterCustomerError, RegisterCustomerInput};
pub use update_profile::{ProfileUpdateInput, UpdateProfile, UpdateProfileError};

use orderflow_domain::identity::Customer;

/// A signed-in session: the account and the API key handed to the client (shown once, stored only as a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub customer: Customer,
    pub token: String,
}
