//! Account administration: staff listings, creating admins, and managing customers' accounts.

mod create_admin;
mod dashboard;
mod manage_customer;
mod queries;
mod set_password;

pub use create_admin::{CreateAdmin, CreateAdminError, CreateAdminInput, OnExistingAccount};
pub use dashboard::AdminDashboard;
pub use manage_customer::{CustomerAction, ManageCustomer, ManageCustomerError};
pub use queries::{CustomerDirectory, CustomerDirectoryError};
pub use set_password::{SetPassword, SetPasswordError};
