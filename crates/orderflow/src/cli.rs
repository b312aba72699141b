//! The `orderflow` command.

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands;

#[derive(Debug, Parser)]
#[command(
    name = "orderflow",
    version,
    about = "OrderFlow order-management service"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API on HOST:PORT.
    Serve,
    /// Print the OpenAPI document (JSON) of the HTTP API.
    Openapi,
    /// Apply pending database migrations.
    Migrate,
    /// Create the database named in DATABASE_URL if it does not exist.
    SetupDb,
    /// Create an admin account, or update the role and password of the account with that email.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        first_name: String,
        #[arg(long)]
        last_name: String,
        #[arg(long, value_enum, default_value_t = AdminRole::Admin)]
        role: AdminRole,
    },
    /// Load demo data (idempotent): the demo catalogue, three customers and a super admin.
    Seed {
        /// Password of the demo super admin (admin@orderflow.com).
        #[arg(long, default_value = crate::seed::DEFAULT_ADMIN_PASSWORD)]
        admin_password: String,
    },
    /// Set the password of an existing account (all its tokens are revoked).
    SetAdminPassword {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum AdminRole {
    Staff,
    Admin,
    SuperAdmin,
}

impl AdminRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AdminRole::Staff => "staff",
            AdminRole::Admin => "admin",
            AdminRole::SuperAdmin => "super_admin",
        }
    }
}

pub use commands::run;
