//! The `orderflow` command.

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands;

#[derive(Debug, Parser)]
#[command(
    name = "orderflow",
    version = crate::build_info::VERSION_AND_COMMIT,
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
        /// Password of the demo super admin (admin@orderflow.com), set even if the account exists (its tokens
        /// are then revoked). Without it, a new admin gets a random password, printed once, and an existing
        /// admin keeps theirs.
        #[arg(long)]
        admin_password: Option<String>,
    },
    /// Deliver queued notifications (SMS and email) until stopped; SIGTERM or SIGINT let it finish the message in
    /// hand. `serve` runs one too, unless NOTIFY_WORKER=off.
    Worker,
    /// Report the notification queue and the workers seen in the last minute; exit 1 when delivery is stalled.
    WorkerStatus {
        /// Delivery counts as stalled when the oldest undelivered message has waited longer than this many
        /// seconds (default: NOTIFY_STALLED_AFTER_SECONDS, 300).
        #[arg(long)]
        stalled_after: Option<u64>,
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
