//! The OrderFlow service: configuration, the wiring of adapters into use cases, and the `orderflow` command.
//! The library half exists so that integration tests start the real server exactly as `orderflow serve` does.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod build_info;
pub mod cli;
mod commands;
pub mod config;
pub mod logging;
pub mod oidc;
pub mod redact;
pub mod seed;
pub mod startup;
pub mod wiring;
pub mod worker;

pub use config::{Config, ConfigError};
pub use startup::Application;
