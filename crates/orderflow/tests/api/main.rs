//! The HTTP API, end to end: the real server on a random port, against a fresh database per test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_accounts;
mod attempt_limits;
mod authentication;
mod browser;
mod categories;
mod customers;
mod headers_and_origin;
mod helpers;
mod hostile_bodies;
mod hostile_queries;
mod metrics;
mod notifications;
mod oidc;
mod oidc_tokens;
mod openapi;
mod orders;
mod pages_in_browser;
mod postman;
mod products;
mod service;
mod sms_caps;
mod timeouts;
mod transport;
mod webhook_delivery;
mod webhooks;
