//! OrderFlow's use cases, and the ports (traits) through which they reach storage, hashing, tokens and time.
//!
//! Each use case is a struct with an `execute` method and its own error enum; adapters (persistence, http, the
//! binary's wiring) implement or call these. Nothing here knows about diesel, actix or HTTP status codes.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod admin;
pub mod catalogue;
pub mod identity;
pub mod listing;
pub mod notifications;
pub mod ordering;
pub mod ports;
#[cfg(test)]
mod test_support;
pub mod validation;
pub mod webhooks;

pub use orderflow_domain as domain;
