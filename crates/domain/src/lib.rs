//! OrderFlow's business rules.
//!
//! Entities, value types and policies, free of I/O and of any framework type: no diesel, no actix, no serde wire
//! formats. Every rule here is unit tested; adapters and use cases only call into it.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod catalogue;
pub mod identity;
pub mod notifications;
pub mod ordering;
pub mod text;
pub mod validation;
